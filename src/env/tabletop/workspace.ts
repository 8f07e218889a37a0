/**
 * The Ravens workspace (ROBOTICS.md B.1, B.3): bounds, the height-map grid, the front RealSense camera and
 * the poses shared by every tabletop task. The UR5 base sits at the world origin; the dark-grey workspace quad
 * covers x ∈ [0.25, 0.75], y ∈ [−0.5, 0.5]; the collision plane's top is at z = −0.001.
 */
import { ravensCamera } from "../render3d/camera.ts";
import type { PinholeCamera } from "../render3d/scene.ts";

/** x, y, z bounds of the task space (CLIPort's `bounds`). */
export const BOUNDS = {
  x: [0.25, 0.75],
  y: [-0.5, 0.5],
  z: [0, 0.3],
} as const;

/** Height-map pixel size (m): a 320 (rows = y) × 160 (columns = x) map. */
export const PIXEL_SIZE = 0.003125;
export const HEIGHTMAP_ROWS = 320;
export const HEIGHTMAP_COLS = 160;

/** The collision plane's top surface (plane.urdf loaded at z = −0.001). */
export const PLANE_TOP = -0.001;

/** Physics timestep of Ravens' demos and evaluation (hz = 480). */
export const TIMESTEP = 1 / 480;

/** Pick-place hover height above the pick and place poses (primitives.PickPlace height). */
export const HOVER_HEIGHT = 0.32;

/** Render size of the agent cameras. */
export const IMAGE_WIDTH = 640;
export const IMAGE_HEIGHT = 480;

/** The front camera: what `render()` returns and what the VLM and reward programs see. */
export function frontCamera(): PinholeCamera {
  return ravensCamera("front");
}

/** `pix_to_xyz`: height-map pixel (row u, column v) → world x, y. */
export function pixToXy(u: number, v: number): [number, number] {
  return [BOUNDS.x[0] + v * PIXEL_SIZE, BOUNDS.y[0] + u * PIXEL_SIZE];
}

/** `xyz_to_pix`: world x, y → height-map pixel (row, column), clamped into the map. */
export function xyToPix(x: number, y: number): [number, number] {
  const u = Math.round((y - BOUNDS.y[0]) / PIXEL_SIZE);
  const v = Math.round((x - BOUNDS.x[0]) / PIXEL_SIZE);
  return [Math.min(HEIGHTMAP_ROWS - 1, Math.max(0, u)), Math.min(HEIGHTMAP_COLS - 1, Math.max(0, v))];
}

/** True when (x, y) lies on the workspace (inclusive bounds). */
export function inWorkspace(x: number, y: number): boolean {
  return x >= BOUNDS.x[0] && x <= BOUNDS.x[1] && y >= BOUNDS.y[0] && y <= BOUNDS.y[1];
}
