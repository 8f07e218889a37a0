/**
 * A synchronous vector env: N copies stepped in lockstep, with Gymnasium's auto-reset.
 * When copy i ends, its terminal observation and info are kept in `finalObs[i]` / `finalInfo[i]`
 * and it is reset at once (seedless, continuing its own stream), so `obs[i]` is the new episode's first one.
 * Copies are seeded `seed + i` on the first seeded reset, as Gymnasium's vector envs do.
 */
import type { Env, Info } from "./core.ts";

export interface VectorStep<Obs> {
  obs: Obs[];
  rewards: Float64Array;
  terminated: boolean[];
  truncated: boolean[];
  infos: Info[];
  /** For copies whose episode ended this step: the terminal obs (needed to bootstrap values on truncation). */
  finalObs: (Obs | undefined)[];
  finalInfo: (Info | undefined)[];
}

export class SyncVectorEnv<Obs, Act = number> {
  readonly envs: Env<Obs, Act>[];
  constructor(
    makeEnv: (index: number) => Env<Obs, Act>,
    readonly numEnvs: number,
  ) {
    if (!Number.isInteger(numEnvs) || numEnvs < 1)
      throw new RangeError(`numEnvs must be >= 1, got ${numEnvs}`);
    this.envs = Array.from({ length: numEnvs }, (_, i) => makeEnv(i));
  }

  get observationSpace() {
    return this.envs[0].observationSpace;
  }
  get actionSpace() {
    return this.envs[0].actionSpace;
  }

  reset(options: { seed?: number } = {}): { obs: Obs[]; infos: Info[] } {
    const obs: Obs[] = [];
    const infos: Info[] = [];
    this.envs.forEach((env, i) => {
      const r = env.reset(options.seed === undefined ? {} : { seed: options.seed + i });
      obs.push(r.obs);
      infos.push(r.info);
    });
    return { obs, infos };
  }

  step(actions: ArrayLike<Act>): VectorStep<Obs> {
    if (actions.length !== this.numEnvs) {
      throw new RangeError(`expected ${this.numEnvs} actions, got ${actions.length}`);
    }
    const n = this.numEnvs;
    const out: VectorStep<Obs> = {
      obs: new Array(n),
      rewards: new Float64Array(n),
      terminated: new Array(n),
      truncated: new Array(n),
      infos: new Array(n),
      // Filled, not sparse: map/forEach must visit every copy, ended or not.
      finalObs: new Array<Obs | undefined>(n).fill(undefined),
      finalInfo: new Array<Info | undefined>(n).fill(undefined),
    };
    for (let i = 0; i < n; i++) {
      const env = this.envs[i];
      const r = env.step(actions[i]);
      out.rewards[i] = r.reward;
      out.terminated[i] = r.terminated;
      out.truncated[i] = r.truncated;
      if (r.terminated || r.truncated) {
        out.finalObs[i] = r.obs;
        out.finalInfo[i] = r.info;
        const reset = env.reset();
        out.obs[i] = reset.obs;
        out.infos[i] = reset.info;
      } else {
        out.obs[i] = r.obs;
        out.infos[i] = r.info;
      }
    }
    return out;
  }

  close(): void {
    for (const env of this.envs) env.close();
  }
}
