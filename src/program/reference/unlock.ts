/**
 * Hand-written reward program for MiniGrid Unlock: pick up the key, then open the locked door with it.
 * Reads only pixels of the full render (tile 32) through the prelude; see roomgrid-helpers.ts.
 */
import { parseRewardProgram, type RewardProgram } from "../program.ts";
import { KEY_PICKED_UP } from "./roomgrid-checks.ts";
import { ROOMGRID_HELPERS, SIDE_BY_SIDE_ROOMS } from "./roomgrid-helpers.ts";

export const UNLOCK_PROGRAM: RewardProgram = parseRewardProgram({
  format: "vlmcar.program/1",
  task: { envId: "MiniGrid-Unlock-v0", description: "open the door" },
  helpers: `${ROOMGRID_HELPERS}${SIDE_BY_SIDE_ROOMS}`,
  subtasks: [KEY_PICKED_UP],
  goal: {
    description: "the locked door is open",
    code: `(frame, first) => {
  const door = theDoor(first);
  return door !== null && doorOpenAt(frame, door.cx, door.cy);
}`,
  },
  provenance: { source: "hand-written", notes: "reference program for the Unlock family (pixels only)" },
});
