/**
 * A hand-written reward program for MiniGrid DoorKey (any size), the oracle baseline for generated ones.
 *
 * It reads the full render at 32 pixels per tile (`env.render()`, view highlight on or off) with the vision
 * prelude and the frame's bytes only, as a generated program must: find the key, the locked door and the goal
 * in the episode's first frame, then watch those three cells.
 *   1. pick_up_key: the key's starting cell no longer shows the key (a key only moves by being picked up);
 *   2. open_door:   the door's cell no longer shows a locked door's dark fill;
 *   3. goal:        the agent's red triangle is on the goal cell.
 * Colours carry a tolerance of 40 so that both plain colours and the highlight that lightens the cells the
 * agent sees (c + 0.3 * (255 - c): yellow 255,255,0 becomes 255,255,76) match.
 *
 * The checks run on every frame of training (one call per env step), so each counts the pixels of its one
 * cell itself and stops as soon as the count has passed its threshold: the answer is the same as comparing
 * `cellCount` with the threshold, for a fraction of the pixels (a key still lying there, a door still locked).
 */
import { parseRewardProgram, type RewardProgram } from "../program.ts";

const helpers = `
const TILE = 32;
const TOL = 40;
// Key and door frame: yellow (255, 255, 0), lightened to (255, 255, 76) when highlighted.
const YELLOW = [255, 255, 38];
// A locked door's fill: 0.45 x yellow = (114, 114, 0), lightened to (156, 156, 76).
const LOCKED_FILL = [135, 135, 38];
// The agent: red (255, 0, 0) or (255, 76, 76).
const AGENT_RED = [255, 38, 38];
// The goal: green (0, 255, 0) or (76, 255, 76).
const GOAL_GREEN = [38, 255, 38];
const CELL_PIXELS = TILE * TILE;

// The locked door: the cell mostly filled with the locked colour.
function doorCell(first) {
  const cells = findCells(first, LOCKED_FILL, TOL, TILE, 0.3);
  return cells.length > 0 ? cells[0] : null;
}

// The key: a yellow cell that is not the door (whose frame is yellow too).
function keyCell(first) {
  const door = doorCell(first);
  for (const cell of findCells(first, YELLOW, TOL, TILE, 0.05)) {
    if (door === null || cell.cx !== door.cx || cell.cy !== door.cy) return cell;
  }
  return null;
}

function goalCell(first) {
  const cells = findCells(first, GOAL_GREEN, TOL, TILE, 0.5);
  return cells.length > 0 ? cells[0] : null;
}

// Pixels of 'color' (within TOL) in the cell, counted until there are more than 'limit': comparing the
// result with 'limit' answers as comparing cellCount with it would, without reading the rest of the cell.
function countPast(frame, cell, color, limit) {
  const data = frame.data;
  const rl = color[0] - TOL;
  const rh = color[0] + TOL;
  const gl = color[1] - TOL;
  const gh = color[1] + TOL;
  const bl = color[2] - TOL;
  const bh = color[2] + TOL;
  let n = 0;
  for (let y = cell.cy * TILE; y < cell.cy * TILE + TILE; y++) {
    const end = (y * frame.width + cell.cx * TILE + TILE) * 3;
    for (let i = (y * frame.width + cell.cx * TILE) * 3; i < end; i += 3) {
      const r = data[i];
      if (r < rl || r > rh) continue;
      const g = data[i + 1];
      if (g < gl || g > gh) continue;
      const b = data[i + 2];
      if (b >= bl && b <= bh && ++n > limit) return n;
    }
  }
  return n;
}
`;

export const DOORKEY_REFERENCE: RewardProgram = parseRewardProgram({
  format: "vlmcar.program/1",
  task: {
    envId: "MiniGrid-DoorKey-8x8-v0",
    description: "use the key to open the door and then get to the goal",
  },
  helpers,
  subtasks: [
    {
      name: "pick_up_key",
      description: "The yellow key is no longer where it lay at the start: the agent picked it up.",
      code: `function pickUpKey(frame, first) {
  const key = keyCell(first);
  if (key === null) return false;
  return countPast(frame, key, YELLOW, 0.02 * CELL_PIXELS) < 0.02 * CELL_PIXELS;
}`,
    },
    {
      name: "open_door",
      description:
        "The door in the wall no longer shows the dark fill of a locked door: it was unlocked and opened.",
      code: `function openDoor(frame, first) {
  const door = doorCell(first);
  if (door === null) return false;
  return countPast(frame, door, LOCKED_FILL, 0.3 * CELL_PIXELS) < 0.3 * CELL_PIXELS;
}`,
    },
  ],
  goal: {
    description: "The agent's red triangle stands on the green goal square.",
    code: `function atGoal(frame, first) {
  const goal = goalCell(first);
  if (goal === null) return false;
  return countPast(frame, goal, AGENT_RED, 0.1 * CELL_PIXELS) > 0.1 * CELL_PIXELS;
}`,
  },
  provenance: {
    source: "hand-written",
    notes: "Reference program for MiniGrid DoorKey (any size), reading the full render at tile size 32.",
  },
});
