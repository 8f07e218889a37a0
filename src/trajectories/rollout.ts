/**
 * rollout: plays one episode of a policy and streams its frames to a visitor as they are made.
 *
 * Nothing here keeps frames: a verifier evaluates them in batches, a writer stores each distinct one as a
 * PNG, and both forget them, so 100 episodes of 600 frames never sit in memory at once.
 */
import type { Env, EnvEvent } from "../env/core.ts";
import type { Frame } from "../image/frame.ts";
import type { Policy } from "../policies/policy.ts";
import { frameHash, type StoredAction, storedAction, type Trajectory } from "./trajectory.ts";

/** Receives an episode's frames in order, then its record. */
export interface EpisodeVisitor {
  /**
   * Frame t of the current episode (0 = the frame after reset), with its frameHash when frames are hashed.
   * The frame is a fresh object that nobody else modifies: keep it as long as needed.
   */
  frame?(frame: Frame, t: number, hash?: string): void;
  /** The episode ended. `kept` is false when the collector discards it (see CollectOptions.onlySuccesses). */
  end?(trajectory: Trajectory, kept: boolean): void;
}

export interface RolloutOptions {
  /** The image recorded at each step; default `env.render()`. Must return a frame nobody else modifies. */
  frameOf?: (env: Env<unknown, unknown>) => Frame;
  /** Compute frameHash for every frame (needed to save or to check a replay; costs ~0.5 ms per 256² frame). */
  hashFrames?: boolean;
  /** Truncate after this many steps if the env has not ended (the env's own time limit normally ends it). */
  maxSteps?: number;
}

/**
 * Resets `env` with `seed`, lets `policy` act until the episode terminates or is truncated, and returns the
 * trajectory. Frames go to `visitor.frame` as they are rendered; `visitor.end` is left to the caller, who
 * knows whether the episode is kept.
 */
export function rollout(
  env: Env<unknown, unknown>,
  policy: Policy<unknown, unknown>,
  seed: number,
  options: RolloutOptions = {},
  visitor: EpisodeVisitor = {},
): Trajectory {
  const frameOf = options.frameOf ?? ((e: Env<unknown, unknown>) => e.render());
  const limit = options.maxSteps ?? Number.POSITIVE_INFINITY;
  const hashes: string[] | undefined = options.hashFrames ? [] : undefined;
  const record = (t: number): void => {
    const frame = frameOf(env);
    const hash = hashes ? frameHash(frame) : undefined;
    if (hash !== undefined) hashes?.push(hash);
    visitor.frame?.(frame, t, hash);
  };

  const reset = env.reset({ seed });
  let obs = reset.obs;
  const solvedAtReset = reset.info.is_success === true;
  policy.reset(env, seed);
  record(0);
  const actions: StoredAction[] = [];
  const rewards: number[] = [];
  const events: Record<number, EnvEvent[]> = {};
  let terminated = false;
  let truncated = false;
  while (!terminated && !truncated && actions.length < limit) {
    const action = policy.act(obs, env);
    const result = env.step(action);
    if (result.info.events && result.info.events.length > 0) events[actions.length] = result.info.events;
    actions.push(storedAction(action));
    rewards.push(result.reward);
    obs = result.obs;
    terminated = result.terminated;
    // Our own step limit is a time limit too, so it truncates the episode as the env's would.
    truncated = result.truncated || (!terminated && actions.length >= limit);
    record(actions.length);
  }
  return {
    seed,
    actions,
    rewards,
    terminated,
    truncated,
    events,
    ...(solvedAtReset ? { solvedAtReset } : {}),
    ...(hashes ? { frames: hashes } : {}),
  };
}
