/** A check that stays wrong after a rewrite restarts the whole chain, with a new seed and a note of what failed. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import "../../src/env/minigrid/index.ts";
import { generateProgram } from "../../src/generate/generate.ts";
import type { ChatReply, ChatRequest, Vlm } from "../../src/vlm/types.ts";
import * as F from "./fixtures.ts";

/** An in-process VLM answering FIXTURE replies in order, recording the requests. */
function scripted(replies: string[]): Vlm & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    requests,
    async chat(request: ChatRequest): Promise<ChatReply> {
      requests.push(request);
      const text = replies[requests.length - 1];
      if (text === undefined) throw new Error("scripted VLM: no reply left");
      return {
        text,
        usage: { inputTokens: 1, outputTokens: 1 },
        model: F.FIXTURE_MODEL,
        provider: "fixture",
        source: "network",
        finishReason: "stop",
        latencyMs: 0,
        costUsd: 0,
        callId: `fixture-${requests.length}`,
      };
    },
  };
}

test("the goal check fails twice in a row: round 3 restarts the chain and is accepted", async (t) => {
  const chain = (goalCheck: string) => [
    F.GOAL_REPLY,
    F.PLAN_REPLY,
    F.PICK_UP_KEY_REPLY,
    F.OPEN_DOOR_REPLY,
    goalCheck,
  ];
  const vlm = scripted([
    ...chain(F.ALWAYS_TRUE_GOAL_REPLY),
    F.PLAN_REPLY, // round 2: the order stands...
    F.ALWAYS_TRUE_GOAL_REPLY, // ...and the rewritten goal check is as wrong as before
    ...chain(F.GOAL_CHECK_REPLY),
  ]);
  const { summary } = await generateProgram({
    ...F.SMALL,
    vlm,
    vlmSpec: `fixture:${F.FIXTURE_MODEL}`,
    outDir: join(F.tempDir(t), "gen"),
    provenanceSource: "fixture",
  });
  assert.equal(summary.verdict, "accepted");
  assert.deepEqual(
    summary.rounds.map((r) => [r.action, r.attempt]),
    [
      ["chain", 0],
      ["refine", 0],
      ["chain", 1],
    ],
  );
  assert.match(summary.rounds[2].reason ?? "", /failed 2 rounds in a row/);
  assert.equal(vlm.requests.length, 12);
  assert.deepEqual(
    vlm.requests.map((r) => r.seed),
    [...Array(7).fill(undefined), 1, 1, 1, 1, 1],
    "the restarted chain asks with a new seed, so a cache cannot hand back the rejected answers",
  );
  const restartAsk = vlm.requests[7].messages[1].content.filter((p) => typeof p === "string").join("");
  assert.match(restartAsk, /This is attempt 2\. An earlier attempt at this task failed in 2 round\(s\)/);
  // Issue 13 (7): the note is a paragraph of its own, and carries the feedback that caused the restart.
  assert.doesNotMatch(restartAsk, /\.What do you think/);
  assert.match(restartAsk, /frames show\.\n\nWhat do you think/);
  assert.match(restartAsk, /Make the checks stricter so that random behaviour does not satisfy them/);
});
