/**
 * From check values to facts about each episode and each check.
 *
 * Two readings of the same values are kept apart on purpose:
 * - the raw check: on which frames it returned true (first fire, fires on the first frame);
 * - the tracker: which sub-tasks latched, in order, once each, on frames 1..T — exactly what the reward
 *   wrapper would pay for during RL (it never sees the reset frame). Sub-tasks are counted, never frames.
 */
import { CHECK_NOT_RUN, CHECK_TRUE } from "../program/results.ts";
import { SubtaskTracker } from "../program/tracker.ts";
import { firstEventFrames, stepsOf, succeeded } from "../trajectories/trajectory.ts";
import { goalWindow, type VerifyCriteria } from "./criteria.ts";
import type { EpisodeEvaluation, Group } from "./evaluate.ts";

/** What happened in one episode, check by check (arrays are in check order: sub-tasks, then the goal). */
export interface EpisodeAnalysis {
  readonly group: Group;
  readonly index: number;
  readonly seed: number;
  readonly steps: number;
  /** The env's own verdict: the episode reached the task. */
  readonly envSuccess: boolean;
  /** First frame on which each check returned true, or null. */
  readonly firstFire: readonly (number | null)[];
  /** Frames on which each check returned true. */
  readonly firedFrames: readonly number[];
  /** Step at which the tracker latched each sub-task (frames 1..T), or null. */
  readonly latchedAt: readonly (number | null)[];
  readonly goalAt: number | null;
  /** Every sub-task and the goal latched. */
  readonly completed: boolean;
  /**
   * Checks whose raw first fire comes before that of the check listed just before them: `check` first fired
   * at `step`, but `after` (listed earlier) only at `afterStep`. Checks that never fire are misses, not here.
   */
  readonly orderViolations: readonly { check: number; step: number; after: number; afterStep: number }[];
  /**
   * The env's success step: the frame of its first "success" event, else the last frame when the episode
   * ended in success (termination on success), else null.
   */
  readonly successStep: number | null;
  /**
   * First frame on which the goal check may first fire (see criteria.ts goalWindow): the end window, or the
   * success step less the tolerance.
   */
  readonly nearEndFrom: number;
  /** Steps the goal may come before the success step when judged by it (successTolerance), else null. */
  readonly goalTolerance: number | null;
  /** Frames not evaluated because evaluation stopped. */
  readonly framesNotRun: number;
  /** Ground truth: first frame of each event kind, e.g. "pickup key" → { frame: 8, text: "picked up the red key" }. */
  readonly events: ReadonlyMap<string, { readonly frame: number; readonly text: string }>;
}

export function analyzeEpisode(
  evaluation: EpisodeEvaluation,
  subtaskNames: readonly string[],
  criteria: VerifyCriteria,
): EpisodeAnalysis {
  const { values, checkCount, trajectory } = evaluation;
  const frames = values.length / checkCount;
  const firstFire: (number | null)[] = new Array(checkCount).fill(null);
  const firedFrames: number[] = new Array(checkCount).fill(0);
  let framesNotRun = 0;
  const tracker = new SubtaskTracker(subtaskNames);
  for (let t = 0; t < frames; t++) {
    const row = values.subarray(t * checkCount, (t + 1) * checkCount);
    if (row.includes(CHECK_NOT_RUN)) framesNotRun++;
    for (let c = 0; c < checkCount; c++) {
      if (row[c] !== CHECK_TRUE) continue;
      firedFrames[c]++;
      if (firstFire[c] === null) firstFire[c] = t;
    }
    if (t > 0) tracker.update(row, t);
  }
  const orderViolations: EpisodeAnalysis["orderViolations"][number][] = [];
  for (let c = 1; c < checkCount; c++) {
    const step = firstFire[c];
    if (step === null) continue;
    // Compare with the nearest earlier check, so one misplaced check is reported once.
    const after = c - 1;
    const afterStep = firstFire[after];
    if (afterStep !== null && afterStep > step) orderViolations.push({ check: c, step, after, afterStep });
  }
  const steps = stepsOf(trajectory);
  const events = firstEventFrames(trajectory);
  const envSuccess = succeeded(trajectory);
  const successStep = events.get("success")?.frame ?? (envSuccess ? steps : null);
  const window = goalWindow(steps, successStep, criteria);
  return {
    group: evaluation.group,
    index: evaluation.index,
    seed: trajectory.seed,
    steps,
    envSuccess,
    firstFire,
    firedFrames,
    latchedAt: tracker.latchedAt,
    goalAt: tracker.goalLatchedAt,
    completed: tracker.goalDone,
    orderViolations,
    successStep,
    nearEndFrom: window.from,
    goalTolerance: window.tolerance,
    framesNotRun,
    events,
  };
}

/** How a check compares with the ground-truth event it matches best (frame by frame, all episodes pooled). */
export interface EventAgreement {
  /** Event kind, e.g. "pickup key": the event is taken as "has happened by this frame". */
  readonly event: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
}

/**
 * For each check, the event kind whose latched indicator ("E has happened by frame t") agrees best with the
 * check (highest F1), with precision and recall over every evaluated frame. Null for a check when no episode
 * has any event. Frames where the check erred count as "not fired"; frames not run are left out.
 */
export function eventAgreement(
  evaluations: readonly EpisodeEvaluation[],
  analyses: readonly EpisodeAnalysis[],
  checkCount: number,
): (EventAgreement | null)[] {
  const kinds = new Set<string>();
  for (const a of analyses) for (const k of a.events.keys()) kinds.add(k);
  const out: (EventAgreement | null)[] = [];
  for (let c = 0; c < checkCount; c++) {
    let best: EventAgreement | null = null;
    for (const event of [...kinds].sort()) {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (let i = 0; i < evaluations.length; i++) {
        const { values } = evaluations[i];
        const happened = analyses[i].events.get(event)?.frame ?? Number.POSITIVE_INFINITY;
        const frames = values.length / checkCount;
        for (let t = 0; t < frames; t++) {
          const v = values[t * checkCount + c];
          if (v === CHECK_NOT_RUN) continue;
          const predicted = v === CHECK_TRUE;
          const truth = t >= happened;
          if (predicted && truth) tp++;
          else if (predicted) fp++;
          else if (truth) fn++;
        }
      }
      const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
      const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
      const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      if (best === null || f1 > best.f1) {
        best = { event, precision, recall, f1, truePositives: tp, falsePositives: fp, falseNegatives: fn };
      }
    }
    out.push(best);
  }
  return out;
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}
