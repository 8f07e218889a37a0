/** Builds the provider a `--vlm provider:model` spec names, with keys and base URLs from the environment. */
import { type Env, vlmEnvOptions } from "../config.ts";
import { parseVlmSpec, type VlmSpec } from "../spec.ts";
import type { VlmProvider } from "../types.ts";
import { AnthropicProvider } from "./anthropic.ts";
import { GeminiProvider } from "./gemini.ts";
import { ManualProvider, type ManualProviderOptions } from "./manual.ts";
import { OpenAIProvider } from "./openai.ts";
import { ReplayProvider } from "./replay.ts";

export interface ProviderOptions {
  /** Defaults to process.env. */
  env?: Env;
  /** For manual: where request folders go (default VLMCAR_MANUAL_DIR, else `defaultManualDir`) and how long to wait. */
  manual?: Partial<ManualProviderOptions>;
  /**
   * For manual, when neither `manual.dir` nor VLMCAR_MANUAL_DIR names a folder (default ./vlm-manual). A generation
   * passes a folder of its own, so an earlier run's replies to identical prompts are never picked up.
   */
  defaultManualDir?: string;
}

export function createProvider(spec: string | VlmSpec, options: ProviderOptions = {}): VlmProvider {
  const { provider, model } = typeof spec === "string" ? parseVlmSpec(spec) : spec;
  const env = options.env ?? process.env;
  switch (provider) {
    case "openai":
      return new OpenAIProvider(model, env);
    case "anthropic":
      return new AnthropicProvider(model, env);
    case "gemini":
      return new GeminiProvider(model, env);
    case "manual": {
      const fromEnv = vlmEnvOptions(env);
      return new ManualProvider(model, {
        ...options.manual,
        dir: options.manual?.dir ?? fromEnv.manualDir ?? options.defaultManualDir ?? "vlm-manual",
        timeoutMs: options.manual?.timeoutMs ?? fromEnv.manualTimeoutMs,
      });
    }
    case "replay":
      return new ReplayProvider(model);
  }
}

export { AnthropicProvider, GeminiProvider, ManualProvider, OpenAIProvider, ReplayProvider };
