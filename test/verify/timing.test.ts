/**
 * Verification faults blind answerers met on Panda and Tabletop, fixed from wording 3 / the current criteria:
 * the goal's timing judged against the env's own success step with a stated tolerance (and still strict on a
 * goal that fires early), a missed goal shown by the episode's last frames, and progress terms judged sensibly
 * over segments of a few frames. The legacy criteria and wording 2 keep the old behaviour (recorded replays).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRewardProgram } from "../../src/program/program.ts";
import { CHECK_FALSE, CHECK_TRUE } from "../../src/program/results.ts";
import type { Trajectory } from "../../src/trajectories/trajectory.ts";
import { analyzeEpisode } from "../../src/verify/analyze.ts";
import { goalWindow, LEGACY_RULES, resolveCriteria } from "../../src/verify/criteria.ts";
import type { EpisodeEvaluation } from "../../src/verify/evaluate.ts";
import { buildFeedback } from "../../src/verify/feedback.ts";
import { analyzeProgress, progressRules, shortSegmentScore } from "../../src/verify/progress.ts";
import type { CheckReport, GroupCheckStats } from "../../src/verify/report.ts";
import { judge } from "../../src/verify/verify.ts";

const CURRENT = resolveCriteria();
const LEGACY = resolveCriteria(LEGACY_RULES);

/** A Panda-like expert episode of `steps` steps that ends in success (termination on success, a success event). */
function trajectory(steps: number, extraEvents: Trajectory["events"] = {}): Trajectory {
  return {
    seed: 7,
    actions: new Array(steps).fill(0),
    rewards: new Array(steps).fill(0),
    terminated: true,
    truncated: false,
    events: {
      ...extraEvents,
      [steps - 1]: [{ type: "success", text: "solved Push" }],
    },
  };
}

/**
 * An evaluation of a program with one sub-task and the goal: the sub-task fires from `subtaskAt` on, the goal
 * from `goalAt` on (null: never), and the sub-task's progress term takes `progress[t]`.
 */
function evaluation(
  steps: number,
  subtaskAt: number,
  goalAt: number | null,
  progress?: readonly number[],
  events: Trajectory["events"] = {},
): EpisodeEvaluation {
  const values = new Uint8Array((steps + 1) * 2);
  for (let t = 0; t <= steps; t++) {
    values[2 * t] = t >= subtaskAt ? CHECK_TRUE : CHECK_FALSE;
    values[2 * t + 1] = goalAt !== null && t >= goalAt ? CHECK_TRUE : CHECK_FALSE;
  }
  return {
    group: "expert",
    index: 0,
    trajectory: trajectory(steps, events),
    checkCount: 2,
    values,
    ...(progress ? { progress: Float64Array.from(progress) } : {}),
    errors: [],
  };
}

const stats: GroupCheckStats = {
  trajectories: 1,
  fireRate: 1,
  firstFrameRate: 0,
  latchRate: 1,
  meanFirstFire: 1,
  meanFirstFireFraction: 0.5,
  firstFire: [1],
};
const checks: CheckReport[] = [
  {
    name: "cube_moved",
    role: "subtask",
    position: 1,
    description: "the cube moved",
    expert: stats,
    random: stats,
    // The goal check agrees best with the early "moved" event: frames around it would hide a missed goal.
    groundTruth: {
      event: "moved cube",
      precision: 1,
      recall: 1,
      f1: 1,
      truePositives: 1,
      falsePositives: 0,
      falseNegatives: 0,
    },
    expertGroundTruth: null,
    errorFrames: 0,
  },
  {
    name: "goal",
    role: "goal",
    position: 2,
    description: "the cube is on its target",
    expert: stats,
    random: stats,
    groundTruth: {
      event: "moved cube",
      precision: 0.5,
      recall: 1,
      f1: 0.6,
      truePositives: 1,
      falsePositives: 1,
      falseNegatives: 0,
    },
    expertGroundTruth: null,
    errorFrames: 0,
  },
];
const MOVED = { 5: [{ type: "moved", object: "cube", color: "green", text: "moved the green cube" }] };

describe("the goal's timing on terminate-on-success episodes", () => {
  it("is judged from the env's success step with a tolerance of max(2, 20%) steps; legacy keeps the end window", () => {
    assert.deepEqual(goalWindow(23, 23, CURRENT), { from: 18, tolerance: 5 });
    assert.deepEqual(goalWindow(46, 46, CURRENT), { from: 36, tolerance: 10 });
    assert.deepEqual(goalWindow(8, 8, CURRENT), { from: 6, tolerance: 2 });
    assert.deepEqual(goalWindow(23, 23, LEGACY), { from: 21, tolerance: null });
    // An episode the env never counted done keeps the end window.
    assert.deepEqual(goalWindow(23, null, CURRENT), { from: 21, tolerance: null });
  });

  it("accepts a goal a few steps before the env's success, and still rejects one that fires early", () => {
    const rule = (goalAt: number | null, criteria = CURRENT) => {
      const a = analyzeEpisode(evaluation(23, 2, goalAt), ["cube_moved"], criteria);
      return judge({
        compileErrors: [],
        experts: [a],
        random: [],
        errors: [],
        criteria,
        wording: 3,
      }).find((r) => r.rule === "goal-near-end");
    };
    // Four steps before the success step: too early for the old 3-frame window, fine within 5 steps.
    assert.equal(rule(19, LEGACY)?.passed, false);
    assert.equal(rule(19)?.passed, true);
    assert.match(rule(19)?.message ?? "", /at most max\(2, 20% of the episode's steps\) steps before it/);
    // Half-way through the push: early, whichever rule.
    assert.equal(rule(10)?.passed, false);
    assert.match(
      rule(10)?.message ?? "",
      /first fires more than max\(2, 20% of the episode's steps\) steps before the step where the env counts the task done \(in 1\)/,
    );
    assert.match(rule(null)?.message ?? "", /never fires \(in 1\)/);
  });

  it("feedback states the success step, the tolerance and the earliest allowed step, with their frames", () => {
    const a = analyzeEpisode(evaluation(23, 2, 10), ["cube_moved"], CURRENT);
    const { items } = buildFeedback({
      checks,
      experts: [a],
      random: [],
      errors: [],
      compileErrors: [],
      criteria: CURRENT,
      wording: 3,
    });
    const early = items.find((i) => i.kind === "goal-early");
    assert.match(
      early?.message ?? "",
      /first true at step 10, but the env counts the task done only at step 23, where the episode ends/,
    );
    assert.match(early?.message ?? "", /at most 5 steps before that \(from step 18 on/);
    assert.deepEqual(
      early?.frames.map((f) => f.step),
      [10, 18, 23],
    );
    // Wording 2 (revisions 2-3) says it as recorded.
    const old = buildFeedback({
      checks,
      experts: [analyzeEpisode(evaluation(23, 2, 10), ["cube_moved"], LEGACY)],
      random: [],
      errors: [],
      compileErrors: [],
      criteria: LEGACY,
      wording: 2,
    }).items.find((i) => i.kind === "goal-early");
    assert.match(old?.message ?? "", /fires long before the end/);
  });
});

describe("a missed goal", () => {
  it("is shown by the episode's last frames, where the env counted the task done, not by the event it matched", () => {
    const a = analyzeEpisode(evaluation(23, 2, null, undefined, MOVED), ["cube_moved"], CURRENT);
    const input = { checks, experts: [a], random: [], errors: [], compileErrors: [], criteria: CURRENT };
    const miss = buildFeedback({ ...input, wording: 3 }).items.find(
      (i) => i.kind === "expert-miss" && i.check === "goal",
    );
    assert.deepEqual(
      miss?.frames.map((f) => f.step),
      [21, 22, 23],
    );
    assert.match(miss?.message ?? "", /the env counted the task done at step 23/);
    assert.match(miss?.message ?? "", /must\s+already be true on that very frame/);
    assert.match(miss?.message ?? "", /It may fire up to 5 steps earlier/);
    // Wording 2 showed the frames around the matched event (the push at step 6), as recorded.
    const old = buildFeedback({ ...input, wording: 2 }).items.find(
      (i) => i.kind === "expert-miss" && i.check === "goal",
    );
    assert.deepEqual(
      old?.frames.map((f) => f.step),
      [5, 6, 7],
    );
  });
});

describe("progress terms over short episodes", () => {
  const program = parseRewardProgram({
    format: "vlmcar.program/1",
    task: { envId: "Tabletop-put-block-in-bowl-full-v0", description: "put the blocks in the bowls" },
    helpers: "",
    subtasks: [
      {
        name: "blocks_in_bowls",
        description: "the blocks are in the bowls",
        code: "(frame, first) => false",
        progress: "(frame, first) => 0",
      },
    ],
    goal: { description: "done", code: "(frame, first) => false" },
    provenance: { source: "fixture", createdAt: "2026-12-03T00:00:00Z" },
  });
  const judgeTerm = (values: readonly number[], criteria = CURRENT) => {
    const steps = values.length - 1;
    const e = evaluation(steps, steps, steps, values);
    const a = analyzeEpisode(e, ["blocks_in_bowls"], criteria);
    const reports = analyzeProgress(program, [e], [a], criteria);
    return { report: reports[0], rule: progressRules(reports, criteria)[0] };
  };

  it("scores a segment of a few frames by whether the term never falls and ends higher", () => {
    assert.equal(shortSegmentScore([0, 1]), 1);
    assert.equal(shortSegmentScore([0, 0, 1]), 1);
    assert.equal(shortSegmentScore([0, 0.5, 0.49, 1]), 1, "a dip within 0.02 is jitter");
    assert.equal(shortSegmentScore([0, 0.6, 0.3, 1]), -1);
    assert.equal(shortSegmentScore([0.5, 0.5]), 0);
  });

  it("accepts a term that jumps 0 → 0.5 → 1 over two pick-and-places and rejects one that falls", () => {
    const jumps = judgeTerm([0, 0.5, 1]);
    assert.equal(jumps.report.expert.segments[0].short, true);
    assert.equal(jumps.report.expert.meanCorrelation, 1);
    assert.equal(jumps.rule.passed, true);
    assert.match(jumps.rule.message, /a segment of fewer than 5 frames counts 1 when the term never falls/);
    // A two-frame episode is judged too (rank correlation needs 3 values).
    assert.equal(judgeTerm([0, 1]).report.expert.meanCorrelation, 1);
    assert.equal(judgeTerm([0, 1], LEGACY).report.expert.meanCorrelation, null);
    const falls = judgeTerm([0, 0.8, 0.2, 1]);
    assert.equal(falls.rule.passed, false);
    // Long segments keep the rank correlation.
    const long = judgeTerm([0, 0.2, 0.1, 0.4, 0.6, 1]);
    assert.equal(long.report.expert.segments[0].short, undefined);
    assert.ok((long.report.expert.meanCorrelation ?? 0) > 0.9);
  });
});
