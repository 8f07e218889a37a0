/**
 * The cost meter: prices per model, an estimate before each call, a per-run budget that refuses a call
 * which could exceed it, and totals for the run summary.
 *
 * The budget check is deliberately pessimistic: the input estimate rounds text up and counts images with each
 * vendor's published formula, and the output is assumed to use all of maxTokens. A call is refused when
 * (spent + still in flight + this call's worst case) would pass the budget, so concurrent calls cannot
 * overshoot it together. The actual cost, from the provider's token counts, replaces the estimate afterwards.
 * Failed attempts are charged nothing (a provider may bill a timed-out request; we cannot know).
 */
import { readFileSync } from "node:fs";
import { VlmError } from "./errors.ts";
import type { PreparedRequest, Usage } from "./types.ts";

/** US dollars per one million tokens. */
export interface Price {
  input: number;
  output: number;
}

/** Keys are "provider:model"; a key also prices dated or suffixed variants ("openai:gpt-4o" → "gpt-4o-2024-08-06"). */
export type PriceTable = Record<string, Price>;

/**
 * List prices per 1M tokens as of 2025-08 (standard tier, no batch or prompt-caching discounts; Gemini 2.5 Pro
 * at its up-to-200k-token rate). Prices change: check the vendor's page, and override or extend this table
 * with a JSON file of the same shape named by VLMCAR_PRICES (or the `prices` option of the client).
 */
export const DEFAULT_PRICES: PriceTable = {
  "openai:gpt-4o": { input: 2.5, output: 10 },
  "openai:gpt-4o-mini": { input: 0.15, output: 0.6 },
  "openai:gpt-4.1": { input: 2, output: 8 },
  "openai:gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "openai:gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "openai:gpt-5": { input: 1.25, output: 10 },
  "openai:gpt-5-mini": { input: 0.25, output: 2 },
  "openai:gpt-5-nano": { input: 0.05, output: 0.4 },
  "openai:o3": { input: 2, output: 8 },
  "openai:o4-mini": { input: 1.1, output: 4.4 },
  "anthropic:claude-opus-4": { input: 15, output: 75 },
  "anthropic:claude-sonnet-4": { input: 3, output: 15 },
  "anthropic:claude-3-7-sonnet": { input: 3, output: 15 },
  "anthropic:claude-3-5-sonnet": { input: 3, output: 15 },
  "anthropic:claude-3-5-haiku": { input: 0.8, output: 4 },
  "gemini:gemini-2.5-pro": { input: 1.25, output: 10 },
  "gemini:gemini-2.5-flash": { input: 0.3, output: 2.5 },
  "gemini:gemini-2.5-flash-lite": { input: 0.1, output: 0.4 },
  "gemini:gemini-2.0-flash": { input: 0.1, output: 0.4 },
};

/** Reads a price file: `{ "provider:model": { "input": 2.5, "output": 10 } }`, dollars per 1M tokens. */
export function loadPriceFile(path: string): PriceTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`cannot read price file ${path}: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null)
    throw new Error(`price file ${path} must hold a JSON object`);
  for (const [key, price] of Object.entries(parsed)) {
    const p = price as Partial<Price>;
    if (!key.includes(":") || !(Number(p?.input) >= 0) || !(Number(p?.output) >= 0)) {
      throw new Error(
        `price file ${path}: entry "${key}" must look like "provider:model": { "input": <$ per 1M>, "output": <$ per 1M> }`,
      );
    }
  }
  return parsed as PriceTable;
}

/** The price of a model: an exact "provider:model" entry, else the longest entry that is a prefix of it at a "-". */
export function lookupPrice(table: PriceTable, provider: string, model: string): Price | undefined {
  const id = `${provider}:${model}`;
  if (table[id]) return table[id];
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (id.startsWith(`${key}-`) && (!best || key.length > best.length)) best = key;
  }
  return best ? table[best] : undefined;
}

export function costUsd(price: Price, usage: Usage): number {
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1e6;
}

/**
 * An upper-leaning estimate of a request's input tokens. Text: one token per 3 characters (real tokenizers
 * average about 4 for English and code). Images: the vendor's documented formula for the provider.
 */
export function estimateInputTokens(provider: string, model: string, request: PreparedRequest): number {
  let tokens = 0;
  for (const message of request.messages) {
    tokens += 4; // role and message framing
    for (const part of message.content) {
      tokens +=
        part.type === "text"
          ? Math.ceil(part.text.length / 3)
          : imageTokens(provider, model, part.width, part.height);
    }
  }
  return tokens;
}

/** Tokens one image costs as input, per the vendors' documentation (OpenAI's formula for unknown providers). */
export function imageTokens(provider: string, model: string, width: number, height: number): number {
  if (provider === "anthropic") {
    // Images are scaled to a long edge of at most 1568 px, then cost width * height / 750 tokens.
    const scale = Math.min(1, 1568 / Math.max(width, height));
    return Math.ceil((width * scale * height * scale) / 750);
  }
  if (provider === "gemini") {
    // 258 tokens when both sides are at most 384 px, else 258 per 768 x 768 tile.
    if (width <= 384 && height <= 384) return 258;
    return Math.ceil(width / 768) * Math.ceil(height / 768) * 258;
  }
  // OpenAI high detail: fit in 2048 x 2048, shorten the short side to 768, then count 512 px tiles.
  let scale = Math.min(1, 2048 / Math.max(width, height));
  scale *= Math.min(1, 768 / (Math.min(width, height) * scale));
  const tiles = Math.ceil((width * scale) / 512) * Math.ceil((height * scale) / 512);
  // gpt-4o-mini bills images at inflated token counts so that they cost what they cost on gpt-4o.
  if (model.startsWith("gpt-4o-mini")) return 2833 + 5667 * tiles;
  return 85 + 170 * tiles;
}

/** Money set aside for a call in flight; settle or release it exactly once. */
export interface Reservation {
  readonly provider: string;
  readonly model: string;
  readonly maxCostUsd: number;
  readonly estimatedInputTokens: number;
}

export interface CostTotals {
  /** Every chat() that returned a reply. */
  calls: number;
  /** Replies paid for in this run (network and manual). */
  paidCalls: number;
  cacheHits: number;
  replayed: number;
  failedCalls: number;
  /** Tokens of the paid calls. */
  inputTokens: number;
  outputTokens: number;
  /** Dollars spent, including what a resumed transcript had already spent. */
  costUsd: number;
  /** Paid calls whose model has no price, so costUsd undercounts. */
  unpricedCalls: number;
  budgetUsd: number | null;
}

export interface CostMeterOptions {
  /** Merged over {@link DEFAULT_PRICES}. */
  prices?: PriceTable;
  /** Dollars this run may spend; unlimited when absent. */
  budgetUsd?: number;
}

export class CostMeter {
  readonly prices: PriceTable;
  readonly budgetUsd: number | undefined;
  private spentUsd = 0;
  private reservedUsd = 0;
  private readonly counts = {
    calls: 0,
    paidCalls: 0,
    cacheHits: 0,
    replayed: 0,
    failedCalls: 0,
    unpricedCalls: 0,
  };
  private inputTokens = 0;
  private outputTokens = 0;

  constructor(options: CostMeterOptions = {}) {
    this.prices = { ...DEFAULT_PRICES, ...options.prices };
    if (options.budgetUsd !== undefined && !(options.budgetUsd >= 0)) {
      throw new RangeError(`budget must be a non-negative number of dollars, got ${options.budgetUsd}`);
    }
    this.budgetUsd = options.budgetUsd;
  }

  price(provider: string, model: string): Price | undefined {
    return lookupPrice(this.prices, provider, model);
  }

  /**
   * Sets aside the worst-case cost of a call, or throws a "budget" VlmError when it could exceed the budget
   * (or when there is a budget but no price to check it against).
   */
  reserve(provider: string, model: string, request: PreparedRequest): Reservation {
    const estimatedInputTokens = estimateInputTokens(provider, model, request);
    const price = this.price(provider, model);
    const maxCostUsd = price
      ? costUsd(price, { inputTokens: estimatedInputTokens, outputTokens: request.parameters.maxTokens })
      : 0;
    if (this.budgetUsd !== undefined) {
      if (!price) {
        throw new VlmError({
          kind: "budget",
          provider,
          model,
          message:
            `a budget of $${this.budgetUsd} is set but there is no price for ${provider}:${model}; add one ` +
            `({ "${provider}:${model}": { "input": <$ per 1M tokens>, "output": <$ per 1M> } }) to the price file ` +
            "named by VLMCAR_PRICES (0 for a local model), or run without a budget",
        });
      }
      const committed = this.spentUsd + this.reservedUsd;
      if (committed + maxCostUsd > this.budgetUsd + 1e-12) {
        throw new VlmError({
          kind: "budget",
          provider,
          model,
          message:
            `budget exceeded: this call to ${provider}:${model} could cost up to ${usd(maxCostUsd)} ` +
            `(~${estimatedInputTokens} input tokens, up to ${request.parameters.maxTokens} output tokens), and ` +
            `${usd(committed)} of the ${usd(this.budgetUsd)} budget is spent or committed; nothing was sent. ` +
            "Raise the budget (VLMCAR_BUDGET_USD), lower maxTokens, or resume later from the transcript",
        });
      }
    }
    this.reservedUsd += maxCostUsd;
    return { provider, model, maxCostUsd, estimatedInputTokens };
  }

  /** Replaces a reservation by the actual cost of the reply; returns that cost (null when unpriced). */
  settle(reservation: Reservation, usage: Usage): number | null {
    this.release(reservation);
    const price = this.price(reservation.provider, reservation.model);
    this.counts.calls++;
    this.counts.paidCalls++;
    this.inputTokens += usage.inputTokens;
    this.outputTokens += usage.outputTokens;
    if (!price) {
      this.counts.unpricedCalls++;
      return null;
    }
    const cost = costUsd(price, usage);
    this.spentUsd += cost;
    return cost;
  }

  /** Gives back a reservation whose call failed. */
  release(reservation: Reservation): void {
    this.reservedUsd = Math.max(0, this.reservedUsd - reservation.maxCostUsd);
  }

  /** Counts a reply that cost nothing now: a cache hit, a replay, or a free provider's answer. */
  recordFree(kind: "cache" | "replay" | "free", usage?: Usage): void {
    this.counts.calls++;
    if (kind === "cache") this.counts.cacheHits++;
    else if (kind === "replay") this.counts.replayed++;
    else {
      this.counts.paidCalls++;
      this.inputTokens += usage?.inputTokens ?? 0;
      this.outputTokens += usage?.outputTokens ?? 0;
    }
  }

  recordFailure(): void {
    this.counts.failedCalls++;
  }

  /** Adds money an earlier, interrupted part of this run spent (read from its transcript), so the budget holds across resumes. */
  addPriorSpend(usdAmount: number): void {
    this.spentUsd += usdAmount;
  }

  get spent(): number {
    return this.spentUsd;
  }

  totals(): CostTotals {
    return {
      ...this.counts,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      costUsd: this.spentUsd,
      budgetUsd: this.budgetUsd ?? null,
    };
  }
}

function usd(amount: number): string {
  return `$${amount < 0.01 ? amount.toFixed(4) : amount.toFixed(2)}`;
}
