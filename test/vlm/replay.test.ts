/** Replay: a recorded transcript answers the same requests again with zero network calls. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { createVlmClient } from "../../src/vlm/client.ts";
import type { VlmError } from "../../src/vlm/errors.ts";
import type { ChatRequest } from "../../src/vlm/types.ts";
import { startFixtureServer } from "./fixture-server.ts";
import { clientFor, tempDir, testFrame } from "./helpers.ts";

const chain = (goal: string): ChatRequest[] => {
  const first: ChatRequest = {
    messages: [
      { role: "system", content: ["You write reward checks."] },
      {
        role: "user",
        content: ["Initial frame:", { type: "image", image: testFrame() }, "What is the goal?"],
      },
    ],
    temperature: 0,
  };
  const second: ChatRequest = {
    ...first,
    messages: [
      ...first.messages,
      { role: "assistant", content: [goal] },
      { role: "user", content: ["Write the checks."] },
    ],
  };
  return [first, second, first];
};

test("replay reproduces a recorded run with zero network calls, and names the first difference otherwise", async (t) => {
  const server = await startFixtureServer("anthropic", [
    { reply: "Reach the green goal square." },
    { reply: "function goal(frame) { return true; }" },
  ]);
  t.after(() => server.close());
  const dir = tempDir(t);
  const recorder = clientFor("anthropic", server.url, join(dir, "recorded"));
  const recorded = [];
  const requests = chain("Reach the green goal square.");
  for (const r of requests) recorded.push(await recorder.chat(r)); // the third is a cache hit
  assert.equal(server.hits.length, 2);

  const replay = createVlmClient(`replay:${recorder.transcript.path}`, {
    env: {},
    transcript: join(dir, "replayed", "transcript.jsonl"),
  });
  const replayed = [];
  for (const r of requests) replayed.push(await replay.chat(r));
  assert.equal(server.hits.length, 2, "replay made no network call");
  assert.deepEqual(
    replayed.map((r) => r.text),
    recorded.map((r) => r.text),
  );
  for (const r of replayed) {
    assert.equal(r.source, "replay");
    assert.equal(r.provider, "anthropic", "the author of the text, not 'replay'");
    assert.equal(r.model, "claude-sonnet-4-20250514");
    assert.equal(r.costUsd, 0);
  }
  assert.equal(replay.totals().replayed, 3);

  // One more identical request than recorded: the transcript is exhausted.
  await assert.rejects(replay.chat(requests[0]), /all 3 recorded replies have been used/);

  const fresh = () =>
    createVlmClient(`replay:${recorder.transcript.path}`, {
      env: {},
      transcript: join(dir, "r2", "t.jsonl"),
    });
  const changedText = chain("Reach the green goal square.")[0];
  changedText.messages[1].content[2] = "What is the final goal?";
  await assert.rejects(fresh().chat(changedText), (e: VlmError) => {
    assert.equal(e.kind, "replay-mismatch");
    assert.match(
      e.message,
      /differs from the next recorded request \(call-000001\) at messages\[1\]\.content\[2\]\.text: first difference at character 12/,
    );
    return true;
  });
  const changedImage = chain("x")[0];
  changedImage.messages[1].content[1] = { type: "image", image: testFrame(9) };
  await assert.rejects(
    fresh().chat(changedImage),
    /messages\[1\]\.content\[1\] \(image\): recorded sha256 [0-9a-f]{12}/,
  );
  await assert.rejects(
    fresh().chat({ ...requests[0], temperature: 0.7 }),
    /parameter temperature: recorded 0, asked 0\.7/,
  );
  assert.equal(server.hits.length, 2);
});

test("replay of a missing transcript says which path it tried", () => {
  assert.throws(
    () =>
      createVlmClient("replay:/nonexistent/transcript.jsonl", {
        env: {},
        transcript: "/tmp/unused-vlmcar.jsonl",
      }),
    /no transcript at \/nonexistent\/transcript\.jsonl/,
  );
});
