/**
 * CLIPort's put-block-in-bowl (ROBOTICS.md B.7): 1-3 fixed bowls in the place colour, 1..n_bowls blocks in the
 * pick colour, 6 distractors (each a block or a loose bowl with probability ½) coloured from the other palette
 * colours in CLIPort's order; the pose metric with 5 cm tolerance, any block into any bowl; n_blocks + 1 steps.
 */
import type { NumpyGenerator } from "../../minigrid/rng.ts";
import { BOWL_RIM_RADIUS } from "../bowl.ts";
import type { Goal } from "../goals.ts";
import { COLOR_NAMES, type ColorName, type ColorSplit, colorsFor, type TaskMode } from "../palette.ts";
import { type Footprint, randomPose } from "../sampler.ts";
import type { SlotSpec } from "../scene.ts";
import { PLANE_TOP } from "../workspace.ts";
import { type EpisodeLayout, type PlacedObject, sampleUntilFits, type TabletopTask } from "./task.ts";

export const BLOCK_SIZE = 0.04;
export const BLOCK_MASS = 0.01;
/** Ravens samples bowls with a 0.12 m footprint. */
export const BOWL_FOOTPRINT = 0.12;
const BOWL_MASS = 0.1;
const DISTRACTORS = 6;
const MAX_BOWLS = 3;

function slots(): SlotSpec[] {
  const out: SlotSpec[] = [];
  for (let i = 0; i < MAX_BOWLS; i++) out.push({ kind: "bowl", fixed: true, size: 0, mass: BOWL_MASS });
  for (let i = 0; i < MAX_BOWLS + DISTRACTORS; i++)
    out.push({ kind: "block", fixed: false, size: BLOCK_SIZE, mass: BLOCK_MASS });
  for (let i = 0; i < DISTRACTORS; i++) out.push({ kind: "bowl", fixed: false, size: 0, mass: BOWL_MASS });
  return out;
}

/** Python's random.sample(population, k) as a distribution: k distinct items, in random order. */
export function sampleDistinct<T>(rng: NumpyGenerator, items: readonly T[], k: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  for (let i = 0; i < k; i++) out.push(pool.splice(rng.integers(0, pool.length), 1)[0]);
  return out;
}

export function putBlockInBowl(split: ColorSplit): TabletopTask {
  return {
    name: split === "full" ? "put-block-in-bowl-full" : `put-block-in-bowl-${split}-colors`,
    split,
    slots: slots(),
    tool: "suction",
    sample(rng: NumpyGenerator, mode: TaskMode): EpisodeLayout {
      return sampleUntilFits("put-block-in-bowl", 100, () => sampleOnce(rng, split, mode));
    },
  };
}

function sampleOnce(rng: NumpyGenerator, split: ColorSplit, mode: TaskMode): EpisodeLayout | null {
  const nBowls = rng.integers(1, 4);
  const nBlocks = rng.integers(1, nBowls + 1);
  const [pick, place] = sampleDistinct(rng, colorsFor(split, mode), 2);
  const objects: PlacedObject[] = [];
  const placed: Footprint[] = [];
  const bowlZ = PLANE_TOP;
  const blockZ = PLANE_TOP + BLOCK_SIZE / 2;
  for (let i = 0; i < nBowls; i++) {
    const pose = randomPose(rng, BOWL_FOOTPRINT, BOWL_FOOTPRINT, placed);
    if (!pose) return null;
    objects.push({ kind: "bowl", fixed: true, color: place, pose, z: bowlZ, role: "goal" });
    placed.push({ ...pose, halfX: 0, halfY: 0, radius: BOWL_RIM_RADIUS });
  }
  for (let i = 0; i < nBlocks; i++) {
    const pose = randomPose(rng, BLOCK_SIZE, BLOCK_SIZE, placed);
    if (!pose) return null;
    objects.push({ kind: "block", fixed: false, color: pick, pose, z: blockZ, role: "goal" });
    placed.push({ ...pose, halfX: BLOCK_SIZE / 2, halfY: BLOCK_SIZE / 2 });
  }
  const bowls = objects.map((o, i) => (o.kind === "bowl" ? i : -1)).filter((i) => i >= 0);
  const blocks = objects.map((o, i) => (o.kind === "block" ? i : -1)).filter((i) => i >= 0);
  const goal: Goal = {
    objects: blocks,
    symmetry: blocks.map(() => 0),
    matches: blocks.map(() => bowls.map(() => true)),
    targets: bowls.map((i) => ({
      x: objects[i].pose.x,
      y: objects[i].pose.y,
      z: bowlZ,
      yaw: objects[i].pose.yaw,
    })),
    replace: false,
    rotations: true,
    metric: "pose",
    maxReward: 1,
    posEps: 0.05,
    rotEps: (15 * Math.PI) / 180,
    langGoal: `put the ${pick} blocks in a ${place} bowl`,
  };
  // Distractors: every palette colour but the two chosen, cycling in CLIPort's order.
  const distractorColors: ColorName[] = COLOR_NAMES.filter((c) => c !== pick && c !== place);
  let n = 0;
  let tries = 0;
  while (n < DISTRACTORS && tries < 100) {
    tries++;
    const isBlock = rng.random() > 0.5;
    const size = isBlock ? BLOCK_SIZE : BOWL_FOOTPRINT;
    const pose = randomPose(rng, size, size, placed);
    if (!pose) continue;
    const color = distractorColors[n % distractorColors.length];
    objects.push({
      kind: isBlock ? "block" : "bowl",
      fixed: false,
      color,
      pose,
      z: isBlock ? blockZ : bowlZ,
      role: "distractor",
    });
    placed.push(
      isBlock
        ? { ...pose, halfX: BLOCK_SIZE / 2, halfY: BLOCK_SIZE / 2 }
        : { ...pose, halfX: 0, halfY: 0, radius: BOWL_RIM_RADIUS },
    );
    n++;
  }
  return {
    objects,
    goals: [goal],
    maxSteps: nBlocks + 1,
    completedDescription: "done placing blocks in bowls.",
  };
}
