/**
 * Hand-written reward program for MiniGrid UnlockPickup: pick up the key, open the locked door with it, then
 * pick up the box in the other room. Reads only pixels of the full render (tile 32); see roomgrid-helpers.ts.
 */
import { parseRewardProgram, type RewardProgram } from "../program.ts";
import { doorUnlocked, KEY_PICKED_UP, objectGoneCode } from "./roomgrid-checks.ts";
import { ROOMGRID_HELPERS, SIDE_BY_SIDE_ROOMS } from "./roomgrid-helpers.ts";

const HELPERS = `${ROOMGRID_HELPERS}${SIDE_BY_SIDE_ROOMS}
// UnlockPickup: the box lies alone in the other room (columns 6-9).
function theBox(first) {
  return findObjectInRoom(first, 6, 1, 9, 4);
}
`;

export const UNLOCK_PICKUP_PROGRAM: RewardProgram = parseRewardProgram({
  format: "vlmcar.program/1",
  task: { envId: "MiniGrid-UnlockPickup-v0", description: "pick up the box" },
  helpers: HELPERS,
  subtasks: [KEY_PICKED_UP, doorUnlocked("between the rooms")],
  goal: {
    description: "the box has been picked up",
    code: objectGoneCode("theBox"),
  },
  provenance: {
    source: "hand-written",
    notes: "reference program for the UnlockPickup family (pixels only)",
  },
});
