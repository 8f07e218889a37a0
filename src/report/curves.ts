/**
 * Learning curves and final-return tables from the results store: mean and standard error over seeds.
 *
 * Evaluations happen at the same frame counts in every seed of a setting (update boundaries), so seeds are
 * aggregated frame by frame; a frame count reached by only some seeds (a run still going) averages those.
 *
 * An env whose evaluations report success (`info.is_success`, panda-gym) is plotted as the success rate with
 * mean ± standard deviation over seeds, as the paper's Fig. 3 shades std; the others (MiniGrid) as the env
 * return with mean ± standard error, as the paper's MiniGrid figures.
 */
import type { ResultsStore, RunRecord } from "../experiments/store.ts";
import { linePlot, PALETTE, type Series } from "./svg.ts";

export interface CurvePoint {
  frames: number;
  mean: number;
  /** Standard error of the mean over seeds (sample std / √n); 0 when n = 1. */
  se: number;
  /** Sample standard deviation over seeds; 0 when n = 1. */
  std: number;
  n: number;
}

/** What a curve plots: the env return (shaded ± SE) or the success rate (shaded ± std). */
export type CurveMetric = "return" | "success";

export interface Curve {
  envId: string;
  reward: string;
  seeds: number[];
  metric: CurveMetric;
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
  /**
   * The final evaluation's success rate, mean and standard deviation over the finished seeds that report
   * one, and per seed; null for envs that never report success.
   */
  success: { mean: number; std: number; perSeed: { seed: number; rate: number }[] } | null;
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
  evals: readonly { frames: number; returnMean: number; successRate?: number | null }[];
}

export function meanAndSe(values: readonly number[]): { mean: number; se: number; std: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, se: 0, std: 0 };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n), std: Math.sqrt(variance) };
}

/** Success when some evaluation of the env reported a success rate, the return otherwise. */
function metricOf(runs: readonly RunEvals[]): CurveMetric {
  return runs.some((r) => r.evals.some((e) => typeof e.successRate === "number")) ? "success" : "return";
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
    const metric = metricOf([...rewards.values()].flat());
    for (const [reward, group] of rewards) {
      const atFrames = new Map<number, number[]>();
      for (const run of group) {
        for (const e of run.evals) {
          const value = metric === "success" ? e.successRate : e.returnMean;
          if (typeof value !== "number") continue;
          atFrames.set(e.frames, [...(atFrames.get(e.frames) ?? []), value]);
        }
      }
      const points = [...atFrames.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([frames, values]) => ({ frames, ...meanAndSe(values), n: values.length }));
      curves.push({ envId, reward, seeds: group.map((r) => r.seed).sort((a, b) => a - b), metric, points });
    }
    out.set(envId, curves);
  }
  return out;
}

/**
 * The curves of one env as an SVG: mean over seeds, shaded ± 1 standard error (return) or ± 1 standard
 * deviation (success rate, as the paper's Fig. 3).
 */
export function curvesSvg(envId: string, curves: readonly Curve[]): string {
  const colors = seriesColors(curves.map((c) => c.reward));
  const success = curves.some((c) => c.metric === "success");
  const spread = (p: CurvePoint) => (success ? p.std : p.se);
  const series: Series[] = curves.map((c, i) => ({
    label: `${c.reward} (${c.seeds.length} seed${c.seeds.length === 1 ? "" : "s"})`,
    key: c.reward,
    color: colors[i],
    points: c.points.map((p) => ({
      x: p.frames,
      y: p.mean,
      // A rate stays in [0, 1]: the shading is clipped there.
      lo: success ? Math.max(0, p.mean - p.std) : p.mean - p.se,
      hi: success ? Math.min(1, p.mean + p.std) : p.mean + p.se,
    })),
  }));
  const values = curves.flatMap((c) => c.points.map((p) => [p.mean - spread(p), p.mean + spread(p)])).flat();
  return linePlot(series, {
    title: envId,
    xLabel: "frames",
    yLabel: success ? "success rate (evaluation, mean ± std)" : "env return (evaluation)",
    // Returns below 0 (panda-gym's sparse −1 a step) widen the axis; MiniGrid's start at 0 as before.
    yMin: success ? 0 : Math.min(0, ...curves.flatMap((c) => c.points.map((p) => p.mean))),
    yMax: success ? 1 : Math.max(1, ...values),
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
    const rates = done.flatMap((r) => {
      const rate = r.final?.finalEval.successRate;
      return typeof rate === "number" ? [{ seed: r.seed, rate }] : [];
    });
    const successStats = rates.length ? meanAndSe(rates.map((r) => r.rate)) : null;
    rows.push({
      envId: group[0].envId,
      reward: group[0].reward,
      n: done.length,
      mean: stats?.mean ?? null,
      se: stats?.se ?? null,
      returns,
      success: successStats && { mean: successStats.mean, std: successStats.std, perSeed: rates },
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

/** "0.450 ± 0.120" (mean ± std of the final success rate), or "–". */
export function successCell(row: FinalRow): string {
  return row.success ? `${row.success.mean.toFixed(3)} ± ${row.success.std.toFixed(3)}` : "–";
}
