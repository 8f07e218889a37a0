import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../../src/cli/output.ts";
import { parseSeeds } from "../../src/cli/seeds.ts";
import { parseExperimentSpec, seedList } from "../../src/experiments/spec.ts";

test("--seeds means the same everywhere: a count is seeds 0…N-1, as in a spec; a list names seeds", () => {
  assert.deepEqual(parseSeeds("3"), [0, 1, 2]);
  assert.deepEqual(
    parseSeeds("3"),
    seedList(parseExperimentSpec({ envs: ["e"], rewards: ["sparse"], seeds: 3, frames: 1 })),
    "the same as a spec's seeds: 3",
  );
  assert.deepEqual(parseSeeds("3,"), [3]);
  assert.deepEqual(parseSeeds("0,3,5"), [0, 3, 5]);
  assert.deepEqual(parseSeeds("3-5"), [3, 4, 5]);
  assert.deepEqual(parseSeeds("1, 4-5"), [1, 4, 5]);
  for (const bad of ["0", "", "a", "5-3", "1,1", "-1"]) assert.throws(() => parseSeeds(bad), UserError, bad);
});
