/**
 * Ravens' stack-block-pyramid (ROBOTICS.md B.7): a fixed three-tile stand at a random pose and six 4 cm blocks
 * (purple, blue, green, yellow, orange, red) at random poses; three goals in order: the bottom row (blocks 0-2
 * onto any of the three tile targets, ½), the middle row (blocks 3-4, ⅓), the top (block 5, ⅙). Pose metric,
 * 1 cm and 15° with the blocks' π/2 symmetry; 12 steps.
 */
import type { NumpyGenerator } from "../../minigrid/rng.ts";
import type { Goal, TargetPose } from "../goals.ts";
import type { ColorName, TaskMode } from "../palette.ts";
import { type Footprint, randomPose } from "../sampler.ts";
import type { SlotSpec } from "../scene.ts";
import { PLANE_TOP } from "../workspace.ts";
import { BLOCK_MASS, BLOCK_SIZE } from "./put-block-in-bowl.ts";
import { type EpisodeLayout, type PlacedObject, sampleUntilFits, type TabletopTask } from "./task.ts";

const COLORS: readonly ColorName[] = ["purple", "blue", "green", "yellow", "orange", "red"];
/** Targets in the stand's frame (Ravens' place_pos). */
const TARGETS: readonly [number, number, number][] = [
  [0, -0.05, 0.03],
  [0, 0, 0.03],
  [0, 0.05, 0.03],
  [0, -0.025, 0.08],
  [0, 0.025, 0.08],
  [0, 0, 0.13],
];

export function stackBlockPyramid(): TabletopTask {
  const slots: SlotSpec[] = [{ kind: "stand", fixed: true, size: 0, mass: 0.3 }];
  for (let i = 0; i < 6; i++) slots.push({ kind: "block", fixed: false, size: BLOCK_SIZE, mass: BLOCK_MASS });
  return {
    name: "stack-block-pyramid",
    split: "seen",
    slots,
    tool: "suction",
    sample(rng: NumpyGenerator, _mode: TaskMode): EpisodeLayout {
      return sampleUntilFits("stack-block-pyramid", 100, () => sampleOnce(rng));
    },
  };
}

function sampleOnce(rng: NumpyGenerator): EpisodeLayout | null {
  const placed: Footprint[] = [];
  const objects: PlacedObject[] = [];
  // Ravens samples the stand with a 0.05 x 0.15 footprint.
  const stand = randomPose(rng, 0.05, 0.15, placed);
  if (!stand) return null;
  objects.push({ kind: "stand", fixed: true, color: "brown", pose: stand, z: PLANE_TOP, role: "goal" });
  placed.push({ ...stand, halfX: 0.025, halfY: 0.075 });
  for (let i = 0; i < 6; i++) {
    const pose = randomPose(rng, BLOCK_SIZE, BLOCK_SIZE, placed);
    if (!pose) return null;
    objects.push({
      kind: "block",
      fixed: false,
      color: COLORS[i],
      pose,
      z: PLANE_TOP + BLOCK_SIZE / 2,
      role: "goal",
    });
    placed.push({ ...pose, halfX: BLOCK_SIZE / 2, halfY: BLOCK_SIZE / 2 });
  }
  const c = Math.cos(stand.yaw);
  const s = Math.sin(stand.yaw);
  const targets: TargetPose[] = TARGETS.map(([x, y, z]) => ({
    x: stand.x + c * x - s * y,
    y: stand.y + s * x + c * y,
    z: PLANE_TOP + z,
    yaw: stand.yaw,
  }));
  const goal = (blocks: number[], targetIds: number[], maxReward: number, langGoal: string): Goal => ({
    objects: blocks.map((b) => b + 1),
    symmetry: blocks.map(() => Math.PI / 2),
    matches: blocks.map(() => targetIds.map(() => true)),
    targets: targetIds.map((t) => targets[t]),
    replace: false,
    rotations: true,
    metric: "pose",
    maxReward,
    posEps: 0.01,
    rotEps: (15 * Math.PI) / 180,
    langGoal,
  });
  return {
    objects,
    goals: [
      goal([0, 1, 2], [0, 1, 2], 1 / 2, "make the bottom row with the green, blue and purple blocks"),
      goal([3, 4], [3, 4], 1 / 3, "make the middle row with the yellow and orange blocks"),
      goal([5], [5], 1 / 6, "make the top row with the red block"),
    ],
    maxSteps: 12,
    completedDescription: "done stacking block pyramid.",
  };
}
