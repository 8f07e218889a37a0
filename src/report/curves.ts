/**
 * Learning curves and final-return tables from the results store: mean and standard error over seeds.
 *
 * Evaluations happen at the same frame counts in every seed of a setting (update boundaries), so seeds are
 * aggregated frame by frame; a frame count reached by only some seeds (a run still going) averages those.
 */
import type { ResultsStore, RunRecord } from "../experiments/store.ts";
import { linePlot, PALETTE, type Series } from "./svg.ts";

export interface CurvePoint {
  frames: number;
  mean: number;
  /** Standard error of the mean over seeds (sample std / √n); 0 when n = 1. */
  se: number;
  n: number;
}

export interface Curve {
  envId: string;
  reward: string;
  seeds: number[];
  points: CurvePoint[];
}

export interface FinalRow {
  envId: string;
  reward: string;
  /** Finished runs only. */
  n: number;
  mean: number | null;
  se: number | null;
  /** Per seed, in seed order. */
  returns: { seed: number; mean: number }[];
  frames: number | null;
  wallSecondsMean: number | null;
  failed: number;
  unfinished: number;
}

/** Input for the aggregation: one run's setting and its evaluations. */
export interface RunEvals {
  envId: string;
  reward: string;
  seed: number;
  evals: readonly { frames: number; returnMean: number }[];
}

export function meanAndSe(values: readonly number[]): { mean: number; se: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, se: 0 };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n) };
}

/** Curves grouped by env id, one per reward setting with evaluations, in first-seen order. */
export function learningCurves(runs: readonly RunEvals[]): Map<string, Curve[]> {
  const byEnv = new Map<string, Map<string, RunEvals[]>>();
  for (const run of runs) {
    if (run.evals.length === 0) continue; // a failed or just-started run has no curve yet
    const rewards = byEnv.get(run.envId) ?? new Map<string, RunEvals[]>();
    byEnv.set(run.envId, rewards);
    rewards.set(run.reward, [...(rewards.get(run.reward) ?? []), run]);
  }
  const out = new Map<string, Curve[]>();
  for (const [envId, rewards] of byEnv) {
    const curves: Curve[] = [];
    for (const [reward, group] of rewards) {
      const atFrames = new Map<number, number[]>();
      for (const run of group) {
        for (const e of run.evals) atFrames.set(e.frames, [...(atFrames.get(e.frames) ?? []), e.returnMean]);
      }
      const points = [...atFrames.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([frames, values]) => ({ frames, ...meanAndSe(values), n: values.length }));
      curves.push({ envId, reward, seeds: group.map((r) => r.seed).sort((a, b) => a - b), points });
    }
    out.set(envId, curves);
  }
  return out;
}

/** The curves of one env as an SVG: mean over seeds, shaded ± 1 standard error. */
export function curvesSvg(envId: string, curves: readonly Curve[]): string {
  const colors = seriesColors(curves.map((c) => c.reward));
  const series: Series[] = curves.map((c, i) => ({
    label: `${c.reward} (${c.seeds.length} seed${c.seeds.length === 1 ? "" : "s"})`,
    key: c.reward,
    color: colors[i],
    points: c.points.map((p) => ({ x: p.frames, y: p.mean, lo: p.mean - p.se, hi: p.mean + p.se })),
  }));
  return linePlot(series, {
    title: envId,
    xLabel: "frames",
    yLabel: "env return (evaluation)",
    yMin: 0,
    yMax: Math.max(1, ...curves.flatMap((c) => c.points.map((p) => p.mean + p.se))),
  });
}

/**
 * One colour per curve: the reward kind's fixed colour for the first curve of each kind (so every figure
 * reads the same way), then palette colours no other curve of the figure has for variants of a kind
 * (another bonus, another shaping).
 */
export function seriesColors(rewards: readonly string[]): string[] {
  const fixed = rewards.map(rewardColor);
  const used = new Set<string>();
  const colors: (string | undefined)[] = fixed.map((c) => {
    if (c === undefined || used.has(c)) return undefined;
    used.add(c);
    return c;
  });
  const spare = PALETTE.filter((c) => !fixed.includes(c));
  let next = 0;
  return colors.map((c) => c ?? spare[next++ % spare.length] ?? PALETTE[0]);
}

/** Fixed colours per reward mode, so every figure reads the same way. */
export function rewardColor(reward: string): string | undefined {
  if (reward.startsWith("sparse")) return "#555555";
  if (reward.startsWith("vlmcar")) return "#D55E00";
  if (reward.startsWith("reference")) return "#0072B2";
  return undefined;
}

/** Final returns per env × reward: the mean ± SE over seeds of each run's final evaluation. */
export function finalTable(runs: readonly RunRecord[]): FinalRow[] {
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs) {
    const key = `${run.envId}\u0000${run.reward}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const rows: FinalRow[] = [];
  for (const group of groups.values()) {
    const done = group.filter((r) => r.status === "done" && r.final).sort((a, b) => a.seed - b.seed);
    const returns = done.map((r) => ({ seed: r.seed, mean: r.final?.finalEval.returnMean as number }));
    const stats = returns.length ? meanAndSe(returns.map((r) => r.mean)) : null;
    const walls = done.map((r) => r.final?.wallSeconds as number);
    rows.push({
      envId: group[0].envId,
      reward: group[0].reward,
      n: done.length,
      mean: stats?.mean ?? null,
      se: stats?.se ?? null,
      returns,
      frames: done[0]?.final?.frames ?? null,
      wallSecondsMean: walls.length ? walls.reduce((a, b) => a + b, 0) / walls.length : null,
      failed: group.filter((r) => r.status === "failed").length,
      unfinished: group.filter((r) => r.status === "pending" || r.status === "running").length,
    });
  }
  return rows;
}

/** Every run of a store with its evaluations, ready for learningCurves. */
export function runEvals(store: ResultsStore, runs: readonly RunRecord[]): RunEvals[] {
  return runs.map((r) => ({ envId: r.envId, reward: r.reward, seed: r.seed, evals: store.evals(r.id) }));
}
