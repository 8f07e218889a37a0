/**
 * CLIPort's packing-shapes (ROBOTICS.md B.7): a fixed brown box (x, y ~ U(0.10, 0.15), 5 cm tall, 2 mm plates)
 * and 5 distinct kitting shapes from the mode's pool (train: shapes 0-13, val/test: 14-19), coloured by the
 * mode's shuffled colour list (train: seen colours, else unseen); only the first shape is the goal: the zone
 * metric with one point at its origin (Ravens' mesh-scale quirk) inside the box's footprint. One step.
 */
import type { NumpyGenerator } from "../../minigrid/rng.ts";
import type { Goal, TargetPose } from "../goals.ts";
import { kittingPool, kittingShapes } from "../kitting.ts";
import { colorsFor, type TaskMode } from "../palette.ts";
import { type Footprint, randomPose } from "../sampler.ts";
import { CONTAINER_HEIGHT, type SlotSpec } from "../scene.ts";
import { PLANE_TOP } from "../workspace.ts";
import { sampleDistinct } from "./put-block-in-bowl.ts";
import { type EpisodeLayout, type PlacedObject, sampleUntilFits, type TabletopTask } from "./task.ts";

export const PACKING_SHAPES = 5;
export const SHAPE_MASS = 0.1;
/** Ravens samples the kitting shapes' poses with a 0.08 x 0.08 footprint. */
export const SHAPE_FOOTPRINT = 0.08;

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
      return sampleUntilFits("packing-shapes", 100, () => sampleOnce(rng, mode));
    },
  };
}

/**
 * CLIPort's brown box: size x, y ~ U(lo, hi), 5 cm tall, at a random free pose (added to `placed`); the
 * container object and its zone (centre at half height, Ravens' zone pose), or null when it does not fit.
 */
export function brownBox(
  rng: NumpyGenerator,
  lo: number,
  hi: number,
  placed: Footprint[],
): { object: PlacedObject; zone: TargetPose; size: [number, number] } | null {
  const sx = rng.uniform(lo, hi);
  const sy = rng.uniform(lo, hi);
  const pose = randomPose(rng, sx, sy, placed);
  if (!pose) return null;
  placed.push({ ...pose, halfX: sx / 2, halfY: sy / 2 });
  const z = PLANE_TOP + CONTAINER_HEIGHT / 2;
  return {
    object: {
      kind: "container",
      fixed: true,
      color: "brown",
      pose,
      z,
      role: "goal",
      size: [sx, sy, CONTAINER_HEIGHT],
    },
    zone: { x: pose.x, y: pose.y, z, yaw: pose.yaw },
    size: [sx, sy],
  };
}

function sampleOnce(rng: NumpyGenerator, mode: TaskMode): EpisodeLayout | null {
  const placed: Footprint[] = [];
  const box = brownBox(rng, 0.1, 0.15, placed);
  if (!box) return null;
  const shapes = sampleDistinct(rng, kittingPool(mode === "train" ? "train" : "test"), PACKING_SHAPES);
  // The mode's colour list shuffled; shape i takes colour i.
  const colors = sampleDistinct(rng, colorsFor("unseen", mode), PACKING_SHAPES);
  const objects: PlacedObject[] = [box.object];
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
  const goal: Goal = {
    objects: [1],
    symmetry: [0],
    matches: [[true]],
    targets: [box.zone],
    replace: false,
    rotations: true,
    metric: "zone",
    zoneSize: box.size,
    zoneMaxZ: 0.3,
    maxReward: 1,
    posEps: 0.01,
    rotEps: (15 * Math.PI) / 180,
    langGoal: `pack the ${kittingShapes()[shapes[0]].name} in the brown box`,
  };
  return { objects, goals: [goal], maxSteps: 1, completedDescription: "done packing shapes." };
}
