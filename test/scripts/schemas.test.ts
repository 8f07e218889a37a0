import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { SCHEMA_DIR, schemaFiles } from "../../scripts/schemas.ts";
import { parseExperimentSpec } from "../../src/experiments/spec.ts";

test("the checked-in JSON Schemas are what the zod schemas generate (run `npm run schemas` after a change)", () => {
  const files = schemaFiles();
  assert.deepEqual(Object.keys(files).sort(), ["experiment-spec.schema.json", "reward-program.schema.json"]);
  for (const [file, text] of Object.entries(files)) {
    assert.equal(readFileSync(join(SCHEMA_DIR, file), "utf8"), text, `docs/schemas/${file} is out of date`);
  }
});

test("the schemas describe the files: required fields, PPO settings, and a $schema key the parser accepts", () => {
  const spec = JSON.parse(readFileSync(join(SCHEMA_DIR, "experiment-spec.schema.json"), "utf8"));
  assert.deepEqual(spec.required.sort(), ["envs", "frames", "rewards", "seeds"]);
  assert.equal(spec.additionalProperties, false);
  assert.equal(spec.properties.ppo.properties.lr.type, "number");
  assert.deepEqual(spec.properties.ppo.properties.model.enum, ["auto", "minigrid", "pixels"]);
  const program = JSON.parse(readFileSync(join(SCHEMA_DIR, "reward-program.schema.json"), "utf8"));
  assert.deepEqual(program.required.sort(), ["format", "goal", "helpers", "provenance", "subtasks", "task"]);
  assert.deepEqual(program.properties.provenance.properties.source.enum, ["vlm", "hand-written", "fixture"]);

  const parsed = parseExperimentSpec({
    $schema: "../docs/schemas/experiment-spec.schema.json",
    envs: ["MiniGrid-Unlock-v0"],
    rewards: ["sparse"],
    seeds: 1,
    frames: 1000,
  });
  assert.equal("$schema" in parsed, false);
});
