/**
 * A shadow map seen from the (directional) light: an orthographic depth image over a rectangle of light space.
 * Light space has axes (u, v, l) with l the direction towards the light, so a larger l is nearer the light.
 * Each texel keeps the largest l of a caster's *back* faces (those facing away from the light): a lit surface then
 * never compares against itself, which removes shadow acne without a large bias, and only the far side of a caster
 * darkens what lies behind it. Casters are closed solids (MuJoCo primitives, closed meshes).
 *
 * The static casters' map is kept (`saveBase`); each frame restores it where dynamic casters drew last time.
 */
import type { Vec3 } from "./scene.ts";

export class ShadowMap {
  readonly size: number;
  /** Largest light-space l per texel; −Infinity where nothing casts. */
  readonly depth: Float32Array;
  /** Rows: u, v and l axes (world), right-handed. */
  readonly basis: Float64Array;
  /** Light-space u and v of texel (0, 0)'s corner and texels per metre. */
  u0 = 0;
  v0 = 0;
  scale = 1;
  private base: Float32Array | null = null;
  /** Texel rectangle written since the base was restored: [x0, y0, x1, y1), empty when x0 >= x1. */
  dirtyX0 = 0;
  dirtyY0 = 0;
  dirtyX1 = 0;
  dirtyY1 = 0;

  constructor(size: number, light: Vec3) {
    if (!Number.isInteger(size) || size < 16 || size > 8192) {
      throw new RangeError(`shadow map size must be an integer in [16, 8192], got ${size}`);
    }
    this.size = size;
    this.depth = new Float32Array(size * size).fill(-Infinity);
    const [lx, ly, lz] = light;
    // u ⟂ l: l × ẑ, or l × x̂ when the light is vertical.
    let ux = ly;
    let uy = -lx;
    let uz = 0;
    if (Math.hypot(ux, uy) < 1e-6) {
      ux = 0;
      uy = lz;
      uz = -ly;
    }
    const ul = Math.hypot(ux, uy, uz);
    ux /= ul;
    uy /= ul;
    uz /= ul;
    // v = l × u, so that u × v = l.
    const vx = ly * uz - lz * uy;
    const vy = lz * ux - lx * uz;
    const vz = lx * uy - ly * ux;
    this.basis = Float64Array.of(ux, uy, uz, vx, vy, vz, lx, ly, lz);
  }

  /** Metres of light space per texel. */
  get texelSize(): number {
    return 1 / this.scale;
  }

  /** Maps the light-space rectangle covering these world points onto the texels (a small margin around). */
  fitTo(points: ArrayLike<number>): void {
    const b = this.basis;
    let minU = Infinity;
    let minV = Infinity;
    let maxU = -Infinity;
    let maxV = -Infinity;
    for (let i = 0; i + 2 < points.length; i += 3) {
      const u = b[0] * points[i] + b[1] * points[i + 1] + b[2] * points[i + 2];
      const v = b[3] * points[i] + b[4] * points[i + 1] + b[5] * points[i + 2];
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    if (!(maxU >= minU) || !(maxV >= minV)) {
      minU = -1;
      maxU = 1;
      minV = -1;
      maxV = 1;
    }
    const extent = Math.max(maxU - minU, maxV - minV, 1e-3) * 1.02;
    this.u0 = (minU + maxU) / 2 - extent / 2;
    this.v0 = (minV + maxV) / 2 - extent / 2;
    this.scale = this.size / extent;
  }

  clear(): void {
    this.depth.fill(-Infinity);
    this.base = null;
    this.markClean();
  }

  /** The current content becomes the base that `restoreBase` returns to. */
  saveBase(): void {
    if (!this.base) this.base = new Float32Array(this.depth.length);
    this.base.set(this.depth);
    this.markClean();
  }

  /** Undoes what was drawn since the base was saved (only the dirty rectangle is copied back). */
  restoreBase(): void {
    if (this.dirtyX0 < this.dirtyX1) {
      const n = this.size;
      const base = this.base;
      for (let y = this.dirtyY0; y < this.dirtyY1; y++) {
        const from = y * n + this.dirtyX0;
        const to = y * n + this.dirtyX1;
        if (base) this.depth.set(base.subarray(from, to), from);
        else this.depth.fill(-Infinity, from, to);
      }
    }
    this.markClean();
  }

  private markClean(): void {
    this.dirtyX0 = this.size;
    this.dirtyY0 = this.size;
    this.dirtyX1 = 0;
    this.dirtyY1 = 0;
  }

  /** Grows the dirty rectangle to include texel rows [y0, y1) and columns [x0, x1). */
  markDirty(x0: number, y0: number, x1: number, y1: number): void {
    if (x0 < this.dirtyX0) this.dirtyX0 = x0;
    if (y0 < this.dirtyY0) this.dirtyY0 = y0;
    if (x1 > this.dirtyX1) this.dirtyX1 = x1;
    if (y1 > this.dirtyY1) this.dirtyY1 = y1;
  }
}
