/**
 * Timeouts, retries and a concurrency limit, the same for every provider. The SDKs' own retries are turned off
 * (maxRetries: 0) so that this is the only place that decides whether, when and how often to try again.
 *
 * Retried: 429 (after the server's Retry-After when it gives one), 5xx, dropped connections, timeouts and
 * malformed replies, with exponential backoff and jitter. Not retried: bad credentials (401/403), an unknown
 * model (404), a bad request and anything on our side: those fail at once with a message saying what to fix.
 */
import { VlmError } from "./errors.ts";

export interface RetryPolicy {
  /** Total tries, the first included. */
  maxAttempts: number;
  /** Backoff before the second try; doubles each time up to {@link maxDelayMs}. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per-attempt limit; an attempt still running then is aborted and counts as a timeout. */
  timeoutMs: number;
  /** A Retry-After longer than this fails the call instead of stalling the run (quota exhausted, not a blip). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  timeoutMs: 180_000,
  maxRetryAfterMs: 300_000,
};

export interface RetryInfo {
  /** The attempt that failed, from 1. */
  attempt: number;
  error: VlmError;
  /** How long we wait before the next attempt. */
  delayMs: number;
}

export interface RetryHooks {
  /** Waits; replaceable so tests can record delays instead of sleeping through them. */
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1); replaceable for deterministic jitter. */
  random?: () => number;
  onRetry?: (info: RetryInfo) => void;
}

/**
 * Runs `attempt` until it succeeds, fails with an error that retrying cannot fix, or uses up the attempts.
 * Each attempt gets its own AbortSignal, aborted when the attempt times out. Errors other than VlmError are
 * bugs in a provider and propagate unchanged.
 */
export async function callWithRetry<T>(
  attempt: (signal: AbortSignal, attemptNumber: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  const sleep = hooks.sleep ?? defaultSleep;
  const random = hooks.random ?? Math.random;
  for (let n = 1; ; n++) {
    let error: VlmError;
    try {
      return await withTimeout(attempt, n, policy.timeoutMs);
    } catch (caught) {
      if (!(caught instanceof VlmError)) throw caught;
      error = caught;
    }
    error.attempts = n;
    if (!error.retryable) throw error;
    if (n >= policy.maxAttempts) {
      error.message = `${error.message} (gave up after ${n} attempt${n === 1 ? "" : "s"})`;
      throw error;
    }
    if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxRetryAfterMs) {
      error.message =
        `${error.message} (the server asked to wait ${Math.ceil(error.retryAfterMs / 1000)} s, more than the ` +
        `${Math.round(policy.maxRetryAfterMs / 1000)} s allowed: the quota is probably exhausted; try later)`;
      throw error;
    }
    const delayMs = retryDelayMs(n, error, policy, random);
    hooks.onRetry?.({ attempt: n, error, delayMs });
    await sleep(delayMs);
  }
}

/**
 * The wait after failed attempt `n`: what the server asked for when it said (Retry-After), otherwise
 * "equal jitter" exponential backoff, half fixed and half random, so that many clients that failed together
 * do not all come back together, yet none retries immediately.
 */
export function retryDelayMs(n: number, error: VlmError, policy: RetryPolicy, random: () => number): number {
  if (error.retryAfterMs !== undefined) return Math.max(0, error.retryAfterMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

async function withTimeout<T>(
  attempt: (signal: AbortSignal, attemptNumber: number) => Promise<T>,
  n: number,
  timeoutMs: number,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // Racing the attempt (not only aborting it) bounds the wait even if a client ignores the signal.
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new VlmError({
          kind: "timeout",
          message: `no reply within ${formatMs(timeoutMs)}; raise the timeout (VLMCAR_VLM_TIMEOUT_S) if the model is slow`,
        }),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([attempt(controller.signal, n), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads how long a server asked us to wait: `retry-after-ms` (OpenAI, Anthropic), then the standard
 * `Retry-After` as seconds or as an HTTP date. Undefined when there is no usable header.
 */
export function parseRetryAfter(
  headers: Headers | Record<string, string | undefined> | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const get = (name: string): string | null | undefined =>
    headers instanceof Headers ? headers.get(name) : (headers[name] ?? headers[name.toLowerCase()]);
  const ms = Number(get("retry-after-ms"));
  if (get("retry-after-ms") && Number.isFinite(ms) && ms >= 0) return ms;
  const value = get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * A counting semaphore: at most `limit` calls in flight, the rest wait in arrival order. Providers have rate
 * limits and people have wallets; an unbounded fan-out of prompt-chain calls would hit both.
 */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`concurrency limit must be an integer >= 1, got ${limit}`);
  }

  get inFlight(): number {
    return this.active;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, so `active` never dips and lets a newcomer jump the queue.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${+(ms / 1000).toFixed(1)} s`;
}
