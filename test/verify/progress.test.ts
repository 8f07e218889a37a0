/**
 * Verification of progress terms on small sets of Unlock trajectories: a term that rises toward the key is
 * accepted, one that falls is rejected with feedback naming its sub-task and showing the frames, and one that
 * is high whatever happens fails on random trajectories. Plus the rank correlation itself.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import "../../src/env/minigrid/index.ts";
import { parseRewardProgram, type RewardProgram } from "../../src/program/program.ts";
import { TOWARD_THE_KEY, UNLOCK_WITH_PROGRESS } from "../../src/program/reference/progress.ts";
import { UNLOCK_PROGRAM } from "../../src/program/reference/unlock.ts";
import { collectTrajectories, policyFor, type TrajectorySet } from "../../src/trajectories/index.ts";
import { formatSummary, verdictJson, verifyProgram } from "../../src/verify/index.ts";
import { rankCorrelationWithTime } from "../../src/verify/progress.ts";

const ENV = "MiniGrid-Unlock-v0";

const TOWARD_KEY = TOWARD_THE_KEY;

function withKeyProgress(code: string): RewardProgram {
  return parseRewardProgram({
    ...UNLOCK_PROGRAM,
    subtasks: [{ ...UNLOCK_PROGRAM.subtasks[0], progress: code }],
  });
}

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

const verify = (program: RewardProgram) =>
  verifyProgram(program, { envId: ENV, experts, random, progress: false });
const failed = (v: ReturnType<typeof verify>) =>
  v.report.verdict.rules.filter((r) => !r.passed).map((r) => r.rule);

describe("rankCorrelationWithTime", () => {
  it("is Spearman's rho with mean ranks for ties: 1 rising, -1 falling, 0 constant, null below 3 values", () => {
    assert.equal(rankCorrelationWithTime([0, 0.1, 0.5, 0.9]), 1);
    assert.equal(rankCorrelationWithTime([3, 2, 1]), -1);
    assert.equal(rankCorrelationWithTime([0.5, 0.5, 0.5]), 0);
    assert.equal(rankCorrelationWithTime([0, 1]), null);
    // Monotone but not linear still ranks as 1; ties: ranks 1.5, 1.5, 3, 4 against 1..4.
    assert.equal(rankCorrelationWithTime([0, 0.01, 0.02, 1]), 1);
    const rho = rankCorrelationWithTime([0, 0, 1, 2]) ?? Number.NaN;
    assert.ok(Math.abs(rho - 4.5 / Math.sqrt(4.5 * 5)) < 1e-12, String(rho));
  });
});

describe("verifyProgram: progress terms", () => {
  it("accepts a term that rises toward the sub-task on experts and stays low on random play", () => {
    const v = verify(UNLOCK_WITH_PROGRESS);
    const { report } = v;
    assert.equal(report.verdict.accepted, true, formatSummary(report));
    const rules = report.verdict.rules.map((r) => r.rule);
    for (const rule of ["progress-rises", "progress-ends-high", "progress-random-low"] as const)
      assert.ok(rules.includes(rule), rule);
    const term = report.progress?.[0];
    assert.equal(term?.subtask, "key picked up");
    assert.equal(term?.expert.segments.length, 3);
    assert.ok((term?.expert.meanCorrelation ?? 0) >= 0.6, String(term?.expert.meanCorrelation));
    assert.equal(term?.expert.meanAtEnd, 1);
    assert.equal(term?.random.trajectories, 4);
    assert.deepEqual(term?.failed, []);
    assert.match(formatSummary(report), /Progress terms:\n {2}1\. key picked up: expert rank correlation/);
    const json = verdictJson(report);
    assert.deepEqual(json.progress, [
      {
        subtask: "key picked up",
        expertCorrelation: term?.expert.meanCorrelation,
        expertAtEnd: 1,
        randomMean: term?.random.meanValue,
        failed: [],
      },
    ]);
  });

  it("rejects a term that falls on experts, with feedback naming the sub-task and showing the frames", () => {
    const falling = `(frame, first) => 1 - (${TOWARD_KEY})(frame, first)`;
    const v = verify(withKeyProgress(falling));
    // 1 - "toward the key" is also high where random play has not picked the key up.
    assert.deepEqual(failed(v), ["progress-rises", "progress-ends-high", "progress-random-low"]);
    const rule = v.report.verdict.rules.find((r) => r.rule === "progress-rises");
    assert.match(rule?.message ?? "", /failing: "key picked up"/);
    const item = v.report.feedback.items.find((i) => i.kind === "progress-falls");
    assert.ok(item, JSON.stringify(v.report.feedback.items.map((i) => i.kind)));
    assert.equal(item.check, "key picked up");
    assert.equal(item.term, "progress");
    assert.match(item.message, /^The progress term of sub-task 1 "key picked up" does not rise/);
    assert.match(
      item.message,
      /rank correlation with time is -\d\.\d\d on average over 3 expert trajectories/,
    );
    assert.equal(item.frames.length, 3);
    for (const f of item.frames) assert.ok(v.frames.has(f.file), `frame ${f.file} rendered`);
    assert.match(item.frames[2].caption, /sub-task done, progress 0\.00/);
    assert.ok(
      v.report.feedback.items.some((i) => i.kind === "progress-ends-low" && i.check === "key picked up"),
    );
    assert.match(v.report.feedback.text, /The progress term of sub-task 1 "key picked up"/);
  });

  it("rejects a term that is high on random trajectories", () => {
    const v = verify(withKeyProgress("(frame, first) => 0.9"));
    assert.ok(failed(v).includes("progress-random-low"), failed(v).join());
    const item = v.report.feedback.items.find((i) => i.kind === "progress-random-high");
    assert.match(
      item?.message ?? "",
      /0\.90 on average over their frames before the sub-task is done \(limit 0\.3\)/,
    );
    assert.equal(item?.frames[0].group, "random");
  });

  it("reports a term returning NaN as a check error naming the term, and rejects the program", () => {
    const v = verify(withKeyProgress("(frame, first) => 0 / 0"));
    assert.ok(failed(v).includes("check-errors"));
    const error = v.report.errors.find((e) => e.term === "progress");
    assert.equal(error?.check, "key picked up");
    assert.equal(error?.kind, "bad-progress");
    const item = v.report.feedback.items.find((i) => i.kind === "check-error");
    assert.match(
      item?.message ?? "",
      /The progress term of sub-task "key picked up" returned the number NaN/,
    );
  });

  it("catches a term that keeps state between calls with the determinism probe", () => {
    const program = parseRewardProgram({
      ...withKeyProgress("(frame, first) => { calls += 1; return calls % 2 === 0 ? 0.5 : 0; }"),
      helpers: `${UNLOCK_PROGRAM.helpers}\nlet calls = 0;`,
    });
    const v = verify(program);
    const error = v.report.errors.find((e) => e.kind === "nondeterministic");
    assert.equal(error?.check, "key picked up");
    assert.equal(error?.term, "progress");
    assert.match(error?.message ?? "", /^The progress term of sub-task "key picked up" returned/);
    assert.ok(failed(v).includes("check-errors"));
  });

  it("adds no rules, fields or feedback for a program without progress terms", () => {
    const v = verify(UNLOCK_PROGRAM);
    assert.ok(!v.report.verdict.rules.some((r) => r.rule.startsWith("progress")));
    assert.equal(v.report.progress, undefined);
    assert.doesNotMatch(formatSummary(v.report), /Progress terms/);
  });
});
