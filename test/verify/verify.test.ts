/**
 * Verification on small sets of Unlock trajectories (3 experts, 4 random), collected once and replayed for
 * every program: the reference program is accepted, and each kind of wrong program is rejected for the right
 * reason, with feedback that names the check, the trajectory and the frame.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import "../../src/env/minigrid/index.ts";
import { UNLOCK_PROGRAM } from "../../src/program/reference/unlock.ts";
import { collectTrajectories, policyFor, type TrajectorySet } from "../../src/trajectories/index.ts";
import {
  formatSummary,
  type Verification,
  type VerifyOptions,
  verifyProgram,
} from "../../src/verify/index.ts";
import { makeProgram } from "../program/fixtures.ts";

const ENV = "MiniGrid-Unlock-v0";
const KEY_CHECK = UNLOCK_PROGRAM.subtasks[0].code;
const DOOR_CHECK = UNLOCK_PROGRAM.goal.code;
const HELPERS = UNLOCK_PROGRAM.helpers;

let experts: TrajectorySet;
let random: TrajectorySet;
before(() => {
  experts = collectTrajectories({
    envId: ENV,
    policy: policyFor("expert", ENV),
    episodes: 3,
    hashFrames: false,
  });
  random = collectTrajectories({
    envId: ENV,
    policy: policyFor("random", ENV),
    episodes: 4,
    hashFrames: false,
  });
});

function verify(
  subtasks: Record<string, string>,
  goal: string,
  options: Partial<VerifyOptions> = {},
): Verification {
  const program = makeProgram(subtasks, goal, HELPERS);
  return verifyProgram(program, { envId: ENV, experts, random, progress: false, ...options });
}

const failed = (v: Verification) => v.report.verdict.rules.filter((r) => !r.passed).map((r) => r.rule);
const kinds = (v: Verification) => v.report.feedback.items.map((i) => i.kind);

describe("verifyProgram", () => {
  it("accepts the Unlock reference program and measures it against the ground truth", () => {
    const v = verifyProgram(UNLOCK_PROGRAM, { envId: ENV, experts, random, progress: false });
    const { report } = v;
    assert.equal(report.verdict.accepted, true, formatSummary(report));
    assert.equal(report.experts.completionRate, 1);
    assert.equal(report.checks[0].expert.fireRate, 1);
    assert.equal(report.checks[0].groundTruth?.event, "pickup key");
    assert.equal(report.checks[0].groundTruth?.precision, 1);
    assert.equal(report.checks[1].groundTruth?.event, "open door");
    assert.equal(report.checks[1].groundTruth?.recall, 1);
    assert.equal(report.feedback.items.length, 0);
    assert.equal(v.frames.size, 0);
    assert.equal(
      report.timing.frames,
      [...experts.episodes, ...random.episodes].reduce((n, e) => n + e.actions.length + 1, 0),
    );
    assert.ok(report.timing.distinctFrames < report.timing.frames, "repeated frames are not evaluated again");
    assert.match(formatSummary(report), /ACCEPTED/);
  });

  it("rejects an always-true program: random behaviour reaches the goal, checks fire on the first frame", () => {
    const v = verify({ anything: "() => true" }, "() => true");
    assert.deepEqual(failed(v), ["goal-near-end", "random-goal"]);
    assert.equal(v.report.random.goalRate, 1);
    assert.ok(kinds(v).includes("fires-at-start"));
    const item = v.report.feedback.items.find((i) => i.kind === "random-goal");
    assert.match(item?.message ?? "", /4 of 4 random trajectories \(100%/);
    assert.ok(
      item?.frames.some((f) => f.step === 0 && v.frames.has(f.file)),
      "the episode's first frame is attached",
    );
  });

  it("rejects a never-true program: experts do not complete the sub-task, frames from the end attached", () => {
    const v = verify({ "key picked up": "() => false" }, "() => false");
    assert.ok(failed(v).includes("expert-completion"));
    const miss = v.report.feedback.items.find((i) => i.kind === "expert-miss");
    assert.equal(miss?.check, "key picked up");
    assert.match(
      miss?.message ?? "",
      /did not count in 3 of 3 expert trajectories: it never returned true in 3/,
    );
    const last = experts.episodes[0].actions.length;
    assert.deepEqual(
      miss?.frames.map((f) => f.step),
      [last - 1, last],
    );
    for (const f of miss?.frames ?? []) assert.equal(v.frames.get(f.file)?.width, 352);
  });

  it("issue 13 (8): every failing check is flagged on its own, not only the first along the chain", () => {
    const v = verify({ "key picked up": "() => false" }, "() => false");
    const misses = v.report.feedback.items.filter((i) => i.kind === "expert-miss");
    assert.deepEqual(
      misses.map((i) => i.check),
      ["key picked up", "goal"],
    );
    // Issue 13 (4): the count is over all expert trajectories, and says what happened.
    assert.match(
      misses[1].message,
      /did not count in 3 of 3 expert trajectories: it never returned true in 3\./,
    );
  });

  it("wording 1 (revision-1 generations replay their refine rounds): the old words and the old choice of checks", () => {
    const v = verify({ "key picked up": "() => false" }, "() => false", { wording: 1 });
    const misses = v.report.feedback.items.filter((i) => i.kind === "expert-miss");
    assert.deepEqual(
      misses.map((i) => i.check),
      ["key picked up"],
    );
    assert.match(misses[0].message, /was not completed in 3 of 3 expert trajectories \(never true in 3\)/);
    const rule = (name: string) => v.report.verdict.rules.find((r) => r.rule === name)?.message ?? "";
    assert.match(rule("expert-completion"), /^0 of 3 expert trajectories \(0%\) complete every sub-task/);
    assert.match(rule("goal-near-end"), /^in 0 of 3 expert trajectories the goal check first fires only in/);
  });

  it("issue 13 (5): a failed rule's message counts the failures, not the passes", () => {
    const v = verify({ "key picked up": KEY_CHECK }, "() => false");
    const rule = (name: string) => v.report.verdict.rules.find((r) => r.rule === name);
    assert.equal(rule("goal-near-end")?.passed, false);
    assert.match(
      rule("goal-near-end")?.message ?? "",
      /^in 3 of 3 expert trajectories the goal check never fires/,
    );
    assert.match(rule("expert-completion")?.message ?? "", /^3 of 3 expert trajectories do not complete/);
    assert.match(
      formatSummary(v.report),
      /\[FAIL\] in 3 of 3 expert trajectories the goal check never fires/,
    );
    const good = verifyProgram(UNLOCK_PROGRAM, { envId: ENV, experts, random, progress: false });
    assert.match(
      good.report.verdict.rules.find((r) => r.rule === "goal-near-end")?.message ?? "",
      /^in all 3 expert trajectories the goal check first fires at the step where the env counts the task done, or at most max\(2, 20% of the episode's steps\) steps before it/,
    );
  });

  it("harder negatives: reported always, rules only when asked; truncated experts catch a check that guesses early", () => {
    const good = verifyProgram(UNLOCK_PROGRAM, { envId: ENV, experts, random, progress: false });
    assert.equal(good.report.negatives?.truncated.passed, true);
    assert.equal(good.report.negatives?.truncated.checks[0].event, "pickup key");
    assert.equal(good.report.negatives?.truncated.checks[0].trajectories, 3);
    assert.equal(good.report.negatives?.reversed.trajectories, 3);
    assert.equal(good.report.negatives?.reversed.completed, 0);
    assert.match(formatSummary(good.report), /Harder negatives:\n {2}\[ok\] no check fires/);

    // "Anything changed" is true from the first move on: long before the key is picked up.
    const early = { "key picked up": "(frame, first) => diffCount(frame, first) > 0" };
    const lax = verify(early, DOOR_CHECK);
    assert.equal(lax.report.verdict.accepted, true, "off by default: not a rule");
    assert.equal(lax.report.negatives?.truncated.checks[0].fired, 3);
    assert.match(
      formatSummary(lax.report),
      /\[warn\] cut just before its sub-task happens, "key picked up" already fires in 3 of 3/,
    );
    const strict = verify(early, DOOR_CHECK, { criteria: { rejectTruncatedFires: true } });
    assert.deepEqual(failed(strict), ["truncated-negatives"]);
    const item = strict.report.feedback.items.find((i) => i.kind === "truncated-fires");
    assert.equal(item?.check, "key picked up");
    assert.match(item?.message ?? "", /fires at step \d+, but "pickup key" happens only at step \d+/);
    assert.ok(item?.frames.every((f) => strict.frames.has(f.file)));
  });

  it("harder negatives: experts played backwards complete a program that only sees change", () => {
    const changed = "(frame, first) => diffCount(frame, first) > 0";
    const v = verify({ "something changed": changed }, changed, {
      criteria: { rejectReversedCompletion: true, requireGoalNearEnd: false },
    });
    assert.equal(v.report.negatives?.reversed.completed, 3);
    assert.ok(failed(v).includes("reversed-negatives"));
    assert.ok(kinds(v).includes("reversed-completes"));
  });

  it("rejects sub-tasks listed in the wrong order", () => {
    const v = verify({ "door open": DOOR_CHECK, "key picked up": KEY_CHECK }, DOOR_CHECK);
    assert.deepEqual(failed(v), ["order"]);
    const item = v.report.feedback.items.find((i) => i.kind === "order");
    assert.equal(item?.check, "key picked up");
    assert.match(item?.message ?? "", /first fires before sub-task 1 "door open"/);
  });

  it("rejects a goal that fires long before the end of expert episodes", () => {
    const v = verify({ "key picked up": KEY_CHECK }, KEY_CHECK);
    assert.ok(failed(v).includes("goal-near-end"));
    const item = v.report.feedback.items.find((i) => i.kind === "goal-early");
    assert.match(
      item?.message ?? "",
      /first true at step \d+, but the env counts the task done only at step \d+, where the episode ends/,
    );
  });

  it("reports a check that throws, with the trajectory and frame, and keeps evaluating", () => {
    const v = verify(
      {
        "key picked up":
          "(frame, first) => { if (diffCount(frame, first) > 0) throw new Error('boom'); return false; }",
      },
      DOOR_CHECK,
    );
    assert.ok(failed(v).includes("check-errors"));
    const errors = v.report.errors.filter((e) => e.check === "key picked up");
    assert.equal(errors.length, 7, "one located error per trajectory");
    const e = errors[0];
    assert.equal(e.kind, "threw");
    assert.equal(e.group, "expert");
    assert.ok(e.frame >= 1);
    assert.match(e.message, new RegExp(`on frame ${e.frame}`));
    assert.ok(v.report.checks[1].expert.fireRate === 1, "the goal check still ran on every frame");
    assert.ok(kinds(v).includes("check-error"));
  });

  it("stops an endless loop by the time limit and gives up after repeated timeouts", () => {
    const v = verify({ looping: "() => { while (true) {} }" }, "() => false", {
      sandbox: { timeLimitMs: 20 },
      batchFrames: 4,
      maxFatalErrors: 2,
    });
    assert.ok(failed(v).includes("check-errors"));
    assert.ok(failed(v).includes("evaluation"));
    assert.equal(v.report.errors[0].kind, "timeout");
    assert.equal(v.report.errors[0].fatal, true);
    assert.equal(kinds(v)[0], "aborted");
  });

  it("survives a memory bomb and names it", () => {
    const v = verify(
      { hungry: "() => { const a = []; while (true) a.push(new Array(1e6).fill(1)); }" },
      "() => false",
      {
        maxFatalErrors: 1,
      },
    );
    assert.ok(failed(v).includes("check-errors"));
    assert.ok(["memory", "isolate-crashed"].includes(v.report.errors[0].kind), v.report.errors[0].kind);
  });

  it("rejects escape attempts before running anything", () => {
    for (const code of [
      "() => process.exit(1)",
      "(frame) => frame.constructor.constructor('return this')()",
    ]) {
      const v = verify({ escape: code }, "() => false");
      assert.deepEqual(failed(v), ["compiles"], code);
      assert.equal(v.report.compileErrors[0].kind, "forbidden");
      assert.equal(v.report.timing.frames, 0);
      assert.equal(kinds(v)[0], "compile-error");
    }
  });

  it("replaces failed expert episodes and warns about them", () => {
    const v = verifyProgram(UNLOCK_PROGRAM, {
      envId: ENV,
      experts: 1,
      random: 0,
      expertPolicy: policyFor("random", ENV),
      progress: false,
    });
    assert.equal(v.report.experts.count, 0);
    assert.equal(v.report.experts.skipped.length, 3);
    assert.ok(failed(v).includes("evaluation"));
    assert.match(v.report.warnings.join(" "), /the expert failed on 3 seed/);
  });
});
