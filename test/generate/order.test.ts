/** Problems only verification finds, repaired across rounds: a check that throws mid-episode, a wrong order. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import "../../src/env/minigrid/index.ts";
import { generateProgram } from "../../src/generate/generate.ts";
import { loadRewardProgram } from "../../src/program/program.ts";
import { readTranscript } from "../../src/vlm/transcript.ts";
import { startFixtureServer } from "../vlm/fixture-server.ts";
import {
  FIXTURE_MODEL,
  fixtureClient,
  GOAL_CHECK_REPLY,
  GOAL_REPLY,
  OPEN_DOOR_REPLY,
  OPEN_DOOR_THROWS_REPLY,
  PICK_UP_KEY_REPLY,
  PLAN_REPLY,
  PLAN_WRONG_ORDER,
  SMALL,
  tempDir,
} from "./fixtures.ts";

test("openai: a check that throws mid-episode is rewritten and sub-tasks in the wrong order are reordered", async (t) => {
  const server = await startFixtureServer("openai", [
    { reply: GOAL_REPLY },
    { reply: PLAN_WRONG_ORDER },
    { reply: OPEN_DOOR_THROWS_REPLY },
    { reply: PICK_UP_KEY_REPLY },
    { reply: GOAL_CHECK_REPLY },
    // Round 2: the order turn answers with the right order, then the throwing check is rewritten.
    { reply: PLAN_REPLY },
    { reply: OPEN_DOOR_REPLY },
  ]);
  t.after(() => server.close());
  const out = join(tempDir(t), "gen");
  const { summary } = await generateProgram({
    ...SMALL,
    vlm: fixtureClient("openai", server.url, out),
    vlmSpec: `openai:${FIXTURE_MODEL}`,
    outDir: out,
    provenanceSource: "fixture",
  });
  assert.equal(summary.verdict, "accepted", summary.error);
  assert.equal(server.hits.length, 7);
  assert.deepEqual([...summary.rounds[0].failedRules].sort(), ["check-errors", "order"]);
  assert.deepEqual(
    summary.rounds[1].turns.map((t) => [t.stage, t.check ?? ""]),
    [
      ["order", ""],
      ["refine", "open_door"],
    ],
  );
  const first = loadRewardProgram(join(out, "program_round1.json"));
  const final = loadRewardProgram(join(out, "program.json"));
  assert.deepEqual(
    first.subtasks.map((s) => s.name),
    ["open_door", "pick_up_key"],
  );
  assert.deepEqual(
    final.subtasks.map((s) => s.name),
    ["pick_up_key", "open_door"],
  );
  assert.equal(final.subtasks[0].code, first.subtasks[1].code, "a reordered check is kept as it was");
  // The rewrite turn quoted the sandbox error.
  const entries = readTranscript(join(out, "transcript.jsonl"));
  const ask = entries
    .at(-1)
    ?.messages.at(-1)
    ?.content.flatMap((p) => (p.type === "text" ? [p.text] : []))
    .join("");
  assert.match(ask ?? "", /threw TypeError/);
});
