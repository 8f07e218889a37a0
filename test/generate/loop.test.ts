/**
 * The generate → verify → refine loop end to end, against fixture servers speaking the OpenAI and Anthropic
 * wire formats through the real SDK clients: a correct program, resume after a provider failure, replay from
 * the transcript with zero network calls.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import "../../src/env/minigrid/index.ts";
import { type GenerationSummary, generateProgram } from "../../src/generate/generate.ts";
import { loadRewardProgram } from "../../src/program/program.ts";
import { createVlmClient } from "../../src/vlm/client.ts";
import { readTranscript } from "../../src/vlm/transcript.ts";
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

const readSummary = (dir: string): GenerationSummary =>
  JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));

test("a correct program: accepted in round 1; a provider failure stops the run, and rerunning resumes without repeating a call; replay gives the same program with zero network calls", async (t) => {
  const dir = tempDir(t);
  const out = join(dir, "gen");
  // The first run gets three good replies, then the provider fails every attempt.
  const failing = await startFixtureServer("openai", [
    { reply: GOAL_REPLY },
    { reply: PLAN_REPLY },
    { reply: PICK_UP_KEY_REPLY },
    { status: 500 },
    { status: 500 },
    { status: 500 },
  ]);
  t.after(() => failing.close());
  const first = await generateProgram({
    ...SMALL,
    vlm: fixtureClient("openai", failing.url, out),
    vlmSpec: `openai:${FIXTURE_MODEL}`,
    outDir: out,
    provenanceSource: "fixture",
  });
  assert.equal(first.summary.verdict, "failed");
  assert.match(first.summary.error ?? "", /500|server/i, "the summary says why the run stopped");
  assert.equal(failing.hits.length, 6);
  assert.equal(first.program, null);
  assert.ok(!existsSync(join(out, "program.json")));

  // Run again into the same folder: the three paid replies come from the transcript.
  const healthy = await startFixtureServer("openai", [
    { reply: OPEN_DOOR_REPLY },
    { reply: GOAL_CHECK_REPLY },
  ]);
  t.after(() => healthy.close());
  const second = await generateProgram({
    ...SMALL,
    vlm: fixtureClient("openai", healthy.url, out),
    vlmSpec: `openai:${FIXTURE_MODEL}`,
    outDir: out,
    provenanceSource: "fixture",
  });
  assert.equal(healthy.hits.length, 2, "only the calls never answered are sent");
  assert.equal(second.summary.verdict, "accepted");
  assert.equal(second.summary.rounds.length, 1);
  const program = loadRewardProgram(join(out, "program.json"));
  assert.deepEqual(
    program.subtasks.map((s) => s.name),
    ["pick_up_key", "open_door"],
  );
  assert.equal(program.provenance.source, "fixture");
  assert.equal(program.provenance.provider, "openai");
  assert.equal(program.provenance.model, FIXTURE_MODEL);
  assert.ok(program.provenance.createdAt);
  const summary = readSummary(out);
  assert.equal(summary.programHash, second.summary.programHash);
  assert.ok(existsSync(join(out, "program_round1.json")));
  assert.ok(existsSync(join(out, "verify_round1", "report.json")));
  assert.equal(summary.calls.paid, 5);
  assert.ok(summary.costUsd > 0);
  // The requests carried both images, and every one is in the transcript.
  const entries = readTranscript(join(out, "transcript.jsonl"));
  const firstAsk = entries[0].messages[1].content.filter((p) => p.type === "image");
  assert.equal(
    firstAsk.length,
    4,
    "the first question shows three episodes' initial frames and the goal frame",
  );

  // A third run against no server at all: everything is answered from the transcript.
  await healthy.close();
  const third = await generateProgram({
    ...SMALL,
    vlm: fixtureClient("openai", healthy.url, out),
    vlmSpec: `openai:${FIXTURE_MODEL}`,
    outDir: out,
    provenanceSource: "fixture",
  });
  assert.equal(third.summary.programHash, second.summary.programHash);

  // Replay into a fresh folder: identical program, and no provider at all.
  const replayOut = join(dir, "replay");
  const replay = await generateProgram({
    ...SMALL,
    vlm: createVlmClient(`replay:${join(out, "transcript.jsonl")}`, {
      transcript: join(replayOut, "transcript.jsonl"),
    }),
    vlmSpec: `replay:${join(out, "transcript.jsonl")}`,
    outDir: replayOut,
    provenanceSource: "fixture",
  });
  assert.equal(replay.summary.programHash, second.summary.programHash);
  assert.equal(replay.summary.calls.paid, 0);
  assert.equal(replay.summary.calls.replayed, 5);
  assert.equal(healthy.hits.length + failing.hits.length, 8, "no server saw another request");
});
