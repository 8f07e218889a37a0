/**
 * The report's hyperparameter table: every PPO setting the runs trained with, defaults included, one
 * column per distinct set (runs differing only in seed share one), read from each run folder's config.json.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  canonicalJson,
  type Hyperparameters,
  hyperparameters,
  type RunManifest,
} from "../experiments/run.ts";
import type { RunRecord } from "../experiments/store.ts";
import { PPO_DEFAULTS } from "../rl/ppo.ts";

export interface HyperparameterSet {
  /** The settings, seed left out. */
  settings: Omit<Hyperparameters, "seed">;
  /** Env and reward label of the runs using it, e.g. "MiniGrid-Unlock-v0 sparse". */
  usedBy: string[];
  /** False when a run folder predates recorded hyperparameters and the set was rebuilt from its overrides. */
  recorded: boolean;
}

export function hyperparameterSets(runs: readonly RunRecord[]): HyperparameterSet[] {
  const sets = new Map<string, HyperparameterSet>();
  for (const run of runs) {
    const path = join(run.dir, "config.json");
    const manifest = existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as RunManifest) : null;
    const recorded = manifest?.hyperparameters !== undefined;
    const full =
      manifest?.hyperparameters ??
      hyperparameters({
        ...PPO_DEFAULTS,
        ...run.config.ppo,
        seed: run.seed,
        totalFrames: run.config.frames,
        evalEvery: run.config.evaluation.every,
        evalEpisodes: run.config.evaluation.episodes,
        evalGreedy: run.config.evaluation.greedy,
        checkpointEvery: run.config.checkpointEvery,
      });
    const { seed: _seed, ...settings } = full;
    const key = canonicalJson(settings);
    const set = sets.get(key) ?? { settings, usedBy: [], recorded };
    const label = `${run.envId} ${run.reward}`;
    if (!set.usedBy.includes(label)) set.usedBy.push(label);
    set.recorded &&= recorded;
    sets.set(key, set);
  }
  return [...sets.values()];
}
