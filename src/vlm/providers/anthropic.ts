/**
 * Anthropic's messages API through the official SDK. System messages become the top-level `system` prompt;
 * images travel as base64 `image` blocks. Anthropic has no sampling seed, so `seed` only keys the cache here.
 */
import type Anthropic from "@anthropic-ai/sdk";
import type { Env } from "../config.ts";
import { pngBase64 } from "../prepare.ts";
import type { FinishReason, PreparedRequest, ProviderReply, VlmProvider } from "../types.ts";
import { type Endpoint, resolveEndpoint, systemPrompt } from "./endpoint.ts";
import { malformed, toVlmError } from "./http-errors.ts";

export class AnthropicProvider implements VlmProvider {
  readonly name = "anthropic";
  private client?: Promise<Anthropic>;
  private readonly endpoint: Endpoint;

  constructor(
    readonly model: string,
    env: Env = process.env,
  ) {
    this.endpoint = resolveEndpoint(
      "anthropic",
      model,
      env,
      (keyEnv) => `no Anthropic API key: set ${keyEnv}`,
    );
  }

  async load(): Promise<void> {
    await this.sdk();
  }

  /** The SDK is loaded on first use: importing vlmcar should not cost the load time of three SDKs. */
  private sdk(): Promise<Anthropic> {
    this.client ??= import("@anthropic-ai/sdk").then(
      // maxRetries: 0 — retries are ours (retry.ts). authToken: null keeps ANTHROPIC_AUTH_TOKEN from sneaking in.
      ({ default: Anthropic }) =>
        new Anthropic({
          apiKey: this.endpoint.apiKey,
          authToken: null,
          baseURL: this.endpoint.context.baseURL,
          maxRetries: 0,
        }),
    );
    return this.client;
  }

  async send(
    request: PreparedRequest,
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<ProviderReply> {
    const system = systemPrompt(request);
    const messages: Anthropic.MessageParam[] = request.messages
      .filter((m) => m.role !== "system")
      .map((m) => ({
        role: m.role as "user" | "assistant",
        content: m.content.map(
          (part): Anthropic.ContentBlockParam =>
            part.type === "text"
              ? { type: "text", text: part.text }
              : { type: "image", source: { type: "base64", media_type: "image/png", data: pngBase64(part) } },
        ),
      }));
    let message: Anthropic.Message;
    try {
      const client = await this.sdk();
      message = await client.messages.create(
        {
          model: this.model,
          max_tokens: request.parameters.maxTokens,
          temperature: request.parameters.temperature,
          ...(system ? { system } : {}),
          messages,
        },
        { signal: options.signal, timeout: options.timeoutMs },
      );
    } catch (error) {
      throw toVlmError(error, this.endpoint.context);
    }
    if (!Array.isArray(message?.content)) throw malformed(this.endpoint.context, "a content array");
    const text = message.content
      .filter((block): block is Anthropic.TextBlock => block.type === "text")
      .map((block) => block.text)
      .join("");
    return {
      text,
      usage: {
        inputTokens: message.usage?.input_tokens ?? 0,
        outputTokens: message.usage?.output_tokens ?? 0,
      },
      model: message.model || this.model,
      finishReason: finishReason(message.stop_reason),
      rawFinishReason: message.stop_reason ?? undefined,
      raw: message,
    };
  }
}

function finishReason(reason: string | null | undefined): FinishReason {
  if (reason === "end_turn" || reason === "stop_sequence") return "stop";
  if (reason === "max_tokens") return "length";
  return "other";
}
