/**
 * Determinism as a verified property: verification evaluates a sample of frames again (in reverse order,
 * checks goal-first) and rejects a program whose answers change, naming the check. The reference program
 * passes (verify.test.ts); here, programs that keep state or write to their frames are caught.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import "../../src/env/minigrid/index.ts";
import { UNLOCK_PROGRAM } from "../../src/program/reference/unlock.ts";
import { collectTrajectories, policyFor, type TrajectorySet } from "../../src/trajectories/index.ts";
import { type Verification, verifyProgram } from "../../src/verify/index.ts";
import { makeProgram } from "../program/fixtures.ts";

const ENV = "MiniGrid-Unlock-v0";
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

function verify(subtasks: Record<string, string>, goal: string, helpers: string): Verification {
  return verifyProgram(makeProgram(subtasks, goal, helpers), {
    envId: ENV,
    experts,
    random,
    progress: false,
  });
}

function nondeterministic(v: Verification) {
  return v.report.errors.filter((e) => e.kind === "nondeterministic");
}

describe("verification checks determinism", () => {
  it("rejects a check that keeps state between calls, saying so", () => {
    const key = UNLOCK_PROGRAM.subtasks[0].code;
    const v = verify(
      { "key picked up": key },
      "(frame, first) => { calls++; return calls % 2 === 0; }",
      `${UNLOCK_PROGRAM.helpers}\nlet calls = 0;`,
    );
    assert.equal(v.report.verdict.accepted, false);
    const found = nondeterministic(v);
    assert.deepEqual(
      found.map((e) => e.check),
      ["goal"],
    );
    assert.match(
      found[0].message,
      /answered (true|false) on frame \d+ and (true|false) when the same frame was checked again/,
    );
    assert.match(v.report.feedback.text, /Do not keep state between calls/);
  });

  it("rejects a program whose check reads what another check wrote into the frame", () => {
    // "marker" paints a pixel of the frame; the goal then sees it, but only when it runs after "marker".
    const v = verify(
      { marker: "(frame) => { frame.data[0] = 7; return false; }" },
      "(frame) => frame.data[0] === 7",
      "",
    );
    assert.equal(v.report.verdict.accepted, false);
    assert.deepEqual(
      nondeterministic(v).map((e) => e.check),
      ["goal"],
    );
  });
});
