/**
 * Ravens' assembling-kits with CLIPort's language (ROBOTICS.md B.7): a fixed brown board (0.28 x 0.2 x 0.005) at
 * a random pose with five holes at Ravens' kit-local positions, each the outline of one of five kitting shapes
 * sampled with replacement from the mode's pool (train: 0-13, val/test: 14-19) at a random yaw; the five shapes
 * (purple, blue, green, yellow, red) start at random poses. The pose metric: a shape matches any hole of its
 * own shape within 1 cm and 15° up to its rotational symmetry; 10 steps.
 *
 * Variants, as Ravens and CLIPort define them:
 * - assembling-kits-easy: a 30° tolerance; train pool every shape but the square (3) and the circle (11), test
 *   pool those two, and outside train mode all five shapes are one shape (Ravens' "homogeneous").
 * - assembling-kits-seq-{seen,unseen}-colors / -full (CLIPort): the five colours are the first five of the
 *   split's colour list shuffled; five goals of 1/5 each, one per shape into its own hole, in a shuffled order,
 *   each with its instruction "put the {colour} {shape} in the {place }{shape} hole", where the place (top,
 *   bottom, left, right or middle, as the holes lie seen from above) is said only when the kit has that shape
 *   twice or more; 5 steps. -full draws shapes from all 20 in every mode.
 */
import type { NumpyGenerator } from "../../minigrid/rng.ts";
import type { Goal, TargetPose } from "../goals.ts";
import { kittingPool, kittingShapes } from "../kitting.ts";
import { type ColorName, type ColorSplit, colorsFor, type TaskMode } from "../palette.ts";
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

/** What sets the variants apart. */
interface KitVariant {
  readonly name: string;
  /** Shape pools by mode. */
  readonly pools: (mode: TaskMode) => number[];
  /** Outside train mode, all five shapes are one (Ravens' homogeneous). */
  readonly homogeneous: boolean;
  readonly rotEps: number;
  /** CLIPort's sequential kitting: shuffled colours from this split, one goal per shape. */
  readonly sequence?: ColorSplit;
}

const DEG = Math.PI / 180;
const STANDARD_POOLS = (mode: TaskMode) => kittingPool(mode === "train" ? "train" : "test");

export function assemblingKits(): TabletopTask {
  return kitTask({ name: "assembling-kits", pools: STANDARD_POOLS, homogeneous: false, rotEps: 15 * DEG });
}

/** Ravens' assembling-kits-easy. */
export function assemblingKitsEasy(): TabletopTask {
  const test = [3, 11];
  return kitTask({
    name: "assembling-kits-easy",
    pools: (mode) =>
      mode === "train"
        ? kittingShapes()
            .map((k) => k.id)
            .filter((id) => !test.includes(id))
        : test,
    homogeneous: true,
    rotEps: 30 * DEG,
  });
}

/** CLIPort's assembling-kits-seq-{seen,unseen}-colors and assembling-kits-seq-full. */
export function assemblingKitsSeq(split: ColorSplit): TabletopTask {
  const all = kittingShapes().map((k) => k.id);
  return kitTask({
    name: split === "full" ? "assembling-kits-seq-full" : `assembling-kits-seq-${split}-colors`,
    pools: split === "full" ? () => all : STANDARD_POOLS,
    homogeneous: false,
    rotEps: 15 * DEG,
    sequence: split,
  });
}

function kitTask(variant: KitVariant): TabletopTask {
  const slots: SlotSpec[] = [{ kind: "kit", fixed: true, size: 0, mass: 0.1 }];
  for (let i = 0; i < HOLES.length; i++) slots.push({ kind: "hole", fixed: true, size: 0, mass: 0.01 });
  for (let i = 0; i < HOLES.length; i++)
    slots.push({ kind: "shape", fixed: false, size: 0, mass: SHAPE_MASS });
  return {
    name: variant.name,
    split: variant.sequence ?? "seen",
    slots,
    tool: "suction",
    sample(rng: NumpyGenerator, mode: TaskMode): EpisodeLayout {
      return sampleUntilFits(variant.name, 100, () => sampleOnce(rng, mode, variant));
    },
  };
}

function sampleOnce(rng: NumpyGenerator, mode: TaskMode, variant: KitVariant): EpisodeLayout | null {
  const placed: Footprint[] = [];
  const kit = randomPose(rng, 2 * KIT_HALF[0], 2 * KIT_HALF[1], placed);
  if (!kit) return null;
  placed.push({ ...kit, halfX: KIT_HALF[0], halfY: KIT_HALF[1] });
  const pool = variant.pools(mode);
  const one = variant.homogeneous && mode !== "train" ? pool[rng.integers(0, pool.length)] : -1;
  const shapes = HOLES.map(() => (one >= 0 ? one : pool[rng.integers(0, pool.length)]));
  const colors = variant.sequence ? rng.shuffle([...colorsFor(variant.sequence, mode)]) : COLORS;
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
      color: colors[i],
      pose,
      z: PLANE_TOP + 0.001,
      role: "goal",
      shape: shapes[i],
    });
  }
  const ids = shapes.map((_, i) => 1 + HOLES.length + i);
  const symmetry = shapes.map((k) => kittingShapes()[k].symmetry);
  if (variant.sequence) {
    const order = rng.shuffle(shapes.map((_, i) => i));
    const goals: Goal[] = order.map((i) => ({
      objects: [ids[i]],
      symmetry: [symmetry[i]],
      matches: [[true]],
      targets: [targets[i]],
      replace: false,
      rotations: true,
      metric: "pose",
      maxReward: 1 / HOLES.length,
      posEps: 0.01,
      rotEps: variant.rotEps,
      langGoal: `put the ${colors[i]} ${kittingShapes()[shapes[i]].name} in the ${placeWord(targets, shapes, i)}${kittingShapes()[shapes[i]].name} hole`,
    }));
    return { objects, goals, maxSteps: HOLES.length, completedDescription: "done assembling kit." };
  }
  const goal: Goal = {
    objects: ids,
    symmetry,
    matches: shapes.map((a) => shapes.map((b) => a === b)),
    targets,
    replace: false,
    rotations: true,
    metric: "pose",
    maxReward: 1,
    posEps: 0.01,
    rotEps: variant.rotEps,
    langGoal: "put all the blocks inside the holes they fit in",
  };
  return { objects, goals: [goal], maxSteps: 10, completedDescription: "done assembling kits." };
}

/**
 * CLIPort's word for hole i among the holes of the same shape, as the table is seen from above (x down the
 * image, y across): "top " when it is above every other one (smaller x, more apart in x than in y), "bottom "
 * when below every other, else "left " or "right " by y, else "middle "; "" when its shape is there once.
 */
export function placeWord(targets: readonly TargetPose[], shapes: readonly number[], i: number): string {
  const others = targets.filter((_, j) => j !== i && shapes[j] === shapes[i]);
  if (others.length === 0) return "";
  const p = targets[i];
  const apartInX = (o: TargetPose) => Math.abs(p.x - o.x) > Math.abs(p.y - o.y);
  if (others.every((o) => p.x < o.x && apartInX(o))) return "top ";
  if (others.every((o) => p.x > o.x && apartInX(o))) return "bottom ";
  if (others.every((o) => p.y < o.y)) return "left ";
  if (others.every((o) => p.y > o.y)) return "right ";
  return "middle ";
}
