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

test("issue 13 (8): one refine round rewrites every failing check, each question showing the whole program's state", async (t) => {
  const { generateProgram } = await import("../../src/generate/generate.ts");
  await import("../../src/env/minigrid/index.ts");
  const F = await import("./fixtures.ts");
  const { join } = await import("node:path");
  // Round 1: the key check and the goal check are never true; their rewrites are right.
  const vlm = F.keyedVlm((question) => {
    if (/final goal is\?/.test(question)) return F.GOAL_REPLY;
    if (/What tasks must the agent complete/.test(question)) return F.PLAN_REPLY;
    if (/Rewrite the check of sub-task "pick_up_key"/.test(question)) return F.PICK_UP_KEY_REPLY;
    if (/Rewrite the goal check/.test(question)) return F.GOAL_CHECK_REPLY;
    if (/Sub-task 1 of 2: pick_up_key/.test(question)) return F.neverReply("pickUpKey");
    if (/Sub-task 2 of 2: open_door/.test(question)) return F.OPEN_DOOR_REPLY;
    if (/final goal is completed/.test(question)) return F.neverReply("goalReached");
    throw new Error(`fixture VLM: unexpected question ${question.slice(-200)}`);
  });
  const { summary } = await generateProgram({
    ...F.SMALL,
    vlm,
    vlmSpec: `fixture:${F.FIXTURE_MODEL}`,
    outDir: join(F.tempDir(t), "gen"),
    provenanceSource: "fixture",
  });
  assert.equal(summary.verdict, "accepted");
  assert.deepEqual(
    summary.rounds.map((r) => r.action),
    ["chain", "refine"],
  );
  assert.match(summary.rounds[1].reason ?? "", /rewriting "pick_up_key", the goal check/);
  const refines = vlm.requests
    .slice(5)
    .map((r) =>
      (r.messages.filter((m) => m.role === "user").at(-1)?.content ?? [])
        .filter((p) => typeof p === "string")
        .join(""),
    );
  assert.equal(refines.length, 2, "both failing checks in one round");
  for (const text of refines) {
    assert.match(text, /Where each check stands/);
    assert.match(
      text,
      /- Sub-task 1, pick_up_key: true in 0 of 3 expert trajectories.*flagged by verification/,
    );
    assert.match(text, /- Sub-task 2, open_door: true in 3 of 3 expert trajectories.*no problem found/);
    assert.match(text, /- The goal check: true in 0 of 3 expert trajectories.*flagged by verification/);
    // Revision 4 states the goal's timing rule as verification judges it (revisions 2-3: "only near its end").
    assert.match(
      text,
      /the goal at most max\(2, 20% of the episode's steps\) steps before the step where the\s+environment counts the task done/,
    );
  }
  // The missed goal is shown by the episode's last frames, where the env counted the task done.
  const goalAsk = refines.find((text) => /Rewrite the goal check/.test(text)) ?? "";
  assert.match(goalAsk, /Expert trajectory \d+, step (\d+): the env counted the task done/);
});
