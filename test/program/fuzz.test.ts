/**
 * Garbled programs through compile and evaluate in this one host process: none may crash or hang the host,
 * and every failure must come back as a ProgramError or as errors in the results. CI runs a small count;
 * `npm run bench:program -- --fuzz` runs 10,000.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fuzzFrames, fuzzSandbox } from "../../src/program/garble.ts";
import { loadRewardProgram } from "../../src/program/program.ts";
import { REFERENCE_PROGRAMS } from "../../src/program/reference/index.ts";

describe("fuzzing the sandbox with garbled programs", () => {
  it("60 mutants: no host failure, no hang, every failure a ProgramError or a reported error", () => {
    const { first, frames } = fuzzFrames();
    const programs = [
      // The MiniGrid ones: the fuzz frames are DoorKey renders (the tabletop programs read 640x480 frames).
      ...REFERENCE_PROGRAMS.filter((r) => r.exampleId.startsWith("MiniGrid-")).map((r) => r.program),
      loadRewardProgram("zoo/MiniGrid-DoorKey-8x8-v0/program.json"),
    ];
    const summary = fuzzSandbox({
      programs,
      count: 60,
      // A seed whose 60 mutants include clean ones and compile errors for this list of programs.
      seed: 17,
      frames,
      first,
      sandbox: { isolation: "process", timeLimitMs: 20, warmupMs: 200, compileTimeLimitMs: 200 },
    });
    assert.deepEqual(summary.hostFailures, []);
    assert.equal(summary.hangs, 0);
    assert.equal(summary.programs, 60);
    assert.equal(summary.clean + summary.compileErrors + summary.runErrors, 60);
    assert.ok(summary.compileErrors > 0 && summary.clean > 0, JSON.stringify(summary));
  });
});
