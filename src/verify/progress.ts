/**
 * Verification of progress terms: does a sub-task's `progress(frame, first)` measure how far the sub-task has
 * got? The reward wrapper pays it as potential-based shaping, which cannot change the optimal policy but can
 * make learning slow or fast: a term that falls while the expert advances points the learner the wrong way.
 *
 * A term is judged where it is paid: in an expert trajectory, on the frames where its sub-task is the current
 * one (from the frame the sub-task before it latched, or frame 0, to the frame its own sub-task latched).
 * There it must rise (Spearman rank correlation with time, ties ranked by their mean rank) and end near 1.
 * On random trajectories it must stay low where it is paid before its sub-task is done (mean over the frames
 * from the previous sub-task's latch, or frame 0, to before its own latch, or the end): wandering is not
 * progress, but a random walk that does the sub-task is allowed its 1 afterwards.
 * Thresholds are in criteria.ts; frames where the term failed (NaN) are left out, since errors are judged
 * by the check-errors rule already.
 */
import type { RewardProgram } from "../program/program.ts";
import type { EpisodeAnalysis } from "./analyze.ts";
import type { VerifyCriteria } from "./criteria.ts";
import type { EpisodeEvaluation, Group } from "./evaluate.ts";
import type { FeedbackFrame, FeedbackItem, RuleResult } from "./report.ts";

/** What a progress term failed: rising on experts, ending near 1 on experts, staying low on random play. */
export type ProgressFailure = "rises" | "ends-high" | "random-low";

/** One expert trajectory's view of a term, over its sub-task's segment. */
export interface ProgressSegment {
  readonly episode: number;
  readonly seed: number;
  /** First and last frame of the segment (the last is where the sub-task latched, or the episode's end). */
  readonly from: number;
  readonly to: number;
  /**
   * How the term rose over the segment: its Spearman rank correlation with time; for a short segment (fewer
   * frames than criteria.progressShortSegment, at least 2) 1 when it never falls and ends above where it
   * started, -1 when it falls, 0 when it stays flat. Null when too few values to judge.
   */
  readonly correlation: number | null;
  /** Set when the segment was judged as a short one (see `correlation`). */
  readonly short?: true;
  /** The term on the segment's first and last frame (null where it had no value). */
  readonly atStart: number | null;
  readonly atEnd: number | null;
}

/** How one sub-task's progress term behaved, and which of its rules it failed. */
export interface ProgressTermReport {
  readonly subtask: string;
  /** 1-based position among the sub-tasks. */
  readonly position: number;
  readonly expert: {
    readonly segments: readonly ProgressSegment[];
    /** Mean correlation over segments that have one; null when none has. */
    readonly meanCorrelation: number | null;
    /** Mean of the value on the frame the sub-task latched (or the last frame), over experts. */
    readonly meanAtEnd: number | null;
  };
  readonly random: {
    /** Random trajectories in which the term was paid (the sub-task before it latched, or it is the first). */
    readonly trajectories: number;
    /** Mean over random trajectories of the term's mean over their frames before the sub-task latched. */
    readonly meanValue: number | null;
    /** The highest value on any random frame, and where. */
    readonly highest: {
      readonly episode: number;
      readonly seed: number;
      readonly frame: number;
      readonly value: number;
    } | null;
  };
  readonly failed: readonly ProgressFailure[];
}

/** Spearman's rank correlation of `ys` with their order (time); 0 when `ys` is constant, null below 3 values. */
export function rankCorrelationWithTime(ys: readonly number[]): number | null {
  const n = ys.length;
  if (n < 3) return null;
  const ranks = averageRanks(ys);
  // Time has ranks 1..n, no ties.
  const meanRank = (n + 1) / 2;
  let cov = 0;
  let varY = 0;
  let varT = 0;
  for (let i = 0; i < n; i++) {
    const dt = i + 1 - meanRank;
    const dy = ranks[i] - meanRank;
    cov += dt * dy;
    varY += dy * dy;
    varT += dt * dt;
  }
  return varY === 0 ? 0 : cov / Math.sqrt(varY * varT);
}

/** How much a short segment's term may dip between two frames and still count as not falling (rounding, jitter). */
const SHORT_FALL_TOLERANCE = 0.02;

/**
 * A short segment's score: over a few frames (one pick-and-place per step) a rank correlation means little,
 * and a term that jumps from 0 to 1 in one step is right. 1: never falls and ends above its start; -1: falls
 * somewhere; 0: flat.
 */
export function shortSegmentScore(ys: readonly number[]): number {
  for (let i = 1; i < ys.length; i++) if (ys[i] < ys[i - 1] - SHORT_FALL_TOLERANCE) return -1;
  return ys[ys.length - 1] > ys[0] ? 1 : 0;
}

/** 1-based ranks, ties sharing the mean of the ranks they span. */
function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = rank;
    i = j + 1;
  }
  return ranks;
}

function meanOf(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** The term's value for sub-task k on frame t, or null where it has none. */
function valueAt(e: EpisodeEvaluation, subtasks: number, k: number, t: number): number | null {
  const v = e.progress?.[t * subtasks + k];
  return v === undefined || Number.isNaN(v) ? null : v;
}

/**
 * Judges every progress term of `program` on the evaluated episodes (`evaluations[i]` analysed as
 * `analyses[i]`). Sub-tasks without a term get no entry; a program without terms gives [].
 */
export function analyzeProgress(
  program: RewardProgram,
  evaluations: readonly EpisodeEvaluation[],
  analyses: readonly EpisodeAnalysis[],
  criteria: VerifyCriteria,
): ProgressTermReport[] {
  const subtasks = program.subtasks.length;
  const out: ProgressTermReport[] = [];
  for (let k = 0; k < subtasks; k++) {
    if (program.subtasks[k].progress === undefined) continue;
    const segments: ProgressSegment[] = [];
    const randomMeans: number[] = [];
    let highest: ProgressTermReport["random"]["highest"] = null;
    let randomCount = 0;
    for (let i = 0; i < evaluations.length; i++) {
      const e = evaluations[i];
      const a = analyses[i];
      const frames = e.values.length / e.checkCount;
      if (e.group === "random") {
        // Only where the term is paid and the sub-task not yet done: a random walk may well do it.
        const start = k === 0 ? 0 : (a.latchedAt[k - 1] ?? null);
        if (start === null) continue;
        randomCount++;
        const end = a.latchedAt[k] ?? frames;
        const seen: number[] = [];
        for (let t = start; t < end; t++) {
          const v = valueAt(e, subtasks, k, t);
          if (v === null) continue;
          seen.push(v);
          if (highest === null || v > highest.value)
            highest = { episode: a.index, seed: a.seed, frame: t, value: v };
        }
        const m = meanOf(seen);
        if (m !== null) randomMeans.push(m);
        continue;
      }
      const from = k === 0 ? 0 : (a.latchedAt[k - 1] ?? null);
      if (from === null) continue; // the sub-task before never latched: the term was never paid
      const to = a.latchedAt[k] ?? frames - 1;
      const ys: number[] = [];
      for (let t = from; t <= to; t++) {
        const v = valueAt(e, subtasks, k, t);
        if (v !== null) ys.push(v);
      }
      const short =
        criteria.progressShortSegment > 0 && ys.length >= 2 && ys.length < criteria.progressShortSegment;
      segments.push({
        episode: a.index,
        seed: a.seed,
        from,
        to,
        correlation: short ? shortSegmentScore(ys) : rankCorrelationWithTime(ys),
        ...(short ? { short: true as const } : {}),
        atStart: valueAt(e, subtasks, k, from),
        atEnd: valueAt(e, subtasks, k, to),
      });
    }
    const correlations = segments.flatMap((s) => (s.correlation === null ? [] : [s.correlation]));
    const ends = segments.flatMap((s) => (s.atEnd === null ? [] : [s.atEnd]));
    const meanCorrelation = meanOf(correlations);
    const meanAtEnd = meanOf(ends);
    const meanValue = meanOf(randomMeans);
    const failed: ProgressFailure[] = [];
    // No expert segment to judge by is left to the expert-completion and evaluation rules.
    if (meanCorrelation !== null && meanCorrelation < criteria.minProgressCorrelation) failed.push("rises");
    if (meanAtEnd !== null && meanAtEnd < criteria.minProgressAtEnd) failed.push("ends-high");
    if (meanValue !== null && meanValue > criteria.maxRandomProgress) failed.push("random-low");
    out.push({
      subtask: program.subtasks[k].name,
      position: k + 1,
      expert: { segments, meanCorrelation, meanAtEnd },
      random: { trajectories: randomCount, meanValue, highest },
      failed,
    });
  }
  return out;
}

const fixed = (x: number | null, digits = 2): string => (x === null ? "-" : x.toFixed(digits));

function failing(reports: readonly ProgressTermReport[], failure: ProgressFailure): string {
  return reports
    .filter((r) => r.failed.includes(failure))
    .map((r) => `"${r.subtask}"`)
    .join(", ");
}

/** The three progress rules, or none for a program without progress terms. */
export function progressRules(
  reports: readonly ProgressTermReport[],
  criteria: VerifyCriteria,
): RuleResult[] {
  if (reports.length === 0) return [];
  const each = (what: (r: ProgressTermReport) => string) => reports.map(what).join("; ");
  const bad = (f: ProgressFailure) => failing(reports, f);
  return [
    {
      rule: "progress-rises",
      passed: bad("rises") === "",
      message:
        `on expert trajectories each progress term rises while its sub-task is under way (mean rank correlation with ` +
        `time at least ${criteria.minProgressCorrelation}${shortWords(reports, criteria)}): ${each((r) => `"${r.subtask}" ${fixed(r.expert.meanCorrelation)}`)}` +
        (bad("rises") ? `; failing: ${bad("rises")}` : ""),
    },
    {
      rule: "progress-ends-high",
      passed: bad("ends-high") === "",
      message:
        `on expert trajectories each progress term ends near 1 where its sub-task is done (mean at least ` +
        `${criteria.minProgressAtEnd}): ${each((r) => `"${r.subtask}" ${fixed(r.expert.meanAtEnd)}`)}` +
        (bad("ends-high") ? `; failing: ${bad("ends-high")}` : ""),
    },
    {
      rule: "progress-random-low",
      passed: bad("random-low") === "",
      message:
        `on random trajectories each progress term stays low until its sub-task is done (mean at most ${criteria.maxRandomProgress}): ` +
        `${each((r) => `"${r.subtask}" ${fixed(r.random.meanValue)}`)}` +
        (bad("random-low") ? `; failing: ${bad("random-low")}` : ""),
    },
  ];
}

/** How short segments were scored, for the texts that quote the mean, or "" when no segment was short. */
function shortWords(reports: readonly ProgressTermReport[], criteria: VerifyCriteria): string {
  const any = reports.some((r) => r.expert.segments.some((s) => s.short));
  return any
    ? `; a segment of fewer than ${criteria.progressShortSegment} frames counts 1 when the term never falls and ends ` +
        "higher than it starts, -1 when it falls, 0 when it stays flat"
    : "";
}

/**
 * Feedback items for the failing terms, pushed onto `items` (whose length numbers the frame files), each
 * naming the sub-task and showing the frames: the segment's start, its highest point and its end for an
 * expert whose term falls or ends low; the highest random frame and that episode's first frame.
 */
export function progressFeedback(
  reports: readonly ProgressTermReport[],
  criteria: VerifyCriteria,
  items: FeedbackItem[],
  frame: (group: Group, a: { index: number }, step: number, caption: string) => FeedbackFrame,
  termValue: (group: Group, episode: number, subtask: number, step: number) => number | null,
): void {
  for (const r of reports) {
    const k = r.position - 1;
    const term = `The progress term of sub-task ${r.position} "${r.subtask}"`;
    const value = (step: number, a: { episode: number }) => fixed(termValue("expert", a.episode, k, step));
    if (r.failed.includes("rises")) {
      const worst = [...r.expert.segments]
        .filter((s) => s.correlation !== null)
        .sort((x, y) => (x.correlation ?? 0) - (y.correlation ?? 0))[0];
      const mid = Math.round((worst.from + worst.to) / 2);
      items.push({
        kind: "progress-falls",
        check: r.subtask,
        term: "progress",
        message:
          `${term} does not rise while the expert does the sub-task: its rank correlation with time is ` +
          `${fixed(r.expert.meanCorrelation)} on average over ${r.expert.segments.length} expert trajectories (need at ` +
          `least ${criteria.minProgressCorrelation}${shortWords([r], criteria)}). In expert trajectory ${worst.episode} (seed ${worst.seed}) it is ` +
          `${fixed(worst.correlation)} from step ${worst.from} to step ${worst.to}, where the sub-task is done: ` +
          `${value(worst.from, worst)} at step ${worst.from}, ${value(mid, worst)} at step ${mid}, ${value(worst.to, worst)} ` +
          `at step ${worst.to}. Progress must grow from about 0 toward 1 as the sub-task gets closer to done (e.g. 1 minus ` +
          "the remaining distance divided by the distance in `first`), not measure something else.",
        frames: [
          frame(
            "expert",
            { index: worst.episode },
            worst.from,
            `step ${worst.from}: progress ${value(worst.from, worst)}`,
          ),
          frame("expert", { index: worst.episode }, mid, `step ${mid}: progress ${value(mid, worst)}`),
          frame(
            "expert",
            { index: worst.episode },
            worst.to,
            `step ${worst.to}: sub-task done, progress ${value(worst.to, worst)}`,
          ),
        ],
      });
    }
    if (r.failed.includes("ends-high")) {
      const lowest = [...r.expert.segments]
        .filter((s) => s.atEnd !== null)
        .sort((x, y) => (x.atEnd ?? 0) - (y.atEnd ?? 0))[0];
      items.push({
        kind: "progress-ends-low",
        check: r.subtask,
        term: "progress",
        message:
          `${term} does not reach 1 when the sub-task is done: on the frame its check first counts it is ` +
          `${fixed(r.expert.meanAtEnd)} on average over the expert trajectories (need at least ${criteria.minProgressAtEnd}); ` +
          `in expert trajectory ${lowest.episode} (seed ${lowest.seed}) it is ${fixed(lowest.atEnd)} at step ${lowest.to}. ` +
          "Scale it so that it is 1 exactly when the sub-task's check would return true.",
        frames: [
          frame(
            "expert",
            { index: lowest.episode },
            lowest.from,
            `step ${lowest.from}: progress ${value(lowest.from, lowest)}`,
          ),
          frame(
            "expert",
            { index: lowest.episode },
            lowest.to,
            `step ${lowest.to}: sub-task done, progress ${fixed(lowest.atEnd)}`,
          ),
        ],
      });
    }
    const high = r.random.highest;
    if (r.failed.includes("random-low") && high !== null) {
      items.push({
        kind: "progress-random-high",
        check: r.subtask,
        term: "progress",
        message:
          `${term} is high on random trajectories: ${fixed(r.random.meanValue)} on average over their frames before the sub-task is done (limit ` +
          `${criteria.maxRandomProgress}); in random trajectory ${high.episode} (seed ${high.seed}) it reaches ` +
          `${fixed(high.value)} at step ${high.frame}. It must stay near 0 until the sub-task is really under way: ` +
          "measure the change from `first` that the sub-task brings about, not something random motion also changes.",
        frames: [
          frame(
            "random",
            { index: high.episode },
            high.frame,
            `step ${high.frame}: progress ${fixed(high.value)}`,
          ),
          frame(
            "random",
            { index: high.episode },
            0,
            `the episode's first frame, progress ${fixed(termValue("random", high.episode, k, 0))}`,
          ),
        ],
      });
    }
  }
}

/** Lines for summary.txt: each term's numbers and verdict. */
export function describeProgress(reports: readonly ProgressTermReport[]): string[] {
  return reports.map(
    (r) =>
      `  ${r.position}. ${r.subtask}: expert rank correlation ${fixed(r.expert.meanCorrelation)}, at done ` +
      `${fixed(r.expert.meanAtEnd)}; random mean ${fixed(r.random.meanValue)}` +
      (r.failed.length > 0 ? ` (FAIL: ${r.failed.join(", ")})` : ""),
  );
}
