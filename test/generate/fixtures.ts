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
import type { Scene } from "../../src/generate/scene.ts";
import { createFrame } from "../../src/image/frame.ts";
import { createVlmClient, type VlmClient } from "../../src/vlm/client.ts";
import type { ChatReply, ChatRequest, Vlm } from "../../src/vlm/types.ts";
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

// ---- MiniGrid-KeyCorridorS3R3-v0: colours vary between episodes ----
// FIXTURE replies written by hand for the tests (not any model's output). The checks find the locked door by
// its darker fill in any of the six colours, the key by that colour and its ring, the ball by its round patch,
// and accept both shades of every colour (the agent's view is drawn lighter).

export const KC_ENV = "MiniGrid-KeyCorridorS3R3-v0";

export const KC_GOAL_REPLY =
  "(fixture reply) The agent must pick up the ball that sits behind the locked door: the ball is gone from the " +
  "frame once it is carried. Its colour, like the door's and the key's, changes from one episode to the next.";

export const KC_PLAN_REPLY = `(fixture reply)
1. pick_up_key: the key of the locked door's colour is gone from its cell (the agent carries it)
2. open_locked_door: the locked door no longer shows its darker fill
`;

const KC_HELPERS = `const TILE = 32;
// Every colour an object can have; the cells the agent sees are drawn lighter, so each has two shades.
const PALETTE = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [112, 39, 195], [255, 255, 0], [100, 100, 100]];
function lighter(c) { return c.map((v) => Math.floor(v + 0.3 * (255 - v))); }
function darker(c) { return c.map((v) => Math.floor(v * 0.45)); }
function countBoth(frame, cx, cy, c, tol) {
  return cellCount(frame, cx, cy, TILE, c, tol) + cellCount(frame, cx, cy, TILE, lighter(c), tol);
}
// The locked door: a cell filled with the darker shade of its colour. Its colour is the key's.
function lockedDoor(first) {
  for (const color of PALETTE) {
    for (const shade of [darker(color), lighter(darker(color))]) {
      const cells = findCells(first, shade, 5, TILE, 0.4);
      if (cells.length > 0) return { cx: cells[0].cx, cy: cells[0].cy, color };
    }
  }
  return null;
}
// A closed door's colour reaches the cell's right edge; a key's or a ball's does not.
function touchesEdge(frame, cx, cy, color) {
  const p = pixel(frame, cx * TILE + TILE - 1, cy * TILE + TILE / 2);
  return sameColor(p, color, 12) || sameColor(p, lighter(color), 12);
}
// A key's ring: dark in its middle, its colour just above (the agent's triangle has no hole).
function ringHole(frame, cx, cy, color) {
  const hole = pixel(frame, cx * TILE + 18, cy * TILE + 9);
  const ring = pixel(frame, cx * TILE + 18, cy * TILE + 4);
  const dark = sameColor(hole, [0, 0, 0], 12) || sameColor(hole, [76, 76, 76], 12);
  return dark && (sameColor(ring, color, 12) || sameColor(ring, lighter(color), 12));
}
// The key: a smaller patch of the door's colour in another cell (a ball of that colour covers more).
function keyCell(first) {
  const door = lockedDoor(first);
  if (door === null) return null;
  const { cols, rows } = gridSize(first, TILE);
  for (let cy = 0; cy < rows; cy++) {
    for (let cx = 0; cx < cols; cx++) {
      if (cx === door.cx && cy === door.cy) continue;
      const n = countBoth(first, cx, cy, door.color, 12);
      if (n > 80 && n < 240 && !touchesEdge(first, cx, cy, door.color) && ringHole(first, cx, cy, door.color))
        return { cx, cy, color: door.color };
    }
  }
  return null;
}`;

export const KC_KEY_REPLY = `(fixture reply) The key has the locked door's colour, whatever that is:

\`\`\`javascript
${KC_HELPERS}

function pickUpKey(frame, first) {
  const key = keyCell(first);
  if (key === null) return false;
  // Grid lines (grey) stay in the cell, so compare with the start rather than with zero.
  return countBoth(frame, key.cx, key.cy, key.color, 12) < 0.5 * countBoth(first, key.cx, key.cy, key.color, 12);
}
\`\`\``;

export const KC_DOOR_REPLY = `(fixture reply)
\`\`\`javascript
${KC_HELPERS}

function openLockedDoor(frame, first) {
  const door = lockedDoor(first);
  if (door === null) return false;
  const dark = darker(door.color);
  const left = cellCount(frame, door.cx, door.cy, TILE, dark, 5) + cellCount(frame, door.cx, door.cy, TILE, lighter(dark), 5);
  return left < 0.1 * TILE * TILE;
}
\`\`\``;

export const KC_GOAL_CHECK_REPLY = `(fixture reply) The ball is the one round object; the goal is its cell emptied.

\`\`\`javascript
const TILE = 32;
const PALETTE = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [112, 39, 195], [255, 255, 0], [100, 100, 100]];
function lighter(c) { return c.map((v) => Math.floor(v + 0.3 * (255 - v))); }
function countBoth(frame, cx, cy, c, tol) {
  return cellCount(frame, cx, cy, TILE, c, tol) + cellCount(frame, cx, cy, TILE, lighter(c), tol);
}
// The ball: a cell whose centre and a round patch of 240-400 pixels have one colour (a key covers less, a
// door's centre is dark, a wall covers the whole cell).
function ballCell(first) {
  const { cols, rows } = gridSize(first, TILE);
  for (let cy = 0; cy < rows; cy++) {
    for (let cx = 0; cx < cols; cx++) {
      const centre = pixel(first, cx * TILE + TILE / 2, cy * TILE + TILE / 2);
      for (const color of PALETTE) {
        if (!sameColor(centre, color, 12) && !sameColor(centre, lighter(color), 12)) continue;
        const n = countBoth(first, cx, cy, color, 12);
        if (n >= 240 && n <= 400) return { cx, cy, color };
      }
    }
  }
  return null;
}
function goalReached(frame, first) {
  const ball = ballCell(first);
  if (ball === null) return false;
  // Grid lines (grey) stay in the cell, so compare with the start rather than with zero.
  return countBoth(frame, ball.cx, ball.cy, ball.color, 12) < 0.5 * countBoth(first, ball.cx, ball.cy, ball.color, 12);
}
\`\`\``;

/** The FIXTURE replies of a KeyCorridorS3R3 chain, in the order they are asked for. */
export const KC_CHAIN = [KC_GOAL_REPLY, KC_PLAN_REPLY, KC_KEY_REPLY, KC_DOOR_REPLY, KC_GOAL_CHECK_REPLY].map(
  (reply) => ({ reply }),
);

/** A FIXTURE check that is never true, declared as `fn`. */
export function neverReply(fn: string): string {
  return `(fixture reply)\n\`\`\`javascript\nfunction ${fn}(frame, first) {\n  return false;\n}\n\`\`\``;
}

/** A FIXTURE VLM that answers by what is asked and by the sampling seed (candidates come concurrently). */
export function keyedVlm(
  answer: (question: string, seed: number | undefined) => string,
): Vlm & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    requests,
    async chat(request: ChatRequest): Promise<ChatReply> {
      requests.push(request);
      const last = request.messages.at(-1);
      const question = (last?.content ?? []).filter((p) => typeof p === "string").join("");
      return {
        text: answer(question, request.seed),
        usage: { inputTokens: 1, outputTokens: 1 },
        model: FIXTURE_MODEL,
        provider: "fixture",
        source: "network",
        finishReason: "stop",
        latencyMs: 0,
        costUsd: 0,
        callId: `fixture-${requests.length}`,
      };
    },
  };
}

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

/** A scene of blank frames for `envId` (a tile grid when `tileSize` is given), for tests of the prompt text alone. */
export function blankScene(envId: string, width: number, height: number, tileSize?: number): Scene {
  return {
    envId,
    render: tileSize
      ? { mode: "full", tileSize, highlight: true }
      : { mode: "scene", width, height, shadows: false },
    initial: createFrame(width, height),
    goal: createFrame(width, height),
    ...(tileSize ? { tileSize } : {}),
  } as unknown as Scene;
}
