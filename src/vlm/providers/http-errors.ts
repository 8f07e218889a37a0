/**
 * Maps what the three SDKs throw to {@link VlmError}s with messages that say what to fix. The SDKs differ in
 * class names but agree on shape: an HTTP failure carries a numeric `status` (and, except Gemini, `headers`);
 * a broken body surfaces as a SyntaxError from `response.json()`; a network failure has no status.
 */
import { VlmError } from "../errors.ts";
import { parseRetryAfter } from "../retry.ts";

export interface EndpointContext {
  provider: string;
  model: string;
  baseURL: string;
  /** The environment variable that holds (or should hold) the key, named in credential errors. */
  keyEnv: string;
  /** The environment variable that sets the base URL, named in 404 errors. */
  baseURLEnv: string;
}

export function toVlmError(error: unknown, ctx: EndpointContext): VlmError {
  if (error instanceof VlmError) return error;
  const base = { provider: ctx.provider, model: ctx.model, cause: error };
  const where = `${ctx.provider} at ${ctx.baseURL}`;
  if (error instanceof SyntaxError) {
    return new VlmError({
      ...base,
      kind: "malformed",
      message: `${where} sent a reply that is not valid JSON (${error.message})`,
    });
  }
  const status =
    typeof (error as { status?: unknown })?.status === "number"
      ? (error as { status: number }).status
      : undefined;
  const detail = serverMessage(error);
  if (status === undefined) {
    const timedOut = /timed? ?out/i.test(detail) || (error as { name?: string })?.name === "TimeoutError";
    return new VlmError({
      ...base,
      kind: timedOut ? "timeout" : "connection",
      message: `${timedOut ? "timed out talking to" : "could not reach"} ${where}: ${detail}`,
    });
  }
  const said = detail ? ` Server said: ${detail}` : "";
  if (status === 401 || status === 403 || looksLikeBadKey(status, detail)) {
    return new VlmError({
      ...base,
      kind: "auth",
      status,
      message: `${where} rejected the credentials (HTTP ${status}): check ${ctx.keyEnv}.${said}`,
    });
  }
  if (status === 404) {
    return new VlmError({
      ...base,
      kind: "model-not-found",
      status,
      message:
        `${where} does not know model "${ctx.model}" (HTTP 404): fix the model in --vlm ${ctx.provider}:<model>, ` +
        `or the base URL in ${ctx.baseURLEnv} if it points at the wrong path.${said}`,
    });
  }
  if (status === 429) {
    return new VlmError({
      ...base,
      kind: "rate-limit",
      status,
      retryAfterMs: retryAfterOf(error),
      message: `${where} is rate limiting us (HTTP 429).${said}`,
    });
  }
  if (status >= 500) {
    return new VlmError({
      ...base,
      kind: "server",
      status,
      retryAfterMs: retryAfterOf(error),
      message: `${where} failed (HTTP ${status}).${said}`,
    });
  }
  return new VlmError({
    ...base,
    kind: "bad-request",
    status,
    message: `${where} refused the request (HTTP ${status}).${said}`,
  });
}

/** Gemini answers a wrong key with 400 INVALID_ARGUMENT and reason API_KEY_INVALID rather than 401. */
function looksLikeBadKey(status: number, detail: string): boolean {
  return status === 400 && /API_KEY_INVALID|API key not valid/i.test(detail);
}

function retryAfterOf(error: unknown): number | undefined {
  const fromHeaders = parseRetryAfter((error as { headers?: Headers | Record<string, string> })?.headers);
  return fromHeaders ?? geminiRetryDelay(serverMessage(error));
}

/**
 * Gemini's SDK drops response headers but its 429 body carries a google.rpc.RetryInfo detail,
 * e.g. `{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "12s"}`.
 */
function geminiRetryDelay(detail: string): number | undefined {
  const match = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(detail);
  return match ? Number(match[1]) * 1000 : undefined;
}

/** The most useful human-readable text in an SDK error, bounded so a huge HTML error page stays readable. */
function serverMessage(error: unknown): string {
  const e = error as { message?: unknown; cause?: { message?: unknown; code?: unknown } };
  let text = typeof e?.message === "string" ? e.message : String(error);
  const cause = e?.cause;
  if (cause && typeof cause.message === "string" && !text.includes(cause.message)) {
    text += ` (${cause.code ? `${String(cause.code)}: ` : ""}${cause.message})`;
  }
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

/** Thrown by providers when a 2xx reply lacks what the wire format promises (no choices, no content). */
export function malformed(ctx: EndpointContext, what: string): VlmError {
  return new VlmError({
    provider: ctx.provider,
    model: ctx.model,
    kind: "malformed",
    message: `${ctx.provider} at ${ctx.baseURL} sent a reply without ${what}`,
  });
}
