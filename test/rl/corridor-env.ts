/**
 * A tiny corridor with MiniGrid's observation shape, so PPO can be tested without MiniGrid:
 * the agent starts in cell 0 of a corridor of `length` cells and reaches the goal at the far end by taking
 * action 2 ("forward") length − 1 times; the other six actions do nothing. Success pays MiniGrid's
 * `1 − 0.9 · steps / maxSteps` and terminates; the episode is truncated after maxSteps.
 * The 7×7×3 image puts the corridor on column j = 0: the agent code 10 at row i = position, the goal code 8
 * at the end, empty cells 1 elsewhere, unseen cells 0.
 */
import {
  BaseEnv,
  ObservationWrapper,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from "../../src/env/core.ts";
import { Box, type BoxArray, DictSpace, Discrete, TextSpace } from "../../src/env/spaces.ts";
import type { Frame } from "../../src/image/frame.ts";

export type CorridorObs = { image: Uint8Array; direction: number; mission: string };

export class CorridorEnv extends BaseEnv<CorridorObs> {
  readonly id = "Test-Corridor-v0";
  readonly observationSpace = new DictSpace<CorridorObs>({
    image: new Box(0, 255, [7, 7, 3], "uint8") as never,
    direction: new Discrete(4),
    mission: new TextSpace(),
  });
  readonly actionSpace = new Discrete(7);
  private position = 0;
  private steps = 0;

  constructor(
    readonly length = 5,
    readonly maxSteps = 20,
  ) {
    super();
  }

  protected doReset(_options: ResetOptions): ResetResult<CorridorObs> {
    this.position = 0;
    this.steps = 0;
    return { obs: this.observe(), info: {} };
  }

  protected doStep(action: number): StepResult<CorridorObs> {
    this.steps += 1;
    if (action === 2) this.position += 1;
    const success = this.position === this.length - 1;
    const reward = success ? 1 - (0.9 * this.steps) / this.maxSteps : 0;
    return {
      obs: this.observe(),
      reward,
      terminated: success,
      truncated: !success && this.steps >= this.maxSteps,
      info: {},
    };
  }

  private observe(): CorridorObs {
    const image = new Uint8Array(7 * 7 * 3);
    for (let i = 0; i < this.length && i < 7; i++) {
      image[(i * 7 + 0) * 3] = i === this.position ? 10 : i === this.length - 1 ? 8 : 1;
    }
    return { image, direction: 0, mission: "reach the end of the corridor" };
  }

  render(): Frame {
    return { width: 1, height: 1, data: new Uint8Array(3) };
  }
}

/**
 * The corridor seen as a 56×56 RGB image, like a 7×7 agent view rendered at 8 px per cell: cell i of the
 * corridor is the 8×8 block at rows 8i…8i+7, columns 0…7; red for the agent, green for the goal, grey floor.
 */
export class CorridorPixels extends ObservationWrapper<BoxArray, CorridorObs> {
  readonly observationSpace = new Box(0, 255, [56, 56, 3], "uint8");
  protected observation(obs: CorridorObs): BoxArray {
    const out = new Uint8Array(56 * 56 * 3);
    const colours: Record<number, number[]> = { 10: [255, 0, 0], 8: [0, 255, 0], 1: [100, 100, 100] };
    for (let i = 0; i < 7; i++) {
      const colour = colours[obs.image[i * 7 * 3]];
      if (!colour) continue;
      for (let y = 8 * i; y < 8 * i + 8; y++) {
        for (let x = 0; x < 8; x++) out.set(colour, (y * 56 + x) * 3);
      }
    }
    return out;
  }
}
