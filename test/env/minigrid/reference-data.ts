/**
 * Locates and reads the Farama MiniGrid reference data (/work/shared/reference/minigrid by default).
 * The folder comes from MINIGRID_REFERENCE (relative paths resolve against the repository root), so new
 * reference data can be dropped in without code changes.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export function referenceDir(): string {
  const dir = process.env.MINIGRID_REFERENCE ?? "../shared/reference/minigrid";
  return isAbsolute(dir) ? dir : resolve(repoRoot, dir);
}

export function readReference<T = unknown>(file: string): T {
  return JSON.parse(readFileSync(join(referenceDir(), file), "utf8")) as T;
}

export function hasReference(): boolean {
  return existsSync(join(referenceDir(), "meta.json"));
}

export interface ReferenceReset {
  seed: number;
  grid: string;
  agent_pos: [number, number];
  agent_dir: number;
  mission: string;
  obs: string;
  obs_direction: number;
}

export interface SeedlessReset {
  grid: string;
  agent_pos: [number, number];
  agent_dir: number;
  mission: string;
}

/** [t, action, reward, terminated, truncated, x, y, dir, carrying, obsHash, seedlessReset?] */
export type ReferenceStep = [
  number,
  number,
  number,
  boolean,
  boolean,
  number,
  number,
  number,
  string | null,
  string,
  SeedlessReset?,
];

export interface ReferenceEnvFile {
  max_steps: number;
  width: number;
  height: number;
  resets: ReferenceReset[];
  rollouts: { seed: number; steps: ReferenceStep[] }[];
}

export interface ReferenceMeta {
  meta: { envs?: string[] };
  actions: number[];
}

/** Env ids with a data file: those meta.json lists plus any other `MiniGrid-*.json` in the folder. */
export function referenceEnvIds(): string[] {
  const meta = readReference<ReferenceMeta>("meta.json");
  const ids = new Set(meta.meta.envs ?? []);
  for (const f of readdirSync(referenceDir())) {
    if (f.endsWith(".json") && f.startsWith("MiniGrid-")) ids.add(f.slice(0, -".json".length));
  }
  return [...ids].sort();
}
