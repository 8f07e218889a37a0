/**
 * `vlmcar collect`: records episodes of a policy into a trajectory folder (docs/TRAJECTORIES.md).
 *
 *   vlmcar collect --env MiniGrid-DoorKey-8x8-v0 --policy expert --episodes 20 --out data/doorkey-expert
 *
 * A folder that already holds a trajectory set is refused, unless --force: then the old set (its index and
 * every one of its frames) is deleted first, so no stale frame is left beside the new index.
 */
import { existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { EnvError } from "../../env/core.ts";
import { envSpec } from "../../env/registry.ts";
import { loadRewardProgram, ProgramValidationError, type RewardProgram } from "../../program/program.ts";
import { referenceFor } from "../../program/reference/index.ts";
import {
  collectTrajectories,
  defaultRenderFor,
  FRAMES_FOLDER,
  FrameStoreWriter,
  INDEX_FILE,
  isPolicyKind,
  isSceneEnv,
  POLICY_KINDS,
  policyFor,
  type RenderSpec,
  returnOf,
  saveTrajectories,
  succeeded,
} from "../../trajectories/index.ts";
import { CommandOutput, checkWritableFolder, UserError } from "../output.ts";
import { parseSize } from "./demo.ts";

interface CollectCliOptions {
  env: string;
  policy: string;
  episodes: string;
  out: string;
  seed: string;
  tile: string;
  agentView?: boolean;
  highlight: boolean;
  size?: string;
  renderOf?: string;
  frames: boolean;
  force?: boolean;
  json?: boolean;
}

export function registerCollect(program: Command): void {
  program
    .command("collect")
    .description("record episodes of a policy (frames, actions, rewards, events) into a trajectory folder")
    .requiredOption("--env <id>", "env id, e.g. MiniGrid-DoorKey-8x8-v0")
    .requiredOption("--policy <name>", POLICY_KINDS.join(" | "))
    .requiredOption("--episodes <n>", "number of episodes")
    .requiredOption("--out <dir>", "folder to write index.json (and frames/) into")
    .option("--seed <n>", "episode i plays seed S + i", "0")
    .option("--tile <n>", "pixels per grid cell of the render", "32")
    .option("--agent-view", "record the agent's egocentric view instead of the full grid")
    .option("--no-highlight", "do not lighten the cells the agent sees (full render only)")
    .option(
      "--size <WxH>",
      "frame size of a 3D scene, e.g. 720x480 (default: Panda 160x120, Tabletop 640x480)",
    )
    .option(
      "--render-of <program.json>",
      'record the frames a reward program reads (a file, or "reference"): its render spec, else the env\'s default',
    )
    .option("--no-frames", "store no PNGs: frames are regenerated (and checked) by replay when loaded")
    .option("--force", "replace a trajectory set already in --out (its index and frames are deleted first)")
    .option("--json", "end with one JSON line")
    .action((opts: CollectCliOptions) => {
      const out = new CommandOutput(opts);
      try {
        envSpec(opts.env);
      } catch (error) {
        if (error instanceof EnvError) throw new UserError(error.message);
        throw error;
      }
      if (!isPolicyKind(opts.policy)) {
        throw new UserError(`unknown policy "${opts.policy}"; use one of ${POLICY_KINDS.join(", ")}`);
      }
      const render = collectRender(opts);
      const seed = parseCount(opts.seed, "--seed");
      const dir = resolve(opts.out);
      checkWritableFolder(dir);
      clearEarlierSet(dir, opts.force === true);
      const writer = opts.frames ? new FrameStoreWriter(dir) : undefined;
      const started = performance.now();
      const set = collectTrajectories(
        {
          envId: opts.env,
          render,
          policy: policyFor(opts.policy, opts.env, seed),
          episodes: parseCount(opts.episodes, "--episodes"),
          seedBase: seed,
        },
        writer,
      );
      const index = saveTrajectories(dir, set, { framesStored: writer !== undefined });
      const steps = set.episodes.reduce((n, e) => n + e.actions.length, 0);
      const successes = set.episodes.filter(succeeded).length;
      const meanReturn = set.episodes.reduce((r, e) => r + returnOf(e), 0) / Math.max(1, set.episodes.length);
      out.say(
        `${set.episodes.length} ${set.policy} episodes of ${set.envId}: ${steps} steps, ${successes} successes, ` +
          `mean return ${meanReturn.toFixed(3)}`,
      );
      out.say(`wrote ${index}${writer ? ` and ${writer.written} distinct frames` : " (frames by replay)"}`);
      out.result({
        env: set.envId,
        policy: set.policy,
        episodes: set.episodes.length,
        steps,
        successes,
        meanReturn,
        distinctFrames: writer?.written ?? null,
        index,
        out: dir,
        seconds: (performance.now() - started) / 1000,
      });
    });
}

/** Refuses a folder holding a trajectory set, or (force) deletes that set: its index and all its frames. */
function clearEarlierSet(dir: string, force: boolean): void {
  const earlier = [INDEX_FILE, FRAMES_FOLDER].filter((name) => existsSync(join(dir, name)));
  if (earlier.length === 0) return;
  if (!force) {
    throw new UserError(
      `${dir} already holds a trajectory set (${earlier.join(", ")}); give another --out, or add --force to ` +
        "replace it (its index and frames are deleted)",
    );
  }
  rmSync(join(dir, INDEX_FILE), { force: true });
  rmSync(join(dir, FRAMES_FOLDER), { recursive: true, force: true });
}

/** A non-negative integer option, or a UserError naming the option. */
export function parseCount(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new UserError(`${option} must be a non-negative integer, got "${text}"`);
  return n;
}

/**
 * The render spec of a reward program file (or of the env's hand-written reference program, "reference"): the
 * frames it reads, its own spec or else the env's default.
 */
export function renderOfProgram(file: string, envId: string): RenderSpec {
  let program: RewardProgram | null;
  try {
    program = file === "reference" ? referenceFor(envId) : loadRewardProgram(file);
  } catch (error) {
    if (error instanceof ProgramValidationError)
      throw new UserError(`--render-of ${file} is not a valid reward program: ${error.problems.join("; ")}`);
    throw error;
  }
  if (program === null)
    throw new UserError(`--render-of reference: there is no reference program for ${envId}`);
  return program.render ?? defaultRenderFor(envId);
}

/** The frames to record: a grid render (MiniGrid: --tile, --agent-view, --no-highlight) or a scene (--size). */
function collectRender(opts: CollectCliOptions): RenderSpec {
  if (opts.renderOf !== undefined) {
    if (opts.size !== undefined || opts.agentView)
      throw new UserError("--render-of takes the program's render spec; leave out --size and --agent-view");
    return renderOfProgram(opts.renderOf, opts.env);
  }
  if (isSceneEnv(opts.env)) {
    if (opts.agentView) throw new UserError(`--agent-view is for grid worlds; ${opts.env} is a 3D scene`);
    const render = defaultRenderFor(opts.env);
    return opts.size === undefined ? render : { ...render, ...parseSize(opts.size) };
  }
  if (opts.size !== undefined)
    throw new UserError(`--size is for 3D scenes (Panda and Tabletop ids); use --tile for ${opts.env}`);
  const tileSize = parseCount(opts.tile, "--tile");
  return opts.agentView
    ? { mode: "agent-view", tileSize }
    : { mode: "full", tileSize, highlight: opts.highlight };
}
