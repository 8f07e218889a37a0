import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CostMeter, DEFAULT_PRICES, imageTokens, loadPriceFile, lookupPrice } from "../../src/vlm/cost.ts";
import { prepareRequest } from "../../src/vlm/prepare.ts";
import { tempDir, testFrame } from "./helpers.ts";

test("lookupPrice: exact, then the longest prefix at a dash", () => {
  assert.deepEqual(lookupPrice(DEFAULT_PRICES, "openai", "gpt-4o"), { input: 2.5, output: 10 });
  assert.deepEqual(lookupPrice(DEFAULT_PRICES, "openai", "gpt-4o-2024-08-06"), { input: 2.5, output: 10 });
  assert.deepEqual(lookupPrice(DEFAULT_PRICES, "openai", "gpt-4o-mini-2024-07-18"), {
    input: 0.15,
    output: 0.6,
  });
  assert.deepEqual(lookupPrice(DEFAULT_PRICES, "anthropic", "claude-sonnet-4-20250514"), {
    input: 3,
    output: 15,
  });
  assert.equal(lookupPrice(DEFAULT_PRICES, "openai", "gpt-4oo"), undefined, "a prefix must end at a dash");
  assert.equal(lookupPrice(DEFAULT_PRICES, "anthropic", "gpt-4o"), undefined, "prices are per provider");
});

test("image tokens follow each vendor's formula", () => {
  assert.equal(imageTokens("openai", "gpt-4o", 512, 512), 85 + 170);
  assert.equal(imageTokens("openai", "gpt-4o", 1024, 1024), 85 + 170 * 4); // shortened to 768 x 768: 2 x 2 tiles
  assert.equal(imageTokens("openai", "gpt-4o-mini", 512, 512), 2833 + 5667);
  assert.equal(imageTokens("anthropic", "claude-sonnet-4", 750, 100), 100);
  assert.equal(imageTokens("gemini", "gemini-2.5-flash", 256, 256), 258);
  assert.equal(imageTokens("gemini", "gemini-2.5-flash", 1000, 500), 2 * 1 * 258);
});

test("the meter reserves the worst case, refuses past the budget and settles actual cost", () => {
  const meter = new CostMeter({ budgetUsd: 0.02 });
  const request = prepareRequest({
    messages: [{ role: "user", content: ["hi", { type: "image", image: testFrame() }] }],
    maxTokens: 1000,
  });
  const first = meter.reserve("openai", "gpt-4o", request); // up to ~$0.0107
  assert.ok(first.estimatedInputTokens >= 255, "the image is counted");
  assert.throws(
    () => meter.reserve("openai", "gpt-4o", request),
    /budget exceeded/,
    "two in flight could pass $0.02",
  );
  assert.equal(meter.settle(first, { inputTokens: 300, outputTokens: 50 }), (300 * 2.5 + 50 * 10) / 1e6);
  const second = meter.reserve("openai", "gpt-4o", request);
  meter.release(second);
  assert.equal(meter.totals().paidCalls, 1);
  assert.equal(meter.totals().costUsd, 0.00125);
  assert.equal(meter.totals().budgetUsd, 0.02);
});

test("a price file extends and overrides the defaults; a bad entry is named", (t) => {
  const dir = tempDir(t);
  const good = join(dir, "prices.json");
  writeFileSync(
    good,
    JSON.stringify({ "openai:gpt-4o": { input: 1, output: 2 }, "openai:llava": { input: 0, output: 0 } }),
  );
  const meter = new CostMeter({ prices: loadPriceFile(good) });
  assert.deepEqual(meter.price("openai", "gpt-4o"), { input: 1, output: 2 });
  assert.deepEqual(meter.price("openai", "llava"), { input: 0, output: 0 });
  assert.deepEqual(meter.price("gemini", "gemini-2.5-pro"), DEFAULT_PRICES["gemini:gemini-2.5-pro"]);
  const bad = join(dir, "bad.json");
  writeFileSync(bad, JSON.stringify({ "gpt-4o": { input: 1, output: 2 } }));
  assert.throws(() => loadPriceFile(bad), /entry "gpt-4o" must look like "provider:model"/);
});

test("request hashes are stable and see every part", () => {
  const base = {
    messages: [{ role: "user" as const, content: ["a", { type: "image" as const, image: testFrame() }] }],
  };
  const hash = prepareRequest(base).requestHash;
  assert.equal(
    prepareRequest({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "a" },
            { type: "image", image: testFrame() },
          ],
        },
      ],
    }).requestHash,
    hash,
  );
  assert.notEqual(prepareRequest({ ...base, seed: 1 }).requestHash, hash);
  assert.notEqual(
    prepareRequest({ messages: [{ role: "user", content: ["a ", { type: "image", image: testFrame() }] }] })
      .requestHash,
    hash,
  );
  assert.notEqual(
    prepareRequest({ messages: [{ role: "user", content: ["a", { type: "image", image: testFrame(1) }] }] })
      .requestHash,
    hash,
  );
  assert.throws(
    () =>
      prepareRequest({
        messages: [{ role: "user", content: [{ type: "image", image: { png: new Uint8Array(30) } }] }],
      }),
    /not PNG data/,
  );
});
