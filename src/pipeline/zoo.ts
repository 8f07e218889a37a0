/**
 * The zoo (zoo/ at the repository root, see zoo/README.md): recorded generations of built-in tasks, one
 * folder each. The main job replays one of them when no `--vlm` is given, so it runs with no key and no
 * server. An entry is found by the env id its task.json names, not by its folder's name.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { loadRewardProgram, programHash } from "../program/program.ts";
import type { RenderSpec } from "../trajectories/render-spec.ts";

/** The repository's zoo folder (found from this file, so the job works from any current directory). */
export const ZOO_DIR = fileURLToPath(new URL("../../zoo", import.meta.url));

/** What a zoo entry's task.json says about how it was recorded (the fields the main job reuses). */
export interface ZooTask {
  env: string;
  task: string;
  seed: number;
  vlm: string;
  /** The frames the generation showed and verified on (absent in recordings made before it was written). */
  render?: RenderSpec;
  settings: {
    maxRounds?: number;
    experts?: number;
    random?: number;
    seed?: number;
    maxRepairs?: number;
    restartAfter?: number;
    temperature?: number;
    maxTokens?: number;
  };
}

export interface ZooEntry {
  envId: string;
  dir: string;
  transcript: string;
  program: string;
  /** The hash of the recorded program: a replay must reproduce it exactly. */
  programHash: string;
  task: ZooTask;
}

/** Raised when an env has no recording; the message lists the envs that have one. */
export class ZooError extends Error {
  override name = "ZooError";
}

/**
 * Every complete entry (task.json, transcript.jsonl and program.json present), sorted by env id. A folder
 * without them (a recording in progress) is left out.
 */
export function listZoo(zooDir: string = ZOO_DIR): ZooEntry[] {
  if (!existsSync(zooDir)) return [];
  const entries: ZooEntry[] = [];
  for (const name of readdirSync(zooDir, { withFileTypes: true })) {
    if (!name.isDirectory()) continue;
    const dir = join(zooDir, name.name);
    const files = {
      task: join(dir, "task.json"),
      transcript: join(dir, "transcript.jsonl"),
      program: join(dir, "program.json"),
    };
    if (!Object.values(files).every((f) => existsSync(f))) continue;
    const task = JSON.parse(readFileSync(files.task, "utf8")) as ZooTask;
    entries.push({
      envId: task.env,
      dir,
      transcript: files.transcript,
      program: files.program,
      programHash: programHash(loadRewardProgram(files.program)),
      task,
    });
  }
  return entries.sort((a, b) => a.envId.localeCompare(b.envId));
}

/** The recording for `envId`, or a ZooError naming the envs that have one and what to do instead. */
export function zooEntryFor(envId: string, zooDir: string = ZOO_DIR): ZooEntry {
  const entries = listZoo(zooDir);
  const entry = entries.find((e) => e.envId === envId);
  if (entry) return entry;
  const have = entries.length ? entries.map((e) => e.envId).join(", ") : "none";
  throw new ZooError(
    `no recorded generation for ${envId} in ${relative(process.cwd(), zooDir) || "."}/ (recorded: ${have}); ` +
      "pick one of those with --env, or generate live with --vlm provider:model (e.g. --vlm openai:gpt-4o)",
  );
}
