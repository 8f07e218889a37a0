/**
 * OpenAI chat completions through the official SDK. Works with any OpenAI-compatible server (vLLM, Ollama,
 * llama.cpp server, LM Studio) by pointing OPENAI_BASE_URL (or VLMCAR_OPENAI_BASE_URL) at it, e.g.
 * `http://127.0.0.1:11434/v1` for Ollama. Images travel inline as `data:image/png;base64,...` URLs.
 */
import type OpenAI from "openai";
import type {
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { Env } from "../config.ts";
import { pngBase64, textOnly } from "../prepare.ts";
import type { FinishReason, PreparedRequest, ProviderReply, VlmProvider } from "../types.ts";
import { type Endpoint, resolveEndpoint } from "./endpoint.ts";
import { malformed, toVlmError } from "./http-errors.ts";

export class OpenAIProvider implements VlmProvider {
  readonly name = "openai";
  private client?: Promise<OpenAI>;
  private readonly endpoint: Endpoint;

  constructor(
    readonly model: string,
    env: Env = process.env,
  ) {
    this.endpoint = resolveEndpoint(
      "openai",
      model,
      env,
      (keyEnv) =>
        `no OpenAI API key: set ${keyEnv}, or set OPENAI_BASE_URL to a local OpenAI-compatible server`,
    );
  }

  async load(): Promise<void> {
    await this.sdk();
  }

  /** The SDK is loaded on first use: importing vlmcar should not cost the load time of three SDKs. */
  private sdk(): Promise<OpenAI> {
    this.client ??= import("openai").then(
      // maxRetries: 0 — retries are ours (retry.ts), identical for every provider.
      ({ default: OpenAI }) =>
        new OpenAI({ apiKey: this.endpoint.apiKey, baseURL: this.endpoint.context.baseURL, maxRetries: 0 }),
    );
    return this.client;
  }

  async send(
    request: PreparedRequest,
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<ProviderReply> {
    const { parameters } = request;
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      const client = await this.sdk();
      completion = await client.chat.completions.create(
        {
          model: this.model,
          messages: request.messages.map(toOpenAIMessage),
          temperature: parameters.temperature,
          seed: parameters.seed,
          // OpenAI's newer models accept only max_completion_tokens; many compatible servers know only max_tokens.
          ...(this.endpoint.official
            ? { max_completion_tokens: parameters.maxTokens }
            : { max_tokens: parameters.maxTokens }),
        },
        { signal: options.signal, timeout: options.timeoutMs },
      );
    } catch (error) {
      throw toVlmError(error, this.endpoint.context);
    }
    const choice = completion?.choices?.[0];
    if (!choice?.message) throw malformed(this.endpoint.context, "choices[0].message");
    const text = choice.message.content;
    if (typeof text !== "string") {
      // A refusal arrives as message.refusal with null content; surface it rather than an empty program.
      const refusal = (choice.message as { refusal?: string | null }).refusal;
      if (refusal) return reply(refusal, completion, "other", "refusal", this.model);
      throw malformed(this.endpoint.context, "choices[0].message.content");
    }
    return reply(
      text,
      completion,
      finishReason(choice.finish_reason),
      choice.finish_reason ?? undefined,
      this.model,
    );
  }
}

function reply(
  text: string,
  completion: OpenAI.Chat.Completions.ChatCompletion,
  finish: FinishReason,
  rawFinishReason: string | undefined,
  requestedModel: string,
): ProviderReply {
  return {
    text,
    usage: {
      inputTokens: completion.usage?.prompt_tokens ?? 0,
      outputTokens: completion.usage?.completion_tokens ?? 0,
    },
    model: completion.model || requestedModel,
    finishReason: finish,
    rawFinishReason,
    raw: completion,
  };
}

function finishReason(reason: string | null | undefined): FinishReason {
  if (reason === "stop") return "stop";
  if (reason === "length") return "length";
  return "other";
}

function toOpenAIMessage(
  message: PreparedRequest["messages"][number],
  index: number,
): ChatCompletionMessageParam {
  if (message.role === "system") return { role: "system", content: textOnly(message, `messages[${index}]`) };
  if (message.role === "assistant")
    return { role: "assistant", content: textOnly(message, `messages[${index}]`) };
  const content: ChatCompletionContentPart[] = message.content.map((part) =>
    part.type === "text"
      ? { type: "text", text: part.text }
      : { type: "image_url", image_url: { url: `data:image/png;base64,${pngBase64(part)}` } },
  );
  return { role: "user", content };
}
