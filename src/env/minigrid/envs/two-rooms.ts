/**
 * What Unlock, UnlockPickup and BlockedUnlockPickup share: two 6x6 rooms side by side, a locked door in the
 * wall between them and its key in the agent's room. Each env places them itself in genGrid, in Farama's
 * order, so that the random draws (and so the layouts) stay those of MiniGrid.
 */
import type { StepResult } from "../../core.ts";
import { Actions } from "../constants.ts";
import type { MiniGridObs, MiniGridOptions } from "../minigrid-env.ts";
import type { Door, Key, WorldObj } from "../objects.ts";
import { RoomGrid } from "../room-grid.ts";

const ROOM_SIZE = 6;

export abstract class TwoRoomsEnv extends RoomGrid {
  /** The locked door between the rooms, and its key. */
  door: Door | null = null;
  key: Key | null = null;
  /** The object the mission asks to pick up; picking it up is the success. Unlock has none: its goal is the door. */
  obj: WorldObj | null = null;

  /** `maxStepsPerCell` times the 36 cells of a room is Farama's step limit. */
  constructor(id: string, maxStepsPerCell: number, options: MiniGridOptions) {
    super(
      { roomSize: ROOM_SIZE, numRows: 1, numCols: 2, maxSteps: maxStepsPerCell * ROOM_SIZE ** 2 },
      options,
      id,
    );
  }

  protected override doStep(action: number): StepResult<MiniGridObs> {
    const result = super.doStep(action);
    if (action === Actions.pickup && this.obj !== null && this.carrying === this.obj) this.succeed(result);
    return result;
  }
}
