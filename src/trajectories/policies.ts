/**
 * The demonstrators of VLM-CaR's verification, by name: the expert, the uniform random policy, and the
 * epsilon-noisy experts ("novice" 50% random actions, "suboptimal" 30%). For a Box action space (panda-gym)
 * a random action is a uniform sample of the Box from the policy's own seeded generator.
 */

import { expertFor } from "../policies/experts.ts";
import { type NOISE_PRESETS, NoisyPolicy } from "../policies/noisy.ts";
import type { Policy } from "../policies/policy.ts";
import { RandomPolicy } from "../policies/random.ts";

export const POLICY_KINDS = ["expert", "random", "novice", "suboptimal"] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

export function isPolicyKind(name: string): name is PolicyKind {
  return (POLICY_KINDS as readonly string[]).includes(name);
}

/** The named policy for an env id; `seed` seeds the policy's own randomness until reset() reseeds it. */
export function policyFor(kind: PolicyKind, envId: string, seed = 0): Policy<unknown, unknown> {
  switch (kind) {
    case "expert":
      return expertFor(envId);
    case "random":
      return new RandomPolicy<unknown, unknown>(seed);
    case "novice":
    case "suboptimal":
      return new NoisyPolicy(expertFor(envId), kind satisfies keyof typeof NOISE_PRESETS, seed);
  }
}
