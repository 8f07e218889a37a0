/**
 * The expert of any supported env: MiniGrid's planner-based experts by family, panda-gym's scripted
 * closed-loop experts for every Panda id.
 *
 *   const expert = expertFor("PandaPushJoints-v3");
 */
import { type Env, unwrap } from "../env/core.ts";
import { PandaEnv } from "../env/panda/panda-env.ts";
import { expertFor as miniGridExpertFor } from "./minigrid/expert.ts";
import { PandaExpert } from "./panda/expert.ts";
import type { Policy } from "./policy.ts";

/** True for a Panda id or env (the experts of src/policies/panda). */
function isPanda(envOrId: string | Env<unknown, unknown>): boolean {
  if (typeof envOrId === "string") return /^Panda[A-Z]/.test(envOrId);
  return unwrap(envOrId) instanceof PandaEnv;
}

/** The expert for an env or registry id; throws EnvError naming the supported families when there is none. */
export function expertFor(envOrId: string | Env<unknown, unknown>): Policy<unknown, unknown> {
  if (isPanda(envOrId)) return new PandaExpert() as Policy<unknown, unknown>;
  return miniGridExpertFor(envOrId);
}
