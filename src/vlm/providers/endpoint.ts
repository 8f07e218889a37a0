/**
 * What the three SDK providers (OpenAI, Anthropic, Gemini) share around their SDK calls: the endpoint they
 * resolve from the environment once, at construction, and the system prompt that two of them send apart
 * from the conversation.
 */
import { type Env, endpointSettings, PLACEHOLDER_API_KEY } from "../config.ts";
import { VlmError } from "../errors.ts";
import { textOnly } from "../prepare.ts";
import type { PreparedRequest } from "../types.ts";
import type { EndpointContext } from "./http-errors.ts";

export interface Endpoint {
  /** Names the provider, model, URL and variables in errors (http-errors.ts). */
  readonly context: EndpointContext;
  /** The key, or a placeholder for a local server that needs none (the SDKs refuse to start without one). */
  readonly apiKey: string;
  /** Whether the base URL is the vendor's own endpoint. */
  readonly official: boolean;
}

/**
 * The endpoint `provider` reaches for `model` under `env`. A missing key is an error only for the vendor's own
 * endpoint; `missingKey` words it, given the variable to set.
 */
export function resolveEndpoint(
  provider: Parameters<typeof endpointSettings>[0],
  model: string,
  env: Env,
  missingKey: (keyEnv: string) => string,
): Endpoint {
  const settings = endpointSettings(provider, env);
  if (!settings.apiKey && settings.official) {
    throw new VlmError({ kind: "config", provider, model, message: missingKey(settings.keyEnv) });
  }
  return {
    context: {
      provider,
      model,
      baseURL: settings.baseURL,
      keyEnv: settings.keyEnv,
      baseURLEnv: settings.baseURLEnv,
    },
    apiKey: settings.apiKey ?? PLACEHOLDER_API_KEY,
    official: settings.official,
  };
}

/** The text of the request's system messages, joined by blank lines ("" when there are none). */
export function systemPrompt(request: PreparedRequest): string {
  return request.messages
    .map((m, i) => (m.role === "system" ? textOnly(m, `messages[${i}]`) : undefined))
    .filter((s) => s !== undefined)
    .join("\n\n");
}
