/**
 * MuJoCo geoms → the renderer's posed primitives (`SceneGeom`, RENDER-CONTRACT.md), field by field:
 * geom_type → kind, geom_size → size, geom_xpos → pos, geom_xmat → mat, geom_rgba → rgba.
 *
 * The renderer (src/env/render3d/) knows nothing of MuJoCo; scenes call `sceneGeoms(sim, ids, styles)` each
 * frame. Geoms welded to the world (table, floor, robot base) never move, so `splitStaticGeoms` lets a scene hand
 * them to the renderer's cached static layer once.
 */
import type { GeomKind, SceneGeom } from "../render3d/scene.ts";
import type { MujocoSim } from "./sim.ts";

export type { SceneGeom };

/** What MuJoCo does not know about a geom's look: per-face colours (Flip's cube), shadows (ghost targets). */
export interface GeomStyle {
  readonly faceColors?: ReadonlyArray<ArrayLike<number>>;
  readonly castShadow?: boolean;
  /** Overrides the model's rgba (e.g. a configurable target colour). */
  readonly rgba?: ArrayLike<number>;
}

// mjtGeom codes, in MuJoCo's order; height fields (1) and SDFs are not drawn.
const KIND_BY_TYPE: Record<number, GeomKind | undefined> = {
  0: "plane",
  2: "sphere",
  3: "capsule",
  4: "ellipsoid",
  5: "cylinder",
  6: "box",
};

/** The geoms worth drawing: a known primitive and not fully transparent. */
export function visibleGeomIds(sim: MujocoSim): number[] {
  sim.refresh();
  const ids: number[] = [];
  for (let g = 0; g < sim.ngeom; g++) {
    if (KIND_BY_TYPE[sim.geomType[g]] !== undefined && sim.geomRgba[4 * g + 3] > 0) ids.push(g);
  }
  return ids;
}

/**
 * Splits geoms into those that can never move (on bodies welded to the world, not mocap) and the rest.
 * Mocap bodies (targets) are moved by the scene at reset, so they count as moving.
 */
export function splitStaticGeoms(
  sim: MujocoSim,
  ids: readonly number[],
): { fixed: number[]; moving: number[] } {
  const weld = sim.model.body_weldid as Int32Array;
  const mocap = sim.model.body_mocapid as Int32Array;
  const fixed: number[] = [];
  const moving: number[] = [];
  for (const g of ids) {
    const body = sim.geomBodyId[g];
    if (weld[body] === 0 && mocap[body] < 0) fixed.push(g);
    else moving.push(g);
  }
  return { fixed, moving };
}

/** The listed geoms posed as in the current data, copied (safe to keep after the next step). */
export function sceneGeoms(
  sim: MujocoSim,
  ids: readonly number[],
  styles?: ReadonlyMap<number, GeomStyle>,
): SceneGeom[] {
  sim.refresh();
  const out: SceneGeom[] = [];
  for (const g of ids) {
    const kind = KIND_BY_TYPE[sim.geomType[g]];
    if (kind === undefined) continue;
    const style = styles?.get(g);
    const geom: {
      -readonly [K in keyof SceneGeom]: SceneGeom[K];
    } = {
      kind,
      size: sim.geomSize.slice(3 * g, 3 * g + 3),
      pos: sim.geomXpos.slice(3 * g, 3 * g + 3),
      mat: sim.geomXmat.slice(9 * g, 9 * g + 9),
      rgba: style?.rgba ? Float32Array.from(style.rgba) : sim.geomRgba.slice(4 * g, 4 * g + 4),
    };
    if (style?.faceColors) geom.faceColors = style.faceColors;
    if (style?.castShadow !== undefined) geom.castShadow = style.castShadow;
    out.push(geom);
  }
  return out;
}

/**
 * `sceneGeoms` for a renderer that reads the geoms only while it draws: the objects of `previous` (made by this
 * function or by sceneGeoms for the same ids and styles) refreshed in place, so a frame allocates nothing and the
 * renderer's per-geom tessellation cache knows them. Callers that keep a frame's geoms need sceneGeoms.
 */
export function refreshSceneGeoms(
  sim: MujocoSim,
  ids: readonly number[],
  styles: ReadonlyMap<number, GeomStyle> | undefined,
  previous: SceneGeom[] | null,
): SceneGeom[] {
  if (previous === null || previous.length !== ids.length) return sceneGeoms(sim, ids, styles);
  sim.refresh();
  for (let k = 0; k < ids.length; k++) {
    const g = ids[k];
    const geom = previous[k];
    copyInto(geom.size as Float64Array, sim.geomSize, 3 * g, 3);
    copyInto(geom.pos as Float64Array, sim.geomXpos, 3 * g, 3);
    copyInto(geom.mat as Float64Array, sim.geomXmat, 9 * g, 9);
    if (!styles?.get(g)?.rgba) copyInto(geom.rgba as Float32Array, sim.geomRgba, 4 * g, 4);
  }
  return previous;
}

/** to[0..n) = from[at..at + n), without the view subarray() would allocate. */
function copyInto(
  to: Float64Array | Float32Array,
  from: Float64Array | Float32Array,
  at: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) to[i] = from[at + i];
}
