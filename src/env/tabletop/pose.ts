/**
 * Rigid transforms for the tabletop scenes: a row-major 3x3 rotation and a translation. Quaternions follow
 * Ravens and PyBullet (x, y, z, w); MuJoCo's (w, x, y, z) order is converted only where MJCF or qpos need it.
 */

export type Vec3 = [number, number, number];
/** (x, y, z, w), Ravens' order. */
export type Quat = [number, number, number, number];

export interface Transform {
  /** Row-major rotation: column j is the local axis j in the parent frame. */
  readonly r: number[];
  readonly p: Vec3;
}

export const IDENTITY_R: readonly number[] = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function transform(p: Vec3, r: readonly number[] = IDENTITY_R): Transform {
  return { r: [...r], p: [p[0], p[1], p[2]] };
}

/** a ∘ b: b expressed in a's frame, mapped to a's parent. */
export function compose(a: Transform, b: Transform): Transform {
  const r = mulR(a.r, b.r);
  const p = apply(a, b.p);
  return { r, p };
}

export function invert(a: Transform): Transform {
  const t = transposeR(a.r);
  const p = mulRv(t, a.p);
  return { r: t, p: [-p[0], -p[1], -p[2]] };
}

export function apply(a: Transform, v: readonly number[]): Vec3 {
  const q = mulRv(a.r, v);
  return [q[0] + a.p[0], q[1] + a.p[1], q[2] + a.p[2]];
}

export function mulR(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      out[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
    }
  }
  return out;
}

export function mulRv(r: readonly number[], v: readonly number[]): Vec3 {
  return [
    r[0] * v[0] + r[1] * v[1] + r[2] * v[2],
    r[3] * v[0] + r[4] * v[1] + r[5] * v[2],
    r[6] * v[0] + r[7] * v[1] + r[8] * v[2],
  ];
}

export function transposeR(r: readonly number[]): number[] {
  return [r[0], r[3], r[6], r[1], r[4], r[7], r[2], r[5], r[8]];
}

/** URDF's fixed-axis roll, pitch, yaw: R = Rz(yaw)·Ry(pitch)·Rx(roll). */
export function rpyToR(roll: number, pitch: number, yaw: number): number[] {
  const cr = Math.cos(roll);
  const sr = Math.sin(roll);
  const cp = Math.cos(pitch);
  const sp = Math.sin(pitch);
  const cy = Math.cos(yaw);
  const sy = Math.sin(yaw);
  return [
    cy * cp,
    cy * sp * sr - sy * cr,
    cy * sp * cr + sy * sr,
    sy * cp,
    sy * sp * sr + cy * cr,
    sy * sp * cr - cy * sr,
    -sp,
    cp * sr,
    cp * cr,
  ];
}

/** Rotation by `angle` about a unit axis (Rodrigues). */
export function axisAngleR(axis: readonly number[], angle: number): number[] {
  const [x, y, z] = axis;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const t = 1 - c;
  return [
    t * x * x + c,
    t * x * y - s * z,
    t * x * z + s * y,
    t * x * y + s * z,
    t * y * y + c,
    t * y * z - s * x,
    t * x * z - s * y,
    t * y * z + s * x,
    t * z * z + c,
  ];
}

export function yawR(yaw: number): number[] {
  return axisAngleR([0, 0, 1], yaw);
}

/** Rotation of a quaternion (x, y, z, w), normalised first. */
export function quatToR(q: readonly number[]): number[] {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  const x = q[0] / n;
  const y = q[1] / n;
  const z = q[2] / n;
  const w = q[3] / n;
  return [
    1 - 2 * (y * y + z * z),
    2 * (x * y - z * w),
    2 * (x * z + y * w),
    2 * (x * y + z * w),
    1 - 2 * (x * x + z * z),
    2 * (y * z - x * w),
    2 * (x * z - y * w),
    2 * (y * z + x * w),
    1 - 2 * (x * x + y * y),
  ];
}

/** Quaternion (x, y, z, w) of a rotation matrix (Shepperd's method). */
export function rToQuat(r: readonly number[]): Quat {
  const tr = r[0] + r[4] + r[8];
  let x: number;
  let y: number;
  let z: number;
  let w: number;
  if (tr > 0) {
    const s = Math.sqrt(tr + 1) * 2;
    w = 0.25 * s;
    x = (r[7] - r[5]) / s;
    y = (r[2] - r[6]) / s;
    z = (r[3] - r[1]) / s;
  } else if (r[0] > r[4] && r[0] > r[8]) {
    const s = Math.sqrt(1 + r[0] - r[4] - r[8]) * 2;
    w = (r[7] - r[5]) / s;
    x = 0.25 * s;
    y = (r[1] + r[3]) / s;
    z = (r[2] + r[6]) / s;
  } else if (r[4] > r[8]) {
    const s = Math.sqrt(1 + r[4] - r[0] - r[8]) * 2;
    w = (r[2] - r[6]) / s;
    x = (r[1] + r[3]) / s;
    y = 0.25 * s;
    z = (r[5] + r[7]) / s;
  } else {
    const s = Math.sqrt(1 + r[8] - r[0] - r[4]) * 2;
    w = (r[3] - r[1]) / s;
    x = (r[2] + r[6]) / s;
    y = (r[5] + r[7]) / s;
    z = 0.25 * s;
  }
  return [x, y, z, w];
}

/** Quaternion (x, y, z, w) of a yaw about world z. */
export function yawQuat(yaw: number): Quat {
  return [0, 0, Math.sin(yaw / 2), Math.cos(yaw / 2)];
}

/** Yaw (rotation about z) of a rotation, as PyBullet's Euler z for a yaw-only rotation. */
export function yawOf(r: readonly number[]): number {
  return Math.atan2(r[3], r[0]);
}

/** Orientation error (rotation vector, small-angle form) taking `current` to `target`, in the parent frame. */
export function rotationError(current: readonly number[], target: readonly number[]): Vec3 {
  // 0.5 Σ c_i × t_i over the columns (local axes) of the two rotations.
  const e: Vec3 = [0, 0, 0];
  for (let j = 0; j < 3; j++) {
    const c = [current[j], current[3 + j], current[6 + j]];
    const t = [target[j], target[3 + j], target[6 + j]];
    e[0] += 0.5 * (c[1] * t[2] - c[2] * t[1]);
    e[1] += 0.5 * (c[2] * t[0] - c[0] * t[2]);
    e[2] += 0.5 * (c[0] * t[1] - c[1] * t[0]);
  }
  return e;
}
