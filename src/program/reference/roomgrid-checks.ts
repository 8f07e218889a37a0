/**
 * Checks the RoomGrid reference programs share. Their code calls functions each program's helpers define for
 * its own layout: `theDoor(first)`, the locked door as { cx, cy, color } or null, and `theKey(first, door)`,
 * where that door's key lies in the first frame, { cx, cy } or null. The rest comes from ROOMGRID_HELPERS.
 */
import type { Subtask } from "../program.ts";

/** The key of the locked door has been picked up. */
export const KEY_PICKED_UP: Subtask = {
  name: "key picked up",
  description: "the agent has picked up the key of the locked door",
  code: `(frame, first) => {
  const door = theDoor(first);
  const key = door && theKey(first, door);
  // The key may be dropped back on its cell later; an unlocked door still shows it was taken.
  return key !== null && (!keyAt(frame, key.cx, key.cy, door.color) || doorUnlockedAt(frame, door.cx, door.cy));
}`,
};

/** The locked door has been unlocked (and so opened); `where` says which door, for reports. */
export function doorUnlocked(where: string): Subtask {
  return {
    name: "door unlocked",
    description: `the locked door ${where} has been unlocked (and opened)`,
    code: `(frame, first) => {
  const door = theDoor(first);
  return door !== null && doorUnlockedAt(frame, door.cx, door.cy);
}`,
  };
}

/**
 * Code of a check that holds once the object that `find(first)` locates (a helper of the program returning
 * { cx, cy, color } or null) is no longer drawn where it was in the first frame: picked up, or moved away.
 */
export function objectGoneCode(find: string): string {
  return `(frame, first) => {
  const object = ${find}(first);
  return object !== null && !objectStillAt(frame, first, object.cx, object.cy, object.color);
}`;
}
