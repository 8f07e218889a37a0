/** The refine policy: which checks to rewrite, when the order is in question, when to restart the chain. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { flaggedChecks, nextStreaks, planRefinement } from "../../src/generate/refine.ts";
import type { FeedbackItem, VerificationReport } from "../../src/verify/report.ts";

const report = (items: FeedbackItem[]) =>
  ({ feedback: { text: "", items } }) as unknown as VerificationReport;
const item = (kind: FeedbackItem["kind"], check?: string): FeedbackItem => ({
  kind,
  ...(check ? { check } : {}),
  message: `${kind} ${check ?? ""}`,
  frames: [],
});
const order = ["a", "b", "goal"];

test("flagged checks are rewritten in program order; order items are kept apart", () => {
  const plan = planRefinement(
    report([
      item("random-goal", "goal"),
      item("order", "b"),
      item("expert-miss", "a"),
      item("fires-at-start", "goal"),
    ]),
    order,
    new Map([["goal", 1]]),
    2,
  );
  assert.ok(plan && !plan.restart);
  assert.deepEqual([...plan.checks.keys()], ["a", "goal"]);
  assert.equal(plan.checks.get("goal")?.length, 2);
  assert.deepEqual(
    plan.order.map((i) => i.check),
    ["b"],
  );
});

test("a check flagged in consecutive rounds restarts the chain; so does a rejection naming no check", () => {
  const first = report([item("random-goal", "goal")]);
  let streaks = nextStreaks(new Map(), flaggedChecks(first));
  assert.equal(planRefinement(first, order, streaks, 2)?.restart, false);
  streaks = nextStreaks(streaks, flaggedChecks(first));
  const again = planRefinement(first, order, streaks, 2);
  assert.equal(again?.restart, true);
  assert.match(again?.reason ?? "", /the goal check failed 2 rounds in a row/);
  assert.equal(
    nextStreaks(streaks, new Set(["a"])).get("goal"),
    undefined,
    "a check that passed starts over",
  );
  assert.equal(planRefinement(report([item("aborted")]), order, new Map(), 2)?.restart, true);
});

test("no expert trajectories: nothing a check could fix, so no plan", () => {
  assert.equal(planRefinement(report([item("no-experts")]), order, new Map(), 2), null);
});
