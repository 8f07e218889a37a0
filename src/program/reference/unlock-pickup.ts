/**
 * Hand-written reward program for MiniGrid UnlockPickup: pick up the key, open the locked door with it, then
 * pick up the box in the other room. Reads only pixels of the full render (tile 32); see roomgrid-helpers.ts.
 */
import { parseRewardProgram, type RewardProgram } from "../program.ts";
import { ROOMGRID_HELPERS } from "./roomgrid-helpers.ts";

const HELPERS = `${ROOMGRID_HELPERS}
// UnlockPickup: two 6x6 rooms side by side (11 x 6 cells). The locked door is in the shared wall, column 5;
// its key (of the door's colour) lies in the agent's room (columns 1-4), the box alone in the other (6-9).
function theDoor(first) {
  return findLockedDoorInColumn(first, 5);
}
function theKey(first, door) {
  return findKey(first, door.color, 1, 1, 4, 4);
}
function theBox(first) {
  return findObjectInRoom(first, 6, 1, 9, 4);
}
`;

export const UNLOCK_PICKUP_PROGRAM: RewardProgram = parseRewardProgram({
  format: "vlmcar.program/1",
  task: { envId: "MiniGrid-UnlockPickup-v0", description: "pick up the box" },
  helpers: HELPERS,
  subtasks: [
    {
      name: "key picked up",
      description: "the agent has picked up the key of the locked door",
      code: `(frame, first) => {
  const door = theDoor(first);
  const key = door && theKey(first, door);
  // The key may be dropped back on its cell later; an unlocked door still shows it was taken.
  return key !== null && (!keyAt(frame, key.cx, key.cy, door.color) || doorUnlockedAt(frame, door.cx, door.cy));
}`,
    },
    {
      name: "door unlocked",
      description: "the locked door between the rooms has been unlocked (and opened)",
      code: `(frame, first) => {
  const door = theDoor(first);
  return door !== null && doorUnlockedAt(frame, door.cx, door.cy);
}`,
    },
  ],
  goal: {
    description: "the box has been picked up",
    code: `(frame, first) => {
  const box = theBox(first);
  return box !== null && !objectStillAt(frame, first, box.cx, box.cy, box.color);
}`,
  },
  provenance: {
    source: "hand-written",
    notes: "reference program for the UnlockPickup family (pixels only)",
  },
});
