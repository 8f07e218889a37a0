/**
 * Bullet's TinyRenderer light model (the renderer panda-gym and Ravens get headless, ROBOTICS.md A.9):
 *   intensity = 0.6 + min(0.35·max(0, n·l) + 0.05·specular, 0.4), × 0.8 in shadow, × the colour,
 * with the colour bytes truncated, as TinyRenderer's cast to unsigned char does: a cube side facing away from
 * the light in panda-gym's tiny.png is (15, 137, 15) = trunc(0.6 × (25.5, 229.5, 25.5)).
 */
import type { Vec3 } from "./scene.ts";

export const AMBIENT = 0.6;
export const DIFFUSE = 0.35;
export const SPECULAR = 0.05;
export const SHADOW_FACTOR = 0.8;

/** The direction towards the light in panda-gym and Ravens (Bullet's default light position, z up). */
export const DEFAULT_LIGHT_DIRECTION: Vec3 = normalise([-50, 30, 100]);

export function normalise(v: Vec3): Vec3 {
  const l = Math.hypot(v[0], v[1], v[2]);
  if (!(l > 0) || !Number.isFinite(l)) {
    throw new RangeError(`light direction must be a finite non-zero vector, got [${v.join(", ")}]`);
  }
  return [v[0] / l, v[1] / l, v[2] / l];
}

/** TinyRenderer's intensity for a surface whose unit normal makes cosine `nDotL` with the light direction. */
export function intensity(nDotL: number, specular = 0): number {
  return AMBIENT + Math.min(DIFFUSE * Math.max(0, nDotL) + SPECULAR * specular, 1 - AMBIENT);
}

/** One colour channel (0..1) lit with intensity i, as a byte (truncated). */
export function shadeChannel(channel: number, i: number): number {
  const v = (channel * 255 * i) | 0;
  return Math.max(0, Math.min(v, 255));
}
