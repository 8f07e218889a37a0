/**
 * CLIPort's packing-boxes-pairs (ROBOTICS.md B.7): a fixed brown box (x, y ~ U(0.05, 0.3), 5 cm tall) whose
 * inside, 1 cm in from its walls, is cut by a random KD-tree into boxes (an axis splits while it is longer
 * than 10 cm, at a uniform cut at least 5 cm from either end, children 1 cm apart; z never splits); each leaf
 * is a 5 cm tall box in one of two colours drawn from the mode's list, its packed pose is its target, and it
 * starts at a random table pose. Four distractor boxes copy random leaves' sizes in the other colours. The
 * zone metric over every relevant box's 2 cm point grid, counting points below 5.25 cm in the box's frame
 * (Ravens' tight z bound: stacking does not pay); 20 steps.
 */
import type { NumpyGenerator } from "../../minigrid/rng.ts";
import type { Goal, TargetPose } from "../goals.ts";
import { type ColorName, type ColorSplit, colorsFor, type TaskMode } from "../palette.ts";
import { type Footprint, randomPose } from "../sampler.ts";
import { CONTAINER_HEIGHT, CONTAINER_WALL, type SlotSpec } from "../scene.ts";
import { PLANE_TOP } from "../workspace.ts";
import { brownBox } from "./packing-shapes.ts";
import { sampleDistinct } from "./put-block-in-bowl.ts";
import { type EpisodeLayout, type PlacedObject, sampleUntilFits, type TabletopTask } from "./task.ts";

const BOX_MASS = 0.1;
const MARGIN = 0.01;
const MIN_OBJECT_DIM = 0.05;
const DISTRACTORS = 4;
/** Relevant boxes a layout may have (a bigger KD-tree is drawn again; rare, and too many to lay out anyway). */
export const MAX_PACKED_BOXES = 16;
/** Ravens' zone_bounds z for this task: points above 5.25 cm do not count. */
const ZONE_MAX_Z = 0.0525;

interface Leaf {
  readonly min: [number, number, number];
  readonly max: [number, number, number];
}

/** Ravens' KD-tree split of the container's inside into leaves. */
export function kdLeaves(rng: NumpyGenerator, root: Leaf): Leaf[] {
  const out: Leaf[] = [];
  const split = (node: Leaf): void => {
    const size = node.max.map((v, i) => v - node.min[i]);
    const axes = [0, 1, 2].filter((i) => size[i] > 2 * MIN_OBJECT_DIM);
    if (axes.length === 0) {
      out.push(node);
      return;
    }
    const axis = axes[rng.integers(0, axes.length)];
    const cut = rng.random() * (size[axis] - 2 * MIN_OBJECT_DIM) + node.min[axis] + MIN_OBJECT_DIM;
    const a: Leaf = { min: [...node.min], max: [...node.max] };
    const b: Leaf = { min: [...node.min], max: [...node.max] };
    a.max[axis] = cut - MARGIN / 2;
    b.min[axis] = cut + MARGIN / 2;
    split(a);
    split(b);
  };
  split(root);
  return out;
}

/** Ravens' get_box_object_points: a 2 cm grid from −dim/2 up to, not including, +dim/2 on each axis. */
export function boxPoints(size: readonly number[]): [number, number, number][] {
  const axis = (d: number) => {
    const out: number[] = [];
    for (let v = -d / 2; v < d / 2 - 1e-12; v += 0.02) out.push(v);
    return out;
  };
  const pts: [number, number, number][] = [];
  for (const x of axis(size[0]))
    for (const y of axis(size[1])) for (const z of axis(size[2])) pts.push([x, y, z]);
  return pts;
}

export function packingBoxesPairs(split: ColorSplit): TabletopTask {
  const slots: SlotSpec[] = [{ kind: "container", fixed: true, size: 0, mass: 0.1 }];
  for (let i = 0; i < MAX_PACKED_BOXES + DISTRACTORS; i++)
    slots.push({ kind: "box", fixed: false, size: 0, mass: BOX_MASS });
  return {
    name: split === "full" ? "packing-boxes-pairs-full" : `packing-boxes-pairs-${split}-colors`,
    split,
    slots,
    tool: "suction",
    sample(rng: NumpyGenerator, mode: TaskMode): EpisodeLayout {
      return sampleUntilFits("packing-boxes-pairs", 200, () => sampleOnce(rng, split, mode));
    },
  };
}

function sampleOnce(rng: NumpyGenerator, split: ColorSplit, mode: TaskMode): EpisodeLayout | null {
  const placed: Footprint[] = [];
  const container = brownBox(rng, 0.05, 0.3, placed);
  if (!container) return null;
  const [sx, sy] = container.size;
  const box = container.object.pose;
  const leaves = kdLeaves(rng, {
    min: [MARGIN, MARGIN, 0],
    max: [sx - MARGIN, sy - MARGIN, CONTAINER_HEIGHT],
  });
  if (leaves.length > MAX_PACKED_BOXES) return null;
  const list = colorsFor(split, mode);
  const relevant = sampleDistinct(rng, list, Math.min(2, leaves.length));
  const others: ColorName[] = list.filter((c) => !relevant.includes(c));
  const c = Math.cos(box.yaw);
  const s = Math.sin(box.yaw);
  const objects: PlacedObject[] = [container.object];
  const targets: TargetPose[] = [];
  const sizes: [number, number, number][] = [];
  for (const leaf of leaves) {
    const size = leaf.max.map((v, i) => v - leaf.min[i]) as [number, number, number];
    // The leaf's centre in the container's frame (origin at its centre), then on the table.
    const lx = leaf.min[0] + size[0] / 2 - sx / 2;
    const ly = leaf.min[1] + size[1] / 2 - sy / 2;
    targets.push({
      x: box.x + c * lx - s * ly,
      y: box.y + s * lx + c * ly,
      z: PLANE_TOP + CONTAINER_WALL + size[2] / 2,
      yaw: box.yaw,
    });
    sizes.push(size);
    const color = relevant[rng.integers(0, relevant.length)];
    const pose = randomPose(rng, size[0], size[1], placed);
    if (!pose) return null;
    placed.push({ ...pose, halfX: size[0] / 2, halfY: size[1] / 2 });
    objects.push({ kind: "box", fixed: false, color, pose, z: PLANE_TOP + size[2] / 2, role: "goal", size });
  }
  for (let i = 0; i < DISTRACTORS; i++) {
    const size = sizes[rng.integers(0, sizes.length)];
    const color = others[rng.integers(0, others.length)];
    const pose = randomPose(rng, size[0], size[1], placed);
    if (!pose) return null;
    placed.push({ ...pose, halfX: size[0] / 2, halfY: size[1] / 2 });
    objects.push({
      kind: "box",
      fixed: false,
      color,
      pose,
      z: PLANE_TOP + size[2] / 2,
      role: "distractor",
      size,
    });
  }
  const boxes = leaves.map((_, i) => i + 1);
  const goal: Goal = {
    objects: boxes,
    symmetry: boxes.map(() => 0),
    matches: boxes.map((_, i) => boxes.map((_, j) => i === j)),
    targets,
    replace: false,
    rotations: true,
    metric: "zone",
    zone: container.zone,
    zoneSize: container.size,
    zoneMaxZ: ZONE_MAX_Z,
    points: sizes.map(boxPoints),
    maxReward: 1,
    posEps: 0.01,
    rotEps: (15 * Math.PI) / 180,
    langGoal: `pack all the ${relevant.join(" and ")} blocks into the brown box`,
  };
  return { objects, goals: [goal], maxSteps: 20, completedDescription: "done packing blocks." };
}
