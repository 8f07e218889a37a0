/**
 * A 2-D point mass that must reach a goal, shaped like panda-gym's goal-conditioned envs, so the continuous
 * PPO can be tested without Panda: the observation is `{ observation, achieved_goal, desired_goal }`, the
 * action a Box(−1, 1, [2]) velocity command, the reward −distance to the goal after the move (panda-gym's
 * dense reward), success (distance < 0.1) terminates with `info.is_success`, and 30 steps truncate.
 * Each move is `speed × action`; start and goal are uniform in [−1, 1]², drawn from the reset seed.
 */
import { BaseEnv, type ResetOptions, type ResetResult, type StepResult } from "../../src/env/core.ts";
import { Box, type BoxArray, DictSpace } from "../../src/env/spaces.ts";
import type { Frame } from "../../src/image/frame.ts";
import { Rng } from "../../src/rl/rng.ts";

export type PointMassObs = {
  observation: Float32Array;
  achieved_goal: Float32Array;
  desired_goal: Float32Array;
};

export class PointMassEnv extends BaseEnv<PointMassObs, BoxArray> {
  readonly id = "Test-PointMass-v0";
  readonly observationSpace = new DictSpace<PointMassObs>({
    observation: new Box(-1, 1, [2]) as never,
    achieved_goal: new Box(-1, 1, [2]) as never,
    desired_goal: new Box(-1, 1, [2]) as never,
  });
  readonly actionSpace = new Box(-1, 1, [2]);
  private rng = new Rng(0, 5);
  private readonly position = new Float64Array(2);
  private readonly goal = new Float64Array(2);
  private steps = 0;

  constructor(
    readonly maxSteps = 30,
    readonly speed = 0.2,
  ) {
    super();
  }

  protected doReset(options: ResetOptions): ResetResult<PointMassObs> {
    if (options.seed !== undefined) this.rng = new Rng(options.seed, 5);
    for (let j = 0; j < 2; j++) {
      this.position[j] = 2 * this.rng.uniform() - 1;
      this.goal[j] = 2 * this.rng.uniform() - 1;
    }
    this.steps = 0;
    return { obs: this.observe(), info: {} };
  }

  protected doStep(action: BoxArray): StepResult<PointMassObs> {
    this.steps += 1;
    for (let j = 0; j < 2; j++)
      this.position[j] = Math.min(1, Math.max(-1, this.position[j] + this.speed * action[j]));
    const distance = Math.hypot(this.position[0] - this.goal[0], this.position[1] - this.goal[1]);
    const success = distance < 0.1;
    return {
      obs: this.observe(),
      reward: -distance,
      terminated: success,
      truncated: !success && this.steps >= this.maxSteps,
      info: { is_success: success },
    };
  }

  private observe(): PointMassObs {
    return {
      observation: Float32Array.from(this.position),
      achieved_goal: Float32Array.from(this.position),
      desired_goal: Float32Array.from(this.goal),
    };
  }

  render(): Frame {
    return { width: 1, height: 1, data: new Uint8Array(3) };
  }
}
