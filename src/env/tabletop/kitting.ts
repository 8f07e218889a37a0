/**
 * CLIPort's 20 kitting shapes (ROBOTICS.md B.8), re-created by our code from their outlines: no mesh files.
 * Each is a flat outline in CLIPort's mesh units (about ±10; × 0.003 m in x and y), extruded to 2 cm, origin
 * at the centre of the bottom face, as the original meshes span z 0-20 units × 0.001 m. Extents, names,
 * symmetries and the train / test split are the table's; the outlines are drawn to those extents within 1 mm
 * (block letters without their counters, a pentagon, a star, a heart...), so they are close, not identical, to
 * CLIPort's meshes. Regular shapes are centred on their centre of symmetry, so a turn by their symmetry maps
 * them onto themselves about the body origin (the pose metric's assumption); the triangle (6 x 5.2 cm) and the
 * star (5.7 x 5.4 cm) then span up to 8 mm less than CLIPort's bounding boxes.
 *
 * Physics collides with each outline's convex hull (MuJoCo hulls a mesh geom, as PyBullet does with these
 * meshes): letters, the ring and the star are solid hulls there, exactly as in Ravens.
 */
import { extrudeOutline } from "../render3d/extrude.ts";
import type { TriangleMesh } from "../render3d/scene.ts";

/** Metres per mesh unit in x and y (CLIPort scales the kitting meshes by 0.003, 0.003, 0.001). */
export const KITTING_SCALE = 0.003;
/** Height of a kitting object (20 units × 0.001 m). */
export const KITTING_HEIGHT = 0.02;

export interface KittingShape {
  readonly id: number;
  /** CLIPort's name, as the language goal says it ("letter M shape"). */
  readonly name: string;
  /** Rotational symmetry (rad) of Ravens' assembling-kits; 0: any rotation. */
  readonly symmetry: number;
  readonly set: "train" | "test";
  /** Outline in metres, x, y pairs, counter-clockwise, centred on the body origin. */
  readonly outline: Float64Array;
  /** Half extents in metres. */
  readonly halfX: number;
  readonly halfY: number;
}

type Pts = [number, number][];

/** Points in [-1, 1]² scaled to the table's extents (mesh units). */
function box(points: Pts, ex: number, ey: number): Pts {
  return points.map(([x, y]) => [x * ex, y * ey]);
}

/** A regular polygon or any r(θ) curve, `n` points, starting at angle `start`. */
function radial(n: number, r: (theta: number) => number, start = Math.PI / 2): Pts {
  const out: Pts = [];
  for (let k = 0; k < n; k++) {
    const t = start + (2 * Math.PI * k) / n;
    out.push([r(t) * Math.cos(t), r(t) * Math.sin(t)]);
  }
  return out;
}

function arc(r: number, from: number, to: number, n: number): Pts {
  const out: Pts = [];
  for (let k = 0; k <= n; k++) {
    const t = from + ((to - from) * k) / n;
    out.push([r * Math.cos(t), r * Math.sin(t)]);
  }
  return out;
}

const deg = Math.PI / 180;

const UNIT_SQUARE: Pts = [
  [-1, -1],
  [1, -1],
  [1, 1],
  [-1, 1],
];

/**
 * The outlines in mesh units. The ring is an annulus cut open by a slit 0.01 rad wide, so it is one simple
 * polygon (invisible at 3 mm per unit).
 */
const OUTLINES: readonly { name: string; symmetry: number; outline: () => Pts }[] = [
  {
    name: "letter R shape",
    symmetry: 2 * Math.PI,
    outline: () =>
      box(
        [
          [-1, -1],
          [-0.4, -1],
          [-0.4, -0.15],
          [0.05, -0.15],
          [0.45, -1],
          [1, -1],
          [0.55, -0.05],
          [0.85, 0.15],
          [1, 0.45],
          [0.95, 0.75],
          [0.7, 1],
          [-1, 1],
        ],
        6.75,
        9.46,
      ),
  },
  {
    name: "letter A shape",
    symmetry: 2 * Math.PI,
    outline: () =>
      box(
        [
          [-1, -1],
          [-0.55, -1],
          [-0.4, -0.5],
          [0.4, -0.5],
          [0.55, -1],
          [1, -1],
          [0.25, 1],
          [-0.25, 1],
        ],
        8.31,
        9.49,
      ),
  },
  { name: "triangle", symmetry: (2 * Math.PI) / 3, outline: () => radial(3, () => 11.55) },
  {
    name: "square",
    symmetry: Math.PI / 2,
    outline: () => box(UNIT_SQUARE, 10, 10),
  },
  {
    name: "plus",
    symmetry: Math.PI / 2,
    outline: () =>
      box(
        [
          [-0.35, -1],
          [0.35, -1],
          [0.35, -0.35],
          [1, -0.35],
          [1, 0.35],
          [0.35, 0.35],
          [0.35, 1],
          [-0.35, 1],
          [-0.35, 0.35],
          [-1, 0.35],
          [-1, -0.35],
          [-0.35, -0.35],
        ],
        10,
        10,
      ),
  },
  {
    name: "letter T shape",
    symmetry: 2 * Math.PI,
    outline: () =>
      box(
        [
          [-0.3, -1],
          [0.3, -1],
          [0.3, 0.45],
          [1, 0.45],
          [1, 1],
          [-1, 1],
          [-1, 0.45],
          [-0.3, 0.45],
        ],
        10,
        10,
      ),
  },
  {
    name: "diamond",
    symmetry: Math.PI,
    outline: () =>
      box(
        [
          [1, 0],
          [0, 1],
          [-1, 0],
          [0, -1],
        ],
        12.5,
        10,
      ),
  },
  { name: "pentagon", symmetry: (2 * Math.PI) / 5, outline: () => radial(5, () => 10) },
  {
    name: "rectangle",
    symmetry: Math.PI,
    outline: () => box(UNIT_SQUARE, 12.5, 7.5),
  },
  { name: "flower", symmetry: Math.PI / 2, outline: () => radial(48, (t) => 7.5 + 2.5 * Math.cos(4 * t), 0) },
  { name: "star", symmetry: (2 * Math.PI) / 5, outline: () => radial(10, (t) => starRadius(t)) },
  { name: "circle", symmetry: 0, outline: () => radial(32, () => 10) },
  {
    name: "letter G shape",
    symmetry: 2 * Math.PI,
    outline: () =>
      box(
        [
          ...arc(1, 45 * deg, 360 * deg, 20),
          [0.05, 0],
          [0.05, -0.3],
          ...arc(0.55, -33 * deg, -315 * deg, 20),
        ],
        7.56,
        9.7,
      ),
  },
  {
    name: "letter V shape",
    symmetry: 2 * Math.PI,
    outline: () =>
      box(
        [
          [-1, 1],
          [-0.5, 1],
          [0, -0.3],
          [0.5, 1],
          [1, 1],
          [0.25, -1],
          [-0.25, -1],
        ],
        7.83,
        9.46,
      ),
  },
  {
    name: "letter E shape",
    symmetry: 2 * Math.PI,
    outline: () =>
      box(
        [
          [-1, -1],
          [1, -1],
          [1, -0.6],
          [-0.2, -0.6],
          [-0.2, -0.2],
          [0.7, -0.2],
          [0.7, 0.2],
          [-0.2, 0.2],
          [-0.2, 0.6],
          [1, 0.6],
          [1, 1],
          [-1, 1],
        ],
        5.33,
        9.46,
      ),
  },
  {
    name: "letter L shape",
    symmetry: 2 * Math.PI,
    outline: () =>
      box(
        [
          [-1, -1],
          [1, -1],
          [1, -0.4],
          [-0.4, -0.4],
          [-0.4, 1],
          [-1, 1],
        ],
        10,
        10,
      ),
  },
  {
    name: "ring",
    symmetry: 0,
    outline: () => [...arc(10, 0.005, 2 * Math.PI - 0.005, 32), ...arc(6, 2 * Math.PI - 0.005, 0.005, 24)],
  },
  { name: "hexagon", symmetry: (2 * Math.PI) / 6, outline: () => radial(6, () => 10) },
  { name: "heart", symmetry: 2 * Math.PI, outline: heart },
  {
    name: "letter M shape",
    symmetry: 2 * Math.PI,
    outline: () =>
      box(
        [
          [-1, -1],
          [-0.6, -1],
          [-0.6, 0.4],
          [-0.1, -0.4],
          [0.1, -0.4],
          [0.6, 0.4],
          [0.6, -1],
          [1, -1],
          [1, 1],
          [0.6, 1],
          [0, 0.15],
          [-0.6, 1],
          [-1, 1],
        ],
        9,
        9.46,
      ),
  },
];

/** A five-pointed star: outer radius 10, inner 4, points up. */
function starRadius(t: number): number {
  const k = Math.round(((t - Math.PI / 2) / (2 * Math.PI)) * 10);
  return k % 2 === 0 ? 10 : 4;
}

/** The classic parametric heart, scaled to ±9.58 × ±8.8 and centred. */
function heart(): Pts {
  const raw: Pts = [];
  for (let k = 0; k < 40; k++) {
    const t = (2 * Math.PI * k) / 40;
    raw.push([
      16 * Math.sin(t) ** 3,
      13 * Math.cos(t) - 5 * Math.cos(2 * t) - 2 * Math.cos(3 * t) - Math.cos(4 * t),
    ]);
  }
  const ys = raw.map((p) => p[1]);
  const cy = (Math.max(...ys) + Math.min(...ys)) / 2;
  const sy = (Math.max(...ys) - Math.min(...ys)) / 2;
  return raw.map(([x, y]) => [(x / 16) * 9.58, ((y - cy) / sy) * 8.8]);
}

let shapes: KittingShape[] | null = null;

/** The 20 shapes, by id. */
export function kittingShapes(): readonly KittingShape[] {
  if (shapes) return shapes;
  shapes = OUTLINES.map((o, id) => {
    const pts = o.outline();
    // Counter-clockwise, in metres.
    let area = 0;
    for (let i = 0, j = pts.length - 1; i < pts.length; j = i++)
      area += pts[j][0] * pts[i][1] - pts[i][0] * pts[j][1];
    const ordered = area < 0 ? [...pts].reverse() : pts;
    const outline = Float64Array.from(ordered.flatMap(([x, y]) => [x * KITTING_SCALE, y * KITTING_SCALE]));
    let halfX = 0;
    let halfY = 0;
    for (let i = 0; i < outline.length; i += 2) {
      halfX = Math.max(halfX, Math.abs(outline[i]));
      halfY = Math.max(halfY, Math.abs(outline[i + 1]));
    }
    return { id, name: o.name, symmetry: o.symmetry, set: id < 14 ? "train" : "test", outline, halfX, halfY };
  });
  return shapes;
}

/** Shape ids of CLIPort's train set (0-13) or test set (14-19). */
export function kittingPool(set: "train" | "test"): number[] {
  return kittingShapes()
    .filter((s) => s.set === set)
    .map((s) => s.id);
}

const meshes = new Map<string, TriangleMesh>();

/** The shape as a prism from zBottom to zTop (the object: 0 to 2 cm; a kit's hole: a thin dark plate). */
export function kittingMesh(id: number, zBottom = 0, zTop = KITTING_HEIGHT): TriangleMesh {
  const key = `${id}:${zBottom}:${zTop}`;
  let mesh = meshes.get(key);
  if (!mesh) {
    mesh = extrudeOutline(kittingShapes()[id].outline, zBottom, zTop);
    meshes.set(key, mesh);
  }
  return mesh;
}

/** Whether (x, y), in the shape's frame, lies inside its outline at least `inset` metres from the edge. */
export function insideShape(id: number, x: number, y: number, inset = 0): boolean {
  const o = kittingShapes()[id].outline;
  const n = o.length / 2;
  let inside = false;
  let nearest = Number.POSITIVE_INFINITY;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = o[2 * i];
    const yi = o[2 * i + 1];
    const xj = o[2 * j];
    const yj = o[2 * j + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    const dx = xj - xi;
    const dy = yj - yi;
    const t = Math.max(0, Math.min(1, ((x - xi) * dx + (y - yi) * dy) / (dx * dx + dy * dy || 1)));
    nearest = Math.min(nearest, Math.hypot(x - xi - t * dx, y - yi - t * dy));
  }
  return inside && nearest >= inset;
}
