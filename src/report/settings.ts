/**
 * A report groups runs by env and reward label, and averages each group over its seeds. Runs under one label
 * must then differ only in their seed. The runner keeps one experiment per folder, but a store can still hold
 * runs of several settings (written before that rule, or filled by a script); their labels get the settings
 * that tell them apart ("sparse (frames=60000)", "sparse (frames=30000)"), so they are never averaged together.
 */
import { canonicalJson } from "../experiments/run.ts";
import type { RunRecord } from "../experiments/store.ts";

export function separateSettings(runs: readonly RunRecord[]): RunRecord[] {
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs) {
    const key = `${run.envId}\u0000${run.reward}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const relabelled = new Map<string, string>();
  for (const group of groups.values()) {
    const flat = group.map((run) => flatten(withoutSeed(run)));
    const paths = [...new Set(flat.flatMap((f) => [...f.keys()]))].sort();
    const differing = paths.filter((p) => new Set(flat.map((f) => f.get(p) ?? "(none)")).size > 1);
    if (differing.length === 0) continue;
    group.forEach((run, i) => {
      const settings = differing.map((p) => `${p}=${flat[i].get(p) ?? "(none)"}`).join(", ");
      relabelled.set(run.id, `${run.reward} (${settings})`);
    });
  }
  return runs.map((run) => {
    const reward = relabelled.get(run.id);
    return reward === undefined ? run : { ...run, reward };
  });
}

function withoutSeed(run: RunRecord): unknown {
  const { seed: _seed, ...config } = run.config;
  return { ...config, programHash: run.programHash };
}

/** Dotted paths to leaf values as canonical JSON: { ppo: { lr: 1 } } → "ppo.lr" → "1". */
function flatten(value: unknown, prefix = "", into = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, into);
  } else if (value !== undefined) {
    into.set(prefix, canonicalJson(value));
  }
  return into;
}
