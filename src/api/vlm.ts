/**
 * `vlmcar/vlm`: one client over OpenAI(-compatible), Anthropic, Gemini, a person (manual) and recorded
 * transcripts (replay), with retries, JSONL transcripts, a reply cache and a cost meter.
 *
 *   const vlm = createVlmClient("anthropic:claude-sonnet-4-20250514", { transcript: "t.jsonl", budgetUsd: 2 });
 */
export { type CreateVlmClientOptions, createVlmClient, VlmClient } from "../vlm/client.ts";
export { type CostTotals, DEFAULT_PRICES, type Price, type PriceTable } from "../vlm/cost.ts";
export { isVlmError, VlmError, type VlmErrorKind } from "../vlm/errors.ts";
export { PROVIDER_NAMES, type ProviderName, parseVlmSpec, type VlmSpec } from "../vlm/spec.ts";
export { readTranscript, type TranscriptEntry } from "../vlm/transcript.ts";
export type {
  ChatReply,
  ChatRequest,
  ContentPart,
  ImagePart,
  Message,
  TextPart,
  Usage,
  Vlm,
  VlmProvider,
} from "../vlm/types.ts";
