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
