/**
 * What the VLM is shown about a task: the task text, the initial frame, and a goal frame, which is the last
 * frame of a successful expert episode (VLM-CaR's two images). Everything is derived from the env id, the
 * render spec and a seed, so the same inputs give the same images, byte for byte, and a resumed or replayed
 * generation asks the very same questions.
 */
import type { Env } from "../env/core.ts";
import { make } from "../env/registry.ts";
import type { Frame } from "../image/frame.ts";
import { collectTrajectories, envOptionsFor } from "../trajectories/collect.ts";
import { policyFor } from "../trajectories/policies.ts";
import { DEFAULT_RENDER, type RenderSpec } from "../trajectories/render-spec.ts";

export interface Scene {
  readonly envId: string;
  readonly task: string;
  /** Frame 0 of the expert episode: the state before any action. */
  readonly initial: Frame;
  /** The expert episode's last frame, once the task is done. */
  readonly goal: Frame;
  /** The seed of that episode (the first seed from `seed` on where the expert succeeded). */
  readonly seed: number;
  readonly steps: number;
  readonly render: RenderSpec;
  /** Pixels per grid cell, for grid worlds rendered whole or as the agent's view; absent otherwise. */
  readonly tileSize?: number;
}

export interface SceneOptions {
  envId: string;
  /** The task in words; default: the env's mission, for envs that have one. */
  task?: string;
  render?: RenderSpec;
  envOptions?: Record<string, unknown>;
  seed?: number;
}

/** Raised when the scene cannot be set up; the message says what to pass instead. */
export class SceneError extends Error {
  override name = "SceneError";
}

export function buildScene(options: SceneOptions): Scene {
  const render = options.render ?? DEFAULT_RENDER;
  const envOptions = envOptionsFor(render, options.envOptions);
  const seed = options.seed ?? 0;
  let first: Frame | undefined;
  let last: Frame | undefined;
  const set = collectTrajectories(
    {
      envId: options.envId,
      envOptions: options.envOptions,
      render,
      policy: policyFor("expert", options.envId, seed),
      episodes: 1,
      seedBase: seed,
      onlySuccesses: true,
      hashFrames: false,
      progress: false,
    },
    {
      // Frames of discarded (failed) episodes come through too; the kept episode's are the last ones seen.
      frame(frame, t) {
        if (t === 0) first = frame;
        last = frame;
      },
    },
  );
  const episode = set.episodes[0];
  if (episode === undefined || first === undefined || last === undefined) {
    throw new SceneError(
      `the expert for ${options.envId} did not complete the task on seeds ${seed} to ${seed + 2}, so there is no goal ` +
        "frame to show; try another --seed",
    );
  }
  const env = make<unknown, number>(options.envId, envOptions);
  try {
    const { obs } = env.reset({ seed: episode.seed });
    const task = options.task?.trim() || missionOf(obs);
    if (!task) {
      throw new SceneError(`${options.envId} has no mission text; describe the task with --task "..."`);
    }
    return {
      envId: options.envId,
      task,
      initial: first,
      goal: last,
      seed: episode.seed,
      steps: episode.actions.length,
      render,
      ...tileOf(env, render),
    };
  } finally {
    env.close();
  }
}

function missionOf(obs: unknown): string | undefined {
  const mission = (obs as { mission?: unknown } | null)?.mission;
  return typeof mission === "string" && mission.trim() !== "" ? mission.trim() : undefined;
}

function tileOf(env: Env<unknown, number>, render: RenderSpec): { tileSize?: number } {
  if (render.mode === "custom") return {};
  const tile = render.tileSize ?? env.metadata.tileSize;
  return tile === undefined ? {} : { tileSize: tile };
}
