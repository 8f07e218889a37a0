/** BlockedUnlockPickup: as UnlockPickup, but a ball blocks the door and must be moved first. */
import type { StepResult } from "../../core.ts";
import { Actions } from "../constants.ts";
import type { MiniGridObs, MiniGridOptions } from "../minigrid-env.ts";
import { Ball, type Door, type Key, type WorldObj } from "../objects.ts";
import { RIGHT, RoomGrid } from "../room-grid.ts";

const ROOM_SIZE = 6;

export class BlockedUnlockPickupEnv extends RoomGrid {
  /** The box to pick up. */
  obj: WorldObj | null = null;
  door: Door | null = null;
  key: Key | null = null;
  /** The ball in front of the door. */
  blocker: Ball | null = null;

  constructor(options: MiniGridOptions = {}) {
    super(
      { roomSize: ROOM_SIZE, numRows: 1, numCols: 2, maxSteps: 16 * ROOM_SIZE ** 2 },
      options,
      "MiniGrid-BlockedUnlockPickup-v0",
    );
  }

  protected override genGrid(width: number, height: number): void {
    super.genGrid(width, height);
    this.obj = this.addObject(1, 0, "box")[0];
    const [door, pos] = this.addDoor(0, 0, RIGHT, undefined, true);
    this.door = door;
    this.blocker = new Ball(this.randColor());
    this.grid.set(pos[0] - 1, pos[1], this.blocker);
    this.key = this.addObject(0, 0, "key", door.color)[0] as Key;
    this.placeAgentInRoom(0, 0);
    this.mission = `pick up the ${this.obj.color} ${this.obj.type}`;
  }

  protected override doStep(action: number): StepResult<MiniGridObs> {
    const result = super.doStep(action);
    if (action === Actions.pickup && this.carrying !== null && this.carrying === this.obj)
      this.succeed(result);
    return result;
  }
}
