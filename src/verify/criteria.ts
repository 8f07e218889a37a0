/** The acceptance rules of verification and their thresholds (VLM-CaR §3.3, made configurable). */

export interface VerifyCriteria {
  /** Fraction of expert trajectories that must complete every sub-task in order and the goal (default 1). */
  readonly minExpertCompletion: number;
  /** The goal may be reached by fewer than this fraction of random trajectories (default 0.1). */
  readonly maxRandomGoalRate: number;
  /** Reject when the goal check fires on an expert frame before the end window (default true). */
  readonly requireGoalNearEnd: boolean;
  /**
   * The end window of an expert episode of T steps: its last max(nearEndMinSteps, ceil(nearEndFraction * T))
   * frames (defaults 2 and 0.1). The goal check should first fire inside it.
   */
  readonly nearEndFraction: number;
  readonly nearEndMinSteps: number;
  /**
   * How the goal's timing is judged on an expert episode in which the env counted the task done (its success
   * step s: the frame of its first "success" event, else the last frame of an episode that ended in success,
   * which with termination on success is the very frame the task got done). A number f: the goal check may
   * first fire at most max(nearEndMinSteps, ceil(f * s)) steps before s (default 0.2). With termination on
   * success there is no frame after s, so a goal check a little stricter than the env's condition never fires;
   * this tolerance is what the check may have on the other side, and feedback states it in steps. null: the end
   * window of nearEndFraction for every episode (the rule generations of revisions 1-3 were judged by).
   */
  readonly successTolerance: number | null;
  /** Reject a program whose checks threw, returned non-booleans, timed out or ran out of memory (default false). */
  readonly allowCheckErrors: boolean;
  /**
   * Reject when a check fires in an expert trajectory cut just before its sub-task happens (negatives.ts;
   * default false: always reported, not judged).
   */
  readonly rejectTruncatedFires: boolean;
  /** Reject when an expert trajectory played backwards completes every sub-task and the goal (default false). */
  readonly rejectReversedCompletion: boolean;
  /**
   * Progress terms (progress.ts), judged only for sub-tasks that have one. On expert trajectories a term must
   * rise while its sub-task is the current one: the mean over experts of its Spearman rank correlation with
   * time is at least `minProgressCorrelation` (default 0.6).
   */
  readonly minProgressCorrelation: number;
  /** ... and end near 1: its mean value on the frame where the sub-task latched is at least this (default 0.8). */
  readonly minProgressAtEnd: number;
  /**
   * On random trajectories it must stay low: its mean over the frames where it is paid before its sub-task
   * latched is at most this (default 0.3).
   */
  readonly maxRandomProgress: number;
  /**
   * Expert segments of fewer frames than this (an episode of a few steps: one pick-and-place per step) are
   * judged by whether the term never falls and ends above where it started (score 1, else -1, 0 when flat)
   * instead of its rank correlation with time, which means little over a few frames; from 2 frames on
   * (default 5). 0: rank correlation only, segments under 3 frames unjudged (revisions 1-3).
   */
  readonly progressShortSegment: number;
}

export const DEFAULT_CRITERIA: VerifyCriteria = Object.freeze({
  minExpertCompletion: 1,
  maxRandomGoalRate: 0.1,
  requireGoalNearEnd: true,
  nearEndFraction: 0.1,
  nearEndMinSteps: 2,
  allowCheckErrors: false,
  rejectTruncatedFires: false,
  rejectReversedCompletion: false,
  minProgressCorrelation: 0.6,
  minProgressAtEnd: 0.8,
  maxRandomProgress: 0.3,
  successTolerance: 0.2,
  progressShortSegment: 5,
});

/**
 * The criteria values that give the rules generations of revisions 1-3 were verified by (the goal's end window
 * over every episode, rank correlation only), so they resume and replay to the same verdicts and feedback.
 */
export const LEGACY_RULES: Partial<VerifyCriteria> = Object.freeze({
  successTolerance: null,
  progressShortSegment: 0,
});

/** The first frame index of the end window of an episode with `steps` steps (frames 0..steps). */
export function nearEndStart(steps: number, criteria: VerifyCriteria): number {
  const window = Math.max(criteria.nearEndMinSteps, Math.ceil(criteria.nearEndFraction * steps));
  return Math.max(0, steps - window + 1);
}

/**
 * Where the goal check may first fire in an episode of `steps` steps whose success step is `successStep`
 * (null when the env never counted the task done): from frame `from` on. `tolerance` is the number of steps
 * it may come before the success step, when judged by it (see VerifyCriteria.successTolerance), else null.
 */
export function goalWindow(
  steps: number,
  successStep: number | null,
  criteria: VerifyCriteria,
): { from: number; tolerance: number | null } {
  if (criteria.successTolerance === null || successStep === null) {
    return { from: nearEndStart(steps, criteria), tolerance: null };
  }
  const tolerance = Math.max(criteria.nearEndMinSteps, Math.ceil(criteria.successTolerance * successStep));
  return { from: Math.max(0, successStep - tolerance), tolerance };
}

/** Merges overrides into the defaults and checks the ranges; throws RangeError naming the bad field. */
export function resolveCriteria(overrides: Partial<VerifyCriteria> = {}): VerifyCriteria {
  const c = { ...DEFAULT_CRITERIA, ...overrides };
  const fraction = (name: keyof VerifyCriteria): void => {
    const v = c[name] as number;
    if (!(v >= 0 && v <= 1)) throw new RangeError(`criteria.${name} must be a fraction in [0, 1], got ${v}`);
  };
  fraction("minExpertCompletion");
  fraction("maxRandomGoalRate");
  fraction("nearEndFraction");
  fraction("minProgressAtEnd");
  fraction("maxRandomProgress");
  if (c.successTolerance !== null) fraction("successTolerance");
  if (!(Number.isInteger(c.progressShortSegment) && c.progressShortSegment >= 0)) {
    throw new RangeError(
      `criteria.progressShortSegment must be an integer >= 0 (frames), got ${c.progressShortSegment}`,
    );
  }
  if (!(c.minProgressCorrelation >= -1 && c.minProgressCorrelation <= 1)) {
    throw new RangeError(
      `criteria.minProgressCorrelation must be a rank correlation in [-1, 1], got ${c.minProgressCorrelation}`,
    );
  }
  if (!(Number.isInteger(c.nearEndMinSteps) && c.nearEndMinSteps >= 1)) {
    throw new RangeError(`criteria.nearEndMinSteps must be an integer >= 1, got ${c.nearEndMinSteps}`);
  }
  return c;
}
