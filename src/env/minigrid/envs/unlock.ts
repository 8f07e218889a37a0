/** Unlock: two rooms joined by a locked door; open it with the key from the agent's room. */
import type { StepResult } from "../../core.ts";
import { Actions } from "../constants.ts";
import type { MiniGridObs, MiniGridOptions } from "../minigrid-env.ts";
import type { Key } from "../objects.ts";
import { RIGHT } from "../room-grid.ts";
import { TwoRoomsEnv } from "./two-rooms.ts";

export class UnlockEnv extends TwoRoomsEnv {
  constructor(options: MiniGridOptions = {}) {
    super("MiniGrid-Unlock-v0", 8, options);
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
