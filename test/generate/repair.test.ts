/**
 * Broken replies the loop must repair, and a flaky provider, against fixture servers through the real SDKs:
 * prose instead of a list, no code, a syntax error, an always-true goal (fails the random test); HTTP 429, 500,
 * a hang past the timeout, malformed JSON. (order.test.ts has the problems only verification finds.)
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import "../../src/env/minigrid/index.ts";
import { generateProgram } from "../../src/generate/generate.ts";
import { loadRewardProgram } from "../../src/program/program.ts";
import { readTranscript } from "../../src/vlm/transcript.ts";
import { startFixtureServer } from "../vlm/fixture-server.ts";
import {
  ALWAYS_TRUE_GOAL_REPLY,
  FIXTURE_MODEL,
  fixtureClient,
  GOAL_CHECK_REPLY,
  GOAL_REPLY,
  NO_CODE_REPLY,
  OPEN_DOOR_REPLY,
  PICK_UP_KEY_REPLY,
  PLAN_AS_PROSE,
  PLAN_REPLY,
  SMALL,
  SYNTAX_ERROR_REPLY,
  tempDir,
} from "./fixtures.ts";

test("anthropic: unreadable list, no code, a syntax error and an always-true goal are repaired; 429, 500, a hang and malformed JSON are retried", async (t) => {
  const server = await startFixtureServer("anthropic", [
    { status: 429, headers: { "retry-after": "0" } },
    { reply: GOAL_REPLY },
    { reply: PLAN_AS_PROSE },
    { reply: PLAN_REPLY },
    { reply: NO_CODE_REPLY },
    { reply: SYNTAX_ERROR_REPLY },
    { status: 500 },
    { reply: PICK_UP_KEY_REPLY },
    { malformed: true },
    { reply: OPEN_DOOR_REPLY },
    { hang: true },
    { reply: ALWAYS_TRUE_GOAL_REPLY },
    // Round 2: the goal check fires before "open_door", so the order is asked about first; it stands.
    { reply: PLAN_REPLY },
    { reply: GOAL_CHECK_REPLY },
  ]);
  t.after(() => server.close());
  const out = join(tempDir(t), "gen");
  const { summary } = await generateProgram({
    ...SMALL,
    vlm: fixtureClient("anthropic", server.url, out, 3_000),
    vlmSpec: `anthropic:${FIXTURE_MODEL}`,
    outDir: out,
    provenanceSource: "fixture",
  });
  assert.equal(summary.verdict, "accepted", summary.error);
  assert.equal(server.hits.length, 14);
  assert.equal(summary.rounds.length, 2);
  assert.deepEqual(summary.rounds[0].failedRules.includes("random-goal"), true);
  assert.equal(summary.rounds[1].action, "refine");
  assert.equal(summary.calls.repairs, 3, "one for the list, two for the first check");

  const turns = summary.rounds[0].turns;
  const problems = turns.filter((t) => t.problem).map((t) => t.problem ?? "");
  assert.match(problems[0], /no numbered list/);
  assert.match(problems[1], /no code/);
  assert.match(problems[2], /not valid JavaScript/);

  // The repair turns carried the problem to the VLM, in the same conversation.
  const entries = readTranscript(join(out, "transcript.jsonl")).filter((e) => e.reply);
  const repairAsk = entries[2].messages.at(-1)?.content[0];
  assert.ok(repairAsk?.type === "text" && /could not read the sub-task list/.test(repairAsk.text));
  const syntaxRepair = entries[5].messages.at(-1)?.content[0];
  assert.ok(syntaxRepair?.type === "text" && /line 2/.test(syntaxRepair.text), "the line is the VLM's own");
  // Retries are recorded with the call they belong to.
  const attempts = readTranscript(join(out, "transcript.jsonl")).flatMap((e) =>
    e.attempts.map((a) => a.kind),
  );
  assert.deepEqual(attempts, ["rate-limit", "server", "malformed", "timeout"]);

  // The refine turn for the goal attached the feedback frames and named the failed rule.
  const refine = entries.at(-1);
  const images = refine?.messages.at(-1)?.content.filter((p) => p.type === "image") ?? [];
  assert.ok(images.length >= 3, "both task frames and at least one feedback frame");
  const text =
    refine?.messages
      .at(-1)
      ?.content.flatMap((p) => (p.type === "text" ? [p.text] : []))
      .join("") ?? "";
  assert.match(text, /random trajectories/);
  assert.match(text, /Rewrite the goal check/);

  const program = loadRewardProgram(join(out, "program.json"));
  assert.match(program.goal.code, /goalReached/);
  const report = JSON.parse(readFileSync(join(out, "verify_round1", "report.json"), "utf8"));
  assert.equal(report.verdict.accepted, false);
});
