/**
 * Hand-written reward program for MiniGrid KeyCorridor (every S·R· variant): pick up the key from a room on
 * the left, open the locked door on the right with it, then pick up the ball behind it. Reads only pixels of
 * the full render (tile 32); see roomgrid-helpers.ts.
 */
import { parseRewardProgram, type RewardProgram } from "../program.ts";
import { doorUnlocked, KEY_PICKED_UP, objectGoneCode } from "./roomgrid-checks.ts";
import { ROOMGRID_HELPERS } from "./roomgrid-helpers.ts";

const HELPERS = `${ROOMGRID_HELPERS}
// KeyCorridor: three columns of rooms that share walls, each room (S - 1) cells apart, so the grid is
// 3 (S - 1) + 1 cells wide. The middle column is the corridor; the locked door is in the wall between it
// and the right column (x = 2 (S - 1)), the ball alone in the room behind it, and the key (of the door's
// colour) somewhere in the left column's rooms. Other doors may share the key's colour: keyAt tells a key
// from a door by its shape.
function roomStep(frame) {
  return (gridSize(frame, TILE).cols - 1) / 3;
}
function theDoor(first) {
  return findLockedDoorInColumn(first, 2 * roomStep(first));
}
function theKey(first, door) {
  const step = roomStep(first);
  return findKey(first, door.color, 1, 1, step - 1, gridSize(first, TILE).rows - 2);
}
function theBall(first) {
  const door = theDoor(first);
  if (door === null) return null;
  const step = roomStep(first);
  const top = Math.floor(door.cy / step) * step;
  return findObjectInRoom(first, door.cx + 1, top + 1, door.cx + step - 1, top + step - 1);
}
`;

export const KEY_CORRIDOR_PROGRAM: RewardProgram = parseRewardProgram({
  format: "vlmcar.program/1",
  task: { envId: "MiniGrid-KeyCorridorS3R3-v0", description: "pick up the ball" },
  helpers: HELPERS,
  subtasks: [KEY_PICKED_UP, doorUnlocked("in front of the ball's room")],
  goal: {
    description: "the ball behind the locked door has been picked up",
    code: objectGoneCode("theBall"),
  },
  provenance: {
    source: "hand-written",
    notes: "reference program for every KeyCorridor variant (pixels only)",
  },
});
