/**
 * Hand-written reward program for MiniGrid Unlock: pick up the key, then open the locked door with it.
 * Reads only pixels of the full render (tile 32) through the prelude; see roomgrid-helpers.ts.
 */
import { parseRewardProgram, type RewardProgram } from "../program.ts";
import { ROOMGRID_HELPERS } from "./roomgrid-helpers.ts";

const HELPERS = `${ROOMGRID_HELPERS}
// Unlock: two 6x6 rooms side by side (11 x 6 cells); the locked door is in the shared wall, column 5, and
// its key (of the door's colour) lies in the agent's room.
function theDoor(first) {
  return findLockedDoorInColumn(first, 5);
}
function theKey(first, door) {
  return findKey(first, door.color, 1, 1, 4, 4);
}
`;

export const UNLOCK_PROGRAM: RewardProgram = parseRewardProgram({
  format: "vlmcar.program/1",
  task: { envId: "MiniGrid-Unlock-v0", description: "open the door" },
  helpers: HELPERS,
  subtasks: [
    {
      name: "key picked up",
      description: "the agent has picked up the key of the locked door",
      code: `(frame, first) => {
  const door = theDoor(first);
  const key = door && theKey(first, door);
  return key !== null && !keyAt(frame, key.cx, key.cy, door.color);
}`,
    },
  ],
  goal: {
    description: "the locked door is open",
    code: `(frame, first) => {
  const door = theDoor(first);
  return door !== null && doorOpenAt(frame, door.cx, door.cy);
}`,
  },
  provenance: { source: "hand-written", notes: "reference program for the Unlock family (pixels only)" },
});
