/**
 * The three SDK providers, driven through the real SDK clients against local fixture servers that speak each
 * wire format: success with an image, 429 + Retry-After, 500, a hang, malformed JSON, a dropped connection,
 * bad credentials and an unknown model.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { encodePng } from "../../src/image/png.ts";
import { VlmError } from "../../src/vlm/errors.ts";
import { startFixtureServer, type Wire } from "./fixture-server.ts";
import { clientFor, MODELS, TEST_KEY, tempDir, testFrame } from "./helpers.ts";

// biome-ignore lint/suspicious/noExplicitAny: request bodies of three wire formats, inspected by the assertions
type WireJson = any;

const WIRES: Wire[] = ["openai", "anthropic", "gemini"];

const PATHS: Record<Wire, string> = {
  openai: "/v1/chat/completions",
  anthropic: "/v1/messages",
  gemini: `/v1beta/models/${MODELS.gemini}:generateContent`,
};

/** Where each wire format puts the base64 image and the API key. */
function sentImage(wire: Wire, body: WireJson): string | undefined {
  if (wire === "openai") {
    const url: string | undefined = body.messages[1].content.find((p: WireJson) => p.type === "image_url")
      ?.image_url.url;
    return url?.replace("data:image/png;base64,", "");
  }
  if (wire === "anthropic")
    return body.messages[0].content.find((p: WireJson) => p.type === "image")?.source.data;
  return body.contents[0].parts.find((p: WireJson) => p.inlineData)?.inlineData.data;
}

function sentKey(wire: Wire, headers: Record<string, unknown>): unknown {
  if (wire === "openai") return headers.authorization;
  if (wire === "anthropic") return headers["x-api-key"];
  return headers["x-goog-api-key"];
}

const request = (frame = testFrame()) => ({
  messages: [
    { role: "system" as const, content: ["You write reward checks."] },
    { role: "user" as const, content: ["What is the goal here?", { type: "image" as const, image: frame }] },
  ],
  temperature: 0,
  maxTokens: 300,
});

for (const wire of WIRES) {
  describe(`${wire} provider through the real SDK`, () => {
    test("sends text and the image, and returns text, usage, model and cost", async (t) => {
      const server = await startFixtureServer(wire, [
        { reply: "The goal is the green square.", inputTokens: 1200, outputTokens: 30 },
      ]);
      t.after(() => server.close());
      const dir = tempDir(t);
      const frame = testFrame();
      const reply = await clientFor(wire, server.url, dir).chat(request(frame));

      assert.equal(reply.text, "The goal is the green square.");
      assert.deepEqual(reply.usage, { inputTokens: 1200, outputTokens: 30 });
      assert.equal(reply.provider, wire);
      assert.equal(reply.model, MODELS[wire]);
      assert.equal(reply.source, "network");
      assert.equal(reply.finishReason, "stop");
      assert.ok(reply.costUsd !== null && reply.costUsd > 0, "known model, so a cost");
      assert.equal(server.hits.length, 1);
      const hit = server.hits[0];
      assert.equal(hit.url.split("?")[0], PATHS[wire]);
      assert.match(String(sentKey(wire, hit.headers)), new RegExp(TEST_KEY));
      assert.equal(sentImage(wire, hit.body), Buffer.from(encodePng(frame)).toString("base64"));
      const body = hit.body as WireJson;
      if (wire === "openai") assert.equal(body.messages[0].content, "You write reward checks.");
      if (wire === "anthropic") assert.equal(body.system, "You write reward checks.");
      if (wire === "gemini") assert.match(JSON.stringify(body.systemInstruction), /You write reward checks/);
      // No SDK retried on its own: one request, marked as the first try where the SDK says so.
      if (wire !== "gemini") assert.equal(hit.headers["x-stainless-retry-count"], "0");
    });

    test("429 with Retry-After: waits what the server asked, then succeeds", async (t) => {
      const server = await startFixtureServer(wire, [
        { status: 429, headers: { "retry-after": "1" }, message: "slow down (fixture)" },
        { reply: "ok after rate limit" },
      ]);
      t.after(() => server.close());
      const delays: number[] = [];
      const client = clientFor(wire, server.url, tempDir(t), { delays });
      const reply = await client.chat(request());
      assert.equal(reply.text, "ok after rate limit");
      assert.equal(server.hits.length, 2);
      // Gemini's SDK drops response headers, so there the backoff applies; the others honour Retry-After.
      if (wire === "gemini") assert.equal(delays.length, 1);
      else assert.deepEqual(delays, [1000]);
      const entry = JSON.parse(readFileSync(client.transcript.path, "utf8").trim());
      assert.equal(entry.attempts[0].kind, "rate-limit");
      assert.equal(entry.attempts[0].status, 429);
    });

    test("500 then success: retried with backoff", async (t) => {
      const server = await startFixtureServer(wire, [
        { status: 500, message: "fixture outage" },
        { reply: "ok after 500" },
      ]);
      t.after(() => server.close());
      const delays: number[] = [];
      const reply = await clientFor(wire, server.url, tempDir(t), { delays }).chat(request());
      assert.equal(reply.text, "ok after 500");
      assert.equal(server.hits.length, 2);
      assert.equal(delays.length, 1);
      assert.ok(delays[0] >= 5 && delays[0] <= 10, `first backoff within [base/2, base], got ${delays[0]}`);
    });

    test("a hang past the timeout is aborted and retried", async (t) => {
      const server = await startFixtureServer(wire, [{ hang: true }, { reply: "ok after hang" }]);
      t.after(() => server.close());
      const client = clientFor(wire, server.url, tempDir(t), {
        retry: { timeoutMs: 1_000, baseDelayMs: 10, maxAttempts: 3 },
      });
      const reply = await client.chat(request());
      assert.equal(reply.text, "ok after hang");
      assert.equal(server.hits.length, 2);
      const entry = JSON.parse(readFileSync(client.transcript.path, "utf8").trim());
      assert.equal(entry.attempts[0].kind, "timeout");
    });

    test("hanging every time ends in a timeout error after the last attempt", async (t) => {
      const server = await startFixtureServer(wire, [{ hang: true }, { hang: true }]);
      t.after(() => server.close());
      const client = clientFor(wire, server.url, tempDir(t), {
        retry: { timeoutMs: 200, baseDelayMs: 10, maxAttempts: 2 },
      });
      await assert.rejects(client.chat(request()), (e: VlmError) => {
        assert.equal(e.kind, "timeout");
        assert.equal(e.attempts, 2);
        assert.match(e.message, /no reply within 200 ms.*gave up after 2 attempts/);
        return true;
      });
      assert.equal(server.hits.length, 2);
    });

    test("malformed JSON is reported as such and retried", async (t) => {
      const server = await startFixtureServer(wire, [{ malformed: true }, { reply: "ok after garbage" }]);
      t.after(() => server.close());
      const client = clientFor(wire, server.url, tempDir(t));
      const reply = await client.chat(request());
      assert.equal(reply.text, "ok after garbage");
      const entry = JSON.parse(readFileSync(client.transcript.path, "utf8").trim());
      assert.equal(entry.attempts[0].kind, "malformed");
      assert.match(entry.attempts[0].message, /not valid JSON/);
    });

    test("a dropped connection is retried", async (t) => {
      const server = await startFixtureServer(wire, [{ drop: true }, { reply: "ok after drop" }]);
      t.after(() => server.close());
      const client = clientFor(wire, server.url, tempDir(t));
      assert.equal((await client.chat(request())).text, "ok after drop");
      const entry = JSON.parse(readFileSync(client.transcript.path, "utf8").trim());
      assert.equal(entry.attempts[0].kind, "connection");
    });

    test("401: fails at once, naming the key variable, and records the failure", async (t) => {
      const server = await startFixtureServer(wire, [
        { status: 401, message: "invalid api key (fixture)" },
        { reply: "never sent" },
      ]);
      t.after(() => server.close());
      const client = clientFor(wire, server.url, tempDir(t));
      const keyVar = { openai: "OPENAI_API_KEY", anthropic: "ANTHROPIC_API_KEY", gemini: "GEMINI_API_KEY" }[
        wire
      ];
      await assert.rejects(client.chat(request()), (e: VlmError) => {
        assert.ok(e instanceof VlmError);
        assert.equal(e.kind, "auth");
        assert.equal(e.status, 401);
        assert.match(e.message, new RegExp(`check ${keyVar}`));
        assert.match(e.message, /invalid api key \(fixture\)/);
        return true;
      });
      assert.equal(server.hits.length, 1, "no retry on bad credentials");
      const entry = JSON.parse(readFileSync(client.transcript.path, "utf8").trim());
      assert.equal(entry.error.kind, "auth");
      assert.equal(entry.reply, null);
      assert.equal(client.totals().failedCalls, 1);
    });

    test("404: an unknown model fails at once, naming the model", async (t) => {
      const server = await startFixtureServer(wire, [{ status: 404, message: "model not found (fixture)" }]);
      t.after(() => server.close());
      await assert.rejects(clientFor(wire, server.url, tempDir(t)).chat(request()), (e: VlmError) => {
        assert.equal(e.kind, "model-not-found");
        assert.ok(e.message.includes(`"${MODELS[wire]}"`), e.message);
        assert.match(e.message, new RegExp(`--vlm ${wire}:<model>`));
        return true;
      });
      assert.equal(server.hits.length, 1);
    });

    test("a reply cut at maxTokens is marked as truncated", async (t) => {
      const server = await startFixtureServer(wire, [
        { reply: "function check(frame) { return", finish: "length" },
      ]);
      t.after(() => server.close());
      const reply = await clientFor(wire, server.url, tempDir(t)).chat(request());
      assert.equal(reply.finishReason, "length");
    });
  });
}

test("gemini: a bad key answered as 400 API_KEY_INVALID is a credentials error", async (t) => {
  const server = await startFixtureServer("gemini", [
    {
      status: 400,
      body: {
        fixture: true,
        error: {
          code: 400,
          message: "API key not valid. Please pass a valid API key.",
          status: "INVALID_ARGUMENT",
        },
      },
    },
  ]);
  t.after(() => server.close());
  await assert.rejects(
    clientFor("gemini", server.url, tempDir(t)).chat(request()),
    (e: VlmError) => e.kind === "auth",
  );
  assert.equal(server.hits.length, 1);
});

test("gemini: a 429 body's RetryInfo retryDelay is honoured", async (t) => {
  const server = await startFixtureServer("gemini", [
    {
      status: 429,
      body: {
        fixture: true,
        error: {
          code: 429,
          message: "quota (fixture)",
          status: "RESOURCE_EXHAUSTED",
          details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "2s" }],
        },
      },
    },
    { reply: "ok" },
  ]);
  t.after(() => server.close());
  const delays: number[] = [];
  await clientFor("gemini", server.url, tempDir(t), { delays }).chat(request());
  assert.deepEqual(delays, [2000]);
});

test("openai: a local server needs no key; a missing key for the official endpoint is a clear error", async (t) => {
  const server = await startFixtureServer("openai", [{ reply: "local model says hi" }]);
  t.after(() => server.close());
  const dir = tempDir(t);
  const { createVlmClient } = await import("../../src/vlm/client.ts");
  const local = createVlmClient("openai:llava:13b", {
    env: { OPENAI_BASE_URL: server.url },
    transcript: `${dir}/t.jsonl`,
  });
  const reply = await local.chat({ messages: [{ role: "user", content: ["hi"] }] });
  assert.equal(reply.text, "local model says hi");
  assert.equal(reply.costUsd, null, "no price for a local model");
  assert.equal((server.hits[0].body as { model: string }).model, "llava:13b");
  assert.equal(
    (server.hits[0].body as { max_tokens?: number }).max_tokens,
    4096,
    "local servers get max_tokens",
  );
  assert.throws(
    () => createVlmClient("openai:gpt-4o", { env: {}, transcript: `${dir}/u.jsonl` }),
    /no OpenAI API key: set OPENAI_API_KEY/,
  );
});
