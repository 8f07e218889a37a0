import assert from "node:assert/strict";
import { test } from "node:test";
import { ravensCamera, resolveCamera } from "../../../src/env/render3d/camera.ts";
import { cube, floorPlane, IDENTITY, rotationWithZ } from "../../../src/env/render3d/demo-scene.ts";
import {
  CLIPORT_BOUNDS,
  CLIPORT_PIXEL_SIZE,
  fuseHeightmap,
  renderHeightmap,
} from "../../../src/env/render3d/heightmap.ts";
import { Rasterizer } from "../../../src/env/render3d/rasterizer.ts";
import type { SceneGeom } from "../../../src/env/render3d/scene.ts";
import { pixelAt } from "../../../src/image/frame.ts";

const table: SceneGeom = floorPlane([0.5, 0, 0], 1, 1, [0.5, 0.5, 0.5, 1]);
const options = { bounds: CLIPORT_BOUNDS, pixelSize: CLIPORT_PIXEL_SIZE };

test("CLIPort's layout: 320 rows along y, 160 columns along x, heights above z0", () => {
  // A 4 cm block centred at (0.5, 0.1): rows floor((0.1 ± 0.02 + 0.5)/ps), columns floor((0.5 ± 0.02 − 0.25)/ps).
  const block: SceneGeom = cube([0.5, 0.1, 0.02], 0.02, [1, 0, 0, 1]);
  const map = renderHeightmap([table, block], options);
  assert.equal(map.width, 160);
  assert.equal(map.height, 320);
  const at = (x: number, y: number) => {
    const row = Math.floor((y - CLIPORT_BOUNDS.min[1]) / CLIPORT_PIXEL_SIZE);
    const col = Math.floor((x - CLIPORT_BOUNDS.min[0]) / CLIPORT_PIXEL_SIZE);
    return { h: map.heights[row * map.width + col], c: pixelAt(map.color, col, row) };
  };
  const onBlock = at(0.5, 0.1);
  const rowOf = (y: number) => Math.floor((y - CLIPORT_BOUNDS.min[1]) / CLIPORT_PIXEL_SIZE);
  const colOf = (x: number) => Math.floor((x - CLIPORT_BOUNDS.min[0]) / CLIPORT_PIXEL_SIZE);
  assert.equal(map.ids[rowOf(0.1) * map.width + colOf(0.5)], 1, "the block (index 1)");
  assert.equal(map.ids[rowOf(0.2) * map.width + colOf(0.5)], 0, "the table (index 0)");
  assert.ok(Math.abs(onBlock.h - 0.04) < 1e-6, `block top ${onBlock.h}`);
  // Tiny shading of a top face (intensity 0.939667) on red 255: 239.
  assert.deepEqual(onBlock.c, [239, 0, 0]);
  const beside = at(0.5, 0.2);
  assert.equal(beside.h, 0);
  assert.deepEqual(beside.c, [119, 119, 119]);
  // Edges: the block covers x ∈ [0.48, 0.52], u = (x − 0.25)/ps ∈ [73.6, 86.4]: centres of columns 74..85.
  const row = Math.floor(0.6 / CLIPORT_PIXEL_SIZE);
  const covered: number[] = [];
  for (let col = 0; col < map.width; col++) if (map.heights[row * map.width + col] > 0.03) covered.push(col);
  assert.deepEqual([covered[0], covered[covered.length - 1]], [74, 85]);
});

test("surfaces above the bounds are dropped, so what lies below shows; tilted tops interpolate", () => {
  const high: SceneGeom = {
    kind: "box",
    size: [0.05, 0.05, 0.01],
    pos: [0.5, 0, 0.5],
    mat: IDENTITY,
    rgba: [0, 0, 1, 1],
  };
  const low: SceneGeom = {
    kind: "box",
    size: [0.05, 0.05, 0.01],
    pos: [0.5, 0, 0.01],
    mat: IDENTITY,
    rgba: [0, 1, 0, 1],
  };
  const map = renderHeightmap([table, high, low], options);
  const q = Math.floor(0.5 / CLIPORT_PIXEL_SIZE) * map.width + Math.floor(0.25 / CLIPORT_PIXEL_SIZE);
  assert.ok(Math.abs(map.heights[q] - 0.02) < 1e-6);
  // A slab tilted 30° about y: its top rises along x with slope tan 30°.
  const slab: SceneGeom = {
    kind: "box",
    size: [0.05, 0.05, 0.005],
    pos: [0.5, 0, 0.1],
    mat: rotationWithZ([-Math.sin(Math.PI / 6), 0, Math.cos(Math.PI / 6)]),
    rgba: [1, 1, 1, 1],
  };
  const tilted = renderHeightmap([slab], options);
  const row = Math.floor(0.5 / CLIPORT_PIXEL_SIZE);
  const h1 = tilted.heights[row * tilted.width + 70];
  const h2 = tilted.heights[row * tilted.width + 90];
  assert.ok(Math.abs((h2 - h1) / (20 * CLIPORT_PIXEL_SIZE) - Math.tan(Math.PI / 6)) < 1e-3);
});

test("bad height map options give clear errors", () => {
  assert.throws(() => renderHeightmap([], { ...options, pixelSize: 0 }), /pixelSize/);
  assert.throws(
    () => renderHeightmap([], { bounds: { min: [0, 0, 0], max: [0, 1, 1] }, pixelSize: 0.01 }),
    /min < max/,
  );
  assert.throws(
    () => renderHeightmap([{ ...table, pos: [Number.NaN, 0, 0] }], options),
    /geom 0 \(plane\): pos or mat has a non-finite value/,
  );
});

test("fusing Ravens' three camera views gives CLIPort's height map, close to the orthographic one", () => {
  const block = cube([0.5, 0.1, 0.025], 0.025, [0.9, 0.1, 0.1, 1]);
  const scene = [table, block];
  const views = (["front", "left", "right"] as const).map((name) => {
    const r = new Rasterizer({ width: 640, height: 480, segmentation: true });
    const frame = r.render(scene, ravensCamera(name));
    return {
      frame,
      depth: r.lastDepth,
      camera: resolveCamera(ravensCamera(name), 640, 480),
      segmentation: r.lastSegmentation,
    };
  });
  const fused = fuseHeightmap(views, options);
  const direct = renderHeightmap(scene, options);
  assert.equal(fused.width, 160);
  assert.equal(fused.height, 320);
  const q = Math.floor(0.6 / CLIPORT_PIXEL_SIZE) * fused.width + Math.floor(0.25 / CLIPORT_PIXEL_SIZE);
  assert.ok(Math.abs(fused.heights[q] - 0.05) < 1e-3, `block top ${fused.heights[q]}`);
  assert.equal(fused.ids[q], 1);
  assert.ok(fused.color.data[q * 3] > 150 && fused.color.data[q * 3 + 1] < 60, "the block is red");
  // Away from the block's edges (where the cameras' pixels are coarser than the map), the maps agree.
  let agree = 0;
  let seen = 0;
  for (let i = 0; i < direct.heights.length; i++) {
    if (fused.color.data[i * 3] === 0) continue; // no camera pixel landed here
    seen++;
    if (Math.abs(fused.heights[i] - direct.heights[i]) < 2e-3) agree++;
  }
  assert.ok(seen > 0.5 * direct.heights.length, `views cover ${seen} map pixels`);
  assert.ok(agree / seen > 0.97, `${agree} of ${seen} heights agree`);
});
