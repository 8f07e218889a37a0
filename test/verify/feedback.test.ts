import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EpisodeAnalysis } from "../../src/verify/analyze.ts";
import { DEFAULT_CRITERIA } from "../../src/verify/criteria.ts";
import { buildFeedback } from "../../src/verify/feedback.ts";
import type { CheckReport, GroupCheckStats } from "../../src/verify/report.ts";

const stats: GroupCheckStats = {
  trajectories: 2,
  fireRate: 0.5,
  firstFrameRate: 0,
  latchRate: 0.5,
  meanFirstFire: 4,
  meanFirstFireFraction: 0.4,
  firstFire: [4, null],
};

function check(name: string, role: "subtask" | "goal", position: number, event: string | null): CheckReport {
  return {
    name,
    role,
    position,
    description: name,
    expert: stats,
    random: stats,
    groundTruth:
      event === null
        ? null
        : {
            event,
            precision: 1,
            recall: 0.5,
            f1: 0.67,
            truePositives: 5,
            falsePositives: 0,
            falseNegatives: 5,
          },
    expertGroundTruth: null,
    errorFrames: 0,
  };
}

function expert(
  index: number,
  firstFire: (number | null)[],
  latchedAt: (number | null)[],
  goalAt: number | null,
): EpisodeAnalysis {
  return {
    group: "expert",
    index,
    seed: 10 + index,
    steps: 10,
    envSuccess: true,
    firstFire,
    firedFrames: firstFire.map((f) => (f === null ? 0 : 1)),
    latchedAt,
    goalAt,
    completed: goalAt !== null,
    orderViolations: [],
    successStep: 10,
    nearEndFrom: 9,
    goalTolerance: null,
    framesNotRun: 0,
    events: new Map([
      ["pickup key", { frame: 6, text: "picked up the red key" }],
      ["open door", { frame: 10, text: "opened the red door" }],
    ]),
  };
}

describe("buildFeedback", () => {
  it("shows an expert miss around the step where the matching event truly happened", () => {
    const { items, text } = buildFeedback({
      checks: [check("key picked up", "subtask", 1, "pickup key"), check("goal", "goal", 2, "open door")],
      experts: [expert(0, [4, 10], [4], 10), expert(1, [null, 10], [null], null)],
      random: [],
      errors: [],
      compileErrors: [],
      criteria: DEFAULT_CRITERIA,
    });
    assert.equal(items.length, 1);
    const [miss] = items;
    assert.equal(miss.kind, "expert-miss");
    assert.equal(miss.check, "key picked up");
    assert.deepEqual(
      miss.frames.map((f) => [f.group, f.episode, f.step]),
      [
        ["expert", 1, 5],
        ["expert", 1, 6],
        ["expert", 1, 7],
      ],
    );
    assert.match(miss.message, /1 of 2 expert trajectories/);
    assert.match(miss.message, /expert trajectory 1 \(seed 11, 10 steps\), picked up the red key at step 6/);
    assert.match(text, /^1\. .*Frames: feedback\/01-expert1-t5\.png/);
  });

  it("falls back to the last frames when no event matches the check", () => {
    const { items } = buildFeedback({
      checks: [check("key picked up", "subtask", 1, null), check("goal", "goal", 2, null)],
      experts: [expert(0, [null, null], [null], null)],
      random: [],
      errors: [],
      compileErrors: [],
      criteria: DEFAULT_CRITERIA,
    });
    assert.deepEqual(
      items[0].frames.map((f) => f.step),
      [9, 10],
    );
    assert.match(items[0].message, /returned false on every frame/);
  });

  it("issue 13 (4): a check's misses are counted over every expert trajectory, not only those that reached it", () => {
    const { items } = buildFeedback({
      checks: [check("key picked up", "subtask", 1, "pickup key"), check("goal", "goal", 2, "open door")],
      experts: [
        expert(0, [4, null], [4], null),
        expert(1, [null, null], [null], null),
        expert(2, [null, null], [null], null),
        expert(3, [null, null], [null], null),
      ],
      random: [],
      errors: [],
      compileErrors: [],
      criteria: DEFAULT_CRITERIA,
    });
    const goal = items.find((i) => i.check === "goal" && i.kind === "expert-miss");
    assert.ok(goal, "the goal check is flagged although the tracker never reached it in three trajectories");
    assert.match(
      goal.message,
      /The goal check did not count in 4 of 4 expert trajectories: it never returned true in 4\./,
    );
    const key = items.find((i) => i.check === "key picked up");
    assert.match(
      key?.message ?? "",
      /did not count in 3 of 4 expert trajectories: it never returned true in 3\./,
    );
  });
});
