/**
 * FIXTURE replies for the generation tests, written by hand for these tests (not the output of any model).
 * The correct ones port the logic of the hand-written DoorKey reference program
 * (src/program/reference/doorkey.ts) into the shapes a VLM reply takes: prose around fenced code, helpers next
 * to the check, a named function, an arrow, several blocks. The broken ones are the failures the loop must
 * repair. Fixture servers wrap them in bodies labelled `"fixture": true`, under the model name "fixture-vlm".
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createVlmClient, type VlmClient } from "../../src/vlm/client.ts";
import type { Wire } from "../vlm/fixture-server.ts";
import { envFor } from "../vlm/helpers.ts";

export const FIXTURE_MODEL = "fixture-vlm";
/** Small verification settings: enough to tell a right program from a wrong one, in seconds. */
export const SMALL = { envId: "MiniGrid-DoorKey-5x5-v0", experts: 3, random: 20 } as const;

export const GOAL_REPLY =
  "(fixture reply) The final goal is that the red triangle stands on the green square, after getting through the " +
  "yellow door in the wall. The door is locked at first, so the key has to be fetched first.";

export const PLAN_REPLY = `(fixture reply) The agent has to:

1. pick_up_key: the yellow key is no longer on the floor where it lay at the start
2. open_door: the yellow door in the wall no longer shows the dark fill of a locked door
`;

export const PLAN_WRONG_ORDER = `(fixture reply)
1. **open_door**: the yellow door in the wall is open
2. **pick_up_key**: the yellow key is gone from its starting cell
`;

export const PLAN_AS_PROSE =
  "(fixture reply) First the agent must get the key, then it can open the door and walk to the goal.";

/** Helpers every correct check repeats (each check is compiled on its own). */
const HELPERS = `const TILE = 32;
const TOL = 40;
const YELLOW = [255, 255, 38];
const LOCKED_FILL = [135, 135, 38];
const AGENT_RED = [255, 38, 38];
const GOAL_GREEN = [38, 255, 38];
const CELL_PIXELS = TILE * TILE;

function doorCell(first) {
  const cells = findCells(first, LOCKED_FILL, TOL, TILE, 0.3);
  return cells.length > 0 ? cells[0] : null;
}

function keyCell(first) {
  const door = doorCell(first);
  for (const cell of findCells(first, YELLOW, TOL, TILE, 0.05)) {
    if (door === null || cell.cx !== door.cx || cell.cy !== door.cy) return cell;
  }
  return null;
}`;

export const PICK_UP_KEY_REPLY = `(fixture reply) The key only leaves its cell when it is picked up, so I compare its
starting cell in \`first\` with the current frame.

\`\`\`javascript
${HELPERS}

function pickUpKey(frame, first) {
  const key = keyCell(first);
  if (key === null) return false;
  return cellCount(frame, key.cx, key.cy, TILE, YELLOW, TOL) < 0.02 * CELL_PIXELS;
}
\`\`\`

It returns false when there is no key to find.`;

/** Two blocks, the second without a language tag, the check as an arrow assigned to a const. */
export const OPEN_DOOR_REPLY = `(fixture reply) Helpers first:

\`\`\`js
${HELPERS}
\`\`\`

and the check:

\`\`\`
const openDoor = (frame, first) => {
  const door = doorCell(first);
  if (door === null) return false;
  return cellCount(frame, door.cx, door.cy, TILE, LOCKED_FILL, TOL) < 0.3 * CELL_PIXELS;
};
\`\`\``;

export const GOAL_CHECK_REPLY = `(fixture reply)
\`\`\`javascript
const TILE = 32;
const TOL = 40;
const AGENT_RED = [255, 38, 38];
const GOAL_GREEN = [38, 255, 38];

function goalCell(first) {
  const cells = findCells(first, GOAL_GREEN, TOL, TILE, 0.5);
  return cells.length > 0 ? cells[0] : null;
}

function goalReached(frame, first) {
  const goal = goalCell(first);
  if (goal === null) return false;
  return cellCount(frame, goal.cx, goal.cy, TILE, AGENT_RED, TOL) > 0.1 * TILE * TILE;
}
\`\`\``;

// ---- broken replies ----

/** The five fixture replies of a chain that yields an accepted DoorKey program, in the order they are asked for. */
export const ACCEPTED_CHAIN = [
  GOAL_REPLY,
  PLAN_REPLY,
  PICK_UP_KEY_REPLY,
  OPEN_DOOR_REPLY,
  GOAL_CHECK_REPLY,
].map((reply) => ({ reply }));

export const NO_CODE_REPLY =
  "(fixture reply) I would check whether the key has disappeared from the tile where it started.";

export const SYNTAX_ERROR_REPLY = `(fixture reply)
\`\`\`javascript
function pickUpKey(frame, first) {
  return cellCount(frame, 1, 1, 32, [255, 255, 0], 40 < ;
}
\`\`\``;

/** Throws mid-episode only: once the key is gone while the door is still locked (never on the two probe frames). */
export const OPEN_DOOR_THROWS_REPLY = `(fixture reply)
\`\`\`javascript
${HELPERS}

function openDoor(frame, first) {
  const door = doorCell(first);
  if (door === null) return false;
  const locked = cellCount(frame, door.cx, door.cy, TILE, LOCKED_FILL, TOL) >= 0.3 * CELL_PIXELS;
  const holder = keyCell(frame) === null && locked ? null : door;
  return holder.cx >= 0 && !locked;
}
\`\`\``;

export const ALWAYS_TRUE_GOAL_REPLY = `(fixture reply)
\`\`\`javascript
function goalReached(frame, first) {
  return true;
}
\`\`\``;

/** A fresh folder, removed when the test ends. */
export function tempDir(t: { after(fn: () => void): void }): string {
  const path = mkdtempSync(join(tmpdir(), "vlmcar-generate-test-"));
  t.after(() => rmSync(path, { recursive: true, force: true }));
  return path;
}

/** A client for the fixture model on a fixture server, retries fast, transcript in `dir`. */
export function fixtureClient(wire: Wire, url: string, dir: string, timeoutMs = 10_000): VlmClient {
  return createVlmClient(`${wire}:${FIXTURE_MODEL}`, {
    env: envFor(wire, url),
    transcript: join(dir, "transcript.jsonl"),
    retry: { timeoutMs, baseDelayMs: 5, maxAttempts: 3 },
    hooks: { sleep: async () => {}, random: () => 0.5 },
    prices: { [`${wire}:${FIXTURE_MODEL}`]: { input: 1, output: 2 } },
  });
}
