/**
 * CLIPort / Ravens tabletop tasks on MuJoCo: importing this module registers `Tabletop-<cliport-task>-v0`, e.g.
 * `Tabletop-put-block-in-bowl-seen-colors-v0` (CLIPort's task name with a family prefix).
 */
import { register } from "../registry.ts";
import { TabletopEnv, type TabletopOptions } from "./tabletop-env.ts";
import { assemblingKits, assemblingKitsEasy, assemblingKitsSeq } from "./tasks/assembling-kits.ts";
import { packingBoxesPairs } from "./tasks/packing-boxes-pairs.ts";
import { packingShapes } from "./tasks/packing-shapes.ts";
import { putBlockInBowl } from "./tasks/put-block-in-bowl.ts";
import { separatingPiles } from "./tasks/separating-piles.ts";
import { stackBlockPyramid } from "./tasks/stack-block-pyramid.ts";
import type { TabletopTask } from "./tasks/task.ts";

export { type PickPlaceAction, PickPlaceSpace, poseOf } from "./action.ts";
export { type Goal, GoalTracker, isMatch } from "./goals.ts";
export * from "./kitting.ts";
export * from "./palette.ts";
export {
  type ObjectState,
  type PrimitiveReport,
  TabletopEnv,
  type TabletopObs,
  type TabletopOptions,
} from "./tabletop-env.ts";
export {
  assemblingKits,
  assemblingKitsEasy,
  assemblingKitsSeq,
  placeWord,
} from "./tasks/assembling-kits.ts";
export { boxPoints, kdLeaves, packingBoxesPairs } from "./tasks/packing-boxes-pairs.ts";
export { packingShapes } from "./tasks/packing-shapes.ts";
export { putBlockInBowl } from "./tasks/put-block-in-bowl.ts";
export { separatingPiles } from "./tasks/separating-piles.ts";
export { stackBlockPyramid } from "./tasks/stack-block-pyramid.ts";
export type { EpisodeLayout, PlacedObject, TabletopTask } from "./tasks/task.ts";
export { HOME_JOINTS, ur5Forward, ur5Ik } from "./ur5.ts";
export * from "./workspace.ts";

/** The family prefix: `Tabletop-` + CLIPort's task name + `-v0`. */
export function tabletopId(task: string): string {
  return `Tabletop-${task}-v0`;
}

const TASKS: { task: () => TabletopTask; description: string }[] = [
  {
    task: packingShapes,
    description: "CLIPort packing-shapes: pack the named kitting shape (e.g. the letter M) in the brown box",
  },
  {
    task: () => packingBoxesPairs("seen"),
    description:
      "CLIPort packing-boxes-pairs (seen colours): pack the boxes of two colours into the brown box",
  },
  {
    task: () => packingBoxesPairs("unseen"),
    description: "CLIPort packing-boxes-pairs (unseen colours in val/test mode)",
  },
  {
    task: () => packingBoxesPairs("full"),
    description: "CLIPort packing-boxes-pairs (all 11 colours)",
  },
  {
    task: () => putBlockInBowl("seen"),
    description: "CLIPort put-block-in-bowl (seen colours): put the blocks of one colour in bowls of another",
  },
  {
    task: () => putBlockInBowl("unseen"),
    description: "CLIPort put-block-in-bowl (unseen colours in val/test mode)",
  },
  {
    task: () => putBlockInBowl("full"),
    description: "CLIPort put-block-in-bowl (all 11 colours)",
  },
  {
    task: () => separatingPiles("seen"),
    description: "CLIPort separating-piles (seen colours): push the pile of blocks into one of two squares",
  },
  {
    task: () => separatingPiles("unseen"),
    description: "CLIPort separating-piles (unseen colours in val/test mode)",
  },
  {
    task: () => separatingPiles("full"),
    description: "CLIPort separating-piles (all 11 colours)",
  },
  {
    task: assemblingKits,
    description:
      "Ravens assembling-kits: put the five kitting shapes into the holes of their shapes on the board",
  },
  {
    task: assemblingKitsEasy,
    description:
      "Ravens assembling-kits-easy: 30° tolerance; in val/test mode five copies of the square or the circle",
  },
  {
    task: () => assemblingKitsSeq("seen"),
    description:
      "CLIPort assembling-kits-seq (seen colours): put each named shape in its hole, one instruction at a time",
  },
  {
    task: () => assemblingKitsSeq("unseen"),
    description: "CLIPort assembling-kits-seq (unseen colours in val/test mode)",
  },
  {
    task: () => assemblingKitsSeq("full"),
    description: "CLIPort assembling-kits-seq (all 11 colours, all 20 shapes)",
  },
  {
    task: stackBlockPyramid,
    description: "Ravens stack-block-pyramid: build a 3-2-1 pyramid of six coloured blocks on the stand",
  },
];

for (const { task, description } of TASKS) {
  const name = task().name;
  const id = tabletopId(name);
  register({
    id,
    factory: (options) => new TabletopEnv({ ...(options as Partial<TabletopOptions>), task: task(), id }),
    description,
  });
}
