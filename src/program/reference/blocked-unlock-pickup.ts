/**
 * Hand-written reward program for MiniGrid BlockedUnlockPickup: move the ball that blocks the locked door,
 * pick up the key, open the door, then pick up the box in the other room. Reads only pixels of the full
 * render (tile 32); see roomgrid-helpers.ts.
 */
import { parseRewardProgram, type RewardProgram } from "../program.ts";
import { doorUnlocked, KEY_PICKED_UP, objectGoneCode } from "./roomgrid-checks.ts";
import { ROOMGRID_HELPERS, SIDE_BY_SIDE_ROOMS } from "./roomgrid-helpers.ts";

const HELPERS = `${ROOMGRID_HELPERS}${SIDE_BY_SIDE_ROOMS}
// BlockedUnlockPickup: a ball blocks the cell in front of the locked door (column 4); the box lies alone in
// the other room (columns 6-9).
function theBlocker(first) {
  const door = theDoor(first);
  return door && findObjectInRoom(first, door.cx - 1, door.cy, door.cx - 1, door.cy);
}
function theBox(first) {
  return findObjectInRoom(first, 6, 1, 9, 4);
}
`;

export const BLOCKED_UNLOCK_PICKUP_PROGRAM: RewardProgram = parseRewardProgram({
  format: "vlmcar.program/1",
  task: { envId: "MiniGrid-BlockedUnlockPickup-v0", description: "pick up the box" },
  helpers: HELPERS,
  subtasks: [
    {
      name: "blocker moved",
      description: "the ball in front of the locked door has been taken away",
      code: objectGoneCode("theBlocker"),
    },
    KEY_PICKED_UP,
    doorUnlocked("between the rooms"),
  ],
  goal: {
    description: "the box has been picked up",
    code: objectGoneCode("theBox"),
  },
  provenance: {
    source: "hand-written",
    notes: "reference program for the BlockedUnlockPickup family (pixels only)",
  },
});
