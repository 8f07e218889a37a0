/**
 * Ravens' assembling-kits with CLIPort's language (ROBOTICS.md B.7): a fixed brown board (0.28 x 0.2 x 0.005) at
 * a random pose with five holes at Ravens' kit-local positions, each the outline of one of five kitting shapes
 * sampled with replacement from the mode's pool (train: 0-13, val/test: 14-19) at a random yaw; the five shapes
 * (purple, blue, green, yellow, red) start at random poses. The pose metric: a shape matches any hole of its
 * own shape within 1 cm and 15° up to its rotational symmetry; 10 steps.
 */
import type { NumpyGenerator } from "../../minigrid/rng.ts";
import type { Goal, TargetPose } from "../goals.ts";
import { kittingPool, kittingShapes } from "../kitting.ts";
import type { ColorName, TaskMode } from "../palette.ts";
import { type Footprint, randomPose } from "../sampler.ts";
import { KIT_HALF, type SlotSpec } from "../scene.ts";
import { PLANE_TOP } from "../workspace.ts";
import { SHAPE_FOOTPRINT, SHAPE_MASS } from "./packing-shapes.ts";
import { type EpisodeLayout, type PlacedObject, sampleUntilFits, type TabletopTask } from "./task.ts";

const COLORS: readonly ColorName[] = ["purple", "blue", "green", "yellow", "red"];
/** Hole centres in the kit's frame (Ravens' assembling_kits.py). */
const HOLES: readonly [number, number][] = [
  [-0.09, 0.045],
  [0, 0.045],
  [0.09, 0.045],
  [-0.045, -0.045],
  [0.045, -0.045],
];

export function assemblingKits(): TabletopTask {
  const slots: SlotSpec[] = [{ kind: "kit", fixed: true, size: 0, mass: 0.1 }];
  for (let i = 0; i < HOLES.length; i++) slots.push({ kind: "hole", fixed: true, size: 0, mass: 0.01 });
  for (let i = 0; i < HOLES.length; i++)
    slots.push({ kind: "shape", fixed: false, size: 0, mass: SHAPE_MASS });
  return {
    name: "assembling-kits",
    split: "seen",
    slots,
    tool: "suction",
    sample(rng: NumpyGenerator, mode: TaskMode): EpisodeLayout {
      return sampleUntilFits("assembling-kits", 100, () => sampleOnce(rng, mode));
    },
  };
}

function sampleOnce(rng: NumpyGenerator, mode: TaskMode): EpisodeLayout | null {
  const placed: Footprint[] = [];
  const kit = randomPose(rng, 2 * KIT_HALF[0], 2 * KIT_HALF[1], placed);
  if (!kit) return null;
  placed.push({ ...kit, halfX: KIT_HALF[0], halfY: KIT_HALF[1] });
  const pool = kittingPool(mode === "train" ? "train" : "test");
  const shapes = HOLES.map(() => pool[rng.integers(0, pool.length)]);
  const top = PLANE_TOP + 2 * KIT_HALF[2];
  const objects: PlacedObject[] = [
    { kind: "kit", fixed: true, color: "brown", pose: kit, z: PLANE_TOP, role: "goal" },
  ];
  const c = Math.cos(kit.yaw);
  const s = Math.sin(kit.yaw);
  const targets: TargetPose[] = HOLES.map(([hx, hy], i) => {
    const target = {
      x: kit.x + c * hx - s * hy,
      y: kit.y + s * hx + c * hy,
      z: top,
      yaw: kit.yaw + rng.uniform(0, 2 * Math.PI),
    };
    objects.push({
      kind: "hole",
      fixed: true,
      // Holes are drawn dark grey whatever this says (Ravens' (0.2, 0.2, 0.2)).
      color: "gray",
      pose: { x: target.x, y: target.y, yaw: target.yaw },
      z: top,
      role: "goal",
      shape: shapes[i],
    });
    return target;
  });
  for (let i = 0; i < HOLES.length; i++) {
    const pose = randomPose(rng, SHAPE_FOOTPRINT, SHAPE_FOOTPRINT, placed);
    if (!pose) return null;
    placed.push({ ...pose, halfX: SHAPE_FOOTPRINT / 2, halfY: SHAPE_FOOTPRINT / 2 });
    objects.push({
      kind: "shape",
      fixed: false,
      color: COLORS[i],
      pose,
      z: PLANE_TOP + 0.001,
      role: "goal",
      shape: shapes[i],
    });
  }
  const ids = shapes.map((_, i) => 1 + HOLES.length + i);
  const goal: Goal = {
    objects: ids,
    symmetry: shapes.map((k) => kittingShapes()[k].symmetry),
    matches: shapes.map((a) => shapes.map((b) => a === b)),
    targets,
    replace: false,
    rotations: true,
    metric: "pose",
    maxReward: 1,
    posEps: 0.01,
    rotEps: (15 * Math.PI) / 180,
    langGoal: "put all the blocks inside the holes they fit in",
  };
  return { objects, goals: [goal], maxSteps: 10, completedDescription: "done assembling kits." };
}
