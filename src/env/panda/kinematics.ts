/**
 * Forward kinematics, Jacobian and damped-least-squares IK of the Panda arm's 7 joints to the grasp target
 * (link 11), in plain TypeScript from the URDF chain in robot.ts.
 *
 * panda-gym's `ee` control asks PyBullet's IK for the joint angles that put link 11 at a position with the
 * gripper pointing down (quaternion x, y, z, w = 1, 0, 0, 0). PyBullet's iterates cannot be reproduced; the
 * contract kept is the one the tasks rely on: the end-effector goes to the target with the orientation held.
 * Doing it here rather than through MuJoCo keeps the simulation state untouched and costs no wasm calls; the
 * scripted experts use the same solver for joint control.
 */
import { ARM_JOINTS, BASE_POSITION, FLANGE_OFFSET, GRASP_OFFSET, HAND_YAW } from "./robot.ts";

export const ARM_DOF = 7;

/** Rotation of the grasp target with the gripper pointing down: 180° about x (quaternion 1, 0, 0, 0). */
const DOWN: readonly number[] = [1, 0, 0, 0, -1, 0, 0, 0, -1];

/** Poses of each joint (axis and origin, world frame) and of the end-effector, for one configuration. */
export interface ArmPose {
  /** End-effector position (3). */
  readonly ee: Float64Array;
  /** End-effector rotation, row-major 3x3. */
  readonly rotation: Float64Array;
  /** Joint axes, 3 per joint. */
  readonly axes: Float64Array;
  /** Joint origins, 3 per joint. */
  readonly origins: Float64Array;
}

export function createArmPose(): ArmPose {
  return {
    ee: new Float64Array(3),
    rotation: new Float64Array(9),
    axes: new Float64Array(3 * ARM_DOF),
    origins: new Float64Array(3 * ARM_DOF),
  };
}

// Per-joint constant rotation Rx(roll) entries, precomputed.
const COS_ROLL = ARM_JOINTS.map((j) => Math.cos(j.roll));
const SIN_ROLL = ARM_JOINTS.map((j) => Math.sin(j.roll));
const COS_YAW = Math.cos(HAND_YAW);
const SIN_YAW = Math.sin(HAND_YAW);

/** Fills `pose` for the arm angles `q` (7 values; extra entries are ignored). */
export function forwardKinematics(q: ArrayLike<number>, pose: ArmPose): void {
  // R, p: the current frame in world coordinates.
  let r00 = 1;
  let r01 = 0;
  let r02 = 0;
  let r10 = 0;
  let r11 = 1;
  let r12 = 0;
  let r20 = 0;
  let r21 = 0;
  let r22 = 1;
  let px = BASE_POSITION[0];
  let py = BASE_POSITION[1];
  let pz = BASE_POSITION[2];
  for (let i = 0; i < ARM_DOF; i++) {
    const [x, y, z] = ARM_JOINTS[i].xyz;
    px += r00 * x + r01 * y + r02 * z;
    py += r10 * x + r11 * y + r12 * z;
    pz += r20 * x + r21 * y + r22 * z;
    // R = R · Rx(roll): columns 1 and 2 mix.
    const c = COS_ROLL[i];
    const s = SIN_ROLL[i];
    let a = r01 * c + r02 * s;
    let b = -r01 * s + r02 * c;
    r01 = a;
    r02 = b;
    a = r11 * c + r12 * s;
    b = -r11 * s + r12 * c;
    r11 = a;
    r12 = b;
    a = r21 * c + r22 * s;
    b = -r21 * s + r22 * c;
    r21 = a;
    r22 = b;
    pose.axes[3 * i] = r02;
    pose.axes[3 * i + 1] = r12;
    pose.axes[3 * i + 2] = r22;
    pose.origins[3 * i] = px;
    pose.origins[3 * i + 1] = py;
    pose.origins[3 * i + 2] = pz;
    // R = R · Rz(q_i): columns 0 and 1 mix.
    const cq = Math.cos(q[i]);
    const sq = Math.sin(q[i]);
    a = r00 * cq + r01 * sq;
    b = -r00 * sq + r01 * cq;
    r00 = a;
    r01 = b;
    a = r10 * cq + r11 * sq;
    b = -r10 * sq + r11 * cq;
    r10 = a;
    r11 = b;
    a = r20 * cq + r21 * sq;
    b = -r20 * sq + r21 * cq;
    r20 = a;
    r21 = b;
  }
  // Flange, then the hand's yaw, then the grasp target along the hand's z.
  const reach = FLANGE_OFFSET + GRASP_OFFSET;
  pose.ee[0] = px + r02 * reach;
  pose.ee[1] = py + r12 * reach;
  pose.ee[2] = pz + r22 * reach;
  const rot = pose.rotation;
  rot[0] = r00 * COS_YAW + r01 * SIN_YAW;
  rot[1] = -r00 * SIN_YAW + r01 * COS_YAW;
  rot[2] = r02;
  rot[3] = r10 * COS_YAW + r11 * SIN_YAW;
  rot[4] = -r10 * SIN_YAW + r11 * COS_YAW;
  rot[5] = r12;
  rot[6] = r20 * COS_YAW + r21 * SIN_YAW;
  rot[7] = -r20 * SIN_YAW + r21 * COS_YAW;
  rot[8] = r22;
}

/**
 * The geometric Jacobian of the end-effector at `pose` into `out` (6 x 7, row-major): rows 0-2 the linear
 * velocity per unit joint rate, z_j × (p_ee − o_j); rows 3-5 the angular one, z_j.
 */
export function geometricJacobian(pose: ArmPose, out: Float64Array): void {
  for (let j = 0; j < ARM_DOF; j++) {
    const zx = pose.axes[3 * j];
    const zy = pose.axes[3 * j + 1];
    const zz = pose.axes[3 * j + 2];
    const rx = pose.ee[0] - pose.origins[3 * j];
    const ry = pose.ee[1] - pose.origins[3 * j + 1];
    const rz = pose.ee[2] - pose.origins[3 * j + 2];
    out[j] = zy * rz - zz * ry;
    out[ARM_DOF + j] = zz * rx - zx * rz;
    out[2 * ARM_DOF + j] = zx * ry - zy * rx;
    out[3 * ARM_DOF + j] = zx;
    out[4 * ARM_DOF + j] = zy;
    out[5 * ARM_DOF + j] = zz;
  }
}

export interface IkOptions {
  /** Iterations at most (PyBullet's documented default is 20). */
  readonly iterations?: number;
  /** Stop when the pose error's norm is below this. */
  readonly tolerance?: number;
  /** Damping λ of the least-squares step. */
  readonly damping?: number;
  /** Target rotation of the end-effector, row-major 3x3 (default: gripper pointing down, ee control's). */
  readonly orientation?: ArrayLike<number>;
}

/**
 * The gripper pointing down but leaning by `angle` (rad) so that its tip points along the horizontal unit
 * vector (ux, uy): the down rotation turned about the horizontal axis across (ux, uy). Written into `out`
 * (row-major 3x3), for IkOptions.orientation.
 */
export function leaningDown(ux: number, uy: number, angle: number, out = new Float64Array(9)): Float64Array {
  // Rodrigues' rotation about k = (uy, −ux, 0), which takes (0, 0, −1) toward (ux, uy, 0).
  const kx = uy;
  const ky = -ux;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const t = 1 - c;
  const r = [c + t * kx * kx, t * kx * ky, s * ky, t * kx * ky, c + t * ky * ky, -s * kx, -s * ky, s * kx, c];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let v = 0;
      for (let k = 0; k < 3; k++) v += r[3 * i + k] * DOWN[3 * k + j];
      out[3 * i + j] = v;
    }
  }
  return out;
}

/**
 * Damped-least-squares IK: joint angles near `seed` (7 values) that put the end-effector at `target` with the
 * gripper pointing down, within the joint limits. Writes into `out` (7 values) and returns the final position
 * error in metres.
 */
export class ArmIk {
  private readonly pose = createArmPose();
  private readonly q = new Float64Array(ARM_DOF);
  private readonly jac = new Float64Array(6 * ARM_DOF);
  private readonly err = new Float64Array(6);
  private readonly a = new Float64Array(36);
  private readonly y = new Float64Array(6);

  solve(
    seed: ArrayLike<number>,
    target: ArrayLike<number>,
    out: Float64Array,
    options: IkOptions = {},
  ): number {
    const iterations = options.iterations ?? 30;
    const tolerance = options.tolerance ?? 1e-5;
    const lambda2 = (options.damping ?? 0.05) ** 2;
    const down = options.orientation ?? DOWN;
    const { pose, q, jac, err, a, y } = this;
    for (let i = 0; i < ARM_DOF; i++) q[i] = seed[i];
    let posError = Number.POSITIVE_INFINITY;
    for (let it = 0; it <= iterations; it++) {
      forwardKinematics(q, pose);
      const rot = pose.rotation;
      err[0] = target[0] - pose.ee[0];
      err[1] = target[1] - pose.ee[1];
      err[2] = target[2] - pose.ee[2];
      // Orientation error: half the sum over columns of (current column × desired column).
      err[3] = 0;
      err[4] = 0;
      err[5] = 0;
      for (let c = 0; c < 3; c++) {
        const cx = rot[c];
        const cy = rot[3 + c];
        const cz = rot[6 + c];
        const dx = down[c];
        const dy = down[3 + c];
        const dz = down[6 + c];
        err[3] += 0.5 * (cy * dz - cz * dy);
        err[4] += 0.5 * (cz * dx - cx * dz);
        err[5] += 0.5 * (cx * dy - cy * dx);
      }
      posError = Math.hypot(err[0], err[1], err[2]);
      const rotError = Math.hypot(err[3], err[4], err[5]);
      if (it === iterations || posError + rotError < tolerance) break;
      geometricJacobian(pose, jac);
      // Solve (J Jᵀ + λ² I) y = err, then Δq = Jᵀ y.
      for (let r = 0; r < 6; r++) {
        for (let c = r; c < 6; c++) {
          let s = 0;
          for (let k = 0; k < ARM_DOF; k++) s += jac[r * ARM_DOF + k] * jac[c * ARM_DOF + k];
          a[r * 6 + c] = s;
          a[c * 6 + r] = s;
        }
        a[r * 6 + r] += lambda2;
        y[r] = err[r];
      }
      choleskySolve6(a, y);
      for (let k = 0; k < ARM_DOF; k++) {
        let dq = 0;
        for (let r = 0; r < 6; r++) dq += jac[r * ARM_DOF + k] * y[r];
        const joint = ARM_JOINTS[k];
        q[k] = Math.min(joint.upper, Math.max(joint.lower, q[k] + dq));
      }
    }
    out.set(q);
    return posError;
  }
}

/** Solves a 6x6 symmetric positive-definite system in place (a is overwritten by its factor, b by x). */
function choleskySolve6(a: Float64Array, b: Float64Array): void {
  const n = 6;
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
    d = Math.sqrt(d);
    a[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / d;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= a[i * n + k] * b[k];
    b[i] = s / a[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= a[k * n + i] * b[k];
    b[i] = s / a[i * n + i];
  }
}
