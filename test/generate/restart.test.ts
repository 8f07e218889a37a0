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

async function restartedRun(t: Parameters<typeof F.tempDir>[0], revision?: 2 | 3) {
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
    ...(revision ? { revision } : {}),
  });
  return { summary, vlm };
}

test("the goal check fails twice in a row: round 3 restarts the chain and is accepted", async (t) => {
  const { summary, vlm } = await restartedRun(t);
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

/** The images of the restart question: the episodes' initial frames, the goal frame, then the note's frames. */
function text(request: ChatRequest): string {
  return request.messages[1].content.filter((p) => typeof p === "string").join("");
}

function imagesOf(request: ChatRequest): number {
  return request.messages[1].content.filter((p) => typeof p !== "string").length;
}

test("revision 4: the restarted chain is shown the failed attempt's feedback frames, each after its caption", async (t) => {
  const { vlm } = await restartedRun(t);
  const shown = imagesOf(vlm.requests[0]);
  assert.ok(imagesOf(vlm.requests[7]) >= shown + 2, "the frames where a random trajectory's goal counted");
  // A frame named by two feedback items (the same step of the same trajectory) is shown once.
  assert.equal(text(vlm.requests[7]).match(/Expert trajectory 0, step 0:/g)?.length, 1);
  const ask = vlm.requests[7].messages[1].content;
  assert.match(
    text(vlm.requests[7]),
    /Random trajectory \d+, step \d+: the goal counted:/,
    "each frame after its caption",
  );
  assert.match(text(vlm.requests[7]), /frames show\.\n\nWhat do you think/, "still a paragraph of its own");
  // The frames come with the feedback, before the question.
  const question = ask.findIndex((p) => typeof p === "string" && /What do you think/.test(p));
  assert.equal(typeof ask[question - 1], "object");
});

test("revisions 2-3: the restarted chain gets the feedback as text only, as recorded", async (t) => {
  const { vlm } = await restartedRun(t, 3);
  assert.equal(imagesOf(vlm.requests[7]), imagesOf(vlm.requests[0]), "no frames beyond the first turn's");
  const text = vlm.requests[7].messages[1].content.filter((p) => typeof p === "string").join("");
  assert.match(text, /Make the checks stricter/);
});
