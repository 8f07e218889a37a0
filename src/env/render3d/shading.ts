/**
 * Bullet's TinyRenderer light model (the renderer panda-gym and Ravens get headless; Bullet's
 * examples/TinyRenderer/TinyRenderer.cpp, Shader::fragment):
 *   base  = trunc(255 · rgba)                        (the white texture × rgba, stored in a byte)
 *   value = trunc(base · (0.6 + s · (0.35 · max(0, n·l) + 0.05 · max(0, r_z)²)))
 * with r = 2(n·l)n − l the reflected light (its *world* z: TinyRenderer's specular ignores the viewer; exponent 2
 * is its default for models without a specular map) and s = 1 lit, 0.8 in shadow. The shadow scales only the
 * direct light, so a face turned away from the light reads 0.6 × colour in or out of shadow: panda-gym's tiny.png
 * shows such a cube side as (15, 137, 15) = trunc(0.6 × (25, 229, 25)).
 */
import type { Vec3 } from "./scene.ts";

export const AMBIENT = 0.6;
export const DIFFUSE = 0.35;
export const SPECULAR = 0.05;
/** What a shadow leaves of the direct (diffuse + specular) light. */
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

/**
 * Lit intensity of a surface with unit normal whose cosine with the light is `nDotL` and whose world z component
 * is `normalZ`, for a light whose world z component is `lightZ`.
 */
export function intensity(nDotL: number, normalZ: number, lightZ: number): number {
  const diffuse = Math.max(nDotL, 0);
  const rz = 2 * nDotL * normalZ - lightZ;
  const specular = rz > 0 ? rz * rz : 0;
  return AMBIENT + DIFFUSE * diffuse + SPECULAR * specular;
}

/** A colour channel 0..1 (clamped) as TinyRenderer's byte before shading: trunc(255 · c). */
export function baseChannel(c: number): number {
  return c <= 0 ? 0 : c >= 1 ? 255 : Math.trunc(c * 255);
}
