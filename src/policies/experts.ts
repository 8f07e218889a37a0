/**
 * The expert of any env: one registered for its id (a custom env brings its own, see docs/PLUGINS.md), else
 * panda-gym's scripted closed-loop expert for a Panda id, Ravens' oracle for a Tabletop id, else the MiniGrid
 * expert of its family.
 *
 *   registerExpert("Corridor-v0", () => new CorridorExpert());
 *   const expert = expertFor("PandaPushJoints-v3");
 *
 * The registry is kept on `globalThis`, like the env registry: a plugin that imports the installed package
 * (dist/) and a CLI running from the sources (tsx) then register into, and read from, the same table.
 */
import { type Env, EnvError, unwrap } from "../env/core.ts";
import { PandaEnv } from "../env/panda/panda-env.ts";
import { processWide } from "../env/process-wide.ts";
import { TabletopEnv } from "../env/tabletop/tabletop-env.ts";
import { familyOf, expertFor as miniGridExpertFor } from "./minigrid/expert.ts";
import { FAMILIES } from "./minigrid/families.ts";
import { PandaExpert } from "./panda/expert.ts";
import type { Policy } from "./policy.ts";
import { TabletopOracle } from "./tabletop/oracle.ts";

/** Makes a fresh expert for one env id (an expert may keep per-episode state; each caller gets its own). */
export type ExpertFactory = (envId: string) => Policy<unknown, unknown>;

interface ExpertEntry {
  readonly ids: string | RegExp;
  readonly factory: ExpertFactory;
}

const registry = processWide("vlmcar.experts/1", (): ExpertEntry[] => []);

/** Registers the expert for an env id, or for every id a pattern matches. Later registrations win. */
export function registerExpert(ids: string | RegExp, factory: ExpertFactory): void {
  if (typeof factory !== "function") {
    throw new EnvError(
      `registerExpert(${String(ids)}, factory): factory must be a function (envId) => Policy`,
    );
  }
  registry.unshift({ ids, factory });
}

/** True for a Panda id or env (the experts of src/policies/panda). */
function isPanda(envOrId: string | Env<unknown, unknown>): boolean {
  if (typeof envOrId === "string") return /^Panda[A-Z]/.test(envOrId);
  return unwrap(envOrId) instanceof PandaEnv;
}

/** True for a CLIPort tabletop id or env (Ravens' oracle in src/policies/tabletop). */
function isTabletop(envOrId: string | Env<unknown, unknown>): boolean {
  if (typeof envOrId === "string") return /^Tabletop-[a-z]/.test(envOrId);
  return unwrap(envOrId) instanceof TabletopEnv;
}

/** Whether an expert exists for the env id (registered, Panda's, the tabletop oracle or a MiniGrid family's). */
export function hasExpert(envId: string): boolean {
  return registered(envId) !== undefined || isPanda(envId) || isTabletop(envId) || familyOf(envId) !== null;
}

/** The expert for an env or registry id; an error names what exists and how to add one. */
export function expertFor(envOrId: string | Env<unknown, unknown>): Policy<unknown, unknown> {
  const id = typeof envOrId === "string" ? envOrId : unwrap(envOrId).id;
  const entry = registered(id);
  if (entry) return entry.factory(id);
  if (isPanda(envOrId)) return new PandaExpert() as Policy<unknown, unknown>;
  if (isTabletop(envOrId)) return new TabletopOracle() as unknown as Policy<unknown, unknown>;
  if (familyOf(envOrId) !== null) return miniGridExpertFor(envOrId);
  throw new EnvError(
    `no expert for env "${id}": experts exist for the Panda and Tabletop ids and the MiniGrid families ` +
      `${FAMILIES.map((f) => f.name).join(", ")}` +
      `${registry.length ? `, and the registered ids ${registry.map((e) => String(e.ids)).join(", ")}` : ""}. ` +
      "Register one with registerExpert(id, factory) from an --import module (docs/PLUGINS.md), or verify with " +
      "recorded demonstrations (vlmcar verify --expert-set <dir>).",
  );
}

function registered(id: string): ExpertEntry | undefined {
  return registry.find((e) => (typeof e.ids === "string" ? e.ids === id : e.ids.test(id)));
}
