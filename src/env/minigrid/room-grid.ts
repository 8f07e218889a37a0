/**
 * RoomGrid: a grid of square rooms sharing walls, with door slots between neighbours (Farama's `roomgrid.py`).
 * KeyCorridor, Unlock, UnlockPickup and BlockedUnlockPickup build on it. Every random draw happens in the
 * same order as Farama's, including the door slots drawn for every room before anything else, so layouts
 * match for the same seed.
 */
import { COLOR_NAMES, type ColorName, OBJECT_TO_IDX } from "./constants.ts";
import { Grid } from "./grid.ts";
import { MiniGridEnv, type MiniGridOptions } from "./minigrid-env.ts";
import { Ball, Box, Door, Key, type WorldObj } from "./objects.ts";

/** Wall sides in Farama's order: right, down, left, up (the same as the agent's directions). */
export const RIGHT = 0;
export const DOWN = 1;
export const LEFT = 2;
export const UP = 3;

export type RoomObjectKind = "key" | "ball" | "box";

export class Room {
  /** Per side: the Door, `true` where the wall was removed, null where the rooms are not connected. */
  readonly doors: (Door | true | null)[] = [null, null, null, null];
  /** Per side: the cell a door on that side would occupy, or null on the grid's edge. */
  readonly doorPos: ([number, number] | null)[] = [null, null, null, null];
  readonly neighbors: (Room | null)[] = [null, null, null, null];
  /** Whether the last door added from this room was locked (Farama's `room.locked`). */
  locked = false;
  readonly objs: WorldObj[] = [];

  constructor(
    readonly top: readonly [number, number],
    readonly size: readonly [number, number],
  ) {}

  /** Whether (x, y) lies within this room, walls included. */
  posInside(x: number, y: number): boolean {
    return (
      x >= this.top[0] && y >= this.top[1] && x < this.top[0] + this.size[0] && y < this.top[1] + this.size[1]
    );
  }
}

export interface RoomGridShape {
  roomSize: number;
  numRows: number;
  numCols: number;
  maxSteps: number;
}

export abstract class RoomGrid extends MiniGridEnv {
  readonly roomSize: number;
  readonly numRows: number;
  readonly numCols: number;
  /** rooms[j][i]: row j, column i. */
  rooms: Room[][] = [];

  constructor(shape: RoomGridShape, options: MiniGridOptions, defaultId: string) {
    const { roomSize, numRows, numCols } = shape;
    if (!(roomSize >= 3 && numRows > 0 && numCols > 0)) {
      throw new RangeError(
        `RoomGrid needs roomSize >= 3 and at least one row and column, got ${roomSize}, ${numRows}x${numCols}`,
      );
    }
    super(
      {
        width: (roomSize - 1) * numCols + 1,
        height: (roomSize - 1) * numRows + 1,
        maxSteps: shape.maxSteps,
        seeThroughWalls: false,
      },
      options,
      defaultId,
    );
    this.roomSize = roomSize;
    this.numRows = numRows;
    this.numCols = numCols;
  }

  getRoom(i: number, j: number): Room {
    if (!(i >= 0 && i < this.numCols && j >= 0 && j < this.numRows)) {
      throw new RangeError(`room (${i}, ${j}) is outside the ${this.numCols}x${this.numRows} room grid`);
    }
    return this.rooms[j][i];
  }

  roomFromPos(x: number, y: number): Room {
    return this.getRoom(Math.floor(x / (this.roomSize - 1)), Math.floor(y / (this.roomSize - 1)));
  }

  /** Room walls, then a door slot on every inner wall, then the agent's placeholder pose in the middle room. */
  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height);
    const step = this.roomSize - 1;
    this.rooms = [];
    for (let j = 0; j < this.numRows; j++) {
      const row: Room[] = [];
      for (let i = 0; i < this.numCols; i++) {
        const room = new Room([i * step, j * step], [this.roomSize, this.roomSize]);
        row.push(room);
        this.grid.wallRect(room.top[0], room.top[1], room.size[0], room.size[1]);
      }
      this.rooms.push(row);
    }
    for (let j = 0; j < this.numRows; j++) {
      for (let i = 0; i < this.numCols; i++) {
        const room = this.rooms[j][i];
        const xl = room.top[0] + 1;
        const yl = room.top[1] + 1;
        const xm = room.top[0] + room.size[0] - 1;
        const ym = room.top[1] + room.size[1] - 1;
        if (i < this.numCols - 1) {
          room.neighbors[RIGHT] = this.rooms[j][i + 1];
          room.doorPos[RIGHT] = [xm, this.randInt(yl, ym)];
        }
        if (j < this.numRows - 1) {
          room.neighbors[DOWN] = this.rooms[j + 1][i];
          room.doorPos[DOWN] = [this.randInt(xl, xm), ym];
        }
        if (i > 0) {
          room.neighbors[LEFT] = this.rooms[j][i - 1];
          room.doorPos[LEFT] = this.rooms[j][i - 1].doorPos[RIGHT];
        }
        if (j > 0) {
          room.neighbors[UP] = this.rooms[j - 1][i];
          room.doorPos[UP] = this.rooms[j - 1][i].doorPos[DOWN];
        }
      }
    }
    // A placeholder pose: objects placed before placeAgentInRoom keep away from it (rejectNextTo).
    this.agentX = (this.numCols >> 1) * step + (this.roomSize >> 1);
    this.agentY = (this.numRows >> 1) * step + (this.roomSize >> 1);
    this.agentDir = 0;
  }

  /** Farama's `reject_next_to`: refuses cells at Manhattan distance < 2 from the agent. */
  protected readonly rejectNextTo = (x: number, y: number): boolean =>
    Math.abs(this.agentX - x) + Math.abs(this.agentY - y) < 2;

  placeInRoom<T extends WorldObj>(i: number, j: number, obj: T): [T, [number, number]] {
    const room = this.getRoom(i, j);
    const pos = this.placeObj(obj, room.top, room.size, this.rejectNextTo, 1000);
    room.objs.push(obj);
    return [obj, pos];
  }

  /** Adds a key, ball or box (kind and colour drawn at random when not given) to room (i, j). */
  addObject(i: number, j: number, kind?: RoomObjectKind, color?: ColorName): [WorldObj, [number, number]] {
    const k = kind ?? this.randElem<RoomObjectKind>(["key", "ball", "box"]);
    const c = color ?? this.randColor();
    const obj = k === "key" ? new Key(c) : k === "ball" ? new Ball(c) : new Box(c);
    return this.placeInRoom(i, j, obj);
  }

  /**
   * Puts a door in room (i, j)'s wall `doorIdx` (drawn among free sides with a neighbour when not given),
   * with a random colour and lock state unless given.
   */
  addDoor(
    i: number,
    j: number,
    doorIdx?: number,
    color?: ColorName,
    locked?: boolean,
  ): [Door, [number, number]] {
    const room = this.getRoom(i, j);
    let side = doorIdx;
    if (side === undefined) {
      do side = this.randInt(0, 4);
      while (!(room.neighbors[side] && room.doors[side] === null));
    }
    const c = color ?? this.randColor();
    const isLocked = locked ?? this.randBool();
    if (room.doors[side] !== null)
      throw new RangeError(`room (${i}, ${j}) already has a door on side ${side}`);
    const pos = room.doorPos[side];
    const neighbor = room.neighbors[side];
    if (pos === null || neighbor === null)
      throw new RangeError(`room (${i}, ${j}) has no neighbour on side ${side}`);
    room.locked = isLocked;
    const door = new Door(c, { isLocked });
    this.grid.set(pos[0], pos[1], door);
    room.doors[side] = door;
    neighbor.doors[(side + 2) % 4] = door;
    return [door, pos];
  }

  /** Opens the whole wall between room (i, j) and its neighbour on side `wallIdx`. */
  removeWall(i: number, j: number, wallIdx: number): void {
    const room = this.getRoom(i, j);
    const neighbor = room.neighbors[wallIdx];
    if (room.doors[wallIdx] !== null) throw new RangeError(`room (${i}, ${j}) has a door on side ${wallIdx}`);
    if (!neighbor) throw new RangeError(`room (${i}, ${j}) has no neighbour on side ${wallIdx}`);
    const [tx, ty] = room.top;
    const [w, h] = room.size;
    if (wallIdx === RIGHT) for (let k = 1; k < h - 1; k++) this.grid.set(tx + w - 1, ty + k, null);
    else if (wallIdx === DOWN) for (let k = 1; k < w - 1; k++) this.grid.set(tx + k, ty + h - 1, null);
    else if (wallIdx === LEFT) for (let k = 1; k < h - 1; k++) this.grid.set(tx, ty + k, null);
    else for (let k = 1; k < w - 1; k++) this.grid.set(tx + k, ty, null);
    room.doors[wallIdx] = true;
    neighbor.doors[(wallIdx + 2) % 4] = true;
  }

  /**
   * Places the agent in room (i, j) (drawn when not given), retrying until the cell it faces is empty or a
   * wall, so it never starts staring at an object (Farama's `RoomGrid.place_agent`).
   */
  placeAgentInRoom(i?: number, j?: number, randDir = true): [number, number] {
    const ri = i ?? this.randInt(0, this.numCols);
    const rj = j ?? this.randInt(0, this.numRows);
    const room = this.rooms[rj][ri];
    for (;;) {
      this.placeAgent(room.top, room.size, randDir, 1000);
      const [fx, fy] = this.frontPos;
      const front = this.grid.typeAt(fx, fy);
      if (front === OBJECT_TO_IDX.empty || front === OBJECT_TO_IDX.wall) return [this.agentX, this.agentY];
    }
  }

  /** Adds unlocked doors at random until every room is reachable from the agent's (Farama's `connect_all`). */
  connectAll(doorColors: readonly ColorName[] = COLOR_NAMES, maxIterations = 5000): Door[] {
    const start = this.roomFromPos(this.agentX, this.agentY);
    const total = this.numRows * this.numCols;
    const added: Door[] = [];
    for (let iteration = 0; ; iteration++) {
      if (iteration > maxIterations)
        throw new RangeError(`${this.id}: connectAll failed to connect the rooms`);
      if (reachableRooms(start) === total) return added;
      const i = this.randInt(0, this.numCols);
      const j = this.randInt(0, this.numRows);
      const k = this.randInt(0, 4);
      const room = this.getRoom(i, j);
      if (!room.doorPos[k] || room.doors[k]) continue;
      const neighbor = room.neighbors[k];
      if (room.locked || neighbor?.locked) continue;
      const color = this.randElem(doorColors);
      added.push(this.addDoor(i, j, k, color, false)[0]);
    }
  }
}

/** How many rooms are reachable from `start` through doors (locked or not) and removed walls. */
function reachableRooms(start: Room): number {
  const seen = new Set<Room>();
  const stack = [start];
  while (stack.length > 0) {
    const room = stack.pop()!;
    if (seen.has(room)) continue;
    seen.add(room);
    for (let k = 0; k < 4; k++) if (room.doors[k]) stack.push(room.neighbors[k]!);
  }
  return seen.size;
}
