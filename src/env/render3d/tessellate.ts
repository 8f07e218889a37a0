/**
 * Primitives → triangle meshes in the geom's own frame, cached by kind and size (MuJoCo geom sizes never change
 * during a run, so each geom tessellates once).
 * Curved surfaces carry per-vertex normals (smooth, Gouraud shaded); flat faces repeat their vertices with the
 * face normal so one triangle never mixes two faces. Triangles are counter-clockwise seen from outside.
 */
import type { SceneGeom, TriangleMesh } from "./scene.ts";

export interface LocalMesh {
  /** xyz per vertex, geom frame. */
  readonly positions: Float32Array;
  /** Unit normal per vertex (geom frame), or null: shade each triangle by its own normal. */
  readonly normals: Float32Array | null;
  readonly indices: Uint32Array;
  /** Box face per triangle (0..5 = +x, −x, +y, −y, +z, −z) for SceneGeom.faceColors, else null. */
  readonly faces: Uint8Array | null;
}

/** Slices around the axis and stacks per hemisphere: spheres get 16 x 8, a Panda-like scene ~2,000 triangles. */
export interface TessellationDetail {
  readonly slices: number;
  readonly stacksPerHemisphere: number;
}

export const DEFAULT_DETAIL: TessellationDetail = { slices: 16, stacksPerHemisphere: 4 };

/** Extent of a plane whose size is 0 (MuJoCo's "infinite" plane), metres from its centre. */
const INFINITE_PLANE_HALF_EXTENT = 50;

class MeshBuilder {
  positions: number[] = [];
  normals: number[] = [];
  indices: number[] = [];
  faces: number[] = [];

  vertex(x: number, y: number, z: number, nx: number, ny: number, nz: number): number {
    this.positions.push(x, y, z);
    this.normals.push(nx, ny, nz);
    return this.positions.length / 3 - 1;
  }

  triangle(a: number, b: number, c: number, face = 0): void {
    this.indices.push(a, b, c);
    this.faces.push(face);
  }

  build(withFaces: boolean): LocalMesh {
    return {
      positions: Float32Array.from(this.positions),
      normals: Float32Array.from(this.normals),
      indices: Uint32Array.from(this.indices),
      faces: withFaces ? Uint8Array.from(this.faces) : null,
    };
  }
}

/** The six faces of a box: normal axis and sign, and tangents u, v with u × v = normal. */
const BOX_FACES: ReadonlyArray<{
  n: [number, number, number];
  u: [number, number, number];
  v: [number, number, number];
}> = [
  { n: [1, 0, 0], u: [0, 1, 0], v: [0, 0, 1] },
  { n: [-1, 0, 0], u: [0, 0, 1], v: [0, 1, 0] },
  { n: [0, 1, 0], u: [0, 0, 1], v: [1, 0, 0] },
  { n: [0, -1, 0], u: [1, 0, 0], v: [0, 0, 1] },
  { n: [0, 0, 1], u: [1, 0, 0], v: [0, 1, 0] },
  { n: [0, 0, -1], u: [0, 1, 0], v: [1, 0, 0] },
];

function box(hx: number, hy: number, hz: number): LocalMesh {
  const b = new MeshBuilder();
  const h = [hx, hy, hz];
  BOX_FACES.forEach((f, face) => {
    const corner = (su: number, sv: number) => {
      const p = [0, 0, 0];
      for (let k = 0; k < 3; k++) p[k] = (f.n[k] + su * f.u[k] + sv * f.v[k]) * h[k];
      return b.vertex(p[0], p[1], p[2], f.n[0], f.n[1], f.n[2]);
    };
    const a = corner(-1, -1);
    const c1 = corner(1, -1);
    const c2 = corner(1, 1);
    const d = corner(-1, 1);
    b.triangle(a, c1, c2, face);
    b.triangle(a, c2, d, face);
  });
  return b.build(true);
}

function plane(hx: number, hy: number): LocalMesh {
  const x = hx > 0 ? hx : INFINITE_PLANE_HALF_EXTENT;
  const y = hy > 0 ? hy : INFINITE_PLANE_HALF_EXTENT;
  const b = new MeshBuilder();
  const a = b.vertex(-x, -y, 0, 0, 0, 1);
  const c1 = b.vertex(x, -y, 0, 0, 0, 1);
  const c2 = b.vertex(x, y, 0, 0, 0, 1);
  const d = b.vertex(-x, y, 0, 0, 0, 1);
  b.triangle(a, c1, c2);
  b.triangle(a, c2, d);
  return b.build(false);
}

/** One ring of a surface of revolution about z: height, radius and the normal's radial and z parts. */
interface Ring {
  z: number;
  r: number;
  nr: number;
  nz: number;
}

/** Joins consecutive rings (top to bottom) into a band of quads; a ring of radius 0 is a pole. */
function revolve(b: MeshBuilder, rings: readonly Ring[], slices: number): void {
  const start: number[] = [];
  for (const ring of rings) {
    start.push(b.positions.length / 3);
    for (let j = 0; j <= slices; j++) {
      const phi = (2 * Math.PI * j) / slices;
      const c = Math.cos(phi);
      const s = Math.sin(phi);
      b.vertex(ring.r * c, ring.r * s, ring.z, ring.nr * c, ring.nr * s, ring.nz);
    }
  }
  for (let i = 0; i + 1 < rings.length; i++) {
    const top = start[i];
    const bottom = start[i + 1];
    for (let j = 0; j < slices; j++) {
      const a = top + j;
      const d = top + j + 1;
      const bb = bottom + j;
      const c = bottom + j + 1;
      if (rings[i + 1].r > 0) b.triangle(a, bb, c);
      if (rings[i].r > 0) b.triangle(a, c, d);
    }
  }
}

/** Rings of a sphere of radius r whose upper half is lifted by +h and lower half lowered by −h (h = 0: sphere). */
function capsuleRings(r: number, h: number, stacks: number): Ring[] {
  const rings: Ring[] = [];
  for (let i = 0; i <= stacks; i++) {
    const theta = ((Math.PI / 2) * i) / stacks;
    rings.push({
      z: r * Math.cos(theta) + h,
      r: r * Math.sin(theta),
      nr: Math.sin(theta),
      nz: Math.cos(theta),
    });
  }
  for (let i = h > 0 ? 0 : 1; i <= stacks; i++) {
    const theta = Math.PI / 2 + ((Math.PI / 2) * i) / stacks;
    rings.push({
      z: r * Math.cos(theta) - h,
      r: r * Math.sin(theta),
      nr: Math.sin(theta),
      nz: Math.cos(theta),
    });
  }
  // The poles: exactly zero radius so revolve() makes triangles, not slivers.
  rings[0].r = 0;
  rings[rings.length - 1].r = 0;
  return rings;
}

function capsule(r: number, h: number, detail: TessellationDetail): LocalMesh {
  const b = new MeshBuilder();
  revolve(b, capsuleRings(r, h, detail.stacksPerHemisphere), detail.slices);
  return b.build(false);
}

function ellipsoid(a: number, bRadius: number, c: number, detail: TessellationDetail): LocalMesh {
  const unit = capsule(1, 0, detail);
  const p = unit.positions;
  const n = unit.normals!;
  for (let i = 0; i < p.length; i += 3) {
    p[i] *= a;
    p[i + 1] *= bRadius;
    p[i + 2] *= c;
    // Normals of a scaled surface scale by the inverse.
    const nx = n[i] / a;
    const ny = n[i + 1] / bRadius;
    const nz = n[i + 2] / c;
    const l = Math.hypot(nx, ny, nz) || 1;
    n[i] = nx / l;
    n[i + 1] = ny / l;
    n[i + 2] = nz / l;
  }
  return unit;
}

function cylinder(r: number, h: number, detail: TessellationDetail): LocalMesh {
  const b = new MeshBuilder();
  revolve(
    b,
    [
      { z: h, r, nr: 1, nz: 0 },
      { z: -h, r, nr: 1, nz: 0 },
    ],
    detail.slices,
  );
  for (const side of [1, -1]) {
    const centre = b.vertex(0, 0, side * h, 0, 0, side);
    const ring = b.positions.length / 3;
    for (let j = 0; j < detail.slices; j++) {
      const phi = (2 * Math.PI * j) / detail.slices;
      b.vertex(r * Math.cos(phi), r * Math.sin(phi), side * h, 0, 0, side);
    }
    for (let j = 0; j < detail.slices; j++) {
      const a = ring + j;
      const next = ring + ((j + 1) % detail.slices);
      if (side > 0) b.triangle(centre, a, next);
      else b.triangle(centre, next, a);
    }
  }
  return b.build(false);
}

const meshChecked = new WeakSet<TriangleMesh>();

function checkMesh(mesh: TriangleMesh): void {
  if (meshChecked.has(mesh)) return;
  if (!(mesh.vertices instanceof Float32Array) || mesh.vertices.length % 3 !== 0) {
    throw new TypeError("mesh.vertices must be a Float32Array of xyz triples");
  }
  if (!(mesh.indices instanceof Uint32Array) || mesh.indices.length % 3 !== 0) {
    throw new TypeError("mesh.indices must be a Uint32Array with three indices per triangle");
  }
  const count = mesh.vertices.length / 3;
  for (let i = 0; i < mesh.indices.length; i++) {
    if (mesh.indices[i] >= count) {
      throw new RangeError(`mesh index ${mesh.indices[i]} at ${i} is out of range (${count} vertices)`);
    }
  }
  for (let i = 0; i < mesh.vertices.length; i++) {
    if (!Number.isFinite(mesh.vertices[i])) throw new RangeError(`mesh vertex coordinate ${i} is not finite`);
  }
  meshChecked.add(mesh);
}

const primitiveCache = new Map<string, LocalMesh>();
const meshCache = new WeakMap<TriangleMesh, LocalMesh>();
const MAX_CACHED_PRIMITIVES = 4096;
const byGeom = new WeakMap<
  SceneGeom,
  { kind: string; s0: number; s1: number; s2: number; detail: TessellationDetail; mesh: LocalMesh | null }
>();

function sizeAt(geom: SceneGeom, i: number): number {
  const v = geom.size[i];
  return v === undefined ? 0 : v;
}

/**
 * The geom's triangles in its own frame, or null when it has nothing to draw (a zero or negative size).
 * Throws with a message naming the field for malformed input (NaN size, a mesh geom without a mesh).
 */
export function tessellate(geom: SceneGeom, detail: TessellationDetail = DEFAULT_DETAIL): LocalMesh | null {
  if (geom.kind === "mesh") {
    if (!geom.mesh) throw new TypeError('a geom of kind "mesh" needs a `mesh` with vertices and indices');
    checkMesh(geom.mesh);
    let local = meshCache.get(geom.mesh);
    if (!local) {
      local = { positions: geom.mesh.vertices, normals: null, indices: geom.mesh.indices, faces: null };
      meshCache.set(geom.mesh, local);
    }
    return local.indices.length > 0 ? local : null;
  }
  const s0 = sizeAt(geom, 0);
  const s1 = sizeAt(geom, 1);
  const s2 = sizeAt(geom, 2);
  // Callers often pass the same geom objects every frame: remember their mesh (sizes checked, they may be views).
  const last = byGeom.get(geom);
  if (
    last &&
    last.kind === geom.kind &&
    last.s0 === s0 &&
    last.s1 === s1 &&
    last.s2 === s2 &&
    last.detail === detail
  ) {
    return last.mesh;
  }
  if (!Number.isFinite(s0) || !Number.isFinite(s1) || !Number.isFinite(s2)) {
    throw new RangeError(`${geom.kind} geom size must be finite, got [${Array.from(geom.size).join(", ")}]`);
  }
  const key = `${geom.kind}:${s0}:${s1}:${s2}:${detail.slices}:${detail.stacksPerHemisphere}`;
  const cached = primitiveCache.get(key);
  if (cached) {
    byGeom.set(geom, { kind: geom.kind, s0, s1, s2, detail, mesh: cached });
    return cached;
  }
  let mesh: LocalMesh | null;
  switch (geom.kind) {
    case "plane":
      mesh = s0 < 0 || s1 < 0 ? null : plane(s0, s1);
      break;
    case "box":
      mesh = s0 > 0 && s1 > 0 && s2 > 0 ? box(s0, s1, s2) : null;
      break;
    case "sphere":
      mesh = s0 > 0 ? capsule(s0, 0, detail) : null;
      break;
    case "capsule":
      mesh = s0 > 0 && s1 >= 0 ? capsule(s0, s1, detail) : null;
      break;
    case "cylinder":
      mesh = s0 > 0 && s1 > 0 ? cylinder(s0, s1, detail) : null;
      break;
    case "ellipsoid":
      mesh = s0 > 0 && s1 > 0 && s2 > 0 ? ellipsoid(s0, s1, s2, detail) : null;
      break;
    default:
      throw new TypeError(`unknown geom kind ${JSON.stringify((geom as { kind?: unknown }).kind)}`);
  }
  if (mesh) {
    if (primitiveCache.size >= MAX_CACHED_PRIMITIVES) primitiveCache.clear();
    primitiveCache.set(key, mesh);
  }
  byGeom.set(geom, { kind: geom.kind, s0, s1, s2, detail, mesh });
  return mesh;
}
