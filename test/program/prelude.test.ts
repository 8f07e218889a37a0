import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runInThisContext } from "node:vm";
import type { Frame } from "../../src/image/frame.ts";
import { PRELUDE_API, PRELUDE_FUNCTIONS, PRELUDE_SOURCE } from "../../src/program/prelude/index.ts";
import { BLUE, GREEN, paint, RED, type Rgb, solid } from "./fixtures.ts";

// The prelude is our own trusted code: evaluating it in the test's realm lets us call it directly. That it
// behaves the same inside the sandbox is covered by sandbox.test.ts.
// biome-ignore lint/suspicious/noExplicitAny: the prelude is untyped JavaScript
const P: Record<string, (...args: any[]) => any> = runInThisContext(PRELUDE_SOURCE, {
  filename: "vision.js",
});

const empty = solid(12, 10);
const scene = paint(paint(paint(empty, 1, 1, 3, 2, RED), 8, 6, 2, 3, RED), 5, 0, 1, 1, GREEN);

describe("vision prelude", () => {
  it("documents exactly the functions it defines", () => {
    assert.deepEqual([...PRELUDE_FUNCTIONS].sort(), Object.keys(P).sort());
    assert.match(PRELUDE_API, /\(frame, first\)/);
  });

  it("reads pixels and compares colours with tolerance", () => {
    assert.deepEqual(P.pixel(scene, 1, 1), RED);
    assert.deepEqual(P.pixel(scene, 0, 0), [0, 0, 0]);
    assert.throws(() => P.pixel(scene, 12, 0), /pixel: \(12, 0\) is outside the 12x10 frame/);
    assert.equal(P.sameColor([250, 5, 0], RED, 5), true);
    assert.equal(P.sameColor([249, 5, 0], RED, 5), false);
  });

  it("counts and masks colours, exactly or with a tolerance", () => {
    assert.equal(P.countColor(scene, RED), 12);
    assert.equal(P.countColor(scene, [240, 10, 10], 15), 12);
    assert.equal(P.countColor(scene, [240, 10, 10], 14), 0);
    assert.equal(P.hasColor(scene, GREEN), true);
    assert.equal(P.hasColor(scene, GREEN, 0, 2), false);
    assert.equal(P.hasColor(scene, BLUE), false);
    const m = P.mask(scene, RED);
    assert.equal(m.count, 12);
    assert.equal(m.data[1 * 12 + 1], 1);
    assert.equal(m.data[0], 0);
    assert.deepEqual(P.bbox(m), { x0: 1, y0: 1, x1: 9, y1: 8 });
    assert.equal(P.bbox(P.mask(scene, BLUE)), null);
    assert.deepEqual(P.centroid(P.mask(scene, GREEN)), { x: 5, y: 0 });
  });

  it("returns a fresh mask each time, so changing one does not change the next", () => {
    const m = P.mask(scene, RED);
    m.data.fill(0);
    m.count = 0;
    assert.equal(P.mask(scene, RED).count, 12);
    assert.equal(P.countColor(scene, RED), 12);
  });

  it("finds 8-connected components with area, box and centroid, largest first", () => {
    const blobs = P.blobs(scene, RED);
    assert.equal(blobs.length, 2);
    assert.deepEqual(blobs[0], { area: 6, x0: 1, y0: 1, x1: 3, y1: 2, cx: 2, cy: 1.5 });
    assert.deepEqual(blobs[1], { area: 6, x0: 8, y0: 6, x1: 9, y1: 8, cx: 8.5, cy: 7 });
    assert.equal(P.blobs(scene, RED, 0, 7).length, 0);
    // Diagonal neighbours join.
    const diagonal = paint(paint(empty, 0, 0, 1, 1, RED), 1, 1, 1, 1, RED);
    assert.equal(P.components(P.mask(diagonal, RED)).length, 1);
  });

  it("diffs frames", () => {
    assert.equal(P.diffCount(scene, empty), 13);
    assert.equal(P.diffCount(scene, scene), 0);
    const dimmer = paint(empty, 0, 0, 1, 1, [0, 0, 9]);
    assert.equal(P.diffCount(dimmer, empty, 9), 0);
    assert.equal(P.diffCount(dimmer, empty, 8), 1);
    assert.equal(P.diffMask(scene, empty).count, 13);
    assert.throws(() => P.diffCount(scene, solid(4, 4)), /differ in size/);
  });

  it("crops", () => {
    const c = P.crop(scene, 1, 1, 3, 2);
    assert.equal(c.width, 3);
    assert.equal(P.countColor(c, RED), 6);
    assert.throws(() => P.crop(scene, 10, 0, 3, 1), /not inside/);
  });

  describe("grid helpers", () => {
    // A 4x3 grid of 8-pixel tiles: a red "object" in cell (1, 0), a 2-pixel green mark in cell (3, 2).
    const tile = 8;
    let grid: Frame = solid(32, 24);
    grid = paint(grid, 9, 2, 5, 4, RED);
    grid = paint(grid, 30, 22, 1, 2, GREEN);
    grid = paint(grid, 0, 0, 32, 1, [100, 100, 100]); // a grid line across the top row of cells

    it("maps pixels to cells and back", () => {
      assert.deepEqual(P.gridSize(grid, tile), { cols: 4, rows: 3 });
      assert.deepEqual(P.cellOf(9, 17, tile), { cx: 1, cy: 2 });
      assert.deepEqual(P.cellCenter(1, 2, tile), { x: 12, y: 20 });
    });

    it("counts, ranks and picks a cell's colours", () => {
      assert.equal(P.cellCount(grid, 1, 0, tile, RED), 20);
      assert.equal(P.cellCount(grid, 0, 0, tile, RED), 0);
      assert.deepEqual(P.cellColor(grid, 1, 0, tile), [0, 0, 0]);
      assert.deepEqual(P.cellColor(grid, 1, 0, tile, [[0, 0, 0]]), RED);
      assert.equal(P.cellColor(solid(8, 8), 0, 0, tile, [[0, 0, 0]]), null);
      const colors = P.cellColors(grid, 1, 0, tile);
      assert.deepEqual(
        colors.map((c: { color: Rgb; count: number }) => c.count),
        [36, 20, 8],
      );
      assert.throws(() => P.cellCount(grid, 4, 0, tile, RED), /outside the 4x3 grid/);
    });

    it("finds the cells holding a colour, in reading order, above a minimum fraction", () => {
      assert.deepEqual(P.findCells(grid, RED, 0, tile), [{ cx: 1, cy: 0, count: 20 }]);
      assert.deepEqual(P.findCells(grid, GREEN, 0, tile), []);
      assert.deepEqual(P.findCells(grid, GREEN, 0, tile, 0.03), [{ cx: 3, cy: 2, count: 2 }]);
      assert.equal(P.findCells(grid, [100, 100, 100], 0, tile, 0.1).length, 4);
    });

    it("answers a repeated findCells question with fresh copies, and a changed one anew", () => {
      const colour: Rgb = [...GREEN];
      const greenCell = [{ cx: 3, cy: 2, count: 2 }];
      const first = P.findCells(grid, colour, 0, tile, 0.03);
      first[0].cx = 99;
      first.push({ cx: 0, cy: 0, count: 0 });
      const again = P.findCells(grid, colour, 0, tile, 0.03);
      assert.deepEqual(again, greenCell);
      again[0].count = -1;
      assert.deepEqual(P.findCells(grid, colour, 0, tile, 0.03), greenCell);
      // The same array, now red: the question changed, so must the answer.
      colour.splice(0, 3, ...RED);
      assert.deepEqual(P.findCells(grid, colour, 0, tile), [{ cx: 1, cy: 0, count: 20 }]);
      // More questions about one frame than are kept: every answer still right.
      for (let tol = 0; tol < 40; tol++)
        assert.deepEqual(P.findCells(grid, RED, tol, tile), [{ cx: 1, cy: 0, count: 20 }]);
    });
  });

  it("explains bad arguments, naming the function", () => {
    assert.throws(() => P.countColor(scene, "red"), /countColor: color must be \[r, g, b\]/);
    assert.throws(() => P.mask({ width: 2 }, RED), /mask: frame must be a frame/);
    assert.throws(() => P.findCells(scene, RED, -1), /findCells: tol must be a number >= 0/);
    assert.throws(() => P.cellCount(scene, 0, 0, 0, RED), /tile must be a positive integer/);
    assert.throws(() => P.components([1, 0]), /components: expected a mask/);
  });
});
