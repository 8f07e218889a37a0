/**
 * What a tabletop task gives the env: its object slots (the compiled scene), and per episode the objects'
 * colours and poses, the goals with their language, and the step limit.
 */
import type { NumpyGenerator } from "../../minigrid/rng.ts";
import type { Goal } from "../goals.ts";
import type { ColorName, ColorSplit, TaskMode } from "../palette.ts";
import type { PlanarPose } from "../sampler.ts";
import type { ObjectKind, SlotSpec, ToolKind } from "../scene.ts";

export interface PlacedObject {
  readonly kind: ObjectKind;
  readonly fixed: boolean;
  readonly color: ColorName;
  readonly pose: PlanarPose;
  /** Height of the body origin above the table. */
  readonly z: number;
  /** What the object is in the goal's words, e.g. "block", "bowl". */
  readonly role: "goal" | "distractor";
  /** Kind "shape": the kitting shape's id (kitting.ts). */
  readonly shape?: number;
  /** Kinds "box" and "container": full extents x, y, z (m). */
  readonly size?: readonly [number, number, number];
}

export interface EpisodeLayout {
  /** Index = the episode's object id. */
  readonly objects: readonly PlacedObject[];
  readonly goals: readonly Goal[];
  readonly maxSteps: number;
  readonly completedDescription: string;
}

export interface TabletopTask {
  /** CLIPort's task name, e.g. "put-block-in-bowl-seen-colors". */
  readonly name: string;
  readonly split: ColorSplit;
  readonly slots: readonly SlotSpec[];
  /** The suction (primitive pick-place) or the spatula (primitive push). */
  readonly tool: ToolKind;
  sample(rng: NumpyGenerator, mode: TaskMode): EpisodeLayout;
}

/**
 * Draws layouts until one fits (Ravens would skip the episode; we draw again from the same stream, so a seed
 * still fixes the episode), or fails after `attempts` with an error naming the task.
 */
export function sampleUntilFits(
  task: string,
  attempts: number,
  once: () => EpisodeLayout | null,
): EpisodeLayout {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const layout = once();
    if (layout) return layout;
  }
  throw new Error(`${task}: no layout fits after ${attempts} attempts`);
}
