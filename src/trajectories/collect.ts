/**
 * Collecting trajectories: N episodes of one policy on one env, episode i on seed `seedBase + i`.
 *
 *   const set = collectTrajectories({ envId: "MiniGrid-Unlock-v0", policy: expertFor(id), episodes: 20 });
 *
 * Frames stream to an optional visitor (a verifier, a FrameStoreWriter) and are not kept here.
 */
import type { Env } from "../env/core.ts";
import { make } from "../env/registry.ts";
import type { Frame } from "../image/frame.ts";
import type { Policy } from "../policies/policy.ts";
import { progressBar } from "./progress.ts";
import { defaultRenderFor, type RenderSpec, renderOptions } from "./render-spec.ts";
import { type EpisodeVisitor, rollout } from "./rollout.ts";
import { succeeded, type Trajectory } from "./trajectory.ts";

export const TRAJECTORIES_FORMAT = "vlmcar.trajectories/1";

/** Episodes of one policy on one env and render setting. Serialised as the index.json of store.ts. */
export interface TrajectorySet {
  readonly format: typeof TRAJECTORIES_FORMAT;
  readonly envId: string;
  /** Options passed to `make(envId, options)`, render options included. */
  readonly envOptions: Readonly<Record<string, unknown>>;
  readonly render: RenderSpec;
  /** The policy's name, e.g. "expert", "random", "expert+novice". */
  readonly policy: string;
  readonly seedBase: number;
  /** Frame size (all frames of a set have one size); absent when no frame was made. */
  readonly frameSize?: { readonly width: number; readonly height: number };
  readonly episodes: readonly Trajectory[];
  /** Seeds whose episodes were discarded, and why (e.g. a failed expert under `onlySuccesses`). */
  readonly skipped: readonly { readonly seed: number; readonly reason: string }[];
  /** Not saved: the folder holding the PNG frames when the set was loaded from one that stores them. */
  readonly framesDir?: string;
  /** Not saved: the frame function of a custom render, needed to replay such a set. */
  readonly frameOf?: (env: Env<unknown, unknown>) => Frame;
}

export interface CollectOptions {
  envId: string;
  /** Extra options for `make(envId, ...)`; the render spec's options are added to them. */
  envOptions?: Record<string, unknown>;
  /** Default: the env's defaultRenderFor (MiniGrid: full render at tile 32, highlighted; Panda: small scene). */
  render?: RenderSpec;
  /** Frames computed by the caller (then `render` should be `{ mode: "custom", name }`). */
  frameOf?: (env: Env<unknown, unknown>) => Frame;
  policy: Policy<unknown, unknown>;
  episodes: number;
  /** Episode i is played on seed seedBase + i (default 0). */
  seedBase?: number;
  /**
   * Keep only episodes that reach the task (terminated with a positive reward, or panda-gym's success event)
   * from a state where it was not already solved (`solvedAtReset`): a failed "expert" episode, or one that
   * had nothing to do, is no demonstration. A discarded seed is listed in `skipped` and the next seed is tried, up to
   * `maxAttempts` seeds in all (default 3 × episodes), after which the set holds fewer episodes.
   */
  onlySuccesses?: boolean;
  maxAttempts?: number;
  /** Compute frame hashes (default true; needed to save a set or to check replays). */
  hashFrames?: boolean;
  /** Truncate episodes after this many steps (default: the env's own limit). */
  maxSteps?: number;
  /** Show a progress bar on stderr: true, false, or "auto" (default: when stderr is a terminal). */
  progress?: boolean | "auto";
  /** Label of the progress bar (default: the policy's name). */
  label?: string;
}

/** Raised for bad collection options; the message says what to change. */
export class TrajectoryError extends Error {
  override name = "TrajectoryError";
}

/** The options that make `make()` build the env of a set (the caller's, plus the render spec's). */
export function envOptionsFor(
  render: RenderSpec,
  extra: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  return { ...extra, ...renderOptions(render) };
}

/** Plays the episodes and returns their records; frames go to `visitor` as they are made. */
export function collectTrajectories(options: CollectOptions, visitor: EpisodeVisitor = {}): TrajectorySet {
  const render =
    options.render ??
    (options.frameOf ? { mode: "custom", name: "frameOf" } : defaultRenderFor(options.envId));
  if (render.mode === "custom" && !options.frameOf) {
    throw new TrajectoryError(`render mode "custom" needs a frameOf(env) function that makes the frames`);
  }
  if (!(Number.isInteger(options.episodes) && options.episodes >= 0)) {
    throw new TrajectoryError(`episodes must be a non-negative integer, got ${options.episodes}`);
  }
  const seedBase = options.seedBase ?? 0;
  const maxAttempts = options.onlySuccesses
    ? (options.maxAttempts ?? 3 * options.episodes)
    : options.episodes;
  const envOptions = envOptionsFor(render, options.envOptions);
  const env = make<unknown, unknown>(options.envId, envOptions);
  let frameSize: { width: number; height: number } | undefined;
  const sizeChecked: EpisodeVisitor = {
    frame(frame, t, hash) {
      if (frameSize === undefined) frameSize = { width: frame.width, height: frame.height };
      else if (frame.width !== frameSize.width || frame.height !== frameSize.height) {
        throw new TrajectoryError(
          `${options.envId}: frame ${t} is ${frame.width}x${frame.height} but earlier frames were ` +
            `${frameSize.width}x${frameSize.height}; every frame of a set must have one size`,
        );
      }
      visitor.frame?.(frame, t, hash);
    },
  };

  const episodes: Trajectory[] = [];
  const skipped: { seed: number; reason: string }[] = [];
  const bar = progressBar(options.episodes, options.label ?? options.policy.name, options.progress);
  try {
    for (let attempt = 0; attempt < maxAttempts && episodes.length < options.episodes; attempt++) {
      const seed = seedBase + attempt;
      const trajectory = rollout(
        env,
        options.policy,
        seed,
        { frameOf: options.frameOf, hashFrames: options.hashFrames ?? true, maxSteps: options.maxSteps },
        sizeChecked,
      );
      // A success that was there before the first action demonstrates none of the task.
      const kept = !options.onlySuccesses || (succeeded(trajectory) && trajectory.solvedAtReset !== true);
      visitor.end?.(trajectory, kept);
      if (kept) {
        episodes.push(trajectory);
        bar.increment();
      } else if (trajectory.solvedAtReset) {
        skipped.push({
          seed,
          reason: "the task was already solved at reset, so the episode shows none of it",
        });
      } else {
        const how = trajectory.truncated ? `truncated after ${trajectory.actions.length} steps` : "failed";
        skipped.push({ seed, reason: `${options.policy.name} did not reach the task (${how})` });
      }
    }
  } finally {
    bar.stop();
    env.close();
  }
  return {
    format: TRAJECTORIES_FORMAT,
    envId: options.envId,
    envOptions,
    render,
    policy: options.policy.name,
    seedBase,
    ...(frameSize ? { frameSize } : {}),
    episodes,
    skipped,
    ...(options.frameOf ? { frameOf: options.frameOf } : {}),
  };
}
