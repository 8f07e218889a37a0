/**
 * CLIPort's separating-piles (ROBOTICS.md B.7): the spatula and the push primitive; two zones (0.12 m visual
 * squares, the second ≥ 0.2 m from the first) in two colours and a pile of 50 one-centimetre blocks (1 g,
 * friction 0.5) in a third, spread over x ∈ [0.40, 0.60], y ∈ [−0.10, 0.10]; one target zone chosen at random.
 * The zone metric over a 0.15 m square: the reward is the fraction of blocks inside it; 20 steps.
 */
import type { NumpyGenerator } from "../../minigrid/rng.ts";
import type { Goal } from "../goals.ts";
import { type ColorSplit, colorsFor, type TaskMode } from "../palette.ts";
import { type Footprint, randomPose } from "../sampler.ts";
import type { SlotSpec } from "../scene.ts";
import { PLANE_TOP } from "../workspace.ts";
import { sampleDistinct } from "./put-block-in-bowl.ts";
import { type EpisodeLayout, type PlacedObject, sampleUntilFits, type TabletopTask } from "./task.ts";

export const PILE_BLOCKS = 50;
export const PILE_BLOCK_SIZE = 0.01;
const ZONE_FOOTPRINT = 0.12;
const ZONE_REWARD_SIZE = 0.15;

export function separatingPiles(split: ColorSplit): TabletopTask {
  const slots: SlotSpec[] = [
    { kind: "zone", fixed: true, size: 0, mass: 0.1 },
    { kind: "zone", fixed: true, size: 0, mass: 0.1 },
  ];
  for (let i = 0; i < PILE_BLOCKS; i++) {
    slots.push({ kind: "block", fixed: false, size: PILE_BLOCK_SIZE, mass: 0.001, friction: 0.5 });
  }
  return {
    name: split === "full" ? "separating-piles-full" : `separating-piles-${split}-colors`,
    split,
    slots,
    tool: "spatula",
    sample(rng: NumpyGenerator, mode: TaskMode): EpisodeLayout {
      return sampleUntilFits("separating-piles", 100, () => sampleOnce(rng, split, mode));
    },
  };
}

function sampleOnce(rng: NumpyGenerator, split: ColorSplit, mode: TaskMode): EpisodeLayout | null {
  const [zone1Color, zone2Color, blockColor] = sampleDistinct(rng, colorsFor(split, mode), 3);
  const placed: Footprint[] = [];
  const zone1 = randomPose(rng, ZONE_FOOTPRINT, ZONE_FOOTPRINT, placed);
  if (!zone1) return null;
  placed.push({ ...zone1, halfX: ZONE_FOOTPRINT / 2, halfY: ZONE_FOOTPRINT / 2 });
  let zone2 = null;
  for (let i = 0; i < 100 && !zone2; i++) {
    const z = randomPose(rng, ZONE_FOOTPRINT, ZONE_FOOTPRINT, placed);
    if (z && Math.hypot(z.x - zone1.x, z.y - zone1.y) >= 0.2) zone2 = z;
  }
  if (!zone2) return null;
  const objects: PlacedObject[] = [
    { kind: "zone", fixed: true, color: zone1Color, pose: zone1, z: PLANE_TOP, role: "goal" },
    { kind: "zone", fixed: true, color: zone2Color, pose: zone2, z: PLANE_TOP, role: "goal" },
  ];
  for (let i = 0; i < PILE_BLOCKS; i++) {
    objects.push({
      kind: "block",
      fixed: false,
      color: blockColor,
      pose: { x: rng.uniform(0.4, 0.6), y: rng.uniform(-0.1, 0.1), yaw: rng.uniform(0, 2 * Math.PI) },
      // Ravens drops them from 1 cm; three heights here so fewer start inside each other, then they settle.
      z: 0.01 + 0.012 * (i % 3),
      role: "goal",
    });
  }
  const target = rng.integers(0, 2);
  const zone = target === 0 ? zone1 : zone2;
  const square = target === 0 ? zone1Color : zone2Color;
  const blocks = objects.map((_, i) => i).filter((i) => objects[i].kind === "block");
  const goal: Goal = {
    objects: blocks,
    symmetry: blocks.map(() => 0),
    matches: blocks.map(() => [true]),
    targets: [{ x: zone.x, y: zone.y, z: PLANE_TOP, yaw: zone.yaw }],
    replace: true,
    rotations: false,
    metric: "zone",
    zoneSize: ZONE_REWARD_SIZE,
    zoneMaxZ: 0.3,
    maxReward: 1,
    posEps: 0.01,
    rotEps: (15 * Math.PI) / 180,
    langGoal: `push the pile of ${blockColor} blocks into the ${square} square`,
  };
  return { objects, goals: [goal], maxSteps: 20, completedDescription: "done separating pile." };
}
