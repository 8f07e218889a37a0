/**
 * CLIPort's packing-shapes (ROBOTICS.md B.7): a fixed brown box (x, y ~ U(0.10, 0.15), 5 cm tall, 2 mm plates)
 * and 5 distinct kitting shapes from the mode's pool (train: shapes 0-13, val/test: 14-19), coloured by the
 * mode's shuffled colour list (train: seen colours, else unseen); only the first shape is the goal: the zone
 * metric with one point at its origin (Ravens' mesh-scale quirk) inside the box's footprint. One step.
 */
import type { NumpyGenerator } from "../../minigrid/rng.ts";
import type { Goal } from "../goals.ts";
import { kittingPool, kittingShapes } from "../kitting.ts";
import { colorsFor, type TaskMode } from "../palette.ts";
import { type Footprint, randomPose } from "../sampler.ts";
import { CONTAINER_HEIGHT, type SlotSpec } from "../scene.ts";
import { PLANE_TOP } from "../workspace.ts";
import { sampleDistinct } from "./put-block-in-bowl.ts";
import type { EpisodeLayout, PlacedObject, TabletopTask } from "./task.ts";

export const PACKING_SHAPES = 5;
export const SHAPE_MASS = 0.1;
/** Ravens samples the shapes' poses with a 0.08 x 0.08 footprint. */
const SHAPE_FOOTPRINT = 0.08;

export function packingShapes(): TabletopTask {
  const slots: SlotSpec[] = [{ kind: "container", fixed: true, size: 0, mass: 0.1 }];
  for (let i = 0; i < PACKING_SHAPES; i++)
    slots.push({ kind: "shape", fixed: false, size: 0, mass: SHAPE_MASS });
  return {
    name: "packing-shapes",
    split: "unseen",
    slots,
    tool: "suction",
    sample(rng: NumpyGenerator, mode: TaskMode): EpisodeLayout {
      for (let attempt = 0; attempt < 100; attempt++) {
        const layout = sampleOnce(rng, mode);
        if (layout) return layout;
      }
      throw new Error("packing-shapes: no layout fits after 100 attempts");
    },
  };
}

function sampleOnce(rng: NumpyGenerator, mode: TaskMode): EpisodeLayout | null {
  const sx = rng.uniform(0.1, 0.15);
  const sy = rng.uniform(0.1, 0.15);
  const placed: Footprint[] = [];
  const box = randomPose(rng, sx, sy, placed);
  if (!box) return null;
  placed.push({ ...box, halfX: sx / 2, halfY: sy / 2 });
  const shapes = sampleDistinct(rng, kittingPool(mode === "train" ? "train" : "test"), PACKING_SHAPES);
  // The mode's colour list shuffled; shape i takes colour i.
  const colors = sampleDistinct(rng, colorsFor("unseen", mode), PACKING_SHAPES);
  const objects: PlacedObject[] = [
    {
      kind: "container",
      fixed: true,
      color: "brown",
      pose: box,
      z: PLANE_TOP + CONTAINER_HEIGHT / 2,
      role: "goal",
      size: [sx, sy, CONTAINER_HEIGHT],
    },
  ];
  for (let i = 0; i < PACKING_SHAPES; i++) {
    const pose = randomPose(rng, SHAPE_FOOTPRINT, SHAPE_FOOTPRINT, placed);
    if (!pose) return null;
    placed.push({ ...pose, halfX: SHAPE_FOOTPRINT / 2, halfY: SHAPE_FOOTPRINT / 2 });
    objects.push({
      kind: "shape",
      fixed: false,
      color: colors[i],
      pose,
      z: PLANE_TOP + 0.001,
      role: i === 0 ? "goal" : "distractor",
      shape: shapes[i],
    });
  }
  const zone = { x: box.x, y: box.y, z: PLANE_TOP + CONTAINER_HEIGHT / 2, yaw: box.yaw };
  const goal: Goal = {
    objects: [1],
    symmetry: [0],
    matches: [[true]],
    targets: [zone],
    replace: false,
    rotations: true,
    metric: "zone",
    zoneSize: [sx, sy],
    zoneMaxZ: 0.3,
    maxReward: 1,
    posEps: 0.01,
    rotEps: (15 * Math.PI) / 180,
    langGoal: `pack the ${kittingShapes()[shapes[0]].name} in the brown box`,
  };
  return { objects, goals: [goal], maxSteps: 1, completedDescription: "done packing shapes." };
}
