/**
 * What to do after a rejected verification: which checks to rewrite, whether the sub-task order is in
 * question, or whether to start the whole chain again. Pure functions of the report and the history, so the
 * policy can be read (and tested) apart from the calls it leads to.
 */
import type { FeedbackItem, VerificationReport } from "../verify/report.ts";

export interface RefinePlan {
  /** Start the chain afresh (new conversation, new seed) instead of patching this program. */
  readonly restart: boolean;
  /** Why, in one sentence, for the round record. */
  readonly reason: string;
  /** Checks to rewrite (sub-task names, "goal"), each with the feedback about it, in program order. */
  readonly checks: ReadonlyMap<string, readonly FeedbackItem[]>;
  /** Feedback saying a check fires before the one listed before it: the plan's order is in question. */
  readonly order: readonly FeedbackItem[];
}

/**
 * Decides the next step. `streaks` counts, per check, the consecutive rejected rounds (this one included)
 * in which it was flagged; a check flagged `restartAfter` rounds in a row despite being rewritten means the
 * plan itself is likely wrong, so the chain restarts. Problems no check can fix (no expert trajectories)
 * are not refined at all: `null` is returned, and the run stops.
 */
export function planRefinement(
  report: VerificationReport,
  checkOrder: readonly string[],
  streaks: ReadonlyMap<string, number>,
  restartAfter: number,
): RefinePlan | null {
  const items = report.feedback.items;
  if (items.some((i) => i.kind === "no-experts")) return null;
  const byCheck = new Map<string, FeedbackItem[]>();
  const order: FeedbackItem[] = [];
  for (const item of items) {
    if (item.kind === "order") {
      order.push(item);
      continue;
    }
    // Generated programs keep helpers inside each check; "helpers" problems cannot arise from them.
    if (item.check === undefined || !checkOrder.includes(item.check)) continue;
    const list = byCheck.get(item.check) ?? [];
    list.push(item);
    byCheck.set(item.check, list);
  }
  const checks = new Map(checkOrder.filter((c) => byCheck.has(c)).map((c) => [c, byCheck.get(c) ?? []]));
  const stuck = [...streaks.entries()].filter(([, n]) => n >= restartAfter).map(([c]) => c);
  if (stuck.length > 0) {
    return {
      restart: true,
      reason: `${stuck.map(label).join(", ")} failed ${restartAfter} rounds in a row; starting the chain again`,
      checks,
      order,
    };
  }
  if (checks.size === 0 && order.length === 0) {
    return {
      restart: true,
      reason: "the rejection names no check to rewrite; starting the chain again",
      checks,
      order,
    };
  }
  const parts = [
    ...(order.length > 0 ? ["revisiting the sub-task order"] : []),
    ...(checks.size > 0 ? [`rewriting ${[...checks.keys()].map(label).join(", ")}`] : []),
  ];
  return { restart: false, reason: parts.join(" and "), checks, order };
}

/** The checks flagged in a report (as planRefinement reads it), for the failure streaks. */
export function flaggedChecks(report: VerificationReport): Set<string> {
  return new Set(report.feedback.items.flatMap((i) => (i.check === undefined ? [] : [i.check])));
}

/** Consecutive-failure counts after a rejected round: flagged checks go up by one, the others reset. */
export function nextStreaks(
  previous: ReadonlyMap<string, number>,
  flagged: ReadonlySet<string>,
): Map<string, number> {
  const next = new Map<string, number>();
  for (const check of flagged) next.set(check, (previous.get(check) ?? 0) + 1);
  return next;
}

function label(check: string): string {
  return check === "goal" ? "the goal check" : `"${check}"`;
}
