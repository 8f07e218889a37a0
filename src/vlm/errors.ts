/**
 * One error type for everything that can go wrong in a VLM call, so callers and the retry loop reason about
 * kinds ("rate-limit", "auth", ...) rather than about three SDKs' exception classes.
 */

export type VlmErrorKind =
  /** 401/403, or a key the provider rejects: fix the key, retrying cannot help. */
  | "auth"
  /** 404: the model name is wrong or not served at this base URL. */
  | "model-not-found"
  /** 400/422 and friends: the request itself is unacceptable (too large, images unsupported, ...). */
  | "bad-request"
  /** 429: too many requests or tokens; retried after Retry-After or a backoff. */
  | "rate-limit"
  /** 5xx: the provider failed; retried. */
  | "server"
  /** The connection dropped or could not be made; retried. */
  | "connection"
  /** No answer within the timeout; retried. */
  | "timeout"
  /** The reply was not valid JSON or lacked the expected fields; retried (proxies do truncate bodies). */
  | "malformed"
  /** The call would exceed the run's budget; nothing was sent. */
  | "budget"
  /** Replay was asked for a request the transcript does not hold. */
  | "replay-mismatch"
  /** The manual provider waited past its timeout for a reply file. */
  | "manual-timeout"
  /** The request or configuration is wrong on our side (bad spec, missing key, not a PNG). */
  | "config";

const RETRYABLE: ReadonlySet<VlmErrorKind> = new Set([
  "rate-limit",
  "server",
  "connection",
  "timeout",
  "malformed",
]);

export interface VlmErrorInit {
  kind: VlmErrorKind;
  message: string;
  provider?: string;
  model?: string;
  status?: number;
  /** The wait the server asked for (Retry-After), in milliseconds. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class VlmError extends Error {
  override name = "VlmError";
  readonly kind: VlmErrorKind;
  readonly provider?: string;
  readonly model?: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** How many attempts were made before giving up (set by the retry loop). */
  attempts = 1;

  constructor(init: VlmErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.provider = init.provider;
    this.model = init.model;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** Whether trying the same request again may succeed. */
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }

  /** A plain object for the transcript. */
  toRecord(): { kind: VlmErrorKind; message: string; status?: number; attempts: number } {
    return { kind: this.kind, message: this.message, status: this.status, attempts: this.attempts };
  }
}

export function isVlmError(value: unknown): value is VlmError {
  return value instanceof VlmError;
}
