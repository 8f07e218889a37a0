/** RedBlueDoors: open the red door, then the blue one; opening the blue door first ends the episode unpaid. */
import type { StepResult } from "../../core.ts";
import { Grid } from "../grid.ts";
import { MiniGridEnv, type MiniGridObs, type MiniGridOptions } from "../minigrid-env.ts";
import { Door } from "../objects.ts";

export interface RedBlueDoorsOptions extends MiniGridOptions {
  size?: number;
}

export class RedBlueDoorEnv extends MiniGridEnv {
  readonly size: number;
  redDoor: Door = new Door("red");
  blueDoor: Door = new Door("blue");

  constructor(options: RedBlueDoorsOptions = {}) {
    const size = options.size ?? 8;
    super(
      { width: 2 * size, height: size, maxSteps: 20 * size * size },
      options,
      `MiniGrid-RedBlueDoors-${size}x${size}-v0`,
    );
    this.size = size;
  }

  protected genGrid(width: number, height: number): void {
    const size = this.size;
    const half = size >> 1;
    this.grid = new Grid(width, height);
    this.grid.wallRect(0, 0, 2 * size, size);
    this.grid.wallRect(half, 0, size, size);
    this.placeAgent([half, 0], [size, size]);
    this.redDoor = new Door("red");
    this.grid.set(half, this.randInt(1, size - 1), this.redDoor);
    this.blueDoor = new Door("blue");
    this.grid.set(half + size - 1, this.randInt(1, size - 1), this.blueDoor);
    this.mission = "open the red door then the blue door";
  }

  protected override doStep(action: number): StepResult<MiniGridObs> {
    const redBefore = this.redDoor.isOpen;
    const blueBefore = this.blueDoor.isOpen;
    const result = super.doStep(action);
    if (this.blueDoor.isOpen) {
      if (redBefore) {
        this.succeed(result);
      } else {
        result.reward = 0;
        result.terminated = true;
      }
    } else if (this.redDoor.isOpen && blueBefore) {
      result.reward = 0;
      result.terminated = true;
    }
    return result;
  }
}
