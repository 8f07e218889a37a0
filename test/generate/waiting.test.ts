/**
 * Issue 13 (9): a `manual` reply that does not come in time ends the run as `waiting`, with how to resume,
 * never as a verdict: no program.json is written for a program the loop was still refining.
 */
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import "../../src/env/minigrid/index.ts";
import { generateProgram } from "../../src/generate/generate.ts";
import { createVlmClient } from "../../src/vlm/client.ts";
import type { ChatRequest, Vlm } from "../../src/vlm/types.ts";
import * as F from "./fixtures.ts";

test("a manual reply that times out mid-refinement: verdict waiting, no program.json; answering and rerunning resumes", async (t) => {
  const dir = join(F.tempDir(t), "gen");
  const manualDir = join(dir, "manual");
  const manual = createVlmClient("manual:fixture-person", {
    env: {},
    transcript: join(dir, "transcript.jsonl"),
    manual: { dir: manualDir, pollMs: 20, timeoutMs: 200, onWaiting: () => {} },
  });
  // Round 1's FIXTURE replies come in-process; the refine round's question goes to the manual folder.
  const chain = [
    F.GOAL_REPLY,
    F.PLAN_REPLY,
    F.PICK_UP_KEY_REPLY,
    F.OPEN_DOOR_REPLY,
    F.ALWAYS_TRUE_GOAL_REPLY,
  ];
  let asked = 0;
  const vlm: Vlm = {
    async chat(request: ChatRequest) {
      const text = chain[asked++];
      if (text === undefined) return manual.chat(request);
      return {
        text,
        usage: { inputTokens: 1, outputTokens: 1 },
        model: F.FIXTURE_MODEL,
        provider: "fixture",
        source: "network",
        finishReason: "stop",
        latencyMs: 0,
        costUsd: 0,
        callId: `fixture-${asked}`,
      };
    },
  };
  const options = {
    ...F.SMALL,
    vlm,
    vlmSpec: "manual:fixture-person",
    outDir: dir,
    provenanceSource: "fixture" as const,
  };
  const { summary, program } = await generateProgram(options);
  assert.equal(summary.verdict, "waiting");
  assert.equal(program, null);
  assert.ok(!existsSync(join(dir, "program.json")), "no final program while the loop waits");
  assert.match(summary.error ?? "", /reply\.md/);
  assert.match(summary.error ?? "", /run the same command again/);
  assert.equal(summary.rounds.length, 1, "round 1 is recorded; the waiting round is not a round yet");
  assert.ok(existsSync(join(manualDir, "request-1", "prompt.md")));
  // The person answers the refine question (the order stands); the rerun continues from there.
  writeFileSync(join(manualDir, "request-1", "reply.md"), F.PLAN_REPLY);
  asked = 0;
  const second = await generateProgram(options);
  assert.equal(second.summary.verdict, "waiting", "the next refine question waits in its own folder");
  assert.ok(existsSync(join(manualDir, "request-2", "prompt.md")));
});
