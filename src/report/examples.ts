/**
 * Example frames for the report: an expert episode run under a reward program, with the frames on which a
 * sub-task (or the goal) latched, next to what truly happened on that step (the env's ground-truth events),
 * so a reader sees at a glance whether the program rewards the right moments.
 */
import type { Env } from "../env/core.ts";
import { make } from "../env/registry.ts";
import { programRender } from "../experiments/reward-modes.ts";
import { cloneFrame, type Frame } from "../image/frame.ts";
import { expertFor } from "../policies/index.ts";
import { type RewardProgram, RewardWrapper, type SubtaskInfo } from "../program/index.ts";
import { renderOptions } from "../trajectories/render-spec.ts";

export interface ExampleFrame {
  /** Env step that produced the frame (0 = the reset frame). */
  step: number;
  /** What latched on this frame, e.g. ["pick_up_key"], or ["goal"]; empty for the first and a last frame without a latch. */
  latched: string[];
  /** The env's ground-truth events on this step (for evaluation only; the program never sees them). */
  events: string[];
  frame: Frame;
}

export interface ExampleEpisode {
  envId: string;
  seed: number;
  steps: number;
  /** True when the env ended the episode by success (positive reward on termination). */
  success: boolean;
  subtasks: readonly string[];
  /** Sub-tasks (and "goal") that never latched in this episode. */
  missed: string[];
  frames: ExampleFrame[];
}

/** Runs the expert for `envId` (seed `seed`) under `program` and keeps the first, latching and last frames. */
export function exampleEpisode(
  envId: string,
  program: RewardProgram,
  seed = 0,
  maxSteps = 1000,
): ExampleEpisode {
  const env = make(envId, renderOptions(programRender(program, envId))) as Env<unknown, unknown>;
  const wrapped = new RewardWrapper(env, program, { mode: "sparse" });
  const expert = expertFor(env);
  try {
    let { obs, info } = wrapped.reset({ seed });
    expert.reset(wrapped, seed);
    const progress = () => info.subtasks as SubtaskInfo;
    const frames: ExampleFrame[] = [{ step: 0, latched: [], events: [], frame: cloneFrame(env.render()) }];
    let success = false;
    let step = 0;
    let goalSeen = false;
    while (step < maxSteps) {
      const result = wrapped.step(expert.act(obs, wrapped));
      step++;
      obs = result.obs;
      info = result.info;
      const latched = [...progress().newly];
      if (progress().goal && !goalSeen) {
        goalSeen = true;
        latched.push("goal");
      }
      const ended = result.terminated || result.truncated;
      if (latched.length > 0 || ended) {
        const events = (result.info.events ?? []).map((e) => e.text);
        frames.push({ step, latched, events, frame: cloneFrame(env.render()) });
      }
      if (ended) {
        // panda-gym says so (its sparse reward is 0 on success); MiniGrid pays a positive reward.
        success = result.info.is_success === true || (result.terminated && result.reward > 0);
        break;
      }
    }
    const p = progress();
    const missed = p.names.filter((n) => !p.completed.includes(n));
    if (!p.goal) missed.push("goal");
    return { envId, seed, steps: step, success, subtasks: p.names, missed, frames };
  } finally {
    wrapped.close();
  }
}
