/** VlmClient end to end against a fixture server: transcript, cache, resume, budget and concurrency. */
import assert from "node:assert/strict";
import { appendFileSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { encodePng } from "../../src/image/png.ts";
import { VlmError } from "../../src/vlm/errors.ts";
import { readTranscript } from "../../src/vlm/transcript.ts";
import type { ChatRequest } from "../../src/vlm/types.ts";
import { startFixtureServer } from "./fixture-server.ts";
import { clientFor, tempDir, testFrame } from "./helpers.ts";

const ask = (question: string, shade = 0): ChatRequest => ({
  messages: [{ role: "user", content: [question, { type: "image", image: testFrame(shade) }] }],
  temperature: 0,
  maxTokens: 500,
});

test("every call is in the transcript when chat() returns: text verbatim, images by hash saved once", async (t) => {
  const server = await startFixtureServer("openai", [
    { reply: "first", inputTokens: 1000, outputTokens: 100 },
    { reply: "second", inputTokens: 1000, outputTokens: 100 },
  ]);
  t.after(() => server.close());
  const dir = tempDir(t);
  const client = clientFor("openai", server.url, dir);
  const first = await client.chat(ask("What is in the frame?\n  (keep whitespace)"));
  const lines = readFileSync(join(dir, "transcript.jsonl"), "utf8").trim().split("\n");
  assert.equal(lines.length, 1, "written before chat() resolved");
  const entry = JSON.parse(lines[0]);
  assert.equal(entry.id, first.callId);
  assert.equal(entry.messages[0].content[0].text, "What is in the frame?\n  (keep whitespace)");
  const image = entry.messages[0].content[1];
  assert.equal(image.type, "image");
  assert.deepEqual([image.width, image.height], [16, 8]);
  assert.deepEqual(readFileSync(join(dir, image.file)), Buffer.from(encodePng(testFrame())));
  assert.deepEqual(entry.parameters, { maxTokens: 500, temperature: 0 });
  assert.equal(entry.reply.text, "first");
  assert.deepEqual(entry.usage, { inputTokens: 1000, outputTokens: 100 });
  assert.equal(entry.costUsd, (1000 * 2.5 + 100 * 10) / 1e6);
  assert.equal(entry.source, "network");
  assert.ok(entry.latencyMs >= 0 && Date.parse(entry.finishedAt) >= Date.parse(entry.startedAt));

  await client.chat(ask("Another question, same frame"));
  assert.equal(readdirSync(join(dir, "images")).length, 1, "the same image is stored once");
});

test("the cache answers a repeat with zero server hits, in this run and the next", async (t) => {
  const server = await startFixtureServer("openai", [{ reply: "cached answer" }, { reply: "fresh answer" }]);
  t.after(() => server.close());
  const dir = tempDir(t);
  const cacheDir = join(dir, "cache");
  const client = clientFor("openai", server.url, join(dir, "run1"), { cacheDir });
  await client.chat(ask("Q"));
  const repeat = await client.chat(ask("Q"));
  assert.equal(server.hits.length, 1);
  assert.equal(repeat.text, "cached answer");
  assert.equal(repeat.source, "cache");
  assert.equal(repeat.provider, "openai", "provenance names the author, not the cache");
  assert.equal(repeat.costUsd, 0);
  assert.deepEqual(
    readTranscript(client.transcript.path).map((e) => e.source),
    ["network", "cache"],
    "cache hits are recorded too",
  );

  const nextRun = clientFor("openai", server.url, join(dir, "run2"), { cacheDir });
  assert.equal((await nextRun.chat(ask("Q"))).text, "cached answer");
  assert.equal(server.hits.length, 1, "a new run with the same cache folder does not call the server");

  const oneShadeOff = await nextRun.chat(ask("Q", 1));
  assert.equal(oneShadeOff.text, "fresh answer", "a changed pixel is a different request");
  const otherSeed = nextRun.chat({ ...ask("Q"), seed: 7 });
  await assert.rejects(otherSeed, /no scripted reply left/, "a new seed asks the server again");
  assert.equal(server.hits.length, 3);
});

test("resume: a killed run started again reuses recorded replies and keeps its budget", async (t) => {
  const server = await startFixtureServer("openai", [{ reply: "one" }, { reply: "two" }, { reply: "three" }]);
  t.after(() => server.close());
  const dir = tempDir(t);
  const first = clientFor("openai", server.url, dir);
  await first.chat(ask("step 1"));
  await first.chat(ask("step 2"));
  const spent = first.totals().costUsd;
  // The process died while writing a line: the tail is cut short.
  appendFileSync(first.transcript.path, '{"v":1,"id":"call-000003","key":"ab');

  const resumed = clientFor("openai", server.url, dir);
  assert.equal((await resumed.chat(ask("step 1"))).text, "one");
  assert.equal((await resumed.chat(ask("step 2"))).text, "two");
  assert.equal(server.hits.length, 2, "no paid call repeated");
  const third = await resumed.chat(ask("step 3"));
  assert.equal(third.text, "three");
  assert.equal(server.hits.length, 3);
  const totals = resumed.totals();
  assert.equal(totals.cacheHits, 2);
  assert.equal(totals.paidCalls, 1);
  assert.ok(Math.abs(totals.costUsd - (spent + (third.costUsd ?? 0))) < 1e-12, "earlier spend counts");
  const damaged = readdirSync(dir).filter((name) => name.startsWith("transcript.jsonl.damaged-"));
  assert.equal(damaged.length, 1, "the cut line is kept aside, not lost");
  assert.deepEqual(
    readTranscript(resumed.transcript.path).map((e) => e.id),
    ["call-000001", "call-000002", "call-000003", "call-000004", "call-000005"],
  );
});

test("the budget refuses a call that could exceed it, before sending anything", async (t) => {
  const server = await startFixtureServer("openai", [{ reply: "too expensive to ask" }]);
  t.after(() => server.close());
  const dir = tempDir(t);
  // gpt-4o output is $10 per 1M tokens: 500 output tokens alone could cost $0.005.
  const client = clientFor("openai", server.url, dir, { budgetUsd: 0.004 });
  await assert.rejects(client.chat(ask("Q")), (e: VlmError) => {
    assert.ok(e instanceof VlmError);
    assert.equal(e.kind, "budget");
    assert.match(e.message, /budget exceeded.*could cost up to \$0\.0\d+.*nothing was sent/);
    assert.match(e.message, /VLMCAR_BUDGET_USD/);
    return true;
  });
  assert.equal(server.hits.length, 0);
  assert.equal(readTranscript(client.transcript.path)[0].error?.kind, "budget");

  // A budget that covers the worst case lets the call through, then counts what it really cost.
  const roomy = clientFor("openai", server.url, join(dir, "roomy"), { budgetUsd: 0.05 });
  const reply = await roomy.chat(ask("Q"));
  assert.equal(roomy.totals().costUsd, reply.costUsd);
});

test("a budget with no price for the model is refused with what to add", async (t) => {
  const server = await startFixtureServer("openai", [{ reply: "unpriced" }]);
  t.after(() => server.close());
  const dir = tempDir(t);
  const { createVlmClient } = await import("../../src/vlm/client.ts");
  const client = createVlmClient("openai:my-finetune", {
    env: { OPENAI_BASE_URL: server.url },
    transcript: join(dir, "t.jsonl"),
    budgetUsd: 1,
  });
  await assert.rejects(client.chat(ask("Q")), /no price for openai:my-finetune.*VLMCAR_PRICES/);
  const priced = createVlmClient("openai:my-finetune", {
    env: { OPENAI_BASE_URL: server.url },
    transcript: join(dir, "u.jsonl"),
    budgetUsd: 1,
    prices: { "openai:my-finetune": { input: 0, output: 0 } },
  });
  assert.equal((await priced.chat(ask("Q"))).costUsd, 0);
});

test("the concurrency limit bounds requests in flight", async (t) => {
  const replies = Array.from({ length: 6 }, (_, i) => ({ reply: `r${i}` }));
  const server = await startFixtureServer("openai", replies, { delayMs: 60 });
  t.after(() => server.close());
  const client = clientFor("openai", server.url, tempDir(t), { concurrency: 2 });
  const results = await Promise.all(replies.map((_, i) => client.chat(ask(`question ${i}`))));
  assert.equal(results.length, 6);
  assert.equal(server.hits.length, 6);
  assert.equal(server.maxConcurrent, 2);
});

test("identical requests in flight together are sent once", async (t) => {
  const server = await startFixtureServer("openai", [{ reply: "shared" }], { delayMs: 50 });
  t.after(() => server.close());
  const client = clientFor("openai", server.url, tempDir(t));
  const replies = await Promise.all([
    client.chat(ask("same")),
    client.chat(ask("same")),
    client.chat(ask("same")),
  ]);
  assert.deepEqual(
    replies.map((r) => r.text),
    ["shared", "shared", "shared"],
  );
  assert.deepEqual(
    replies.map((r) => r.source),
    ["network", "cache", "cache"],
  );
  assert.equal(server.hits.length, 1);
});
