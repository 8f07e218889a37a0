/**
 * Cameras → one resolved pinhole model: a world → camera rotation (rows: image right, image down, optical axis),
 * the eye, and intrinsics in pixels. Both of the reference projects' cameras reduce to it:
 * - panda-gym's orbit camera: Bullet's computeViewMatrixFromYawPitchRoll (z up) + computeProjectionMatrixFOV.
 *   That projection has square pixels and the principal point at the image centre, so fx = fy = (H/2)/tan(fov/2).
 * - Ravens' RealSense cameras: a position and a quaternion, optical axis R·(0,0,1), image up R·(0,−1,0), i.e. the
 *   camera frame is R itself (x right, y down, z forward).
 * Pixel (i, j) covers [i, i+1) × [j, j+1); the projection u = cx + fx·x/z lands on continuous coordinates.
 */
import type { Camera, OrbitCamera, PinholeCamera, Vec3 } from "./scene.ts";

export interface ResolvedCamera {
  /** World → camera rotation, row-major; rows are the camera's right, down and forward axes in world coordinates. */
  readonly rotation: Float64Array;
  readonly eye: Vec3;
  readonly fx: number;
  readonly fy: number;
  readonly cx: number;
  readonly cy: number;
  readonly near: number;
  readonly far: number;
  readonly width: number;
  readonly height: number;
}

const DEG = Math.PI / 180;

/** panda-gym 3.0.7's render defaults (ROBOTICS.md A.9). */
export const PANDA_GYM_CAMERA: OrbitCamera = {
  kind: "orbit",
  target: [0, 0, 0],
  distance: 1.4,
  yaw: 45,
  pitch: -30,
  roll: 0,
  fovY: 60,
  near: 0.1,
  far: 100,
};

/** panda-gym's camera with some fields replaced (render_target_position, render_distance, render_yaw, ...). */
export function pandaGymCamera(overrides: Partial<Omit<OrbitCamera, "kind">> = {}): OrbitCamera {
  return { ...PANDA_GYM_CAMERA, ...overrides };
}

/**
 * PyBullet's getQuaternionFromEuler: extrinsic rotations about x, then y, then z (R = Rz·Ry·Rx), radians,
 * returned as (x, y, z, w).
 */
export function quaternionFromEuler(rx: number, ry: number, rz: number): [number, number, number, number] {
  const cr = Math.cos(rx / 2);
  const sr = Math.sin(rx / 2);
  const cp = Math.cos(ry / 2);
  const sp = Math.sin(ry / 2);
  const cy = Math.cos(rz / 2);
  const sy = Math.sin(rz / 2);
  return [
    sr * cp * cy - cr * sp * sy,
    cr * sp * cy + sr * cp * sy,
    cr * cp * sy - sr * sp * cy,
    cr * cp * cy + sr * sp * sy,
  ];
}

/** Rotation matrix (row-major 3x3) of a unit quaternion (x, y, z, w); the quaternion is normalised first. */
export function matrixFromQuaternion(q: readonly [number, number, number, number]): Float64Array {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  if (!(n > 0) || !Number.isFinite(n)) {
    throw new RangeError(`camera quaternion must be finite and non-zero, got [${q.join(", ")}]`);
  }
  const x = q[0] / n;
  const y = q[1] / n;
  const z = q[2] / n;
  const w = q[3] / n;
  return Float64Array.of(
    1 - 2 * (y * y + z * z),
    2 * (x * y - z * w),
    2 * (x * z + y * w),
    2 * (x * y + z * w),
    1 - 2 * (x * x + z * z),
    2 * (y * z - x * w),
    2 * (x * z - y * w),
    2 * (y * z + x * w),
    1 - 2 * (x * x + y * y),
  );
}

/** Ravens' RealSense D415 agent cameras at 640x480 (ROBOTICS.md B.3); `render()` of Ravens returns "front". */
export function ravensCamera(name: "front" | "left" | "right"): PinholeCamera {
  const poses = {
    front: { position: [1, 0, 0.75] as Vec3, euler: [Math.PI / 4, Math.PI, -Math.PI / 2] },
    left: { position: [0, 0.5, 0.75] as Vec3, euler: [Math.PI / 4.5, Math.PI, Math.PI / 4] },
    right: { position: [0, -0.5, 0.75] as Vec3, euler: [Math.PI / 4.5, Math.PI, (3 * Math.PI) / 4] },
  };
  const pose = poses[name];
  return {
    kind: "pinhole",
    position: pose.position,
    quaternion: quaternionFromEuler(pose.euler[0], pose.euler[1], pose.euler[2]),
    fx: 450,
    fy: 450,
    cx: 320,
    cy: 240,
    near: 0.01,
    far: 10,
  };
}

/**
 * Ravens' oracle camera (ROBOTICS.md B.3): 1000 m above (0.5, 0, 0) looking straight down with fx = fy = 630,000,
 * so nearly orthographic, 640x480, depth range (999.7, 1001). Ravens samples object poses from its heightmap.
 */
export function ravensOracleCamera(): PinholeCamera {
  return {
    kind: "pinhole",
    position: [0.5, 0, 1000],
    quaternion: quaternionFromEuler(0, Math.PI, -Math.PI / 2),
    fx: 63e4,
    fy: 63e4,
    cx: 320,
    cy: 240,
    near: 999.7,
    far: 1001,
  };
}

/**
 * The eye and up vector of Bullet's computeViewMatrixFromYawPitchRoll with z up: the eye starts at (0, −d, 0)
 * relative to the target and is turned by Rz(yaw)·Ry(roll)·Rx(pitch); the up vector ẑ is turned the same way.
 */
export function orbitEyeAndUp(camera: OrbitCamera): { eye: Vec3; up: Vec3 } {
  const cy = Math.cos(camera.yaw * DEG);
  const sy = Math.sin(camera.yaw * DEG);
  const cp = Math.cos(camera.pitch * DEG);
  const sp = Math.sin(camera.pitch * DEG);
  const cr = Math.cos(camera.roll * DEG);
  const sr = Math.sin(camera.roll * DEG);
  // R = Rz(yaw)·Ry(roll)·Rx(pitch), row-major; only its y and z columns are needed.
  const r01 = cy * sr * sp - sy * cp;
  const r02 = cy * sr * cp + sy * sp;
  const r11 = sy * sr * sp + cy * cp;
  const r12 = sy * sr * cp - cy * sp;
  const r21 = cr * sp;
  const r22 = cr * cp;
  const d = camera.distance;
  const t = camera.target;
  return {
    eye: [t[0] - d * r01, t[1] - d * r11, t[2] - d * r21],
    up: [r02, r12, r22],
  };
}

function requireFinite(what: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new RangeError(`${what} must be finite numbers, got [${Array.from(values).join(", ")}]`);
    }
  }
}

function checkDepthRange(near: number, far: number): void {
  if (!(near > 0) || !(far > near) || !Number.isFinite(far)) {
    throw new RangeError(`camera needs 0 < near < far < Infinity, got near ${near}, far ${far}`);
  }
}

/** Turns a camera description into the pinhole model the rasteriser uses, for an image of width x height. */
export function resolveCamera(camera: Camera, width: number, height: number): ResolvedCamera {
  if (camera.kind === "orbit") {
    requireFinite("orbit camera target", camera.target);
    requireFinite("orbit camera distance/yaw/pitch/roll/fovY", [
      camera.distance,
      camera.yaw,
      camera.pitch,
      camera.roll,
      camera.fovY,
    ]);
    checkDepthRange(camera.near, camera.far);
    if (!(camera.fovY > 0 && camera.fovY < 180)) {
      throw new RangeError(`orbit camera fovY must be in (0, 180) degrees, got ${camera.fovY}`);
    }
    const { eye, up } = orbitEyeAndUp(camera);
    let fx = camera.target[0] - eye[0];
    let fy = camera.target[1] - eye[1];
    let fz = camera.target[2] - eye[2];
    const fl = Math.hypot(fx, fy, fz);
    if (!(fl > 0))
      throw new RangeError("orbit camera distance must be non-zero (the eye sits on the target)");
    fx /= fl;
    fy /= fl;
    fz /= fl;
    // right = forward × up (normalised); camera up = right × forward; image down = −camera up.
    let sx = fy * up[2] - fz * up[1];
    let sy = fz * up[0] - fx * up[2];
    let sz = fx * up[1] - fy * up[0];
    const sl = Math.hypot(sx, sy, sz);
    if (!(sl > 1e-12)) throw new RangeError("orbit camera looks along its up axis; change pitch");
    sx /= sl;
    sy /= sl;
    sz /= sl;
    const ux = sy * fz - sz * fy;
    const uy = sz * fx - sx * fz;
    const uz = sx * fy - sy * fx;
    const focal = height / 2 / Math.tan((camera.fovY * DEG) / 2);
    return {
      rotation: Float64Array.of(sx, sy, sz, -ux, -uy, -uz, fx, fy, fz),
      eye,
      fx: focal,
      fy: focal,
      cx: width / 2,
      cy: height / 2,
      near: camera.near,
      far: camera.far,
      width,
      height,
    };
  }
  if (camera.kind === "pinhole") {
    requireFinite("pinhole camera position", camera.position);
    requireFinite("pinhole camera quaternion", camera.quaternion);
    requireFinite("pinhole camera intrinsics fx/fy/cx/cy", [camera.fx, camera.fy, camera.cx, camera.cy]);
    checkDepthRange(camera.near, camera.far);
    if (!(camera.fx > 0 && camera.fy > 0)) {
      throw new RangeError(`pinhole camera needs fx, fy > 0, got ${camera.fx}, ${camera.fy}`);
    }
    const r = matrixFromQuaternion(camera.quaternion);
    // World → camera is Rᵀ: its rows are R's columns.
    return {
      rotation: Float64Array.of(r[0], r[3], r[6], r[1], r[4], r[7], r[2], r[5], r[8]),
      eye: [camera.position[0], camera.position[1], camera.position[2]],
      fx: camera.fx,
      fy: camera.fy,
      cx: camera.cx,
      cy: camera.cy,
      near: camera.near,
      far: camera.far,
      width,
      height,
    };
  }
  throw new TypeError(`unknown camera kind ${JSON.stringify((camera as { kind?: unknown }).kind)}`);
}

/** Where a world point lands: continuous pixel coordinates and depth along the optical axis (metres). */
export function projectPoint(cam: ResolvedCamera, p: Vec3): { u: number; v: number; depth: number } {
  const r = cam.rotation;
  const dx = p[0] - cam.eye[0];
  const dy = p[1] - cam.eye[1];
  const dz = p[2] - cam.eye[2];
  const x = r[0] * dx + r[1] * dy + r[2] * dz;
  const y = r[3] * dx + r[4] * dy + r[5] * dz;
  const z = r[6] * dx + r[7] * dy + r[8] * dz;
  return { u: cam.cx + (cam.fx * x) / z, v: cam.cy + (cam.fy * y) / z, depth: z };
}

/** The camera's optical axis (unit, world) — row 3 of the rotation. */
export function opticalAxis(cam: ResolvedCamera): Vec3 {
  return [cam.rotation[6], cam.rotation[7], cam.rotation[8]];
}

/** Whether two resolved cameras give the same image geometry (for caching per-camera work: the static layer). */
export function sameCamera(a: ResolvedCamera, b: ResolvedCamera): boolean {
  if (a === b) return true;
  for (let i = 0; i < 9; i++) if (a.rotation[i] !== b.rotation[i]) return false;
  return (
    a.eye[0] === b.eye[0] &&
    a.eye[1] === b.eye[1] &&
    a.eye[2] === b.eye[2] &&
    a.fx === b.fx &&
    a.fy === b.fy &&
    a.cx === b.cx &&
    a.cy === b.cy &&
    a.near === b.near &&
    a.far === b.far &&
    a.width === b.width &&
    a.height === b.height
  );
}

/** Whether two camera descriptions are equal field by field. */
export function sameCameraInput(a: Camera, b: Camera): boolean {
  if (a.kind === "orbit" && b.kind === "orbit") {
    return (
      a.target[0] === b.target[0] &&
      a.target[1] === b.target[1] &&
      a.target[2] === b.target[2] &&
      a.distance === b.distance &&
      a.yaw === b.yaw &&
      a.pitch === b.pitch &&
      a.roll === b.roll &&
      a.fovY === b.fovY &&
      a.near === b.near &&
      a.far === b.far
    );
  }
  if (a.kind === "pinhole" && b.kind === "pinhole") {
    return (
      a.position[0] === b.position[0] &&
      a.position[1] === b.position[1] &&
      a.position[2] === b.position[2] &&
      a.quaternion[0] === b.quaternion[0] &&
      a.quaternion[1] === b.quaternion[1] &&
      a.quaternion[2] === b.quaternion[2] &&
      a.quaternion[3] === b.quaternion[3] &&
      a.fx === b.fx &&
      a.fy === b.fy &&
      a.cx === b.cx &&
      a.cy === b.cy &&
      a.near === b.near &&
      a.far === b.far
    );
  }
  return false;
}

/** A copy that later changes to the caller's arrays cannot reach. */
export function copyCamera(c: Camera): Camera {
  if (c.kind === "orbit") return { ...c, target: [c.target[0], c.target[1], c.target[2]] };
  return {
    ...c,
    position: [c.position[0], c.position[1], c.position[2]],
    quaternion: [c.quaternion[0], c.quaternion[1], c.quaternion[2], c.quaternion[3]],
  };
}
