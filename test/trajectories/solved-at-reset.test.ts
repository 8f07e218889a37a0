/** An expert episode whose task is solved before the first action demonstrates nothing: collection skips it. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import "../../src/env/panda/index.ts";
import { collectTrajectories, policyFor } from "../../src/trajectories/index.ts";

// Seed 41 of PandaPushJoints-v3 puts the cube within panda-gym's 5 cm of its target at reset.
const SOLVED_AT_RESET = 41;
const render = { mode: "scene", width: 16, height: 12, shadows: false } as const;

describe("episodes solved at reset", () => {
  it("are recorded as such, and kept for random play but skipped for expert demonstrations", () => {
    const envId = "PandaPushJoints-v3";
    const random = collectTrajectories({
      envId,
      render,
      policy: policyFor("random", envId, SOLVED_AT_RESET),
      episodes: 1,
      seedBase: SOLVED_AT_RESET,
      progress: false,
    });
    assert.equal(random.episodes[0].solvedAtReset, true);
    assert.equal(random.episodes[0].actions.length, 1, "panda-gym ends the episode on its first step");

    const experts = collectTrajectories({
      envId,
      render,
      policy: policyFor("expert", envId, SOLVED_AT_RESET),
      episodes: 1,
      seedBase: SOLVED_AT_RESET,
      onlySuccesses: true,
      progress: false,
    });
    assert.deepEqual(experts.skipped, [
      {
        seed: SOLVED_AT_RESET,
        reason: "the task was already solved at reset, so the episode shows none of it",
      },
    ]);
    assert.equal(experts.episodes[0].seed, SOLVED_AT_RESET + 1);
    assert.equal(experts.episodes[0].solvedAtReset, undefined);
  });
});
