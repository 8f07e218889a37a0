/**
 * The finished runs of an experiment as Markdown tables, for a results README: one row per run (final success,
 * the mean over its last 10 evaluations, wall time, program hash, code version) and one per setting (mean ± std
 * over the seeds that finished of both; the final success is 20 episodes, the last-10 mean 200, so the less noisy).
 * The std is the report's (`meanAndSe`, sample form), so the tables agree with the curves' shading. Reads the
 * results store only; safe while the experiment runs.
 *
 *   npx tsx scripts/grid-table.ts docs/results/panda/grid
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EXPERIMENT_FILES } from "../src/experiments/runner.ts";
import { ResultsStore } from "../src/experiments/store.ts";
import { meanAndSe } from "../src/report/curves.ts";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: npx tsx scripts/grid-table.ts <experiment folder>");
  process.exit(2);
}
const store = new ResultsStore(join(dir, EXPERIMENT_FILES.db), { readOnly: true });
const runs = store.runs({ status: "done" });
const fixed = (x: number | null, digits: number) => (x === null ? "—" : x.toFixed(digits));

// Envs and rewards in the spec's order (a reward the spec does not name by kind goes last), seeds ascending.
const spec = JSON.parse(readFileSync(join(dir, EXPERIMENT_FILES.spec), "utf8")) as {
  envs: string[];
  rewards: (string | { kind: string; label?: string })[];
};
const rewardOrder = spec.rewards.map((r) => (typeof r === "string" ? r : (r.label ?? r.kind)));
const rank = (list: string[], x: string) => (list.includes(x) ? list.indexOf(x) : list.length);
runs.sort(
  (a, b) =>
    rank(spec.envs, a.envId) - rank(spec.envs, b.envId) ||
    rank(rewardOrder, a.reward) - rank(rewardOrder, b.reward) ||
    a.reward.localeCompare(b.reward) ||
    a.seed - b.seed,
);
const settings = [...new Set(runs.map((r) => `${r.envId}|${r.reward}`))];
const lastTenMean = new Map<string, number | null>(
  runs.map((run) => {
    const rates = store
      .evals(run.id)
      .map((e) => e.successRate)
      .filter((x): x is number => x !== null);
    return [run.id, rates.length > 0 ? meanAndSe(rates.slice(-10)).mean : null];
  }),
);
const meanStd = (xs: number[], digits: number) => {
  if (xs.length === 0) return "—";
  const { mean, std } = meanAndSe(xs);
  return `${mean.toFixed(digits)} ± ${std.toFixed(digits)}`;
};

console.log(
  "| env | reward | seed | final success (20 episodes) | mean success over the last 10 evaluations | wall s | program hash | code |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const run of runs) {
  // The version the run's own final.json names: a store filled by an older runner may hold the runner's.
  const version = run.final?.codeVersion ?? run.codeVersion;
  const code = version.commit ? `${version.commit.slice(0, 7)}${version.dirty ? " (dirty)" : ""}` : "—";
  console.log(
    `| ${run.envId} | ${run.reward} | ${run.seed} | ${fixed(run.finalSuccess, 2)} | ` +
      `${fixed(lastTenMean.get(run.id) ?? null, 3)} | ${Math.round(run.wallSeconds ?? 0).toLocaleString("en-US")} | ` +
      `${run.programHash ? `\`${run.programHash.slice(0, 12)}\`` : "—"} | ${code} |`,
  );
}

console.log(
  "\n| env | reward | seeds finished | final success, mean ± std over seeds | last-10-evaluations success, mean ± std over seeds |",
);
console.log("|---|---|---|---|---|");
for (const setting of settings) {
  const [envId, reward] = setting.split("|");
  const own = runs.filter((r) => r.envId === envId && r.reward === reward);
  const finals = own.map((r) => r.finalSuccess).filter((x): x is number => x !== null);
  const lastTens = own.map((r) => lastTenMean.get(r.id) ?? null).filter((x): x is number => x !== null);
  console.log(`| ${envId} | ${reward} | ${own.length} | ${meanStd(finals, 2)} | ${meanStd(lastTens, 3)} |`);
}
store.close();
