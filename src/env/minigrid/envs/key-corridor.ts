/**
 * KeyCorridor: a corridor of rooms down the middle column; the object sits behind a locked door on the right,
 * its key in a room on the left, and other rooms are joined by random unlocked doors.
 */
import type { StepResult } from "../../core.ts";
import { Actions } from "../constants.ts";
import type { MiniGridObs, MiniGridOptions } from "../minigrid-env.ts";
import type { Door, Key, WorldObj } from "../objects.ts";
import { LEFT, RoomGrid, type RoomObjectKind, UP } from "../room-grid.ts";

export interface KeyCorridorOptions extends MiniGridOptions {
  numRows?: number;
  roomSize?: number;
  objType?: RoomObjectKind;
}

export class KeyCorridorEnv extends RoomGrid {
  readonly objType: RoomObjectKind;
  /** The object to pick up, the locked door in front of it and its key. */
  obj: WorldObj | null = null;
  door: Door | null = null;
  key: Key | null = null;

  constructor(options: KeyCorridorOptions = {}) {
    const numRows = options.numRows ?? 3;
    const roomSize = options.roomSize ?? 6;
    super(
      { roomSize, numRows, numCols: 3, maxSteps: 30 * roomSize ** 2 },
      options,
      `MiniGrid-KeyCorridorS${roomSize}R${numRows}-v0`,
    );
    this.objType = options.objType ?? "ball";
  }

  protected override genGrid(width: number, height: number): void {
    super.genGrid(width, height);
    // The middle column becomes one hallway.
    for (let j = 1; j < this.numRows; j++) this.removeWall(1, j, UP);

    const roomIdx = this.randInt(0, this.numRows);
    const [door] = this.addDoor(2, roomIdx, LEFT, undefined, true);
    this.door = door;
    this.obj = this.addObject(2, roomIdx, this.objType)[0];
    const keyRow = this.randInt(0, this.numRows);
    this.key = this.addObject(0, keyRow, "key", door.color)[0] as Key;

    this.placeAgentInRoom(1, this.numRows >> 1);
    this.connectAll();
    this.mission = `pick up the ${this.obj.color} ${this.obj.type}`;
  }

  protected override doStep(action: number): StepResult<MiniGridObs> {
    const result = super.doStep(action);
    if (action === Actions.pickup && this.carrying !== null && this.carrying === this.obj)
      this.succeed(result);
    return result;
  }
}
