import assert from "node:assert/strict";
import { test } from "node:test";
import { endpointSettings, vlmEnvOptions } from "../../src/vlm/config.ts";
import { parseVlmSpec } from "../../src/vlm/spec.ts";

test("parseVlmSpec splits at the first colon only", () => {
  assert.deepEqual(parseVlmSpec("openai:gpt-4o"), { provider: "openai", model: "gpt-4o" });
  assert.deepEqual(parseVlmSpec("openai:llava:13b"), { provider: "openai", model: "llava:13b" });
  assert.deepEqual(parseVlmSpec(" Anthropic:claude-sonnet-4-20250514 "), {
    provider: "anthropic",
    model: "claude-sonnet-4-20250514",
  });
  assert.deepEqual(parseVlmSpec("replay:runs/a/transcript.jsonl"), {
    provider: "replay",
    model: "runs/a/transcript.jsonl",
  });
});

test("parseVlmSpec errors say what to write", () => {
  assert.throws(() => parseVlmSpec("gpt-4o"), /names no model; write provider:model, e\.g\. openai:gpt-4o/);
  assert.throws(() => parseVlmSpec("openai"), /write openai:<model>/);
  assert.throws(() => parseVlmSpec("openai:"), /give a model \(openai:<model>\)/);
  assert.throws(() => parseVlmSpec("replay:"), /the transcript to replay/);
  assert.throws(
    () => parseVlmSpec("mistral:pixtral"),
    /unknown provider "mistral"; use one of openai, anthropic, gemini, manual, replay/,
  );
  assert.throws(
    () => parseVlmSpec("ollama:llava"),
    /OPENAI_BASE_URL=http:\/\/127\.0\.0\.1:11434\/v1 and use openai:<model>/,
  );
});

test("endpointSettings: vlmcar's own variables win, then the vendor's; official endpoints are recognised", () => {
  const env = {
    OPENAI_API_KEY: "a",
    VLMCAR_OPENAI_API_KEY: "b",
    OPENAI_BASE_URL: "http://127.0.0.1:8000/v1/",
  };
  assert.deepEqual(endpointSettings("openai", env), {
    apiKey: "b",
    baseURL: "http://127.0.0.1:8000/v1",
    official: false,
    keyEnv: "VLMCAR_OPENAI_API_KEY",
    baseURLEnv: "OPENAI_BASE_URL",
  });
  const gemini = endpointSettings("gemini", { GOOGLE_API_KEY: "g" });
  assert.equal(gemini.apiKey, "g");
  assert.equal(gemini.keyEnv, "GOOGLE_API_KEY");
  assert.equal(gemini.official, true);
  assert.equal(
    endpointSettings("anthropic", {}).keyEnv,
    "ANTHROPIC_API_KEY",
    "the usual name when none is set",
  );
});

test("vlmEnvOptions reads limits and rejects malformed numbers by name", () => {
  assert.deepEqual(vlmEnvOptions({ VLMCAR_VLM_TIMEOUT_S: "90", VLMCAR_BUDGET_USD: "2.5" }), {
    timeoutMs: 90_000,
    maxAttempts: undefined,
    concurrency: undefined,
    budgetUsd: 2.5,
    pricesFile: undefined,
    cacheDir: undefined,
    manualDir: undefined,
    manualTimeoutMs: undefined,
  });
  assert.throws(
    () => vlmEnvOptions({ VLMCAR_BUDGET_USD: "five" }),
    /VLMCAR_BUDGET_USD="five" is not a non-negative number/,
  );
});
