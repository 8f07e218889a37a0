/**
 * What the VLM is shown about a task: the task text, the initial frame, and a goal frame, which is the last
 * frame of a successful expert episode (VLM-CaR's two images), and the initial frames of a few more episodes,
 * so that what varies between episodes (layouts, colours) is shown, not left for feedback to reveal.
 * Everything is derived from the env id, the render spec and a seed, so the same inputs give the same images,
 * byte for byte, and a resumed or replayed generation asks the very same questions.
 */
import type { Env } from "../env/core.ts";
import { envSpec, make } from "../env/registry.ts";
import type { Frame } from "../image/frame.ts";
import { collectTrajectories, envOptionsFor } from "../trajectories/collect.ts";
import { policyFor } from "../trajectories/policies.ts";
import { defaultRenderFor, type RenderSpec } from "../trajectories/render-spec.ts";

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
  /**
   * The initial frames of `examples` episodes, seeds `seed`, `seed + 1`, ... (the first is `initial`), each
   * with its mission where the env has one. One entry when the scene was built for revision-1 prompts.
   */
  readonly examples: readonly SceneExample[];
}

export interface SceneExample {
  readonly seed: number;
  readonly initial: Frame;
  readonly mission?: string;
}

export interface SceneOptions {
  envId: string;
  /** The task in words; default: the env's mission, for envs that have one. */
  task?: string;
  render?: RenderSpec;
  envOptions?: Record<string, unknown>;
  seed?: number;
  /** Initial frames shown, of as many episodes (default 1). */
  examples?: number;
  /**
   * How the default task text is made: "mission" (revision 1) takes the mission of the goal frame's episode;
   * "family" states what is true of every episode: the mission when it is the same in all examples, else the
   * env's own description and the examples' missions, saying that they differ.
   */
  taskText?: "mission" | "family";
}

/** Raised when the scene cannot be set up; the message says what to pass instead. */
export class SceneError extends Error {
  override name = "SceneError";
}

export function buildScene(options: SceneOptions): Scene {
  const render = options.render ?? defaultRenderFor(options.envId);
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
  const count = options.examples ?? 1;
  if (!(Number.isInteger(count) && count >= 1)) {
    throw new SceneError(`the number of initial frames shown must be an integer >= 1, got ${count}`);
  }
  const env = make<unknown, number>(options.envId, envOptions);
  try {
    const examples: SceneExample[] = [];
    for (let k = 0; k < count; k++) {
      const exampleSeed = episode.seed + k;
      const { obs, info } = env.reset({ seed: exampleSeed });
      const mission = missionOf(obs, info);
      // The kept expert episode's own first frame is the first example, byte for byte.
      examples.push({
        seed: exampleSeed,
        initial: k === 0 ? first : env.render(),
        ...(mission ? { mission } : {}),
      });
    }
    const task =
      options.task?.trim() ||
      (options.taskText === "family" ? familyTask(options.envId, examples) : examples[0].mission) ||
      envSpec(options.envId).task;
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
      examples,
      ...tileOf(env, render),
    };
  } finally {
    env.close();
  }
}

/**
 * A task text true of every episode: the mission when all examples share it; otherwise the env's description
 * and the examples' missions, saying that each episode has its own.
 */
export function familyTask(envId: string, examples: readonly SceneExample[]): string | undefined {
  const missions = examples.map((e) => e.mission).filter((m): m is string => m !== undefined);
  if (missions.length === 0) return envSpec(envId).task;
  const distinct = [...new Set(missions)];
  if (distinct.length === 1 && missions.length === examples.length) return distinct[0];
  const description = envSpec(envId).description;
  const listed = examples
    .map((e, k) => (e.mission ? `"${e.mission}" (image ${k + 1})` : undefined))
    .filter(Boolean)
    .join(", ");
  return (
    `${description ? `${description}. ` : ""}Each episode states its own mission, and the missions differ between ` +
    `episodes; those of the episodes shown are ${listed}. The checks do not receive the mission: they must ` +
    "work for every episode, finding what they need in the frames."
  );
}

/**
 * The episode's instruction: MiniGrid puts it in the observation (`mission`), CLIPort/Ravens in the info
 * (`lang_goal`, e.g. "pack the letter M shape in the brown box").
 */
function missionOf(obs: unknown, info: unknown): string | undefined {
  const text = (value: unknown) =>
    typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  return (
    text((obs as { mission?: unknown } | null)?.mission) ??
    text((info as { lang_goal?: unknown } | null)?.lang_goal)
  );
}

function tileOf(env: Env<unknown, number>, render: RenderSpec): { tileSize?: number } {
  if (render.mode === "custom" || render.mode === "scene") return {};
  const tile = render.tileSize ?? env.metadata.tileSize;
  return tile === undefined ? {} : { tileSize: tile };
}
