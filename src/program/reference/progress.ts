/**
 * A hand-written progress term for the room-grid key sub-task (KEY_PICKED_UP): how far the agent has walked
 * toward the key, in cells, relative to where it started; 1 once the key left its cell. Reads only pixels,
 * through the prelude and ROOMGRID_HELPERS / SIDE_BY_SIDE_ROOMS (theDoor, theKey, keyAt, lighten). The agent
 * is the red (or view-highlighted red) cell that is neither the key's nor the door's (either may be red).
 */
import { parseRewardProgram, type RewardProgram } from "../program.ts";
import { UNLOCK_PROGRAM } from "./unlock.ts";

export const TOWARD_THE_KEY = `(frame, first) => {
  const door = theDoor(first);
  const key = door && theKey(first, door);
  if (key === null) return 0;
  if (!keyAt(frame, key.cx, key.cy, door.color)) return 1;
  const agent = (f) => [...findCells(f, [255, 0, 0], 3), ...findCells(f, lighten([255, 0, 0]), 3)]
    .filter((c) => !(c.cx === key.cx && c.cy === key.cy) && !(c.cx === door.cx && c.cy === door.cy))[0];
  const a0 = agent(first);
  const a = agent(frame);
  if (a0 === undefined || a === undefined) return 0;
  const d = (c) => Math.abs(c.cx - key.cx) + Math.abs(c.cy - key.cy);
  if (d(a0) <= 1) return 0;
  return Math.min(1, Math.max(0, 1 - (d(a) - 1) / (d(a0) - 1)));
}`;

/** The Unlock reference program with TOWARD_THE_KEY as the key sub-task's progress term. */
export const UNLOCK_WITH_PROGRESS: RewardProgram = parseRewardProgram({
  ...UNLOCK_PROGRAM,
  subtasks: [{ ...UNLOCK_PROGRAM.subtasks[0], progress: TOWARD_THE_KEY }],
  provenance: {
    source: "hand-written",
    notes: "reference program for the Unlock family with a progress term toward the key (pixels only)",
  },
});
