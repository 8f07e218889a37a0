/**
 * A generated program records the render spec it was generated and verified with, but only when that differs
 * from the env's default: programs generated on the default frames serialise (and hash) as before render specs
 * existed, so the recorded zoo generations replay to the same hashes (test/zoo/replay.test.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import "../../src/env/minigrid/index.ts";
import { generateProgram } from "../../src/generate/generate.ts";
import { loadRewardProgram } from "../../src/program/program.ts";
import type { RenderSpec } from "../../src/trajectories/render-spec.ts";
import { startFixtureServer } from "../vlm/fixture-server.ts";
import {
  FIXTURE_MODEL,
  fixtureClient,
  GOAL_CHECK_REPLY,
  GOAL_REPLY,
  OPEN_DOOR_REPLY,
  PICK_UP_KEY_REPLY,
  PLAN_REPLY,
  SMALL,
  tempDir,
} from "./fixtures.ts";

async function generateOn(t: Parameters<typeof tempDir>[0], render: RenderSpec) {
  const out = join(tempDir(t), "gen");
  const server = await startFixtureServer("openai", [
    { reply: GOAL_REPLY },
    { reply: PLAN_REPLY },
    { reply: PICK_UP_KEY_REPLY },
    { reply: OPEN_DOOR_REPLY },
    { reply: GOAL_CHECK_REPLY },
  ]);
  t.after(() => server.close());
  await generateProgram({
    ...SMALL,
    random: 3,
    maxRounds: 1,
    render,
    vlm: fixtureClient("openai", server.url, out),
    vlmSpec: `openai:${FIXTURE_MODEL}`,
    outDir: out,
    provenanceSource: "fixture",
  });
  return loadRewardProgram(join(out, "program.json"));
}

test("a program generated on the env's default frames carries no render spec", async (t) => {
  const program = await generateOn(t, { mode: "full", highlight: true, tileSize: 32 });
  assert.equal(program.render, undefined);
});

test("a program generated on other frames carries the spec it was verified with", async (t) => {
  const render: RenderSpec = { mode: "full", tileSize: 32, highlight: false };
  const program = await generateOn(t, render);
  assert.deepEqual(program.render, render);
});
