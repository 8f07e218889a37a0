/**
 * Which PPO trains an env: the discrete one (`Ppo`, rl-starter-files' defaults) for Discrete actions, the
 * continuous one (`ContinuousPpo`, CleanRL's continuous defaults) for Box actions (panda-gym). Decided by the
 * env's own action space, so a plugin env with Box actions trains with the continuous PPO too.
 */
import { EnvError } from "../env/core.ts";
import { make } from "../env/registry.ts";
import { isBox } from "../env/spaces.ts";
import { PPO_DEFAULTS, type PpoConfig } from "../rl/ppo.ts";
import { CONTINUOUS_PPO_DEFAULTS, type ContinuousPpoConfig } from "../rl/ppo-continuous.ts";

export type PpoAlgorithm = "ppo" | "ppo-continuous";

const known = new Map<string, PpoAlgorithm>();

/** "ppo-continuous" for an env with a Box action space, "ppo" otherwise (one env built once per id). */
export function algorithmFor(envId: string): PpoAlgorithm {
  let algorithm = known.get(envId);
  if (algorithm === undefined) {
    const env = make<unknown, unknown>(envId);
    try {
      algorithm = isBox(env.actionSpace) ? "ppo-continuous" : "ppo";
    } finally {
      env.close();
    }
    known.set(envId, algorithm);
  }
  return algorithm;
}

/**
 * The algorithm, or null for an id this process does not know: a queue coordinator may plan runs of an env that
 * only its workers' plugins register, and the run reports the unknown id where it trains.
 */
function knownAlgorithm(envId: string): PpoAlgorithm | null {
  try {
    return algorithmFor(envId);
  } catch (error) {
    if (error instanceof EnvError) return null;
    throw error;
  }
}

/** The defaults of the PPO that trains `envId` (the discrete PPO's for an id this process does not know). */
export function ppoDefaultsFor(envId: string): PpoConfig | ContinuousPpoConfig {
  return knownAlgorithm(envId) === "ppo-continuous" ? CONTINUOUS_PPO_DEFAULTS : PPO_DEFAULTS;
}

/** Settings only one of the two PPOs has: the other one would silently ignore them. */
const ONLY_DISCRETE = ["batchSize", "model"] as const;
const ONLY_CONTINUOUS = [
  "numMinibatches",
  "annealLr",
  "normalizeObservations",
  "clipObservations",
  "normalizeReturns",
  "clipRewards",
  "hidden",
  "initLogStd",
] as const;

/**
 * The PPO overrides that do not apply to `envId`'s PPO, as messages ("batchSize is a setting of the discrete
 * PPO; PandaPushJoints-v3 has Box actions and trains with the continuous PPO, whose minibatches are set by
 * numMinibatches"); empty when all apply.
 */
export function inapplicablePpoSettings(envId: string, ppo: Readonly<Record<string, unknown>>): string[] {
  const algorithm = knownAlgorithm(envId);
  if (algorithm === null) return [];
  const continuous = algorithm === "ppo-continuous";
  const foreign: readonly string[] = continuous ? ONLY_DISCRETE : ONLY_CONTINUOUS;
  return Object.keys(ppo)
    .filter((key) => foreign.includes(key))
    .map((key) =>
      continuous
        ? `ppo.${key} is a setting of the discrete PPO; ${envId} has Box actions and trains with the continuous PPO` +
          `${key === "batchSize" ? " (set its minibatches with ppo.numMinibatches)" : ""}`
        : `ppo.${key} is a setting of the continuous PPO; ${envId} has discrete actions and trains with the discrete PPO` +
          `${key === "numMinibatches" ? " (set its minibatch size with ppo.batchSize)" : ""}`,
    );
}
