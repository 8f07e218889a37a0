import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { OBJECT_TO_IDX } from "../../../src/env/minigrid/constants.ts";
import {
  createAgentView,
  egocentricView,
  type GridCells,
  highlightMask,
} from "../../../src/env/minigrid/view.ts";

/** Reference data: $MINIGRID_REFERENCE, relative to the repository root, or the shared folder beside it. */
const REFERENCE = resolve(
  import.meta.dirname,
  "../../..",
  process.env.MINIGRID_REFERENCE ?? "../shared/reference/minigrid",
);

interface ResetRecord {
  seed: number;
  grid: string;
  agent_pos: [number, number];
  agent_dir: number;
  obs: string;
}

function referenceEnvFiles(): string[] {
  return readdirSync(REFERENCE)
    .filter((f) => f.startsWith("MiniGrid-") && f.endsWith(".json"))
    .sort();
}

/**
 * Farama families built with `see_through_walls=True` (minigrid/envs/*.py); all others use occlusion.
 * The reference files do not record the flag, so it is listed here.
 */
const SEE_THROUGH_WALLS = /^MiniGrid-(Empty|GoToDoor|GoToObject|DistShift|Dynamic-Obstacles|Fetch|PutNear)\b/;

const sha16 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex").slice(0, 16);

/** Builds a width x height grid of empty cells, then places [type, color, state] at the given cells. */
function gridOf(
  width: number,
  height: number,
  objects: [number, number, number, number, number][] = [],
): GridCells {
  const cells = new Uint8Array(width * height * 3);
  for (let c = 0; c < width * height; c++) cells[c * 3] = OBJECT_TO_IDX.empty;
  for (const [x, y, t, col, s] of objects) cells.set([t, col, s], (x * height + y) * 3);
  return { width, height, cells };
}

describe("egocentricView matches Farama's observations", () => {
  const files = referenceEnvFiles();
  it("finds reference data", () => assert.ok(files.length > 0, `no MiniGrid-*.json files in ${REFERENCE}`));
  for (const file of files) {
    it(file.replace(/\.json$/, ""), () => {
      const data = JSON.parse(readFileSync(join(REFERENCE, file), "utf8")) as {
        width: number;
        height: number;
        resets: ResetRecord[];
      };
      const out = createAgentView(7);
      const seeThroughWalls = SEE_THROUGH_WALLS.test(file);
      for (const r of data.resets) {
        const grid: GridCells = { width: data.width, height: data.height, cells: Buffer.from(r.grid, "hex") };
        assert.equal(grid.cells.length, data.width * data.height * 3);
        const [x, y] = r.agent_pos;
        // After reset the agent carries nothing.
        egocentricView(grid, x, y, r.agent_dir, 7, seeThroughWalls, null, out);
        assert.equal(sha16(out.image), r.obs, `seed ${r.seed}: observation hash`);
      }
    });
  }
});

describe("egocentricView", () => {
  it("puts the agent at the bottom middle, facing up, and shows what it carries", () => {
    // 9x9 room, agent at (4, 4) facing right (dir 0); a ball 2 cells ahead.
    const grid = gridOf(9, 9, [[6, 4, OBJECT_TO_IDX.ball, 2, 0]]);
    const view = egocentricView(grid, 4, 4, 0, 7, false, [OBJECT_TO_IDX.key, 4, 0]);
    const at = (i: number, j: number) =>
      Array.from(view.image.subarray((i * 7 + j) * 3, (i * 7 + j) * 3 + 3));
    assert.deepEqual(at(3, 6), [OBJECT_TO_IDX.key, 4, 0], "carried key on the agent cell");
    assert.deepEqual(at(3, 4), [OBJECT_TO_IDX.ball, 2, 0], "ball two rows up, straight ahead");
    // Beyond x = 8 the world ends: Farama's slice fills it with grey walls; the first row past the edge is seen.
    assert.deepEqual(at(3, 1), [OBJECT_TO_IDX.wall, 5, 0]);
    // Behind those walls nothing is seen.
    assert.deepEqual(at(3, 0), [0, 0, 0]);
    assert.equal(view.visMask[3 * 7 + 0], 0);
  });

  it("closed doors block sight, open doors do not", () => {
    // A wall column at x = 6 with a door at (6, 4); agent at (4, 4) facing right.
    const walls: [number, number, number, number, number][] = [];
    for (let y = 0; y < 9; y++) if (y !== 4) walls.push([6, y, OBJECT_TO_IDX.wall, 5, 0]);
    const behindDoor = (state: number) => {
      const grid = gridOf(9, 9, [...walls, [6, 4, OBJECT_TO_IDX.door, 0, state]]);
      return egocentricView(grid, 4, 4, 0, 7, false, null).visMask[3 * 7 + 3];
    };
    assert.equal(behindDoor(0), 1, "open door: the cell behind it is seen");
    assert.equal(behindDoor(1), 0, "closed door: the cell behind it is hidden");
    assert.equal(behindDoor(2), 0, "locked door: the cell behind it is hidden");
    const grid = gridOf(9, 9, [...walls, [6, 4, OBJECT_TO_IDX.door, 0, 1]]);
    assert.equal(
      egocentricView(grid, 4, 4, 0, 7, true, null).visMask[3 * 7 + 3],
      1,
      "seeThroughWalls sees all",
    );
  });

  it("reuses the buffers it is given and rejects buffers of the wrong size", () => {
    const grid = gridOf(5, 5);
    const out = createAgentView(7);
    assert.equal(egocentricView(grid, 2, 2, 1, 7, false, null, out), out);
    assert.throws(() => egocentricView(grid, 2, 2, 1, 5, false, null, out), /createAgentView/);
  });
});

describe("highlightMask", () => {
  it("maps seen view cells back onto the grid, clipped to its bounds", () => {
    const grid = gridOf(5, 5);
    // Agent at (1, 2) facing up (dir 3) sees every cell (no walls): the view covers x in -2..4, y in -4..2.
    const view = egocentricView(grid, 1, 2, 3, 7, true, null);
    const mask = highlightMask(grid, 1, 2, 3, 7, view.visMask);
    for (let x = 0; x < 5; x++) {
      for (let y = 0; y < 5; y++) assert.equal(mask[x * 5 + y], y <= 2 ? 1 : 0, `cell (${x}, ${y})`);
    }
  });

  it("highlights only what is seen: a wall hides the room behind it", () => {
    const walls: [number, number, number, number, number][] = [];
    for (let y = 0; y < 7; y++) walls.push([3, y, OBJECT_TO_IDX.wall, 5, 0]);
    const grid = gridOf(7, 7, walls);
    const view = egocentricView(grid, 1, 3, 0, 7, false, null);
    const mask = highlightMask(grid, 1, 3, 0, 7, view.visMask, new Uint8Array(49));
    assert.equal(mask[1 * 7 + 3], 1, "the agent's own cell");
    assert.equal(mask[3 * 7 + 3], 1, "the wall itself is seen");
    assert.equal(mask[4 * 7 + 3], 0, "behind the wall is not");
    assert.equal(mask[0 * 7 + 3], 0, "behind the agent is not in view");
  });
});

/** Farama's `Grid.process_vis`, cell by cell, as the oracle for the bit-parallel version. */
function faramaProcessVis(opaque: (i: number, j: number) => boolean, v: number): Uint8Array {
  const mask = new Uint8Array(v * v);
  mask[(v >> 1) * v + v - 1] = 1;
  for (let j = v - 1; j >= 0; j--) {
    for (let i = 0; i < v - 1; i++) {
      if (!mask[i * v + j] || opaque(i, j)) continue;
      mask[(i + 1) * v + j] = 1;
      if (j > 0) {
        mask[(i + 1) * v + j - 1] = 1;
        mask[i * v + j - 1] = 1;
      }
    }
    for (let i = v - 1; i >= 1; i--) {
      if (!mask[i * v + j] || opaque(i, j)) continue;
      mask[(i - 1) * v + j] = 1;
      if (j > 0) {
        mask[(i - 1) * v + j - 1] = 1;
        mask[i * v + j - 1] = 1;
      }
    }
  }
  return mask;
}

describe("egocentricView occlusion", () => {
  it("equals Farama's process_vis on random rooms, for every view size and direction", () => {
    // A small deterministic generator, so a failure reproduces.
    let state = 12345;
    const rand = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    for (const v of [3, 5, 7, 9, 11, 31]) {
      for (let trial = 0; trial < 60; trial++) {
        const size = v + 4;
        // The agent stands on a free cell, as in every env.
        const ax = Math.floor(rand() * size);
        const ay = Math.floor(rand() * size);
        const objects: [number, number, number, number, number][] = [];
        const density = rand() * 0.6;
        for (let x = 0; x < size; x++) {
          for (let y = 0; y < size; y++) {
            const r = rand();
            if (x === ax && y === ay) continue;
            if (r < density * 0.7) objects.push([x, y, OBJECT_TO_IDX.wall, 5, 0]);
            else if (r < density) objects.push([x, y, OBJECT_TO_IDX.door, 0, Math.floor(rand() * 3)]);
            else if (r < density + 0.05) objects.push([x, y, OBJECT_TO_IDX.ball, 1, 0]);
          }
        }
        const grid = gridOf(size, size, objects);
        const dir = Math.floor(rand() * 4);
        const seeThrough = egocentricView(grid, ax, ay, dir, v, true, null);
        const image = seeThrough.image.slice();
        const blocks = (i: number, j: number) => {
          const [t, , s] = image.subarray((i * v + j) * 3, (i * v + j) * 3 + 3);
          return t === OBJECT_TO_IDX.wall || (t === OBJECT_TO_IDX.door && s !== 0);
        };
        const view = egocentricView(grid, ax, ay, dir, v, false, null);
        assert.deepEqual(view.visMask, faramaProcessVis(blocks, v), `view ${v}, trial ${trial}`);
      }
    }
  });

  it("rejects view sizes Farama does not allow or the bit sets cannot hold", () => {
    const grid = gridOf(5, 5);
    for (const v of [2, 4, 1, 33])
      assert.throws(() => egocentricView(grid, 2, 2, 0, v, false, null), /viewSize/);
  });
});
