import assert from "node:assert/strict";
import { test } from "node:test";
import { VlmError } from "../../src/vlm/errors.ts";
import {
  ConcurrencyLimiter,
  callWithRetry,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  retryDelayMs,
} from "../../src/vlm/retry.ts";

const policy = {
  ...DEFAULT_RETRY_POLICY,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  timeoutMs: 1000,
  maxAttempts: 6,
};
const serverError = () => new VlmError({ kind: "server", status: 503, message: "down" });

test("parseRetryAfter reads retry-after-ms, seconds and HTTP dates", () => {
  assert.equal(parseRetryAfter(new Headers({ "retry-after-ms": "250", "retry-after": "9" })), 250);
  assert.equal(parseRetryAfter(new Headers({ "retry-after": "3" })), 3000);
  const now = Date.parse("2025-01-01T00:00:00Z");
  assert.equal(parseRetryAfter({ "retry-after": "Wed, 01 Jan 2025 00:00:05 GMT" }, now), 5000);
  assert.equal(parseRetryAfter(new Headers({ "retry-after": "soon" })), undefined);
  assert.equal(parseRetryAfter(undefined), undefined);
});

test("backoff doubles up to the cap, with jitter in the upper half", () => {
  const error = serverError();
  const low = [1, 2, 3, 4, 5].map((n) => retryDelayMs(n, error, policy, () => 0));
  const high = [1, 2, 3, 4, 5].map((n) => retryDelayMs(n, error, policy, () => 0.999999));
  assert.deepEqual(low, [50, 100, 200, 400, 500]);
  assert.deepEqual(high, [100, 200, 400, 800, 1000]);
  const asked = new VlmError({ kind: "rate-limit", message: "429", retryAfterMs: 4321 });
  assert.equal(
    retryDelayMs(1, asked, policy, () => 0.5),
    4321,
  );
});

test("callWithRetry retries retryable errors and stops at maxAttempts", async () => {
  const delays: number[] = [];
  let calls = 0;
  await assert.rejects(
    callWithRetry(
      async () => {
        calls++;
        throw serverError();
      },
      { ...policy, maxAttempts: 3 },
      { sleep: async (ms) => void delays.push(ms), random: () => 0 },
    ),
    (e: VlmError) => e.attempts === 3 && /gave up after 3 attempts/.test(e.message),
  );
  assert.equal(calls, 3);
  assert.deepEqual(delays, [50, 100]);
});

test("callWithRetry does not retry auth errors, and refuses a Retry-After beyond the limit", async () => {
  let calls = 0;
  const auth = new VlmError({ kind: "auth", status: 401, message: "bad key" });
  await assert.rejects(
    callWithRetry(async () => {
      calls++;
      throw auth;
    }, policy),
    /bad key/,
  );
  assert.equal(calls, 1);
  const longWait = new VlmError({
    kind: "rate-limit",
    status: 429,
    message: "quota",
    retryAfterMs: 3_600_000,
  });
  await assert.rejects(
    callWithRetry(async () => {
      throw longWait;
    }, policy),
    /asked to wait 3600 s, more than the 300 s allowed/,
  );
});

test("an attempt that ignores its abort signal is still cut off by the timeout", async () => {
  let aborted = false;
  await assert.rejects(
    callWithRetry(
      (signal) => {
        signal.addEventListener("abort", () => {
          aborted = true;
        });
        return new Promise(() => {}); // never settles, ignores the signal
      },
      { ...policy, timeoutMs: 30, maxAttempts: 1 },
    ),
    (e: VlmError) => e.kind === "timeout",
  );
  assert.ok(aborted);
});

test("ConcurrencyLimiter never runs more than its limit and serves waiters in order", async () => {
  const limiter = new ConcurrencyLimiter(2);
  let running = 0;
  let peak = 0;
  const order: number[] = [];
  const release: (() => void)[] = [];
  const tasks = [0, 1, 2, 3, 4].map((i) =>
    limiter.run(async () => {
      running++;
      peak = Math.max(peak, running);
      order.push(i);
      await new Promise<void>((resolve) => release.push(resolve));
      running--;
    }),
  );
  // Release tasks one at a time, each after the limiter had the chance to start the next.
  for (let done = 0; done < 5; done++) {
    while (release.length === 0) await new Promise((r) => setImmediate(r));
    release.shift()?.();
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(tasks);
  assert.equal(peak, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4]);
  assert.equal(limiter.inFlight, 0);
});
