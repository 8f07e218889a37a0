/**
 * Anthropic's messages API through the official SDK. System messages become the top-level `system` prompt;
 * images travel as base64 `image` blocks. Anthropic has no sampling seed, so `seed` only keys the cache here.
 */
import type Anthropic from "@anthropic-ai/sdk";
import { type Env, endpointSettings, PLACEHOLDER_API_KEY } from "../config.ts";
import { VlmError } from "../errors.ts";
import { pngBase64, textOnly } from "../prepare.ts";
import type { FinishReason, PreparedRequest, ProviderReply, VlmProvider } from "../types.ts";
import { type EndpointContext, malformed, toVlmError } from "./http-errors.ts";

export class AnthropicProvider implements VlmProvider {
  readonly name = "anthropic";
  private client?: Promise<Anthropic>;
  private readonly ctx: EndpointContext;
  private readonly apiKey: string;

  constructor(
    readonly model: string,
    env: Env = process.env,
  ) {
    const settings = endpointSettings("anthropic", env);
    if (!settings.apiKey && settings.official) {
      throw new VlmError({
        kind: "config",
        provider: this.name,
        model,
        message: `no Anthropic API key: set ${settings.keyEnv}`,
      });
    }
    this.ctx = {
      provider: this.name,
      model,
      baseURL: settings.baseURL,
      keyEnv: settings.keyEnv,
      baseURLEnv: settings.baseURLEnv,
    };
    this.apiKey = settings.apiKey ?? PLACEHOLDER_API_KEY;
  }

  async load(): Promise<void> {
    await this.sdk();
  }

  /** The SDK is loaded on first use: importing vlmcar should not cost the load time of three SDKs. */
  private sdk(): Promise<Anthropic> {
    this.client ??= import("@anthropic-ai/sdk").then(
      // maxRetries: 0 — retries are ours (retry.ts). authToken: null keeps ANTHROPIC_AUTH_TOKEN from sneaking in.
      ({ default: Anthropic }) =>
        new Anthropic({ apiKey: this.apiKey, authToken: null, baseURL: this.ctx.baseURL, maxRetries: 0 }),
    );
    return this.client;
  }

  async send(
    request: PreparedRequest,
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<ProviderReply> {
    const system = request.messages
      .map((m, i) => (m.role === "system" ? textOnly(m, `messages[${i}]`) : undefined))
      .filter((s) => s !== undefined)
      .join("\n\n");
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
      throw toVlmError(error, this.ctx);
    }
    if (!Array.isArray(message?.content)) throw malformed(this.ctx, "a content array");
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
