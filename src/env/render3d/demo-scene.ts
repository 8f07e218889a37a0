/**
 * A Panda-like tabletop scene for the renderer's tests, benchmark and demo picture: panda-gym's floor, table,
 * green cube and target (ROBOTICS.md A.3), and a 12-link arm of capsules, cylinders and boxes posed by a phase.
 * It is NOT the Panda of src/env/panda (no kinematics of the real robot): a stand-in of the same size and
 * triangle count (~2,000), so the renderer can be measured before and apart from the physics.
 */
import type { SceneGeom, Vec3 } from "./scene.ts";

export const IDENTITY: readonly number[] = [1, 0, 0, 0, 1, 0, 0, 0, 1];

/** A rotation (row-major) whose local z axis points along `dir`. */
export function rotationWithZ(dir: Vec3): number[] {
  const l = Math.hypot(dir[0], dir[1], dir[2]);
  const z = [dir[0] / l, dir[1] / l, dir[2] / l];
  const helper = Math.abs(z[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
  let x = [
    helper[1] * z[2] - helper[2] * z[1],
    helper[2] * z[0] - helper[0] * z[2],
    helper[0] * z[1] - helper[1] * z[0],
  ];
  const xl = Math.hypot(x[0], x[1], x[2]);
  x = [x[0] / xl, x[1] / xl, x[2] / xl];
  const y = [z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2], z[0] * x[1] - z[1] * x[0]];
  // Columns are the local axes in world coordinates.
  return [x[0], y[0], z[0], x[1], y[1], z[1], x[2], y[2], z[2]];
}

/** An axis-aligned cube of half size `half`. */
export function cube(pos: Vec3, half: number, rgba: readonly number[]): SceneGeom {
  return { kind: "box", size: [half, half, half], pos, mat: IDENTITY, rgba };
}

/** A horizontal plane (MuJoCo's: visible from +z) of half sizes hx, hy. */
export function floorPlane(pos: Vec3, hx: number, hy: number, rgba: readonly number[]): SceneGeom {
  return { kind: "plane", size: [hx, hy, 0], pos, mat: IDENTITY, rgba };
}

/** A capsule or cylinder from point a to point b. */
export function segment(
  kind: "capsule" | "cylinder",
  a: Vec3,
  b: Vec3,
  radius: number,
  rgba: readonly number[],
): SceneGeom {
  const d: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  return {
    kind,
    size: [radius, Math.hypot(d[0], d[1], d[2]) / 2, 0],
    pos: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2],
    mat: rotationWithZ(d),
    rgba,
  };
}

const WHITE = [0.9, 0.9, 0.9, 1];
const DARK = [0.25, 0.25, 0.25, 1];
const GREEN = [0.1, 0.9, 0.1, 1];

/** Floor and table of panda-gym (Push layout) and the arm's fixed base column. */
export function pandaLikeStatic(): SceneGeom[] {
  return [
    { kind: "box", size: [3, 3, 0.01], pos: [0, 0, -0.41], mat: IDENTITY, rgba: [0.15, 0.15, 0.15, 1] },
    {
      kind: "box",
      size: [0.55, 0.35, 0.2],
      pos: [-0.3, 0, -0.2],
      mat: IDENTITY,
      rgba: [0.95, 0.95, 0.95, 1],
    },
    segment("cylinder", [-0.6, 0, 0], [-0.6, 0, 0.06], 0.09, WHITE),
  ];
}

/**
 * The moving part: an arm reaching from the base at (−0.6, 0, 0) towards the cube, swinging with `phase`
 * (radians), the green cube (0.04 m) and a ghost target. 12 arm geoms: 5 capsules, 4 joint cylinders, a hand and
 * two fingers.
 */
export function pandaLikeDynamic(phase = 0): SceneGeom[] {
  const swing = 0.25 * Math.sin(phase);
  const c = Math.cos(swing);
  const s = Math.sin(swing);
  // Points in the arm's vertical plane (reach r, height z), turned about the base by `swing`.
  const at = (r: number, z: number): Vec3 => [-0.6 + r * c, r * s, z];
  const shoulder = at(0, 0.333);
  const elbow = at(0.25, 0.6);
  const wrist = at(0.5, 0.42);
  const flange = at(0.6, 0.3);
  const hand = at(0.6, 0.16);
  const geoms: SceneGeom[] = [
    segment("capsule", at(0, 0.06), shoulder, 0.06, WHITE),
    segment("cylinder", at(-0.07, 0.333), at(0.07, 0.333), 0.068, DARK),
    segment("capsule", shoulder, elbow, 0.055, WHITE),
    segment("cylinder", at(0.25, 0.6), [elbow[0] - 0.07 * s, elbow[1] + 0.07 * c, 0.6], 0.062, DARK),
    segment("capsule", elbow, wrist, 0.05, WHITE),
    segment("cylinder", at(0.5, 0.42), [wrist[0] - 0.06 * s, wrist[1] + 0.06 * c, 0.42], 0.053, DARK),
    segment("capsule", wrist, flange, 0.045, WHITE),
    segment("cylinder", at(0.6, 0.33), at(0.6, 0.27), 0.05, DARK),
    segment("capsule", flange, at(0.6, 0.2), 0.04, WHITE),
    { kind: "box", size: [0.02, 0.1, 0.025], pos: hand, mat: rotationAboutZ(swing), rgba: WHITE },
    {
      kind: "box",
      size: [0.01, 0.01, 0.025],
      pos: offset(hand, swing, 0.04, -0.05),
      mat: rotationAboutZ(swing),
      rgba: DARK,
    },
    {
      kind: "box",
      size: [0.01, 0.01, 0.025],
      pos: offset(hand, swing, -0.04, -0.05),
      mat: rotationAboutZ(swing),
      rgba: DARK,
    },
    {
      kind: "box",
      size: [0.02, 0.02, 0.02],
      pos: [0.05 * Math.cos(phase), 0, 0.02],
      mat: IDENTITY,
      rgba: GREEN,
    },
    {
      kind: "sphere",
      size: [0.02],
      pos: [0.1, 0.15, 0.02],
      mat: IDENTITY,
      rgba: [0.1, 0.9, 0.1, 0.3],
      castShadow: false,
    },
  ];
  return geoms;
}

function rotationAboutZ(angle: number): number[] {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}

/** A point `along` the arm's side axis (local y) and `dz` below `p`, for a turn of `swing` about z. */
function offset(p: Vec3, swing: number, along: number, dz: number): Vec3 {
  return [p[0] - along * Math.sin(swing), p[1] + along * Math.cos(swing), p[2] + dz];
}
