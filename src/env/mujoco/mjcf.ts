/**
 * Small helpers to write MJCF (MuJoCo's XML) from code: attribute formatting, rotations, and Bullet-style
 * friction through explicit contact pairs.
 *
 * Bullet combines two bodies' friction by multiplying them; MuJoCo takes the larger of the two geoms' values.
 * The scenes we port were tuned under Bullet (a puck at 0.04 on a 0.5 table slides with 0.02), so every
 * contact that matters is declared as a `<pair>` carrying the product, and geoms get `contype="0"
 * conaffinity="0"` so MuJoCo's own collision detection adds no second, max-rule contact for the same pair.
 */

export type Vec3 = readonly [number, number, number];

/** A number as MJCF text: shortest round-trip form, no exponent surprises for tiny values. */
export function num(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`MJCF number must be finite, got ${x}`);
  if (Math.abs(x) < 1e-12) return "0";
  return String(x);
}

export function vec(values: readonly number[]): string {
  return values.map(num).join(" ");
}

/** `key="value"` pairs; undefined values are left out. */
export function attrs(values: Record<string, string | number | readonly number[] | undefined>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const text = typeof value === "number" ? num(value) : typeof value === "string" ? value : vec(value);
    parts.push(`${key}="${text}"`);
  }
  return parts.join(" ");
}

/** Quaternion (w, x, y, z), MuJoCo's order, of URDF's fixed-axis roll-pitch-yaw: R = Rz(yaw) Ry(pitch) Rx(roll). */
export function quatFromRpy(roll: number, pitch: number, yaw: number): [number, number, number, number] {
  const cr = Math.cos(roll / 2);
  const sr = Math.sin(roll / 2);
  const cp = Math.cos(pitch / 2);
  const sp = Math.sin(pitch / 2);
  const cy = Math.cos(yaw / 2);
  const sy = Math.sin(yaw / 2);
  return [
    cr * cp * cy + sr * sp * sy,
    sr * cp * cy - cr * sp * sy,
    cr * sp * cy + sr * cp * sy,
    cr * cp * sy - sr * sp * cy,
  ];
}

/** A collidable geom as the friction-pair builder sees it: its MJCF name and its Bullet lateral friction. */
export interface FrictionGeom {
  readonly name: string;
  readonly friction: number;
}

export interface PairOptions {
  /** Contact dimensionality: 3 (sliding friction only, Bullet's default) or 4 (plus torsional). */
  readonly condim?: 3 | 4;
  /** Torsional friction (MuJoCo units: metres) when condim is 4. */
  readonly torsional?: number;
  /** MuJoCo's contact softness (solref: time constant, damping ratio); default MuJoCo's 0.02, 1. */
  readonly solref?: readonly [number, number];
}

/**
 * A `<pair>` whose sliding friction is the product of the two geoms' frictions (Bullet's rule, clamped to
 * Bullet's limit of 10), with no rolling friction.
 */
export function frictionPair(a: FrictionGeom, b: FrictionGeom, options: PairOptions = {}): string {
  const mu = Math.min(10, a.friction * b.friction);
  const condim = options.condim ?? 3;
  const torsional = options.torsional ?? 0;
  return `<pair ${attrs({ geom1: a.name, geom2: b.name, condim, friction: [mu, mu, torsional, 0, 0], solref: options.solref })}/>`;
}
