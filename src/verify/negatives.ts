/**
 * Harder negatives than random play, built from the expert trajectories themselves:
 *
 * - truncated experts: each expert trajectory stopped just before a sub-task happens (by the ground-truth
 *   event the check matches best on experts; for the goal, just before the last step). The check of that
 *   sub-task must not have fired yet: a check that does is guessing from the approach, not seeing the
 *   sub-task done. Read from the values verification already computed, so it costs nothing.
 * - reversed experts: an expert's frames played backwards, the last frame as `first`. Every sub-task then
 *   "happens" in reverse order, so a program that still completes every sub-task and the goal is not reading
 *   order from the frames (the order rule's harder form). One more pass of the checks over the expert frames.
 *
 * Both are always reported; each becomes an acceptance rule only when its criterion asks (off by default).
 */
import type { Frame } from "../image/frame.ts";
import { CHECK_TRUE } from "../program/results.ts";
import type { Sandbox } from "../program/sandbox.ts";
import type { TrajectorySet } from "../trajectories/collect.ts";
import { framesAt } from "../trajectories/store.ts";
import { analyzeEpisode, type EpisodeAnalysis, type EventAgreement } from "./analyze.ts";
import type { VerifyCriteria } from "./criteria.ts";
import { type EpisodeEvaluation, ProgramEvaluator } from "./evaluate.ts";

export interface TruncatedCheck {
  readonly check: string;
  /** The ground-truth event the cut is placed before ("task done" for the goal), or null when none matches. */
  readonly event: string | null;
  /** Expert trajectories cut before the event (those in which it happened after the first frame). */
  readonly trajectories: number;
  /** Of those, the ones where the check already returned true on a frame 1..cut-1. */
  readonly fired: number;
  /** The first such trajectory: its index among the experts, the cut, and the first frame the check fired. */
  readonly example?: {
    readonly episode: number;
    readonly seed: number;
    readonly cut: number;
    readonly firedAt: number;
  };
}

export interface NegativesReport {
  readonly truncated: { readonly passed: boolean; readonly checks: readonly TruncatedCheck[] };
  /** Expert trajectories played backwards, and how many of them still completed every sub-task and the goal. */
  readonly reversed: {
    readonly passed: boolean;
    readonly trajectories: number;
    readonly completed: number;
    readonly example?: { readonly episode: number; readonly seed: number };
  };
}

/** The event a cut goes before for the goal: the task done, i.e. the last step of the expert episode. */
export const GOAL_EVENT = "task done";

export function truncatedNegatives(
  experts: readonly EpisodeEvaluation[],
  analyses: readonly EpisodeAnalysis[],
  names: readonly string[],
  matches: readonly (EventAgreement | null)[],
): TruncatedCheck[] {
  const n = names.length;
  return names.map((check, c) => {
    const isGoal = c === n - 1;
    const match = matches[c];
    const event = isGoal ? GOAL_EVENT : match && match.f1 > 0 ? match.event : null;
    if (event === null) return { check, event, trajectories: 0, fired: 0 };
    let trajectories = 0;
    let fired = 0;
    let example: TruncatedCheck["example"];
    for (let i = 0; i < experts.length; i++) {
      const a = analyses[i];
      const cut = isGoal ? a.steps : a.events.get(event)?.frame;
      if (cut === undefined || cut <= 1) continue;
      trajectories++;
      const values = experts[i].values;
      for (let t = 1; t < cut; t++) {
        if (values[t * n + c] !== CHECK_TRUE) continue;
        fired++;
        example ??= { episode: a.index, seed: a.seed, cut, firedAt: t };
        break;
      }
    }
    return { check, event, trajectories, fired, ...(example ? { example } : {}) };
  });
}

/**
 * Plays every expert trajectory backwards through `sandbox` (replaying each one's frames) and analyses it
 * like a forward one. Returns the analyses, in expert order.
 */
export function reversedExperts(
  set: TrajectorySet,
  sandbox: Sandbox,
  subtaskNames: readonly string[],
  criteria: VerifyCriteria,
): EpisodeAnalysis[] {
  const evaluator = new ProgramEvaluator(sandbox);
  evaluator.startGroup("expert");
  for (let i = 0; i < set.episodes.length && !evaluator.aborted; i++) {
    const trajectory = set.episodes[i];
    const steps = trajectory.actions.length;
    const frames = framesAt(
      set,
      i,
      Array.from({ length: steps + 1 }, (_, t) => t),
    );
    const backwards: Frame[] = [];
    for (let t = steps; t >= 0; t--) {
      const frame = frames.get(t);
      if (frame) backwards.push(frame);
    }
    for (const [t, frame] of backwards.entries()) evaluator.frame(frame, t);
    evaluator.end(trajectory, true);
  }
  return evaluator.episodes.map((e) => analyzeEpisode(e, subtaskNames, criteria));
}

/** Both negatives, judged. */
export function negativesReport(
  truncated: readonly TruncatedCheck[],
  reversed: readonly EpisodeAnalysis[],
): NegativesReport {
  const completed = reversed.filter((a) => a.completed);
  return {
    truncated: { passed: truncated.every((t) => t.fired === 0), checks: truncated },
    reversed: {
      passed: completed.length === 0,
      trajectories: reversed.length,
      completed: completed.length,
      ...(completed[0] ? { example: { episode: completed[0].index, seed: completed[0].seed } } : {}),
    },
  };
}

/** One sentence per negative, for the summary and the rules. */
export function describeNegatives(report: NegativesReport): { truncated: string; reversed: string } {
  const bad = report.truncated.checks.filter((t) => t.fired > 0);
  const judged = report.truncated.checks.filter((t) => t.event !== null);
  const label = (t: TruncatedCheck) => (t.event === GOAL_EVENT ? "the goal check" : `"${t.check}"`);
  const truncated =
    bad.length === 0
      ? `no check fires in expert trajectories cut just before its sub-task happens (${judged.length} checks with a matching event)`
      : `cut just before its sub-task happens, ${bad
          .map((t) => `${label(t)} already fires in ${t.fired} of ${t.trajectories} expert trajectories`)
          .join("; ")}`;
  const r = report.reversed;
  const reversed =
    r.completed === 0
      ? `none of ${r.trajectories} expert trajectories played backwards completes every sub-task and the goal`
      : `${r.completed} of ${r.trajectories} expert trajectories played backwards complete every sub-task and the goal`;
  return { truncated, reversed };
}
