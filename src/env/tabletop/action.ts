/**
 * The pick-place action (Ravens' `{pose0, pose1}`): two poses of 7 numbers each, position (x, y, z) and a
 * quaternion (x, y, z, w), of which only the yaw is used (the suction points down). Sampling draws Ravens'
 * random policy: positions uniform over the workspace at table height, yaw uniform.
 */
import type { Space, Uniform } from "../spaces.ts";
import { yawQuat } from "./pose.ts";
import { BOUNDS } from "./workspace.ts";

export interface PickPlaceAction {
  /** Pick pose: x, y, z, qx, qy, qz, qw. */
  readonly pose0: ArrayLike<number>;
  /** Place pose (for push: the end of the push). */
  readonly pose1: ArrayLike<number>;
}

/** A pose of 7 numbers from a position and a yaw. */
export function poseOf(x: number, y: number, z: number, yaw = 0): Float64Array {
  const q = yawQuat(yaw);
  return Float64Array.of(x, y, z, q[0], q[1], q[2], q[3]);
}

/**
 * The action as { pose0, pose1 }: a flat array of 14 numbers (pose0 then pose1, the form trajectories store)
 * is split; anything else is returned as it is, for actionProblem to judge.
 */
export function asPickPlace(action: unknown): unknown {
  if ((Array.isArray(action) || ArrayBuffer.isView(action)) && (action as ArrayLike<number>).length === 14) {
    const flat = Array.from(action as ArrayLike<number>);
    return { pose0: flat.slice(0, 7), pose1: flat.slice(7) };
  }
  return action;
}

/** What is wrong with an action, or null. */
export function actionProblem(action: unknown): string | null {
  if (typeof action !== "object" || action === null) {
    return `the action must be { pose0, pose1 } with 7 numbers each (x, y, z, qx, qy, qz, qw), or those 14 numbers in one array, got ${typeof action}`;
  }
  for (const key of ["pose0", "pose1"] as const) {
    const pose = (action as Record<string, unknown>)[key] as ArrayLike<number> | undefined;
    if (!pose || typeof pose !== "object" || typeof pose.length !== "number" || pose.length !== 7) {
      return `${key} must be 7 numbers (x, y, z, qx, qy, qz, qw), got ${pose === undefined ? "nothing" : `length ${(pose as ArrayLike<number>).length}`}`;
    }
    for (let i = 0; i < 7; i++) {
      if (typeof pose[i] !== "number" || !Number.isFinite(pose[i])) {
        return `${key}[${i}] is ${String(pose[i])}; poses must be finite numbers`;
      }
    }
    if (Math.hypot(pose[3], pose[4], pose[5], pose[6]) < 1e-6) {
      return `${key} has a zero quaternion; use (0, 0, 0, 1) for "suction pointing down"`;
    }
  }
  return null;
}

export class PickPlaceSpace implements Space<PickPlaceAction> {
  readonly kind = "pick-place";
  contains(value: unknown): value is PickPlaceAction {
    return actionProblem(value) === null;
  }
  sample(uniform: Uniform): PickPlaceAction {
    const pose = () =>
      poseOf(
        BOUNDS.x[0] + uniform() * (BOUNDS.x[1] - BOUNDS.x[0]),
        BOUNDS.y[0] + uniform() * (BOUNDS.y[1] - BOUNDS.y[0]),
        0,
        uniform() * 2 * Math.PI,
      );
    return { pose0: pose(), pose1: pose() };
  }
  describe(): string {
    return "PickPlace({pose0, pose1}: x, y, z, qx, qy, qz, qw; positions outside the workspace are clipped)";
  }
}
