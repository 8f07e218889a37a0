/**
 * The epsilon-noisy policy: with probability epsilon a uniform random action, otherwise the base policy's.
 * With a closed-loop expert as the base (one that re-plans from the current state) this gives the
 * "novice" and "suboptimal" demonstrators of VLM-CaR's verification: they wander, then recover.
 */
import type { Env } from "../env/core.ts";
import { defaultRng, type NumpyGenerator } from "../env/minigrid/rng.ts";
import type { Policy } from "./policy.ts";

/** Named noise levels: the probability of a random action. */
export const NOISE_PRESETS = { novice: 0.5, suboptimal: 0.3 } as const;
export type NoisePreset = keyof typeof NOISE_PRESETS;

export class NoisyPolicy<Obs = unknown, Act = number> implements Policy<Obs, Act> {
  readonly name: string;
  readonly epsilon: number;
  private rng: NumpyGenerator;
  private readonly uniform = (): number => this.rng.random();

  /**
   * `noise` is epsilon in [0, 1] or a preset name. The base is asked only on the steps it acts, so it must
   * decide from the current state (as the experts do), not from a plan remembered between calls.
   */
  constructor(
    readonly base: Policy<Obs, Act>,
    noise: number | NoisePreset,
    seed = 0,
  ) {
    const epsilon = typeof noise === "string" ? NOISE_PRESETS[noise] : noise;
    if (epsilon === undefined || !(epsilon >= 0 && epsilon <= 1)) {
      throw new RangeError(
        `epsilon must be a number in [0, 1] or one of ${Object.keys(NOISE_PRESETS).join(", ")}; got ${String(noise)}`,
      );
    }
    this.epsilon = epsilon;
    this.name = typeof noise === "string" ? `${base.name}+${noise}` : `${base.name}+eps${epsilon}`;
    this.rng = defaultRng(seed);
  }

  reset(env: Env<Obs, Act>, seed?: number): void {
    if (seed !== undefined) this.rng = defaultRng(seed);
    this.base.reset(env, seed);
  }

  act(obs: Obs, env: Env<Obs, Act>): Act {
    // epsilon 0 draws nothing, so the noisy policy is then the base policy exactly.
    if (this.epsilon > 0 && this.rng.random() < this.epsilon) return env.actionSpace.sample(this.uniform);
    return this.base.act(obs, env);
  }
}
