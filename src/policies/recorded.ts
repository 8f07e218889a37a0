/**
 * Recorded demonstrations as a policy: the actions a person (or any other program) took on each seed, played
 * back. With `collectTrajectories` it turns demonstrations into a trajectory set that verification uses in
 * place of an expert, for an env that has none (docs/PLUGINS.md):
 *
 *   const policy = new RecordedPolicy({ 0: [1, 1, 3, 3], 1: [0, 3, 3, 1] });
 *   const set = collectTrajectories({ envId, policy, episodes: 2, seedBase: 0 });
 *   saveTrajectories("demos/expert", set);   // then: vlmcar verify --expert-set demos/expert
 */
import { type Env, EnvError } from "../env/core.ts";
import type { Policy } from "./policy.ts";

export class RecordedPolicy<Act = number> implements Policy<unknown, Act> {
  readonly name: string;
  private actions: readonly Act[] = [];
  private step = 0;
  private seed: number | undefined;

  /** `episodes`: seed → the actions of that seed's episode, in order. */
  constructor(
    private readonly episodes: Readonly<Record<number, readonly Act[]>>,
    name = "recorded",
  ) {
    this.name = name;
  }

  reset(_env: Env<unknown, Act>, seed?: number): void {
    const actions = seed === undefined ? undefined : this.episodes[seed];
    if (actions === undefined) {
      const known = Object.keys(this.episodes).join(", ") || "none";
      throw new EnvError(`no recorded episode for seed ${seed}; recorded seeds: ${known}`);
    }
    this.seed = seed;
    this.actions = actions;
    this.step = 0;
  }

  act(_obs: unknown, env: Env<unknown, Act>): Act {
    if (this.step >= this.actions.length) {
      throw new EnvError(
        `the recorded episode of seed ${this.seed} on ${env.id} has ${this.actions.length} actions, and the env ` +
          "has not ended: the recording does not match this env or seed",
      );
    }
    return this.actions[this.step++];
  }
}
