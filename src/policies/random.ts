/**
 * The uniform random policy: every action of the env's action space equally likely, whatever the state.
 * It draws from its own numpy-exact generator, so a seed fixes its actions independently of the env's.
 */
import type { Env } from "../env/core.ts";
import { defaultRng, type NumpyGenerator } from "../env/minigrid/rng.ts";
import type { Policy } from "./policy.ts";

export class RandomPolicy<Obs = unknown, Act = number> implements Policy<Obs, Act> {
  readonly name = "random";
  private rng: NumpyGenerator;
  private readonly uniform = (): number => this.rng.random();

  /** `seed` is used until reset() is given another one. */
  constructor(seed = 0) {
    this.rng = defaultRng(seed);
  }

  reset(_env: Env<Obs, Act>, seed?: number): void {
    if (seed !== undefined) this.rng = defaultRng(seed);
  }

  act(_obs: Obs, env: Env<Obs, Act>): Act {
    return env.actionSpace.sample(this.uniform);
  }
}
