/**
 * Google Gemini's generateContent through the official `@google/genai` SDK (Gemini API, not Vertex).
 * GEMINI_BASE_URL (or VLMCAR_GEMINI_BASE_URL) goes to `httpOptions.baseUrl`; the SDK then posts to
 * `<base>/v1beta/models/<model>:generateContent`. Images travel as `inlineData` parts.
 *
 * The SDK retries only when given `httpOptions.retryOptions`, which we never pass: retries are ours.
 */
import type { Content, GenerateContentResponse, GoogleGenAI, Part } from "@google/genai";
import type { Env } from "../config.ts";
import { VlmError } from "../errors.ts";
import { pngBase64 } from "../prepare.ts";
import type { FinishReason, PreparedRequest, ProviderReply, VlmProvider } from "../types.ts";
import { type Endpoint, resolveEndpoint, systemPrompt } from "./endpoint.ts";
import { malformed, toVlmError } from "./http-errors.ts";

export class GeminiProvider implements VlmProvider {
  readonly name = "gemini";
  private client?: Promise<GoogleGenAI>;
  private readonly endpoint: Endpoint;

  constructor(
    readonly model: string,
    env: Env = process.env,
  ) {
    this.endpoint = resolveEndpoint(
      "gemini",
      model,
      env,
      (keyEnv) => `no Gemini API key: set ${keyEnv} (or GOOGLE_API_KEY)`,
    );
  }

  async load(): Promise<void> {
    await this.sdk();
  }

  /** The SDK is loaded on first use: importing vlmcar should not cost the load time of three SDKs. */
  private sdk(): Promise<GoogleGenAI> {
    this.client ??= import("@google/genai").then(
      // vertexai: false pins the Gemini API even if GOOGLE_GENAI_USE_VERTEXAI is set in the environment.
      ({ GoogleGenAI }) =>
        new GoogleGenAI({
          vertexai: false,
          apiKey: this.endpoint.apiKey,
          httpOptions: { baseUrl: this.endpoint.context.baseURL },
        }),
    );
    return this.client;
  }

  async send(
    request: PreparedRequest,
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<ProviderReply> {
    const system = systemPrompt(request);
    const contents: Content[] = request.messages
      .filter((m) => m.role !== "system")
      .map((m) => ({
        role: m.role === "assistant" ? "model" : "user",
        parts: m.content.map(
          (part): Part =>
            part.type === "text"
              ? { text: part.text }
              : { inlineData: { mimeType: "image/png", data: pngBase64(part) } },
        ),
      }));
    const { parameters } = request;
    let response: GenerateContentResponse;
    try {
      const client = await this.sdk();
      response = await client.models.generateContent({
        model: this.model,
        contents,
        config: {
          ...(system ? { systemInstruction: system } : {}),
          temperature: parameters.temperature,
          maxOutputTokens: parameters.maxTokens,
          seed: parameters.seed,
          abortSignal: options.signal,
          httpOptions: { timeout: options.timeoutMs },
        },
      });
    } catch (error) {
      throw toVlmError(error, this.endpoint.context);
    }
    const candidate = response?.candidates?.[0];
    if (!candidate) {
      const blocked = response?.promptFeedback?.blockReason;
      if (blocked) {
        throw new VlmError({
          kind: "bad-request",
          provider: this.name,
          model: this.model,
          message: `gemini blocked the prompt (${blocked}); rephrase it or check the images`,
        });
      }
      throw malformed(this.endpoint.context, "candidates[0]");
    }
    // Thought summaries (thought: true) are not the answer; the text parts are.
    const text = (candidate.content?.parts ?? [])
      .filter((p) => typeof p.text === "string" && !p.thought)
      .map((p) => p.text)
      .join("");
    const usage = response.usageMetadata;
    return {
      text,
      usage: {
        inputTokens: usage?.promptTokenCount ?? 0,
        // Thinking tokens are billed as output.
        outputTokens: (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0),
      },
      model: response.modelVersion || this.model,
      finishReason: finishReason(candidate.finishReason),
      rawFinishReason: candidate.finishReason,
      raw: response,
    };
  }
}

function finishReason(reason: string | undefined): FinishReason {
  if (reason === "STOP") return "stop";
  if (reason === "MAX_TOKENS") return "length";
  return "other";
}
