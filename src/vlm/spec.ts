/**
 * `--vlm provider:model` strings. Only the first colon separates, so model names keep theirs
 * (`openai:llava:13b` for an Ollama tag, `replay:runs/a/transcript.jsonl` for a path).
 */
import { VlmError } from "./errors.ts";

export const PROVIDER_NAMES = ["openai", "anthropic", "gemini", "manual", "replay"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export interface VlmSpec {
  provider: ProviderName;
  model: string;
}

const EXAMPLES =
  "openai:gpt-4o, anthropic:claude-sonnet-4-20250514, gemini:gemini-2.5-flash, manual:gpt-4o-via-chat, " +
  "replay:runs/doorkey/transcript.jsonl";

export function parseVlmSpec(spec: string): VlmSpec {
  const trimmed = spec.trim();
  const colon = trimmed.indexOf(":");
  if (colon < 0) {
    const hint = (PROVIDER_NAMES as readonly string[]).includes(trimmed)
      ? `${trimmed}:<model>`
      : "provider:model";
    throw bad(`--vlm "${spec}" names no model; write ${hint}, e.g. ${EXAMPLES}`);
  }
  const provider = trimmed.slice(0, colon).toLowerCase();
  const model = trimmed.slice(colon + 1).trim();
  if (!(PROVIDER_NAMES as readonly string[]).includes(provider)) {
    const alias = ALIASES[provider];
    throw bad(
      `--vlm "${spec}": unknown provider "${provider}"; use one of ${PROVIDER_NAMES.join(", ")}` +
        (alias ? `. ${alias}` : ""),
    );
  }
  if (!model) {
    const what =
      provider === "replay"
        ? "the transcript to replay (replay:path/to/transcript.jsonl)"
        : provider === "manual"
          ? "the model that will answer (manual:gpt-4o-via-chat), which is recorded as the author of the reply"
          : `a model (${provider}:<model>)`;
    throw bad(`--vlm "${spec}" names no model; give ${what}`);
  }
  return { provider: provider as ProviderName, model };
}

export function formatVlmSpec(spec: VlmSpec): string {
  return `${spec.provider}:${spec.model}`;
}

/** Names people reach for that are served by one of ours. */
const ALIASES: Record<string, string> = {
  google: 'Google\'s models are "gemini:<model>"',
  claude: 'Claude models are "anthropic:<model>"',
  ollama:
    "Ollama speaks the OpenAI protocol: set OPENAI_BASE_URL=http://127.0.0.1:11434/v1 and use openai:<model>",
  vllm: "vLLM speaks the OpenAI protocol: set OPENAI_BASE_URL=http://127.0.0.1:8000/v1 and use openai:<model>",
  lmstudio:
    "LM Studio speaks the OpenAI protocol: set OPENAI_BASE_URL=http://127.0.0.1:1234/v1 and use openai:<model>",
  llamacpp:
    "llama.cpp server speaks the OpenAI protocol: set OPENAI_BASE_URL=http://127.0.0.1:8080/v1 and use openai:<model>",
};

function bad(message: string): VlmError {
  return new VlmError({ kind: "config", message });
}
