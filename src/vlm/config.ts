/**
 * Where keys, base URLs and limits come from: environment variables, read in this one place. Every function
 * takes the environment as an argument (default `process.env`) so tests never have to mutate the real one.
 *
 * For each SDK provider our own `VLMCAR_*` variable wins over the vendor's usual one, so vlmcar can point at a
 * local server while other tools on the machine keep using OPENAI_BASE_URL as they are.
 */

export type Env = Record<string, string | undefined>;

export interface EndpointSettings {
  apiKey?: string;
  baseURL: string;
  /** Whether baseURL is the vendor's own endpoint (so a missing key is an error, not a local server). */
  official: boolean;
  /** The variable the key was read from, or the one to set when it is missing; named in errors. */
  keyEnv: string;
  baseURLEnv: string;
}

interface EndpointVariables {
  keys: string[];
  baseURLs: string[];
  officialBaseURL: string;
}

const ENDPOINTS: Record<"openai" | "anthropic" | "gemini", EndpointVariables> = {
  openai: {
    keys: ["VLMCAR_OPENAI_API_KEY", "OPENAI_API_KEY"],
    baseURLs: ["VLMCAR_OPENAI_BASE_URL", "OPENAI_BASE_URL"],
    officialBaseURL: "https://api.openai.com/v1",
  },
  anthropic: {
    keys: ["VLMCAR_ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY"],
    baseURLs: ["VLMCAR_ANTHROPIC_BASE_URL", "ANTHROPIC_BASE_URL"],
    officialBaseURL: "https://api.anthropic.com",
  },
  gemini: {
    keys: ["VLMCAR_GEMINI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"],
    baseURLs: ["VLMCAR_GEMINI_BASE_URL", "GEMINI_BASE_URL"],
    officialBaseURL: "https://generativelanguage.googleapis.com",
  },
};

export function endpointSettings(provider: keyof typeof ENDPOINTS, env: Env = process.env): EndpointSettings {
  const vars = ENDPOINTS[provider];
  const keyEnv = vars.keys.find((name) => nonEmpty(env[name])) ?? vars.keys[1];
  const baseURLEnv = vars.baseURLs.find((name) => nonEmpty(env[name])) ?? vars.baseURLs[1];
  const baseURL = (nonEmpty(env[baseURLEnv]) ?? vars.officialBaseURL).replace(/\/+$/, "");
  return {
    apiKey: nonEmpty(env[keyEnv]),
    baseURL,
    official: baseURL === vars.officialBaseURL,
    keyEnv,
    baseURLEnv,
  };
}

/** Local OpenAI-compatible servers (Ollama, vLLM, llama.cpp, LM Studio) need no key, but the SDKs insist on one. */
export const PLACEHOLDER_API_KEY = "no-key-needed-for-local-server";

/** Limits and folders a run may set through the environment; see {@link vlmEnvOptions}. */
export interface VlmEnvOptions {
  timeoutMs?: number;
  maxAttempts?: number;
  concurrency?: number;
  budgetUsd?: number;
  pricesFile?: string;
  cacheDir?: string;
  manualDir?: string;
  manualTimeoutMs?: number;
}

/**
 * Reads VLMCAR_VLM_TIMEOUT_S, VLMCAR_VLM_MAX_ATTEMPTS, VLMCAR_VLM_CONCURRENCY, VLMCAR_BUDGET_USD,
 * VLMCAR_PRICES (a JSON price file), VLMCAR_CACHE_DIR, VLMCAR_MANUAL_DIR and VLMCAR_MANUAL_TIMEOUT_S.
 * A malformed number is an error naming the variable, not a silent default.
 */
export function vlmEnvOptions(env: Env = process.env): VlmEnvOptions {
  const seconds = (name: string) => {
    const n = number(env, name);
    return n === undefined ? undefined : n * 1000;
  };
  return {
    timeoutMs: seconds("VLMCAR_VLM_TIMEOUT_S"),
    maxAttempts: number(env, "VLMCAR_VLM_MAX_ATTEMPTS"),
    concurrency: number(env, "VLMCAR_VLM_CONCURRENCY"),
    budgetUsd: number(env, "VLMCAR_BUDGET_USD"),
    pricesFile: nonEmpty(env.VLMCAR_PRICES),
    cacheDir: nonEmpty(env.VLMCAR_CACHE_DIR),
    manualDir: nonEmpty(env.VLMCAR_MANUAL_DIR),
    manualTimeoutMs: seconds("VLMCAR_MANUAL_TIMEOUT_S"),
  };
}

function number(env: Env, name: string): number | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name}="${raw}" is not a non-negative number; fix or unset it`);
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
