/** Unlock: two rooms joined by a locked door; open it with the key from the agent's room. */
import type { StepResult } from "../../core.ts";
import { Actions } from "../constants.ts";
import type { MiniGridObs, MiniGridOptions } from "../minigrid-env.ts";
import type { Door, Key } from "../objects.ts";
import { RIGHT, RoomGrid } from "../room-grid.ts";

const ROOM_SIZE = 6;

export class UnlockEnv extends RoomGrid {
  door: Door | null = null;
  key: Key | null = null;

  constructor(options: MiniGridOptions = {}) {
    super(
      { roomSize: ROOM_SIZE, numRows: 1, numCols: 2, maxSteps: 8 * ROOM_SIZE ** 2 },
      options,
      "MiniGrid-Unlock-v0",
    );
  }

  protected override genGrid(width: number, height: number): void {
    super.genGrid(width, height);
    const [door] = this.addDoor(0, 0, RIGHT, undefined, true);
    this.door = door;
    this.key = this.addObject(0, 0, "key", door.color)[0] as Key;
    this.placeAgentInRoom(0, 0);
    this.mission = "open the door";
  }

  protected override doStep(action: number): StepResult<MiniGridObs> {
    const result = super.doStep(action);
    // Farama checks the door after any toggle, whatever the agent toggled.
    if (action === Actions.toggle && this.door?.isOpen) this.succeed(result);
    return result;
  }
}
