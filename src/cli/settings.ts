/**
 * `--set ppo.KEY=VALUE`: PPO settings from the command line, checked against the same schema as a spec's
 * `ppo` block (src/experiments/spec.ts), so a flag and a spec accept exactly the same settings.
 */
import { closest } from "../env/registry.ts";
import type { PpoOverrides } from "../experiments/run.ts";
import { ppoSchema } from "../experiments/spec.ts";
import { UserError } from "./output.ts";

const PPO_KEYS = Object.keys(ppoSchema.shape).map((k) => `ppo.${k}`);

export const SETTINGS_HELP = `PPO setting, repeatable: ${PPO_KEYS.join(", ")} (e.g. --set ppo.lr=3e-4)`;

/** Parses `ppo.KEY=VALUE` entries into PPO overrides; an unknown key or a bad value is a UserError. */
export function parsePpoSettings(entries: readonly string[]): PpoOverrides {
  const raw: Record<string, unknown> = {};
  for (const entry of entries) {
    const eq = entry.indexOf("=");
    if (eq <= 0) throw new UserError(`--set takes KEY=VALUE (e.g. ppo.lr=3e-4), got "${entry}"`);
    const key = entry.slice(0, eq).trim();
    const text = entry.slice(eq + 1).trim();
    if (!PPO_KEYS.includes(key)) {
      const near = closest(key, PPO_KEYS, 1);
      throw new UserError(
        `--set: unknown setting "${key}"${near.length ? `; did you mean ${near[0]}?` : ""} Valid settings: ${PPO_KEYS.join(", ")}`,
      );
    }
    raw[key.slice("ppo.".length)] = parseValue(text);
  }
  const parsed = ppoSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UserError(
      parsed.error.issues
        .map((i) => `--set ppo.${i.path.join(".")}=${String(raw[String(i.path[0])])}: ${i.message}`)
        .join("\n"),
    );
  }
  return parsed.data as PpoOverrides;
}

/** "3e-4" → 0.0003, "true" → true, "64,64" → [64, 64], anything else stays text (the schema says what it accepts). */
function parseValue(text: string): unknown {
  if (text === "true") return true;
  if (text === "false") return false;
  if (text.includes(",")) return text.split(",").map((part) => parseValue(part.trim()));
  const n = Number(text.replaceAll("_", ""));
  return text !== "" && Number.isFinite(n) ? n : text;
}
