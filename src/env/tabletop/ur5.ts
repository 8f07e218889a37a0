/**
 * The UR5 (CB series) of Ravens' `ur5/ur5.urdf`: its kinematic chain, home pose, IK to `tool_tip`, and a body
 * of primitive geoms for the images (ROBOTICS.md B.1).
 *
 * The arm is kinematic here: the suction or spatula tool is a MuJoCo mocap body driven along the primitive's
 * path (ROBOTICS.md C.2 [REC] 2), and the arm is posed by IK to that tool pose for each frame. Ravens' arm links
 * have no collision shapes in its URDF either (only the wrist has one, which the tool covers), so objects
 * never touch the arm there; what differs is the joint dynamics, which CLIPort's evaluation does not use.
 *
 * The geometry (cylinders and capsules sized like the UR5's castings, light and dark grey as the URDF's
 * materials) is ours; the joint origins, axes and the tool offsets are the URDF's, so tool0 and tool_tip are
 * where Ravens puts them for the same joints.
 */
import type { SceneGeom } from "../render3d/scene.ts";
import {
  apply,
  axisAngleR,
  compose,
  mulR,
  rotationError,
  rpyToR,
  type Transform,
  transform,
  type Vec3,
  yawR,
} from "./pose.ts";

interface UrdfJoint {
  readonly name: string;
  readonly xyz: Vec3;
  readonly rpy: Vec3;
  readonly axis: Vec3;
}

const HALF_PI = Math.PI / 2;

/** The six revolute joints, URDF origins (in the parent link frame) and axes. */
export const UR5_JOINTS: readonly UrdfJoint[] = [
  { name: "shoulder_pan", xyz: [0, 0, 0.089159], rpy: [0, 0, 0], axis: [0, 0, 1] },
  { name: "shoulder_lift", xyz: [0, 0.13585, 0], rpy: [0, HALF_PI, 0], axis: [0, 1, 0] },
  { name: "elbow", xyz: [0, -0.1197, 0.425], rpy: [0, 0, 0], axis: [0, 1, 0] },
  { name: "wrist_1", xyz: [0, 0, 0.39225], rpy: [0, HALF_PI, 0], axis: [0, 1, 0] },
  { name: "wrist_2", xyz: [0, 0.093, 0], rpy: [0, 0, 0], axis: [0, 0, 1] },
  { name: "wrist_3", xyz: [0, 0, 0.09465], rpy: [0, 0, 0], axis: [0, 1, 0] },
];

/** Ravens' home joints, set at every reset. */
export const HOME_JOINTS: readonly number[] = [-1, -0.5, 0.5, -0.5, -0.5, 0].map((x) => x * Math.PI);

/**
 * Ravens' IK limits on joints 1 and 2 (the others ±17 rad, i.e. free), and the elbow kept in [0, π]: the arm
 * is only drawn, and Ravens' rest-pose pull keeps it elbow-up, which an unlimited solve can leave.
 */
const LOWER = [(-3 * Math.PI) / 2, -2.3562, 0, -17, -17, -17];
const UPPER = [-HALF_PI, 0, Math.PI, 17, 17, 17];

/** world → base_link: the URDF's `rotated_base_link` turns the arm by π about z; the base sits at the origin. */
const BASE: Transform = transform([0, 0, 0], rpyToR(0, 0, Math.PI));
/** wrist_3_link → tool0. */
const TOOL0: Transform = transform([0, 0.0823, 0], rpyToR(-HALF_PI, 0, 0));
/**
 * tool0 → tool_tip's inertial frame: 0.12 m along tool0's z, turned by rpy (π, 0, −π/2). PyBullet reports a
 * link's inertial frame, so this is the frame Ravens' IK targets: identity at home, pointing straight down.
 */
const TOOL_TIP: Transform = transform([0, 0, 0.12], rpyToR(Math.PI, 0, -HALF_PI));

const JOINT_ORIGINS: Transform[] = UR5_JOINTS.map((j) =>
  transform(j.xyz, rpyToR(j.rpy[0], j.rpy[1], j.rpy[2])),
);

export interface Ur5Frames {
  /** World frames of base_link and of the six links after each joint (shoulder .. wrist_3). */
  readonly links: Transform[];
  readonly tool0: Transform;
  readonly toolTip: Transform;
}

/** Forward kinematics of the six joint angles. */
export function ur5Forward(q: readonly number[]): Ur5Frames {
  const links: Transform[] = [BASE];
  let frame = BASE;
  for (let i = 0; i < 6; i++) {
    const joint = compose(frame, JOINT_ORIGINS[i]);
    frame = { r: mulR(joint.r, axisAngleR(UR5_JOINTS[i].axis, q[i])), p: joint.p };
    links.push(frame);
  }
  const tool0 = compose(frame, TOOL0);
  return { links, tool0, toolTip: compose(tool0, TOOL_TIP) };
}

export interface IkResult {
  readonly joints: number[];
  /** Remaining position error (m) and orientation error (rad). */
  readonly positionError: number;
  readonly rotationError: number;
}

/**
 * Damped-least-squares IK of tool_tip to a position and a yaw (the tool pointing down), seeded with the home
 * joints so the answer depends on the target alone (frames stay identical whatever was rendered before).
 * Ravens uses PyBullet's IK with the home pose as rest pose; the arm configuration it finds is the same elbow-up
 * branch.
 */
export function ur5Ik(position: readonly number[], yaw: number, iterations = 60): IkResult {
  const target = yawR(yaw);
  const q = [...HOME_JOINTS];
  // Wrist 3 turns the tool about the vertical at home: start it at the yaw so the solve is short.
  q[5] = HOME_JOINTS[5] - yaw;
  const jac = new Float64Array(36);
  const err = new Float64Array(6);
  let pe = Number.POSITIVE_INFINITY;
  let re = Number.POSITIVE_INFINITY;
  const h = 1e-6;
  for (let it = 0; it < iterations; it++) {
    const tip = ur5Forward(q).toolTip;
    const rErr = rotationError(tip.r, target);
    for (let k = 0; k < 3; k++) err[k] = position[k] - tip.p[k];
    for (let k = 0; k < 3; k++) err[3 + k] = rErr[k];
    pe = Math.hypot(err[0], err[1], err[2]);
    re = Math.hypot(err[3], err[4], err[5]);
    if (pe < 1e-5 && re < 1e-4) break;
    for (let j = 0; j < 6; j++) {
      const saved = q[j];
      q[j] = saved + h;
      const moved = ur5Forward(q).toolTip;
      q[j] = saved;
      const dr = rotationError(tip.r, moved.r);
      for (let k = 0; k < 3; k++) {
        jac[6 * k + j] = (moved.p[k] - tip.p[k]) / h;
        jac[6 * (3 + k) + j] = dr[k] / h;
      }
    }
    const dq = dampedSolve(jac, err, 1e-4);
    for (let j = 0; j < 6; j++) q[j] = Math.min(UPPER[j], Math.max(LOWER[j], q[j] + dq[j]));
  }
  // Ravens wraps joints 3-6 of the IK answer to [−π, π).
  for (let j = 2; j < 6; j++)
    q[j] = ((((q[j] + Math.PI) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI)) - Math.PI;
  return { joints: q, positionError: pe, rotationError: re };
}

/** dq = Jᵀ (J Jᵀ + λ I)⁻¹ e for a 6x6 J (Gaussian elimination with partial pivoting). */
function dampedSolve(jac: Float64Array, e: Float64Array, lambda: number): number[] {
  const a = new Float64Array(36);
  for (let i = 0; i < 6; i++) {
    for (let k = 0; k < 6; k++) {
      let s = 0;
      for (let j = 0; j < 6; j++) s += jac[6 * i + j] * jac[6 * k + j];
      a[6 * i + k] = s + (i === k ? lambda : 0);
    }
  }
  const b = Array.from(e);
  for (let c = 0; c < 6; c++) {
    let pivot = c;
    for (let r = c + 1; r < 6; r++) if (Math.abs(a[6 * r + c]) > Math.abs(a[6 * pivot + c])) pivot = r;
    if (pivot !== c) {
      for (let k = 0; k < 6; k++) {
        const t = a[6 * c + k];
        a[6 * c + k] = a[6 * pivot + k];
        a[6 * pivot + k] = t;
      }
      const t = b[c];
      b[c] = b[pivot];
      b[pivot] = t;
    }
    const d = a[6 * c + c];
    for (let r = c + 1; r < 6; r++) {
      const f = a[6 * r + c] / d;
      for (let k = c; k < 6; k++) a[6 * r + k] -= f * a[6 * c + k];
      b[r] -= f * b[c];
    }
  }
  const y = new Array<number>(6).fill(0);
  for (let r = 5; r >= 0; r--) {
    let s = b[r];
    for (let k = r + 1; k < 6; k++) s -= a[6 * r + k] * y[k];
    y[r] = s / a[6 * r + r];
  }
  const dq = new Array<number>(6).fill(0);
  for (let j = 0; j < 6; j++) for (let i = 0; i < 6; i++) dq[j] += jac[6 * i + j] * y[i];
  return dq;
}

// The URDF's materials: LightGrey 0.8 and DarkGrey 0.2, alternating from the base.
const LIGHT = [0.8, 0.8, 0.8, 1];
const DARK = [0.2, 0.2, 0.2, 1];

interface Part {
  readonly kind: "capsule" | "cylinder";
  readonly from: Vec3;
  readonly to: Vec3;
  readonly radius: number;
  readonly rgba: readonly number[];
}

/** Each link's parts in its own frame (link 0 = base_link, 1..6 = after each joint). */
const PARTS: Part[][] = [
  [{ kind: "cylinder", from: [0, 0, 0], to: [0, 0, 0.084], radius: 0.075, rgba: LIGHT }],
  [
    { kind: "cylinder", from: [0, 0, -0.02], to: [0, 0, 0.07], radius: 0.06, rgba: DARK },
    { kind: "cylinder", from: [0, 0.02, 0], to: [0, 0.16, 0], radius: 0.06, rgba: DARK },
  ],
  [
    { kind: "capsule", from: [0, 0, 0.06], to: [0, 0, 0.37], radius: 0.054, rgba: LIGHT },
    { kind: "cylinder", from: [0, -0.05, 0], to: [0, 0.06, 0], radius: 0.063, rgba: LIGHT },
    { kind: "cylinder", from: [0, -0.14, 0.425], to: [0, 0.03, 0.425], radius: 0.058, rgba: LIGHT },
  ],
  [
    { kind: "capsule", from: [0, 0, 0.05], to: [0, 0, 0.36], radius: 0.04, rgba: DARK },
    { kind: "cylinder", from: [0, -0.03, 0.39225], to: [0, 0.05, 0.39225], radius: 0.045, rgba: DARK },
  ],
  [{ kind: "cylinder", from: [0, 0.04, 0], to: [0, 0.13, 0], radius: 0.045, rgba: LIGHT }],
  [{ kind: "cylinder", from: [0, 0, 0.045], to: [0, 0, 0.13], radius: 0.045, rgba: DARK }],
  [{ kind: "cylinder", from: [0, 0.04, 0], to: [0, 0.0823, 0], radius: 0.045, rgba: LIGHT }],
];

/** The arm's geoms for a joint configuration (tool not included: the scene draws it from its mocap pose). */
export function ur5Geoms(q: readonly number[]): SceneGeom[] {
  const frames = ur5Forward(q).links;
  const out: SceneGeom[] = [];
  PARTS.forEach((parts, i) => {
    for (const part of parts) out.push(segmentGeom(part, frames[i]));
  });
  return out;
}

/** The base link alone: it never moves, so it goes to the renderer's static layer. */
export function ur5BaseGeoms(): SceneGeom[] {
  return PARTS[0].map((part) => segmentGeom(part, BASE));
}

/** ur5Geoms without the base. */
export function ur5MovingGeoms(q: readonly number[]): SceneGeom[] {
  return ur5Geoms(q).slice(PARTS[0].length);
}

function segmentGeom(part: Part, frame: Transform): SceneGeom {
  const a = apply(frame, part.from);
  const b = apply(frame, part.to);
  const d: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  return {
    kind: part.kind,
    size: [part.radius, Math.hypot(d[0], d[1], d[2]) / 2, 0],
    pos: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2],
    mat: withZ(d),
    rgba: part.rgba,
  };
}

/** A rotation (row-major) whose local z axis points along d. */
function withZ(d: Vec3): number[] {
  const l = Math.hypot(d[0], d[1], d[2]);
  const z = [d[0] / l, d[1] / l, d[2] / l];
  const helper = Math.abs(z[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
  const x0 = [
    helper[1] * z[2] - helper[2] * z[1],
    helper[2] * z[0] - helper[0] * z[2],
    helper[0] * z[1] - helper[1] * z[0],
  ];
  const xl = Math.hypot(x0[0], x0[1], x0[2]);
  const x = [x0[0] / xl, x0[1] / xl, x0[2] / xl];
  const y = [z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2], z[0] * x[1] - z[1] * x[0]];
  return [x[0], y[0], z[0], x[1], y[1], z[1], x[2], y[2], z[2]];
}
