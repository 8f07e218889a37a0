import assert from "node:assert/strict";
import { test } from "node:test";
import { IDENTITY } from "../../../src/env/render3d/demo-scene.ts";
import { extrudeOutline, triangulatePolygon } from "../../../src/env/render3d/extrude.ts";
import { renderHeightmap } from "../../../src/env/render3d/heightmap.ts";
import { Rasterizer } from "../../../src/env/render3d/rasterizer.ts";
import type { TriangleMesh } from "../../../src/env/render3d/scene.ts";

/** Volume of a closed mesh by the divergence theorem: positive when every face is counter-clockwise outside. */
function volume(mesh: TriangleMesh): number {
  const v = mesh.vertices;
  let sum = 0;
  for (let t = 0; t < mesh.indices.length; t += 3) {
    const [a, b, c] = [mesh.indices[t] * 3, mesh.indices[t + 1] * 3, mesh.indices[t + 2] * 3];
    sum +=
      v[a] * (v[b + 1] * v[c + 2] - v[b + 2] * v[c + 1]) -
      v[a + 1] * (v[b] * v[c + 2] - v[b + 2] * v[c]) +
      v[a + 2] * (v[b] * v[c + 1] - v[b + 1] * v[c]);
  }
  return sum / 6;
}

/** A five-pointed star (concave, 10 corners), clockwise to check the winding is fixed. */
function star(outer: number, inner: number): number[] {
  const points: number[] = [];
  for (let k = 0; k < 10; k++) {
    const r = k % 2 === 0 ? outer : inner;
    const a = -(Math.PI / 2 + (k * Math.PI) / 5);
    points.push(r * Math.cos(a), r * Math.sin(a));
  }
  return points;
}

test("ear clipping covers a concave outline exactly (triangle areas add up to the polygon's)", () => {
  // An L shape: area 3.
  const xs = [0, 2, 2, 1, 1, 0];
  const ys = [0, 0, 1, 1, 2, 2];
  const tris = triangulatePolygon(xs, ys);
  assert.equal(tris.length, 3 * 4);
  let area = 0;
  for (let t = 0; t < tris.length; t += 3) {
    const [a, b, c] = [tris[t], tris[t + 1], tris[t + 2]];
    const cross = (xs[b] - xs[a]) * (ys[c] - ys[a]) - (ys[b] - ys[a]) * (xs[c] - xs[a]);
    assert.ok(cross > 0, "every triangle is counter-clockwise");
    area += cross / 2;
  }
  assert.ok(Math.abs(area - 3) < 1e-12);
});

test("an extruded star is a closed solid facing outwards, whatever the outline's winding", () => {
  const outline = star(0.03, 0.012);
  const mesh = extrudeOutline(outline, 0, 0.02);
  // Star area: 10 triangles (centre, outer, inner) of area ½·R·r·sin(36°).
  const area = 10 * 0.5 * 0.03 * 0.012 * Math.sin(Math.PI / 5);
  assert.ok(Math.abs(volume(mesh) - area * 0.02) < 1e-9, `volume ${volume(mesh)}`);
  const reversed: number[] = [];
  for (let i = outline.length - 2; i >= 0; i -= 2) reversed.push(outline[i], outline[i + 1]);
  assert.ok(Math.abs(volume(extrudeOutline(reversed, 0, 0.02)) - area * 0.02) < 1e-9);
  // Seen from above it covers the star's area in a height map, and the renderer draws it.
  const map = renderHeightmap(
    [{ kind: "mesh", size: [], pos: [0, 0, 0], mat: IDENTITY, rgba: [1, 0, 0, 1], mesh }],
    {
      bounds: { min: [-0.05, -0.05, -0.01], max: [0.05, 0.05, 0.1] },
      pixelSize: 0.0005,
    },
  );
  const covered = map.heights.filter((h) => h > 0.029).length * 0.0005 ** 2;
  assert.ok(Math.abs(covered - area) / area < 0.03, `covered ${covered} vs ${area}`);
  const frame = new Rasterizer({ width: 64, height: 64 }).render(
    [{ kind: "mesh", size: [], pos: [0, 0, 0.5], mat: IDENTITY, rgba: [1, 0, 0, 1], mesh }],
    {
      kind: "pinhole",
      position: [0, 0, 0],
      quaternion: [0, 0, 0, 1],
      fx: 500,
      fy: 500,
      cx: 32,
      cy: 32,
      near: 0.1,
      far: 2,
    },
  );
  assert.notDeepEqual(
    Array.from(frame.data.subarray((32 * 64 + 32) * 3, (32 * 64 + 32) * 3 + 3)),
    [255, 255, 255],
  );
});

test("bad outlines are refused with the reason", () => {
  assert.throws(() => extrudeOutline([0, 0, 1, 0], 0, 1), /at least 3/);
  assert.throws(() => extrudeOutline([0, 0, 1, 0, 2, 0], 0, 1), /no area/);
  assert.throws(() => extrudeOutline([0, 0, 1, 0, 1, 1], 1, 0), /zBottom < zTop/);
  assert.throws(
    () => extrudeOutline([0, 0, 2, 2, 2, 0, 0, 1], 0, 1),
    /not a simple polygon: edges 0 and 2 cross/,
  );
  assert.throws(() => extrudeOutline([0, 0, 1, Number.NaN, 1, 1], 0, 1), /not finite/);
});
