/**
 * Ravens' `get_random_pose`, as a distribution: a uniform position on the workspace whose footprint (a disc of
 * the footprint's half diagonal, the erosion kernel Ravens uses) stays off the workspace edge and off every
 * object already placed, and a uniform yaw. Ravens finds free space in a rendered mask; we test the placed
 * objects' true footprints (rectangles for blocks, discs for bowls). None is returned when 1,000 tries find no
 * room, as Ravens returns None when the eroded free space is empty.
 */
import type { NumpyGenerator } from "../minigrid/rng.ts";
import { BOUNDS, PIXEL_SIZE } from "./workspace.ts";

export interface Footprint {
  readonly x: number;
  readonly y: number;
  readonly yaw: number;
  /** Half extents of a rectangle, or a disc of radius `radius`. */
  readonly halfX: number;
  readonly halfY: number;
  readonly radius?: number;
}

export interface PlanarPose {
  readonly x: number;
  readonly y: number;
  readonly yaw: number;
}

/** Distance from a point to a footprint (0 inside). */
export function distanceToFootprint(px: number, py: number, f: Footprint): number {
  const dx = px - f.x;
  const dy = py - f.y;
  if (f.radius !== undefined) return Math.max(0, Math.hypot(dx, dy) - f.radius);
  const c = Math.cos(f.yaw);
  const s = Math.sin(f.yaw);
  const lx = Math.abs(c * dx + s * dy) - f.halfX;
  const ly = Math.abs(-s * dx + c * dy) - f.halfY;
  return Math.hypot(Math.max(lx, 0), Math.max(ly, 0));
}

export function randomPose(
  rng: NumpyGenerator,
  sizeX: number,
  sizeY: number,
  placed: readonly Footprint[],
  tries = 1000,
): PlanarPose | null {
  const clearance = Math.hypot(sizeX, sizeY) / 2;
  // Ravens zeroes the mask's border pixels before eroding: one pixel more than the clearance from the edge.
  const margin = clearance + PIXEL_SIZE;
  const x0 = BOUNDS.x[0] + margin;
  const x1 = BOUNDS.x[1] - margin;
  const y0 = BOUNDS.y[0] + margin;
  const y1 = BOUNDS.y[1] - margin;
  if (!(x1 > x0 && y1 > y0)) return null;
  for (let t = 0; t < tries; t++) {
    const x = rng.uniform(x0, x1);
    const y = rng.uniform(y0, y1);
    if (placed.every((f) => distanceToFootprint(x, y, f) >= clearance)) {
      return { x, y, yaw: rng.uniform(0, 2 * Math.PI) };
    }
  }
  return null;
}
