import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { OBJECT_TO_IDX } from "../../../src/env/minigrid/constants.ts";
import { renderTiles } from "../../../src/env/minigrid/render.ts";
import {
  createAgentView,
  egocentricView,
  type GridCells,
  highlightMask,
} from "../../../src/env/minigrid/view.ts";
import { createFrame } from "../../../src/image/frame.ts";

/** Reference data: $MINIGRID_REFERENCE, relative to the repository root, or the shared folder beside it. */
const REFERENCE = resolve(
  import.meta.dirname,
  "../../..",
  process.env.MINIGRID_REFERENCE ?? "../shared/reference/minigrid",
);

/** Farama families built with `see_through_walls=True` (minigrid/envs/*.py); the reference files do not say. */
const SEE_THROUGH_WALLS = /^MiniGrid-(Empty|GoToDoor|GoToObject|DistShift|Dynamic-Obstacles|Fetch|PutNear)\b/;

interface ReferenceFile {
  width: number;
  height: number;
  resets: { seed: number; grid: string; agent_pos: [number, number]; agent_dir: number }[];
  renders: {
    seed: number;
    frames: { t: number; full: string; full8: string; pov: string; shape?: number[] }[];
  }[];
}

const sha16 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex").slice(0, 16);

describe("renderTiles matches Farama's frames right after reset", () => {
  const files = readdirSync(REFERENCE)
    .filter((f) => f.startsWith("MiniGrid-") && f.endsWith(".json"))
    .sort();
  it("finds reference data", () => assert.ok(files.length > 0, `no MiniGrid-*.json files in ${REFERENCE}`));
  for (const file of files) {
    it(file.replace(/\.json$/, ""), () => {
      const data = JSON.parse(readFileSync(join(REFERENCE, file), "utf8")) as ReferenceFile;
      const seeThroughWalls = SEE_THROUGH_WALLS.test(file);
      for (const render of data.renders) {
        const reset = data.resets.find((r) => r.seed === render.seed);
        assert.ok(reset, `no reset record for render seed ${render.seed}`);
        const first = render.frames[0];
        assert.equal(first.t, -1);
        const grid: GridCells = {
          width: data.width,
          height: data.height,
          cells: Buffer.from(reset.grid, "hex"),
        };
        const [x, y] = reset.agent_pos;
        const dir = reset.agent_dir;
        const view = egocentricView(grid, x, y, dir, 7, seeThroughWalls, null, createAgentView(7));
        const lit = highlightMask(grid, x, y, dir, 7, view.visMask);
        const scene = { ...grid, agentX: x, agentY: y, agentDir: dir, highlight: lit };

        const full = renderTiles({ ...scene, tileSize: 32 });
        if (first.shape) assert.deepEqual([full.height, full.width, 3], first.shape);
        assert.equal(sha16(full.data), first.full, `seed ${render.seed}: full render at tile 32`);
        assert.equal(
          sha16(renderTiles({ ...scene, tileSize: 8 }).data),
          first.full8,
          `seed ${render.seed}: tile 8`,
        );
        const pov = renderTiles({
          width: 7,
          height: 7,
          cells: view.image,
          agentX: 3,
          agentY: 6,
          agentDir: 3,
          highlight: view.visMask,
          tileSize: 8,
        });
        assert.equal(sha16(pov.data), first.pov, `seed ${render.seed}: agent's view at tile 8`);
      }
    });
  }
});

describe("renderTiles", () => {
  const W = 5;
  const H = 4;
  const emptyGrid = (): Uint8Array => {
    const cells = new Uint8Array(W * H * 3);
    for (let c = 0; c < W * H; c++) cells[c * 3] = OBJECT_TO_IDX.empty;
    return cells;
  };
  const put = (cells: Uint8Array, x: number, y: number, enc: [number, number, number]) =>
    cells.set(enc, (x * H + y) * 3);

  it("repaints only what changed, yet every frame equals a render from scratch", () => {
    const out = createFrame(W * 8, H * 8);
    const cells = emptyGrid();
    const lit = new Uint8Array(W * H);
    // A sequence of scenes: the agent walks and turns, a door opens, the highlight moves, a key appears.
    for (let step = 0; step < 12; step++) {
      lit.fill(0);
      for (let y = 0; y < H; y++) lit[(step % W) * H + y] = 1;
      put(cells, 2, 1, [OBJECT_TO_IDX.door, 4, step % 3]);
      if (step === 6) put(cells, 4, 3, [OBJECT_TO_IDX.key, 1, 0]);
      const scene = {
        width: W,
        height: H,
        cells,
        agentX: step % W,
        agentY: 2,
        agentDir: step % 4,
        highlight: lit,
      };
      const incremental = renderTiles({ ...scene, tileSize: 8, out });
      assert.equal(incremental, out, "draws into the frame it is given");
      const fresh = renderTiles({ ...scene, tileSize: 8, out: createFrame(W * 8, H * 8) });
      assert.deepEqual(incremental.data, fresh.data, `step ${step}`);
    }
  });

  it("starts over when one buffer is reused for a grid of another shape with the same byte count", () => {
    const data = new Uint8Array(W * 8 * H * 8 * 3);
    const wide = {
      width: W,
      height: H,
      cells: emptyGrid(),
      agentX: 1,
      agentY: 1,
      agentDir: 0,
      highlight: null,
    };
    renderTiles({ ...wide, tileSize: 8, out: { width: W * 8, height: H * 8, data } });
    const tallCells = new Uint8Array(W * H * 3);
    for (let c = 0; c < W * H; c++) tallCells[c * 3] = OBJECT_TO_IDX.wall;
    const tall = {
      width: H,
      height: W,
      cells: tallCells,
      agentX: 0,
      agentY: 0,
      agentDir: 1,
      highlight: null,
    };
    const reused = renderTiles({ ...tall, tileSize: 8, out: { width: H * 8, height: W * 8, data } });
    assert.deepEqual(reused.data, renderTiles({ ...tall, tileSize: 8 }).data);
  });

  it("returns frames the caller owns: changing one does not leak into the next render", () => {
    const scene = {
      width: W,
      height: H,
      cells: emptyGrid(),
      agentX: 1,
      agentY: 1,
      agentDir: 0,
      highlight: null,
      tileSize: 8,
    };
    const a = renderTiles(scene);
    const expected = a.data.slice();
    a.data.fill(7);
    const b = renderTiles(scene);
    assert.notEqual(b.data, a.data);
    assert.deepEqual(b.data, expected);
  });

  it("draws the agent only where asked, unseen like empty, and a highlight that lightens", () => {
    const cells = emptyGrid();
    const base = {
      width: W,
      height: H,
      cells,
      agentX: -1,
      agentY: 0,
      agentDir: 0,
      highlight: null,
      tileSize: 8,
    };
    const noAgent = renderTiles(base).data;
    const unseen = new Uint8Array(cells.length); // all [0, 0, 0]
    assert.deepEqual(renderTiles({ ...base, cells: unseen }).data, noAgent, "unseen draws as empty");
    const withAgent = renderTiles({ ...base, agentX: 0 }).data;
    assert.notDeepEqual(withAgent, noAgent);
    // Pixel (4, 4) is in the middle of tile (0, 0): black when empty, red under the agent, lighter when lit.
    const mid = (d: Uint8Array) => Array.from(d.subarray((4 * W * 8 + 4) * 3, (4 * W * 8 + 4) * 3 + 3));
    assert.deepEqual(mid(noAgent), [0, 0, 0]);
    assert.deepEqual(mid(withAgent), [255, 0, 0]);
    const lit = new Uint8Array(W * H).fill(1);
    assert.deepEqual(mid(renderTiles({ ...base, highlight: lit }).data), [76, 76, 76]);
  });

  it("draws a floor as its colour halved inside the grid lines (no reference env has floors)", () => {
    const cells = emptyGrid();
    put(cells, 0, 0, [OBJECT_TO_IDX.floor, 2, 0]); // blue floor
    const frame = renderTiles({
      width: W,
      height: H,
      cells,
      agentX: -1,
      agentY: 0,
      agentDir: 0,
      highlight: null,
      tileSize: 32,
    });
    const px = (x: number, y: number) =>
      Array.from(frame.data.subarray((y * W * 32 + x) * 3, (y * W * 32 + x) * 3 + 3));
    assert.deepEqual(px(16, 16), [0, 0, 127], "255 / 2 truncates to 127, as numpy stores it");
    assert.deepEqual(px(0, 16), [100, 100, 100], "the left grid line stays");
    assert.deepEqual(px(16, 0), [100, 100, 100], "the top grid line stays");
  });

  it("names the problem when inputs do not fit", () => {
    const scene = {
      width: W,
      height: H,
      cells: emptyGrid(),
      agentX: 0,
      agentY: 0,
      agentDir: 0,
      highlight: null,
      tileSize: 8,
    };
    assert.throws(() => renderTiles({ ...scene, out: createFrame(10, 10) }), /out is 10x10/);
    assert.throws(() => renderTiles({ ...scene, cells: new Uint8Array(3) }), /cells must hold/);
    assert.throws(() => renderTiles({ ...scene, tileSize: 0 }), /tileSize/);
    const bad = emptyGrid();
    put(bad, 3, 3, [42, 0, 0]);
    assert.throws(() => renderTiles({ ...scene, cells: bad }), /invalid cell encoding \[42, 0, 0\]/);
  });
});
