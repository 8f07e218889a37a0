/**
 * The VLM layer: one interface over OpenAI(-compatible), Anthropic, Gemini, a person (manual) and recorded
 * transcripts (replay), with retries, transcripts, a content-addressed cache and a cost meter.
 * Start with {@link createVlmClient} and {@link Vlm}.
 */
export { cacheKey, ReplyCache } from "./cache.ts";
export {
  type CreateVlmClientOptions,
  createVlmClient,
  DEFAULT_CONCURRENCY,
  VlmClient,
  type VlmClientOptions,
} from "./client.ts";
export { type EndpointSettings, endpointSettings, type VlmEnvOptions, vlmEnvOptions } from "./config.ts";
export {
  CostMeter,
  type CostMeterOptions,
  type CostTotals,
  costUsd,
  DEFAULT_PRICES,
  estimateInputTokens,
  imageTokens,
  loadPriceFile,
  lookupPrice,
  type Price,
  type PriceTable,
} from "./cost.ts";
export { isVlmError, VlmError, type VlmErrorKind } from "./errors.ts";
export { prepareRequest, sha256Hex } from "./prepare.ts";
export { createProvider, type ProviderOptions } from "./providers/index.ts";
export { ManualProvider, type ManualProviderOptions } from "./providers/manual.ts";
export { ReplayProvider } from "./providers/replay.ts";
export {
  ConcurrencyLimiter,
  callWithRetry,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  type RetryPolicy,
} from "./retry.ts";
export { formatVlmSpec, PROVIDER_NAMES, type ProviderName, parseVlmSpec, type VlmSpec } from "./spec.ts";
export { readTranscript, Transcript, type TranscriptEntry } from "./transcript.ts";
export * from "./types.ts";
