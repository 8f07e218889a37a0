/**
 * VlmClient: the one way the rest of vlmcar talks to a VLM. It wraps a {@link VlmProvider} with everything a
 * paid, flaky, slow remote call needs, in this order for each `chat()`:
 *
 * 1. prepare: encode images to PNG, hash them and the request (prepare.ts);
 * 2. cache: an identical earlier request (this run, the resumed transcript, or the shared cache folder)
 *    is answered at once, without the network and without cost; an identical request still in flight is
 *    waited for rather than sent twice;
 * 3. budget: the call's worst-case cost is reserved, or the call is refused before anything is sent;
 * 4. send: under the concurrency limit, with a timeout per attempt and retries (retry.ts);
 * 5. record: the transcript line is written (synchronously) before the reply is returned to the caller;
 * 6. return: text, usage, model, provider, latency, cost and the transcript id.
 *
 * Failures are recorded too, and rethrown as {@link VlmError}s whose message says what to fix.
 *
 * ```ts
 * const vlm = createVlmClient("openai:gpt-4o", { transcript: "runs/doorkey/transcript.jsonl", budgetUsd: 2 });
 * const reply = await vlm.chat({ messages: [{ role: "user", content: ["Describe", { type: "image", image: frame }] }] });
 * console.log(reply.text, vlm.totals().costUsd);
 * ```
 */
import { cacheKey, ReplyCache } from "./cache.ts";
import { type Env, vlmEnvOptions } from "./config.ts";
import {
  CostMeter,
  type CostMeterOptions,
  type CostTotals,
  loadPriceFile,
  type PriceTable,
  type Reservation,
} from "./cost.ts";
import { VlmError } from "./errors.ts";
import { prepareRequest } from "./prepare.ts";
import { createProvider, type ProviderOptions } from "./providers/index.ts";
import {
  ConcurrencyLimiter,
  callWithRetry,
  DEFAULT_RETRY_POLICY,
  type RetryHooks,
  type RetryPolicy,
} from "./retry.ts";
import type { VlmSpec } from "./spec.ts";
import { type RecordedAttempt, TRANSCRIPT_VERSION, Transcript, type TranscriptEntry } from "./transcript.ts";
import type {
  ChatReply,
  ChatRequest,
  PreparedRequest,
  ProviderReply,
  ReplySource,
  Vlm,
  VlmProvider,
} from "./types.ts";

export interface VlmClientOptions {
  provider: VlmProvider;
  /**
   * The transcript file (JSONL), or an open one. If the file exists, the client resumes it: its replies answer
   * identical requests without the network, and what it spent counts against the budget.
   */
  transcript: string | Transcript;
  /** A cache folder shared between runs; without it, only this run and its transcript are cached. */
  cacheDir?: string;
  /** A meter to share between clients, or options for this client's own. */
  meter?: CostMeter | CostMeterOptions;
  /** Overrides of {@link DEFAULT_RETRY_POLICY}; a provider's own needs (manual waits long) still win. */
  retry?: Partial<RetryPolicy>;
  /** Calls in flight at once; default 4. */
  concurrency?: number;
  /** Sleep, jitter and retry notification, replaceable for tests and progress displays. */
  hooks?: RetryHooks;
}

export const DEFAULT_CONCURRENCY = 4;

export class VlmClient implements Vlm {
  readonly provider: VlmProvider;
  readonly transcript: Transcript;
  readonly meter: CostMeter;
  private readonly cache: ReplyCache;
  private readonly limiter: ConcurrencyLimiter;
  private readonly policy: RetryPolicy;
  private readonly hooks: RetryHooks;
  private readonly inFlight = new Map<string, Promise<ChatReply>>();

  constructor(options: VlmClientOptions) {
    this.provider = options.provider;
    this.transcript =
      typeof options.transcript === "string" ? Transcript.open(options.transcript) : options.transcript;
    this.meter = options.meter instanceof CostMeter ? options.meter : new CostMeter(options.meter);
    this.cache = new ReplyCache(options.cacheDir);
    this.limiter = new ConcurrencyLimiter(options.concurrency ?? DEFAULT_CONCURRENCY);
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry, ...this.provider.callDefaults };
    this.hooks = options.hooks ?? {};
    // Resume: what the interrupted run already paid for is reused, and counted against the budget.
    this.cache.remember(this.transcript.entries);
    const priorSpend = this.transcript.entries.reduce(
      (sum, e) => sum + (e.source === "network" || e.source === "manual" ? (e.costUsd ?? 0) : 0),
      0,
    );
    this.meter.addPriorSpend(priorSpend);
  }

  async chat(request: ChatRequest): Promise<ChatReply> {
    const prepared = prepareRequest(request);
    const key = cacheKey(this.provider.name, this.provider.model, prepared.requestHash);
    if (this.provider.replays) return this.answer(prepared, key);
    // Identical requests in flight together share one paid call: later ones wait, then hit the cache.
    for (let pending = this.inFlight.get(key); pending; pending = this.inFlight.get(key)) {
      await pending.catch(() => {});
    }
    const call = this.answer(prepared, key);
    this.inFlight.set(key, call);
    try {
      return await call;
    } finally {
      if (this.inFlight.get(key) === call) this.inFlight.delete(key);
    }
  }

  /** One call: cache, budget, send, record. */
  private async answer(prepared: PreparedRequest, key: string): Promise<ChatReply> {
    const started = new Date();
    const messages = this.transcript.recordMessages(prepared);
    const record = (fields: Partial<TranscriptEntry>): TranscriptEntry => {
      const entry: TranscriptEntry = {
        v: TRANSCRIPT_VERSION,
        id: this.transcript.nextId(),
        key,
        requestHash: prepared.requestHash,
        provider: this.provider.name,
        model: this.provider.model,
        parameters: prepared.parameters,
        messages,
        source: null,
        reply: null,
        usage: null,
        costUsd: null,
        latencyMs: 0,
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        attempts: [],
        error: null,
        ...fields,
      };
      this.transcript.append(entry);
      return entry;
    };

    if (!this.provider.replays) {
      const hit = this.cache.get(key);
      if (hit) {
        const entry = record({
          source: "cache",
          reply: hit.reply,
          usage: hit.usage,
          costUsd: 0,
          origin: { callId: hit.callId },
        });
        this.meter.recordFree("cache");
        return {
          text: hit.reply.text,
          usage: hit.usage,
          model: hit.reply.model,
          provider: hit.reply.provider,
          source: "cache",
          finishReason: hit.reply.finishReason,
          latencyMs: 0,
          costUsd: 0,
          callId: entry.id,
        };
      }
    }

    const attempts: RecordedAttempt[] = [];
    let reservation: Reservation | undefined;
    let result: { reply: ProviderReply; latencyMs: number };
    try {
      if (!this.provider.free)
        reservation = this.meter.reserve(this.provider.name, this.provider.model, prepared);
      await this.provider.load?.();
      result = await this.limiter.run(() => this.send(prepared, attempts));
    } catch (error) {
      if (reservation) this.meter.release(reservation);
      this.meter.recordFailure();
      record({ attempts, error: errorRecord(error) });
      throw error;
    }

    const { reply, latencyMs } = result;
    const source: ReplySource = reply.recorded
      ? "replay"
      : this.provider.name === "manual"
        ? "manual"
        : "network";
    let costUsd: number | null = 0;
    if (reservation) costUsd = this.meter.settle(reservation, reply.usage);
    else this.meter.recordFree(source === "replay" ? "replay" : "free", reply.usage);
    const author = reply.recorded ?? { provider: this.provider.name, model: reply.model };
    const entry = record({
      source,
      reply: {
        text: reply.text,
        provider: author.provider,
        model: author.model,
        finishReason: reply.finishReason,
        ...(reply.rawFinishReason ? { rawFinishReason: reply.rawFinishReason } : {}),
      },
      usage: reply.usage,
      costUsd,
      latencyMs,
      attempts,
      ...(reply.recorded ? { origin: { callId: reply.recorded.callId } } : {}),
    });
    if (!this.provider.replays) {
      this.cache.put({
        key,
        reply: entry.reply as NonNullable<TranscriptEntry["reply"]>,
        usage: reply.usage,
        callId: entry.id,
        createdAt: entry.finishedAt,
      });
    }
    return {
      text: reply.text,
      usage: reply.usage,
      model: author.model,
      provider: author.provider,
      source,
      finishReason: reply.finishReason,
      latencyMs,
      costUsd,
      callId: entry.id,
      ...(reply.raw === undefined ? {} : { raw: reply.raw }),
    };
  }

  /** Money, tokens and call counts so far (for the run summary). */
  totals(): CostTotals {
    return this.meter.totals();
  }

  private async send(
    prepared: PreparedRequest,
    attempts: RecordedAttempt[],
  ): Promise<{ reply: ProviderReply; latencyMs: number }> {
    let attemptStart = 0;
    const reply = await callWithRetry(
      (signal) => {
        attemptStart = performance.now();
        return this.provider.send(prepared, { signal, timeoutMs: this.policy.timeoutMs });
      },
      this.policy,
      {
        ...this.hooks,
        onRetry: (info) => {
          const { kind, message, status } = info.error;
          attempts.push({
            attempt: info.attempt,
            kind,
            message,
            ...(status === undefined ? {} : { status }),
            delayMs: info.delayMs,
          });
          this.hooks.onRetry?.(info);
        },
      },
    );
    return { reply, latencyMs: Math.round(performance.now() - attemptStart) };
  }
}

function errorRecord(error: unknown): NonNullable<TranscriptEntry["error"]> {
  if (error instanceof VlmError) return error.toRecord();
  return { kind: "unexpected", message: error instanceof Error ? error.message : String(error), attempts: 1 };
}

export interface CreateVlmClientOptions
  extends Omit<VlmClientOptions, "provider" | "meter">,
    ProviderOptions {
  /** Dollars this run may spend (default VLMCAR_BUDGET_USD; unlimited when neither is set). */
  budgetUsd?: number;
  /** Prices merged over the defaults, after the file named by VLMCAR_PRICES. */
  prices?: PriceTable;
  meter?: CostMeter;
}

/**
 * Builds a client from a `--vlm provider:model` spec, filling unset options from the environment
 * (VLMCAR_VLM_TIMEOUT_S, VLMCAR_VLM_MAX_ATTEMPTS, VLMCAR_VLM_CONCURRENCY, VLMCAR_BUDGET_USD, VLMCAR_PRICES,
 * VLMCAR_CACHE_DIR, and the provider's key and base-URL variables; see config.ts).
 */
export function createVlmClient(spec: string | VlmSpec, options: CreateVlmClientOptions): VlmClient {
  const env: Env = options.env ?? process.env;
  const fromEnv = vlmEnvOptions(env);
  const provider = createProvider(spec, options);
  const retry: Partial<RetryPolicy> = {
    ...(fromEnv.timeoutMs === undefined ? {} : { timeoutMs: fromEnv.timeoutMs }),
    ...(fromEnv.maxAttempts === undefined
      ? {}
      : { maxAttempts: Math.max(1, Math.floor(fromEnv.maxAttempts)) }),
    ...options.retry,
  };
  const meter =
    options.meter ??
    new CostMeter({
      prices: { ...(fromEnv.pricesFile ? loadPriceFile(fromEnv.pricesFile) : {}), ...options.prices },
      budgetUsd: options.budgetUsd ?? fromEnv.budgetUsd,
    });
  return new VlmClient({
    provider,
    transcript: options.transcript,
    cacheDir: options.cacheDir ?? fromEnv.cacheDir,
    meter,
    retry,
    concurrency:
      options.concurrency ??
      (fromEnv.concurrency === undefined ? undefined : Math.max(1, Math.floor(fromEnv.concurrency))),
    hooks: options.hooks,
  });
}
