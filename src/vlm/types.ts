/**
 * The provider-neutral VLM interface. Everything above this folder (the prompt chain, the refine loop)
 * talks to a {@link Vlm}; which provider answers, whether the answer came from the network, the cache or a
 * recorded transcript, and what it cost is the business of {@link VlmClient} (client.ts).
 *
 * A request is a list of chat messages whose content mixes text and images:
 *
 * ```ts
 * const reply = await vlm.chat({
 *   messages: [
 *     { role: "system", content: ["You write reward checks."] },
 *     { role: "user", content: ["Initial frame:", { type: "image", image: firstFrame },
 *                               "Goal frame:", { type: "image", image: goalFrame }, "What is the goal?"] },
 *   ],
 *   temperature: 0,
 * });
 * reply.text; // the model's answer, verbatim
 * ```
 */
import type { Frame } from "../image/frame.ts";

export type Role = "system" | "user" | "assistant";

/** Plain text. A bare string in {@link Message.content} is shorthand for `{ type: "text", text }`. */
export interface TextPart {
  type: "text";
  text: string;
}

/**
 * An image, given as a Frame (encoded to PNG for sending) or as PNG bytes (sent as they are).
 * Images are identified everywhere (transcripts, cache keys, replay) by the sha256 of the PNG bytes sent.
 */
export interface ImagePart {
  type: "image";
  image: Frame | { png: Uint8Array };
}

export type ContentPart = string | TextPart | ImagePart;

export interface Message {
  role: Role;
  content: ContentPart[];
}

export interface ChatRequest {
  messages: Message[];
  /** Sampling temperature; left to the provider's default when absent. */
  temperature?: number;
  /** Upper bound on reply tokens. Defaults to {@link DEFAULT_MAX_TOKENS}; the budget check assumes the worst case. */
  maxTokens?: number;
  /**
   * Sampling seed, passed to providers that accept one (OpenAI, Gemini). It is part of the cache key, so it is
   * also how a caller asks for a *different* sample of the same prompt: an identical request is answered
   * identically from the cache.
   */
  seed?: number;
}

/** Used when a request names no maxTokens: enough for a full reward program with prose around it. */
export const DEFAULT_MAX_TOKENS = 4096;

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** True when the numbers are our estimate, not the provider's count (the manual provider). */
  estimated?: boolean;
}

/**
 * Why generation stopped: "stop" (the model finished), "length" (cut off at maxTokens: the reply is
 * truncated), or "other" (safety filter, provider-specific reasons; see the transcript's raw reason).
 */
export type FinishReason = "stop" | "length" | "other";

/** Where a reply came from in this run. Only "network" and "manual" spent anything now. */
export type ReplySource = "network" | "manual" | "cache" | "replay";

export interface ChatReply {
  /** The reply text, verbatim. It is in the transcript before this object is returned. */
  text: string;
  usage: Usage;
  /** The model that wrote the text, as the provider reported it (or as the person named it, for manual). */
  model: string;
  /**
   * The provider that wrote the text. For cache hits and replays this is the original provider, not
   * "cache"/"replay": provenance follows the author of the text. {@link source} says how it reached us.
   */
  provider: string;
  source: ReplySource;
  finishReason: FinishReason;
  /** Wall time of the call that produced the text (0 for cache hits and replays). */
  latencyMs: number;
  /** Cost charged to this run, in US dollars (0 for cache hits and replays; null when no price is known). */
  costUsd: number | null;
  /** The transcript entry id of this call, for provenance (e.g. "call-000007"). */
  callId: string;
  /** The provider's response object, when it came from the network. Not stored in the transcript. */
  raw?: unknown;
}

/** What the prompt chain depends on. {@link VlmClient} implements it; tests may pass a fake. */
export interface Vlm {
  chat(request: ChatRequest): Promise<ChatReply>;
}

/** An image after preparation: the exact PNG bytes sent, and their identity. */
export interface PreparedImage {
  type: "image";
  png: Uint8Array;
  /** Lowercase hex sha256 of {@link png}. */
  sha256: string;
  width: number;
  height: number;
}

export type PreparedPart = TextPart | PreparedImage;

export interface PreparedMessage {
  role: Role;
  content: PreparedPart[];
}

/** The sampling parameters that reach the provider; part of the cache key. */
export interface ChatParameters {
  temperature?: number;
  maxTokens: number;
  seed?: number;
}

/**
 * A request ready for a provider: images encoded and hashed, defaults filled in.
 * {@link requestHash} identifies the content and parameters alone (what replay matches on);
 * the cache key adds the provider and model (cache.ts).
 */
export interface PreparedRequest {
  messages: PreparedMessage[];
  parameters: ChatParameters;
  requestHash: string;
}

/** What a provider returns; the client adds timing, cost, source and the transcript id. */
export interface ProviderReply {
  text: string;
  usage: Usage;
  model: string;
  finishReason: FinishReason;
  /** The provider's own word for why it stopped (e.g. "end_turn", "MAX_TOKENS"), for the transcript. */
  rawFinishReason?: string;
  raw?: unknown;
  /** Set by providers that answer from a record (replay), so the client charges nothing and names the author. */
  recorded?: { provider: string; model: string; callId: string };
}

/** Limits a provider wants for its calls, overriding the client's defaults (e.g. manual waits long, once). */
export interface ProviderCallDefaults {
  timeoutMs?: number;
  maxAttempts?: number;
}

/**
 * One way of answering a request. Providers translate a {@link PreparedRequest} to their wire format and back,
 * and turn failures into {@link VlmError}s (errors.ts) so the client can decide what to retry. They do no
 * retries, caching, logging or cost accounting of their own.
 */
export interface VlmProvider {
  /** "openai", "anthropic", "gemini", "manual" or "replay". */
  readonly name: string;
  /** The model asked for (for replay: the transcript path). */
  readonly model: string;
  /** Answers without spending money (manual, replay): no price lookup, no budget check. */
  readonly free?: boolean;
  /** Answers from a record; the client then skips its own cache so every answer is the recorded one. */
  readonly replays?: boolean;
  readonly callDefaults?: ProviderCallDefaults;
  /** Loads what the provider needs (its SDK), so that loading never counts against a call's timeout. */
  load?(): Promise<void>;
  send(request: PreparedRequest, options: { signal: AbortSignal; timeoutMs: number }): Promise<ProviderReply>;
}
