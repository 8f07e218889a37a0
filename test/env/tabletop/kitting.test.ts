/** The 20 kitting shapes built from outlines: CLIPort's names, extents, symmetries and split; meshes close. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  insideShape,
  KITTING_HEIGHT,
  kittingMesh,
  kittingPool,
  kittingShapes,
} from "../../../src/env/tabletop/kitting.ts";

/** ROBOTICS.md B.8: x and y extents in mesh units (× 0.003 m). */
const EXTENTS: [number, number][] = [
  [6.75, 9.46],
  [8.31, 9.49],
  [10, 10],
  [10, 10],
  [10, 10],
  [10, 10],
  [12.5, 10],
  [9.53, 9.06],
  [12.5, 7.5],
  [10, 10],
  [9.59, 10.08],
  [10, 10],
  [7.56, 9.7],
  [7.83, 9.46],
  [5.33, 9.46],
  [10, 10],
  [10, 10],
  [8.66, 10],
  [9.58, 8.8],
  [9, 9.46],
];

test("twenty shapes with CLIPort's names, symmetries and train/test split", () => {
  const shapes = kittingShapes();
  assert.equal(shapes.length, 20);
  assert.equal(shapes[19].name, "letter M shape");
  assert.equal(shapes[16].name, "ring");
  assert.equal(shapes[11].symmetry, 0, "the circle matches at any rotation");
  assert.ok(Math.abs(shapes[2].symmetry - (2 * Math.PI) / 3) < 1e-12);
  assert.deepEqual(kittingPool("train"), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  assert.deepEqual(kittingPool("test"), [14, 15, 16, 17, 18, 19]);
});

/**
 * Regular shapes are centred on their centre of symmetry (so a turn by their symmetry maps them onto
 * themselves about the body origin); the triangle and the star then span less than CLIPort's meshes.
 */
const CENTRED_ON_SYMMETRY = new Set([2, 10]);

test("each outline spans the table's extents within 1 mm and extrudes to a closed 2 cm prism", () => {
  for (const s of kittingShapes()) {
    const [ex, ey] = EXTENTS[s.id];
    const xs = s.outline.filter((_, i) => i % 2 === 0);
    const ys = s.outline.filter((_, i) => i % 2 === 1);
    const spanX = Math.max(...xs) - Math.min(...xs);
    const spanY = Math.max(...ys) - Math.min(...ys);
    const tolerance = CENTRED_ON_SYMMETRY.has(s.id) ? 0.01 : 0.001;
    assert.ok(
      Math.abs(spanX - 2 * ex * 0.003) < tolerance,
      `${s.name}: x span ${spanX} vs ${2 * ex * 0.003}`,
    );
    assert.ok(
      Math.abs(spanY - 2 * ey * 0.003) < tolerance,
      `${s.name}: y span ${spanY} vs ${2 * ey * 0.003}`,
    );
    const mesh = kittingMesh(s.id);
    let zMax = 0;
    for (let i = 2; i < mesh.vertices.length; i += 3) zMax = Math.max(zMax, mesh.vertices[i]);
    assert.ok(Math.abs(zMax - KITTING_HEIGHT) < 1e-6);
    // Closed: every edge is shared by exactly two triangles.
    const edges = new Map<string, number>();
    for (let t = 0; t < mesh.indices.length; t += 3) {
      for (let k = 0; k < 3; k++) {
        const a = mesh.indices[t + k];
        const b = mesh.indices[t + ((k + 1) % 3)];
        const key = a < b ? `${a},${b}` : `${b},${a}`;
        edges.set(key, (edges.get(key) ?? 0) + 1);
      }
    }
    assert.ok(
      [...edges.values()].every((n) => n === 2),
      `${s.name}: the prism is closed`,
    );
  }
});

test("insideShape: the ring's hole and the letter V's notch are outside, a square's centre inside", () => {
  assert.equal(insideShape(16, 0, 0), false);
  assert.equal(insideShape(16, 0, 0.024), true);
  assert.equal(insideShape(13, 0, 0.02), false);
  assert.equal(insideShape(3, 0, 0, 0.004), true);
  assert.equal(insideShape(3, 0.029, 0, 0.004), false, "within 4 mm of the edge");
});
