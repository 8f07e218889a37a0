/**
 * Issue 13: a generation on MiniGrid-KeyCorridorS3R3-v0, where the ball's, door's and key's colours change from
 * episode to episode. The FIXTURE replies (fixtures.ts, served by the fixture server) hold checks that handle
 * every colour; the prompts show several episodes and a task text true of all of them. The run is accepted in
 * round one, and its transcript replays to the same program.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import "../../src/env/minigrid/index.ts";
import { make } from "../../src/env/registry.ts";
import { generateProgram } from "../../src/generate/generate.ts";
import { createVlmClient } from "../../src/vlm/client.ts";
import { readTranscript } from "../../src/vlm/transcript.ts";
import { startFixtureServer } from "../vlm/fixture-server.ts";
import { FIXTURE_MODEL, fixtureClient, KC_CHAIN, KC_ENV, tempDir } from "./fixtures.ts";

const missionOf = (seed: number): string => {
  const env = make<{ mission: string }, number>(KC_ENV);
  try {
    return env.reset({ seed }).obs.mission;
  } finally {
    env.close();
  }
};

test("KeyCorridorS3R3 from a fixture transcript: colour-robust checks are accepted; the prompts say what varies", async (t) => {
  const server = await startFixtureServer("openai", KC_CHAIN);
  t.after(() => server.close());
  const dir = tempDir(t);
  const out = join(dir, "gen");
  const settings = { envId: KC_ENV, experts: 8, random: 20, provenanceSource: "fixture" as const };
  const { summary } = await generateProgram({
    ...settings,
    vlm: fixtureClient("openai", server.url, out),
    vlmSpec: `openai:${FIXTURE_MODEL}`,
    outDir: out,
  });
  assert.equal(summary.verdict, "accepted", JSON.stringify(summary.rounds, null, 1));
  assert.equal(summary.rounds.length, 1);

  // The verification episodes do vary in colour, so a check tied to one colour would have failed.
  const missions = new Set(Array.from({ length: 8 }, (_, seed) => missionOf(seed)));
  assert.ok(missions.size >= 3, [...missions].join("; "));

  const [first] = readTranscript(join(out, "transcript.jsonl"));
  const system = first.messages[0].content.map((p) => (p.type === "text" ? p.text : "")).join("");
  const ask = first.messages[1].content.map((p) => (p.type === "text" ? p.text : "")).join("");
  assert.equal(first.messages[1].content.filter((p) => p.type === "image").length, 4);
  assert.match(ask, /Each episode states its own mission, and the missions differ between episodes/);
  assert.match(ask, new RegExp(`mission "${missionOf(0)}"`));
  assert.doesNotMatch(ask, new RegExp(`^The task: ${missionOf(0)}`), "not one seed's mission as the task");
  assert.match(system, /drawn lighter/);
  assert.match(system, /carries is not drawn/);

  // The transcript is a fixture transcript: it replays, with no server, to the same program.
  const replayOut = join(dir, "replay");
  const spec = `replay:${join(out, "transcript.jsonl")}`;
  const replay = await generateProgram({
    ...settings,
    vlm: createVlmClient(spec, { transcript: join(replayOut, "transcript.jsonl") }),
    vlmSpec: spec,
    outDir: replayOut,
  });
  assert.equal(replay.summary.programHash, summary.programHash);
  assert.equal(replay.summary.calls.paid, 0);
});
