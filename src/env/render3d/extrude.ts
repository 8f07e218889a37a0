/**
 * Prisms from 2D outlines, as TriangleMeshes for geoms of kind "mesh": CLIPort's kitting shapes (letters, stars,
 * a heart... ROBOTICS.md B.8) are flat outlines 2 cm tall. Caps are triangulated by ear clipping, so concave
 * outlines work; outlines with holes (the ring) must be given as two meshes or bridged by the caller.
 */
import type { TriangleMesh } from "./scene.ts";

function signedArea(xs: number[], ys: number[]): number {
  let a = 0;
  for (let i = 0, j = xs.length - 1; i < xs.length; j = i++) a += xs[j] * ys[i] - xs[i] * ys[j];
  return a / 2;
}

/** Whether p lies inside or on triangle (a, b, c), which is counter-clockwise. */
function inTriangle(
  px: number,
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cx: number,
  cy: number,
): boolean {
  const d1 = (bx - ax) * (py - ay) - (by - ay) * (px - ax);
  const d2 = (cx - bx) * (py - by) - (cy - by) * (px - bx);
  const d3 = (ax - cx) * (py - cy) - (ay - cy) * (px - cx);
  return d1 >= 0 && d2 >= 0 && d3 >= 0;
}

/** Whether segments p1-p2 and p3-p4 cross at a point inside both (touching ends do not count). */
function segmentsCross(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  x3: number,
  y3: number,
  x4: number,
  y4: number,
): boolean {
  const d1 = (x4 - x3) * (y1 - y3) - (y4 - y3) * (x1 - x3);
  const d2 = (x4 - x3) * (y2 - y3) - (y4 - y3) * (x2 - x3);
  const d3 = (x2 - x1) * (y3 - y1) - (y2 - y1) * (x3 - x1);
  const d4 = (x2 - x1) * (y4 - y1) - (y2 - y1) * (x4 - x1);
  return d1 * d2 < 0 && d3 * d4 < 0;
}

function checkSimple(xs: readonly number[], ys: readonly number[]): void {
  const n = xs.length;
  for (let i = 0; i < n; i++) {
    const i2 = (i + 1) % n;
    for (let j = i + 2; j < n; j++) {
      const j2 = (j + 1) % n;
      if (j2 === i) continue; // the edge before i shares its start
      if (segmentsCross(xs[i], ys[i], xs[i2], ys[i2], xs[j], ys[j], xs[j2], ys[j2])) {
        throw new RangeError(
          `outline is not a simple polygon: edges ${i} and ${j} cross; cannot triangulate it`,
        );
      }
    }
  }
}

/**
 * Triangulates a simple polygon (counter-clockwise, no repeated points) by ear clipping; returns index triples,
 * counter-clockwise.
 */
export function triangulatePolygon(xs: readonly number[], ys: readonly number[]): number[] {
  const left = xs.map((_, i) => i);
  const out: number[] = [];
  let guard = 0;
  while (left.length > 3) {
    let clipped = false;
    for (let k = 0; k < left.length; k++) {
      const a = left[(k + left.length - 1) % left.length];
      const b = left[k];
      const c = left[(k + 1) % left.length];
      const cross = (xs[b] - xs[a]) * (ys[c] - ys[a]) - (ys[b] - ys[a]) * (xs[c] - xs[a]);
      if (cross <= 0) continue; // reflex or flat corner: not an ear
      let blocked = false;
      for (const p of left) {
        if (p === a || p === b || p === c) continue;
        if (inTriangle(xs[p], ys[p], xs[a], ys[a], xs[b], ys[b], xs[c], ys[c])) {
          blocked = true;
          break;
        }
      }
      if (blocked) continue;
      out.push(a, b, c);
      left.splice(k, 1);
      clipped = true;
      break;
    }
    if (!clipped || ++guard > 100_000) {
      throw new RangeError("outline is not a simple polygon (it crosses itself); cannot triangulate it");
    }
  }
  out.push(left[0], left[1], left[2]);
  return out;
}

/**
 * A prism: the outline (x, y pairs, either winding) between heights zBottom and zTop, in the geom's frame.
 * Side faces and caps are counter-clockwise seen from outside.
 */
export function extrudeOutline(outline: ArrayLike<number>, zBottom: number, zTop: number): TriangleMesh {
  if (outline.length % 2 !== 0) throw new RangeError("outline must be x, y pairs");
  if (!Number.isFinite(zBottom) || !Number.isFinite(zTop) || !(zTop > zBottom)) {
    throw new RangeError(`extrusion needs finite zBottom < zTop, got ${zBottom}, ${zTop}`);
  }
  let xs: number[] = [];
  let ys: number[] = [];
  for (let i = 0; i < outline.length; i += 2) {
    const x = outline[i];
    const y = outline[i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y))
      throw new RangeError(`outline point ${i / 2} is not finite`);
    const n = xs.length;
    if (n > 0 && xs[n - 1] === x && ys[n - 1] === y) continue;
    xs.push(x);
    ys.push(y);
  }
  if (xs.length > 1 && xs[0] === xs[xs.length - 1] && ys[0] === ys[ys.length - 1]) {
    xs.pop();
    ys.pop();
  }
  if (xs.length < 3) throw new RangeError(`outline needs at least 3 distinct points, got ${xs.length}`);
  checkSimple(xs, ys);
  const area = signedArea(xs, ys);
  if (!(Math.abs(area) > 0)) throw new RangeError("outline encloses no area");
  if (area < 0) {
    xs = xs.reverse();
    ys = ys.reverse();
  }
  const n = xs.length;
  const vertices = new Float32Array(6 * n);
  for (let i = 0; i < n; i++) {
    vertices.set([xs[i], ys[i], zBottom], 3 * i);
    vertices.set([xs[i], ys[i], zTop], 3 * (n + i));
  }
  const indices: number[] = [];
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    indices.push(i, j, n + j, i, n + j, n + i);
  }
  const cap = triangulatePolygon(xs, ys);
  for (let t = 0; t < cap.length; t += 3) {
    indices.push(n + cap[t], n + cap[t + 1], n + cap[t + 2]);
    indices.push(cap[t], cap[t + 2], cap[t + 1]);
  }
  return { vertices, indices: Uint32Array.from(indices) };
}
