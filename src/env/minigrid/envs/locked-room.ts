/**
 * LockedRoom: six rooms off a central hallway; the goal is in the locked one. Fetch its key from the room the
 * mission names, unlock the door and reach the goal.
 */
import { COLOR_NAMES, type ColorName } from "../constants.ts";
import { Grid } from "../grid.ts";
import { MiniGridEnv, type MiniGridOptions } from "../minigrid-env.ts";
import { Door, Goal, Key, Wall } from "../objects.ts";

export class LockedRoomChamber {
  color: ColorName = "red";
  locked = false;
  constructor(
    readonly top: readonly [number, number],
    readonly size: readonly [number, number],
    readonly doorPos: readonly [number, number],
  ) {}
}

export interface LockedRoomOptions extends MiniGridOptions {
  size?: number;
}

export class LockedRoomEnv extends MiniGridEnv {
  rooms: LockedRoomChamber[] = [];
  lockedRoom: LockedRoomChamber | null = null;
  keyRoom: LockedRoomChamber | null = null;
  goalPos: [number, number] = [-1, -1];
  keyPos: [number, number] = [-1, -1];

  constructor(options: LockedRoomOptions = {}) {
    const size = options.size ?? 19;
    super({ width: size, height: size, maxSteps: 10 * size }, options, "MiniGrid-LockedRoom-v0");
  }

  /** A random cell inside the room's walls (x drawn first). */
  private roomPos(room: LockedRoomChamber): [number, number] {
    const [tx, ty] = room.top;
    const [sx, sy] = room.size;
    return this.randPos(tx + 1, tx + sx - 1, ty + 1, ty + sy - 1);
  }

  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height);
    for (let i = 0; i < width; i++) {
      this.grid.set(i, 0, new Wall());
      this.grid.set(i, height - 1, new Wall());
    }
    for (let j = 0; j < height; j++) {
      this.grid.set(0, j, new Wall());
      this.grid.set(width - 1, j, new Wall());
    }
    const lWall = (width >> 1) - 2;
    const rWall = (width >> 1) + 2;
    for (let j = 0; j < height; j++) {
      this.grid.set(lWall, j, new Wall());
      this.grid.set(rWall, j, new Wall());
    }

    this.rooms = [];
    const third = Math.floor(height / 3);
    for (let n = 0; n < 3; n++) {
      const j = n * third;
      for (let i = 0; i < lWall; i++) this.grid.set(i, j, new Wall());
      for (let i = rWall; i < width; i++) this.grid.set(i, j, new Wall());
      const roomW = lWall + 1;
      const roomH = third + 1;
      this.rooms.push(new LockedRoomChamber([0, j], [roomW, roomH], [lWall, j + 3]));
      this.rooms.push(new LockedRoomChamber([rWall, j], [roomW, roomH], [rWall, j + 3]));
    }

    const lockedRoom = this.randElem(this.rooms);
    lockedRoom.locked = true;
    this.lockedRoom = lockedRoom;
    this.goalPos = this.roomPos(lockedRoom);
    this.grid.set(this.goalPos[0], this.goalPos[1], new Goal());

    // Door colours are all different: each room draws from the colours still free, alphabetically.
    const free = [...COLOR_NAMES].sort();
    for (const room of this.rooms) {
      const color = this.randElem(free);
      free.splice(free.indexOf(color), 1);
      room.color = color;
      this.grid.set(room.doorPos[0], room.doorPos[1], new Door(color, { isLocked: room.locked }));
    }

    let keyRoom: LockedRoomChamber;
    do keyRoom = this.randElem(this.rooms);
    while (keyRoom === lockedRoom);
    this.keyRoom = keyRoom;
    this.keyPos = this.roomPos(keyRoom);
    this.grid.set(this.keyPos[0], this.keyPos[1], new Key(lockedRoom.color));

    this.placeAgent([lWall, 0], [rWall - lWall, height]);
    this.mission =
      `get the ${lockedRoom.color} key from the ${keyRoom.color} room, ` +
      `unlock the ${lockedRoom.color} door and go to the goal`;
  }
}
