/**
 * The policy contract: something that picks an action each step.
 *
 *   policy.reset(env, seed)     once per episode, after env.reset()
 *   policy.act(obs, env)        once per step, before env.step()
 *
 * Learned and random policies read only `obs`. Experts are privileged: they read the env's true state
 * (MiniGrid's grid, the agent's pose, what it carries) by unwrapping wrappers with `unwrap` from
 * src/env/core.ts, so they work the same under any observation wrapper.
 */
import type { Env } from "../env/core.ts";

export interface Policy<Obs = unknown, Act = number> {
  /** Shown in trajectory files and reports, e.g. "expert", "random", "expert+eps0.3". */
  readonly name: string;
  /** Starts an episode. A seed makes the policy's own randomness reproducible; without one it continues. */
  reset(env: Env<Obs, Act>, seed?: number): void;
  act(obs: Obs, env: Env<Obs, Act>): Act;
}
