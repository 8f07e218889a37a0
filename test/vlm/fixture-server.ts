/**
 * A local HTTP server on 127.0.0.1 (random port) that speaks the OpenAI chat-completions, Anthropic messages
 * and Gemini generateContent wire formats well enough for the real SDK clients, and replays a scripted list
 * of fixture replies, one per request. Every reply body it invents carries `"fixture": true`, so nobody can
 * mistake it for a model's output.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Wire = "openai" | "anthropic" | "gemini";

/** What the server does with one request. */
export type Step =
  | { reply: string; inputTokens?: number; outputTokens?: number; finish?: "stop" | "length" }
  | { status: number; message?: string; headers?: Record<string, string>; body?: unknown }
  | { malformed: true }
  | { hang: true }
  | { drop: true };

export interface Hit {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}

export interface FixtureServer {
  url: string;
  hits: Hit[];
  /** Most requests ever open at once. */
  maxConcurrent: number;
  close(): Promise<void>;
}

/**
 * Starts a server for `wire` that answers requests with `steps` in order; requests beyond the script get a
 * 418 saying so (the loop under test is bounded, so this shows up as a failed assertion, never a hang).
 */
export async function startFixtureServer(
  wire: Wire,
  steps: Step[],
  options: { delayMs?: number } = {},
): Promise<FixtureServer> {
  const hits: Hit[] = [];
  const state = { open: 0, maxConcurrent: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {}
      hits.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const step = steps[hits.length - 1];
      state.open++;
      state.maxConcurrent = Math.max(state.maxConcurrent, state.open);
      res.on("close", () => state.open--);
      const act = () => answer(wire, step, res, (body as { model?: string })?.model ?? modelFromUrl(req.url));
      if (options.delayMs) setTimeout(act, options.delayMs);
      else act();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const root = `http://127.0.0.1:${port}`;
  return {
    // The base URL as a user would set it: OpenAI-compatible servers conventionally end in /v1.
    url: wire === "openai" ? `${root}/v1` : root,
    hits,
    get maxConcurrent() {
      return state.maxConcurrent;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function modelFromUrl(url: string | undefined): string {
  return /models\/([^:]+):/.exec(url ?? "")?.[1] ?? "unknown";
}

function answer(wire: Wire, step: Step | undefined, res: ServerResponse, model: string): void {
  if (!step) {
    // 418, a status nobody retries, so an over-long loop fails fast instead of burning retries.
    json(res, 418, errorBody(wire, 418, "fixture server: no scripted reply left for this request"));
    return;
  }
  if ("hang" in step) return; // Never answer; the client's timeout must end it.
  if ("drop" in step) {
    res.socket?.destroy();
    return;
  }
  if ("malformed" in step) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"fixture": true, "choices": [ {"message": ');
    return;
  }
  if ("status" in step) {
    res.writeHead(step.status, { "content-type": "application/json", ...step.headers });
    res.end(
      JSON.stringify(
        step.body ?? errorBody(wire, step.status, step.message ?? `fixture error ${step.status}`),
      ),
    );
    return;
  }
  json(res, 200, replyBody(wire, model, step));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function replyBody(
  wire: Wire,
  model: string,
  step: { reply: string; inputTokens?: number; outputTokens?: number; finish?: string },
) {
  const input = step.inputTokens ?? 1000;
  const output = step.outputTokens ?? 200;
  const truncated = step.finish === "length";
  if (wire === "openai") {
    return {
      fixture: true,
      id: "chatcmpl-fixture",
      object: "chat.completion",
      created: 1_700_000_000,
      model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: step.reply },
          finish_reason: truncated ? "length" : "stop",
        },
      ],
      usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
    };
  }
  if (wire === "anthropic") {
    return {
      fixture: true,
      id: "msg_fixture",
      type: "message",
      role: "assistant",
      model,
      content: [{ type: "text", text: step.reply }],
      stop_reason: truncated ? "max_tokens" : "end_turn",
      stop_sequence: null,
      usage: { input_tokens: input, output_tokens: output },
    };
  }
  return {
    fixture: true,
    candidates: [
      {
        index: 0,
        content: { role: "model", parts: [{ text: step.reply }] },
        finishReason: truncated ? "MAX_TOKENS" : "STOP",
      },
    ],
    usageMetadata: { promptTokenCount: input, candidatesTokenCount: output, totalTokenCount: input + output },
    modelVersion: model,
  };
}

function errorBody(wire: Wire, status: number, message: string) {
  if (wire === "openai")
    return { fixture: true, error: { message, type: "fixture_error", code: String(status) } };
  if (wire === "anthropic")
    return { fixture: true, type: "error", error: { type: "fixture_error", message } };
  return { fixture: true, error: { code: status, message, status: "FIXTURE_ERROR" } };
}
