/**
 * MultiRoom: a chain of rooms of random sizes joined by closed doors; traverse them to the goal in the last.
 * The chain is grown recursively with retries, drawing exactly as Farama's `_placeRoom` does.
 */
import { COLOR_NAMES, type ColorName } from "../constants.ts";
import { Grid } from "../grid.ts";
import { MiniGridEnv, type MiniGridOptions } from "../minigrid-env.ts";
import { Door, Goal, Wall } from "../objects.ts";

export class ChainRoom {
  constructor(
    readonly top: readonly [number, number],
    readonly size: readonly [number, number],
    readonly entryDoorPos: readonly [number, number],
    public exitDoorPos: readonly [number, number] | null,
  ) {}
}

export interface MultiRoomOptions extends MiniGridOptions {
  minNumRooms?: number;
  maxNumRooms?: number;
  maxRoomSize?: number;
  width?: number;
  height?: number;
}

export class MultiRoomEnv extends MiniGridEnv {
  readonly minNumRooms: number;
  readonly maxNumRooms: number;
  readonly maxRoomSize: number;
  rooms: ChainRoom[] = [];
  /** The doors in chain order (the entry door of rooms 1..n-1). */
  doors: Door[] = [];
  goalPos: [number, number] = [-1, -1];

  constructor(options: MultiRoomOptions = {}) {
    const minNumRooms = options.minNumRooms ?? 2;
    const maxNumRooms = options.maxNumRooms ?? minNumRooms;
    const maxRoomSize = options.maxRoomSize ?? 10;
    if (!(minNumRooms > 0 && maxNumRooms >= minNumRooms && maxRoomSize >= 4)) {
      throw new RangeError(
        `MultiRoom needs 0 < minNumRooms <= maxNumRooms and maxRoomSize >= 4, got ${minNumRooms}, ${maxNumRooms}, ${maxRoomSize}`,
      );
    }
    super(
      { width: options.width ?? 25, height: options.height ?? 25, maxSteps: maxNumRooms * 20 },
      options,
      `MiniGrid-MultiRoom-N${maxNumRooms}-S${maxRoomSize}-v0`,
    );
    this.minNumRooms = minNumRooms;
    this.maxNumRooms = maxNumRooms;
    this.maxRoomSize = maxRoomSize;
  }

  protected genGrid(width: number, height: number): void {
    let roomList: ChainRoom[] = [];
    const numRooms = this.randInt(this.minNumRooms, this.maxNumRooms + 1);
    while (roomList.length < numRooms) {
      const attempt: ChainRoom[] = [];
      // Farama draws both coordinates of the first door below width - 2.
      const entry: [number, number] = [this.randInt(0, width - 2), this.randInt(0, width - 2)];
      this.placeRoom(numRooms, attempt, 4, this.maxRoomSize, 2, entry);
      if (attempt.length > roomList.length) roomList = attempt;
    }
    this.rooms = roomList;

    this.grid = new Grid(width, height);
    this.doors = [];
    let prevColor: ColorName | null = null;
    roomList.forEach((room, idx) => {
      const [tx, ty] = room.top;
      const [sx, sy] = room.size;
      for (let i = 0; i < sx; i++) {
        this.grid.set(tx + i, ty, new Wall());
        this.grid.set(tx + i, ty + sy - 1, new Wall());
      }
      for (let j = 0; j < sy; j++) {
        this.grid.set(tx, ty + j, new Wall());
        this.grid.set(tx + sx - 1, ty + j, new Wall());
      }
      if (idx > 0) {
        // A colour different from the previous door's, drawn from the rest in alphabetical order.
        const colors = COLOR_NAMES.filter((c) => c !== prevColor);
        const color = this.randElem(colors);
        const door = new Door(color);
        this.grid.set(room.entryDoorPos[0], room.entryDoorPos[1], door);
        this.doors.push(door);
        prevColor = color;
        roomList[idx - 1].exitDoorPos = room.entryDoorPos;
      }
    });

    this.placeAgent(roomList[0].top, roomList[0].size);
    const last = roomList[roomList.length - 1];
    this.goalPos = this.placeObj(new Goal(), last.top, last.size);
    this.mission = "traverse the rooms to get to the goal";
  }

  /**
   * Tries to add a room entered through `entryDoorPos` on wall `entryDoorWall` (0 right, 1 down, 2 left,
   * 3 up), then up to eight times to grow the chain from one of its other walls. Returns false if the room
   * itself does not fit.
   */
  private placeRoom(
    numLeft: number,
    roomList: ChainRoom[],
    minSz: number,
    maxSz: number,
    entryDoorWall: number,
    entryDoorPos: readonly [number, number],
  ): boolean {
    const sizeX = this.randInt(minSz, maxSz + 1);
    const sizeY = this.randInt(minSz, maxSz + 1);
    let topX: number;
    let topY: number;
    if (roomList.length === 0) {
      [topX, topY] = entryDoorPos;
    } else if (entryDoorWall === 0) {
      topX = entryDoorPos[0] - sizeX + 1;
      const y = entryDoorPos[1];
      topY = this.randInt(y - sizeY + 2, y);
    } else if (entryDoorWall === 1) {
      const x = entryDoorPos[0];
      topX = this.randInt(x - sizeX + 2, x);
      topY = entryDoorPos[1] - sizeY + 1;
    } else if (entryDoorWall === 2) {
      topX = entryDoorPos[0];
      const y = entryDoorPos[1];
      topY = this.randInt(y - sizeY + 2, y);
    } else {
      const x = entryDoorPos[0];
      topX = this.randInt(x - sizeX + 2, x);
      topY = entryDoorPos[1];
    }

    if (topX < 0 || topY < 0) return false;
    // Farama's bounds test, asymmetric as it is (>= on the height).
    if (topX + sizeX > this.width || topY + sizeY >= this.height) return false;
    // Rooms may share a wall with the previous room only.
    for (const room of roomList.slice(0, -1)) {
      const apart =
        topX + sizeX < room.top[0] ||
        room.top[0] + room.size[0] <= topX ||
        topY + sizeY < room.top[1] ||
        room.top[1] + room.size[1] <= topY;
      if (!apart) return false;
    }

    roomList.push(new ChainRoom([topX, topY], [sizeX, sizeY], entryDoorPos, null));
    if (numLeft === 1) return true;

    for (let attempt = 0; attempt < 8; attempt++) {
      const walls = [0, 1, 2, 3].filter((w) => w !== entryDoorWall);
      const exitDoorWall = this.randElem(walls);
      const nextEntryWall = (exitDoorWall + 2) % 4;
      let exitDoorPos: [number, number];
      if (exitDoorWall === 0) exitDoorPos = [topX + sizeX - 1, topY + this.randInt(1, sizeY - 1)];
      else if (exitDoorWall === 1) exitDoorPos = [topX + this.randInt(1, sizeX - 1), topY + sizeY - 1];
      else if (exitDoorWall === 2) exitDoorPos = [topX, topY + this.randInt(1, sizeY - 1)];
      else exitDoorPos = [topX + this.randInt(1, sizeX - 1), topY];
      if (this.placeRoom(numLeft - 1, roomList, minSz, maxSz, nextEntryWall, exitDoorPos)) break;
    }
    return true;
  }
}
