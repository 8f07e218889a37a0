/**
 * The hand-written Panda reference programs (Push, Slide) pass verification on their own render spec, progress
 * rules included, on a small sample (10 experts, 30 random episodes); docs/BENCHMARKS.md has the numbers on the
 * default 20 and 100 and on held-out seeds.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import "../../../src/env/panda/index.ts";
import { parseRewardProgram } from "../../../src/program/program.ts";
import { referenceFor } from "../../../src/program/reference/index.ts";
import { PUSH_PROGRAM, PUSH_RENDER, SLIDE_PROGRAM } from "../../../src/program/reference/panda.ts";
import { defaultRenderFor, sameRender } from "../../../src/trajectories/render-spec.ts";
import { formatSummary, verifyProgram } from "../../../src/verify/index.ts";

describe("Panda reference programs", () => {
  it("are found for every Push and Slide id, whatever the control and reward, and carry a render spec", () => {
    for (const id of ["PandaPush-v3", "PandaPushJoints-v3", "PandaPushJointsDense-v3"])
      assert.equal(referenceFor(id), PUSH_PROGRAM);
    for (const id of ["PandaSlide-v3", "PandaSlideJoints-v3"]) assert.equal(referenceFor(id), SLIDE_PROGRAM);
    assert.equal(referenceFor("PandaPickAndPlace-v3"), null);
    for (const program of [PUSH_PROGRAM, SLIDE_PROGRAM]) {
      assert.equal(program.provenance.source, "hand-written");
      assert.ok(program.render && !sameRender(program.render, defaultRenderFor("PandaPushJoints-v3")));
      assert.ok(program.subtasks[1].progress, "the close-to-target sub-task carries a progress term");
      // The spec survives a JSON round trip (it is what programs on disk hold).
      assert.deepEqual(parseRewardProgram(JSON.parse(JSON.stringify(program))).render, program.render);
    }
  });

  for (const [envId, program] of [
    ["PandaPushJoints-v3", PUSH_PROGRAM],
    ["PandaSlideJoints-v3", SLIDE_PROGRAM],
  ] as const) {
    it(`pass verification on ${envId}, progress rules included, on their own frames`, () => {
      const { report } = verifyProgram(program, { envId, experts: 10, random: 30, progress: false });
      assert.equal(report.verdict.accepted, true, formatSummary(report));
      assert.deepEqual(report.env.render, program.render, "verified on the program's render spec");
      assert.equal(report.experts.count, 10);
      assert.equal(report.experts.completionRate, 1);
      assert.ok(report.random.goalRate < 0.1);
      const [term] = report.progress ?? [];
      assert.equal(term?.subtask, "object_close_to_target");
      assert.deepEqual(term?.failed, []);
      assert.ok((term?.expert.meanCorrelation ?? 0) >= 0.6);
    });
  }

  it("judged on other frames (panda-gym's default camera), the Push program fails, which is why it carries its own", () => {
    const { report } = verifyProgram(
      { ...PUSH_PROGRAM, render: undefined },
      { envId: "PandaPushJoints-v3", experts: 3, random: 0, progress: false },
    );
    assert.equal(report.verdict.accepted, false);
    assert.notDeepEqual(report.env.render, PUSH_RENDER);
  });
});
