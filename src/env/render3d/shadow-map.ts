/**
 * Shadow maps: what the light sees, as a depth image that the camera pass looks up per pixel. Two models.
 *
 * "tinyrenderer" reproduces Bullet's TinyRenderer (examples/TinyRenderer: renderObjectDepth, Shader::fragment),
 * which is what panda-gym's and Ravens' headless images show. Its light is a *perspective* camera at 2 m along the
 * light direction, looking at the world origin with z up, with the render camera's own intrinsics, image size and
 * near/far. Every face of every object is drawn into it, keeping the largest −z_clip. A camera pixel is lit when
 * that stored value is below −(0.5·z_clip + 0.5·w_clip) + 0.05 at its own light-clip position (the lookup clamped
 * to the image border). With near = 0.1 this marks almost every surface nearer than 50 m to the light as "in
 * shadow": in panda-gym's default view the table, the objects and the near floor get 0.8 × the direct light and
 * only a far strip of floor, whose lookups clamp onto farther surfaces, stays lit (checked against panda-gym's
 * docs/_static/img/tiny.png: 99.8% of its table and floor pixels classified alike). No object casts a visible
 * shadow.
 *
 * "directional" is a real cast shadow from a light at infinity: an orthographic map over the casters (fitted by
 * the caller), keeping the back faces (seen from the light) so lit surfaces never shadow themselves.
 *
 * Both are expressed by five affine rows from world to light space: X and Y (texel coordinates times Q), Q (1, or
 * the light camera's depth), S (the value a caster stores; the largest wins) and T (a receiver is shadowed when the
 * stored value exceeds T plus a bias). The static casters' map is kept (`saveBase`); each frame restores it where
 * moving casters drew.
 */
import type { ResolvedCamera } from "./camera.ts";
import type { Vec3 } from "./scene.ts";

export type ShadowModel = "tinyrenderer" | "directional";

/** TinyRenderer's light distance (TinyRendererVisualShapeConverter's default; panda-gym and Ravens keep it). */
export const TINY_LIGHT_DISTANCE = 2;
/** TinyRenderer's constant in the lit test (its "magic coeff to avoid z-fighting"). */
const TINY_TEST_OFFSET = 0.05;

export class ShadowMap {
  readonly model: ShadowModel;
  readonly width: number;
  readonly height: number;
  /** Largest stored value per texel; −Infinity where nothing drew. */
  readonly depth: Float32Array;
  /** World → light space: rows X, Y, Q, S, T, each [a, b, c, d] for a·x + b·y + c·z + d. */
  readonly rows = new Float64Array(20);
  /** Casters with Q below this are clipped (TinyRenderer's near plane); −Infinity for orthographic maps. */
  near = Number.NEGATIVE_INFINITY;
  /** Stored values outside [sMin, sMax] are discarded (TinyRenderer drops fragments beyond its near/far). */
  sMin = Number.NEGATIVE_INFINITY;
  sMax = Number.POSITIVE_INFINITY;
  /** TinyRenderer clamps lookups to the border; the directional map treats outside as lit. */
  readonly clampLookup: boolean;
  /**
   * Which faces are drawn, as the sign of their area on the map. Directional: those turned away from the light
   * (u × v = l, so they have negative area), so lit surfaces never shadow themselves. TinyRenderer draws every
   * face and keeps the nearest; for closed solids that is always a face turned towards the light (positive area
   * with the light image's rows growing upwards), so drawing only those gives the same map at half the cost.
   */
  readonly facing: 1 | -1;
  /** TinyRenderer draws planes too; a directional plane (a floor) casts on nothing. */
  readonly planesCast: boolean;
  /**
   * Added to caster texel coordinates: TinyRenderer samples its light image at integer positions, this rasteriser
   * at pixel centres, so its casters shift by half a texel and lookups do not.
   */
  rasterOffset = 0;
  /** Metres of light depth per texel, for the slope-scaled bias (0: no bias). */
  texelSize = 0;
  private base: Float32Array | null = null;
  /** Texel rectangle written since the base was restored: [x0, y0, x1, y1), empty when x0 >= x1. */
  dirtyX0 = 0;
  dirtyY0 = 0;
  dirtyX1 = 0;
  dirtyY1 = 0;
  /** Light axes (u, v, l) of the directional model, row-major. */
  private readonly basis = new Float64Array(9);

  private constructor(model: ShadowModel, width: number, height: number) {
    if (
      !Number.isInteger(width) ||
      !Number.isInteger(height) ||
      width < 1 ||
      height < 1 ||
      width * height > 1 << 26
    ) {
      throw new RangeError(`shadow map size must be positive integers up to 8192², got ${width}x${height}`);
    }
    this.model = model;
    this.width = width;
    this.height = height;
    this.depth = new Float32Array(width * height).fill(Number.NEGATIVE_INFINITY);
    this.clampLookup = model === "tinyrenderer";
    this.facing = model === "directional" ? -1 : 1;
    this.planesCast = model === "tinyrenderer";
    this.markClean();
  }

  /** An orthographic map of size x size texels for a light at infinity in direction `light`; call fitTo next. */
  static directional(size: number, light: Vec3): ShadowMap {
    const map = new ShadowMap("directional", size, size);
    const [lx, ly, lz] = light;
    // u ⟂ l: l × ẑ, or l × x̂ when the light is vertical; v = l × u, so that u × v = l.
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
    map.basis.set([ux, uy, uz, ly * uz - lz * uy, lz * ux - lx * uz, lx * uy - ly * ux, lx, ly, lz]);
    map.fitTo([-1, -1, -1, 1, 1, 1]);
    return map;
  }

  /** TinyRenderer's light view for this render camera (see the module comment). */
  static tinyRenderer(cam: ResolvedCamera, light: Vec3, distance = TINY_LIGHT_DISTANCE): ShadowMap {
    const map = new ShadowMap("tinyrenderer", cam.width, cam.height);
    const ex = light[0] * distance;
    const ey = light[1] * distance;
    const ez = light[2] * distance;
    // lookat(eye, origin, up ẑ): forward f = −l, right s = f × ẑ, camera up = s × f. Image rows grow with "up"
    // as in TinyRenderer's viewport, so lookups clamp at the same border.
    const fx = -light[0];
    const fy = -light[1];
    const fz = -light[2];
    let sx = fy;
    let sy = -fx;
    let sz = 0;
    if (Math.hypot(sx, sy) < 1e-9) {
      sx = 1;
      sy = 0;
      sz = 0;
    }
    const sl = Math.hypot(sx, sy, sz);
    sx /= sl;
    sy /= sl;
    sz /= sl;
    const ux = sy * fz - sz * fy;
    const uy = sz * fx - sx * fz;
    const uz = sx * fy - sy * fx;
    const n = cam.near;
    const f = cam.far;
    // OpenGL's projection: z_clip = a·depth + b, w_clip = depth.
    const a = (f + n) / (f - n);
    const b = (-2 * f * n) / (f - n);
    const axis = (x: number, y: number, z: number) => [x, y, z, -(x * ex + y * ey + z * ez)];
    const right = axis(sx, sy, sz);
    const up = axis(ux, uy, uz);
    const depth = axis(fx, fy, fz);
    const rows = map.rows;
    for (let c = 0; c < 4; c++) {
      rows[c] = cam.fx * right[c] + cam.cx * depth[c];
      rows[4 + c] = cam.fy * up[c] + cam.cy * depth[c];
      rows[8 + c] = depth[c];
      rows[12 + c] = -a * depth[c];
      rows[16 + c] = -0.5 * (a + 1) * depth[c];
    }
    rows[15] -= b;
    rows[19] += -0.5 * b + TINY_TEST_OFFSET;
    map.near = n;
    map.rasterOffset = 0.5;
    map.sMin = -f;
    map.sMax = n;
    return map;
  }

  /** Directional: maps the light-space rectangle covering these world points onto the texels. */
  fitTo(points: ArrayLike<number>): void {
    const b = this.basis;
    let minU = Number.POSITIVE_INFINITY;
    let minV = Number.POSITIVE_INFINITY;
    let maxU = Number.NEGATIVE_INFINITY;
    let maxV = Number.NEGATIVE_INFINITY;
    for (let i = 0; i + 2 < points.length; i += 3) {
      const u = b[0] * points[i] + b[1] * points[i + 1] + b[2] * points[i + 2];
      const v = b[3] * points[i] + b[4] * points[i + 1] + b[5] * points[i + 2];
      minU = Math.min(minU, u);
      maxU = Math.max(maxU, u);
      minV = Math.min(minV, v);
      maxV = Math.max(maxV, v);
    }
    if (!(maxU >= minU) || !(maxV >= minV)) {
      minU = -1;
      maxU = 1;
      minV = -1;
      maxV = 1;
    }
    const extent = Math.max(maxU - minU, maxV - minV, 1e-3) * 1.02;
    const u0 = (minU + maxU) / 2 - extent / 2;
    const v0 = (minV + maxV) / 2 - extent / 2;
    const scale = this.width / extent;
    const rows = this.rows;
    rows.fill(0);
    for (let c = 0; c < 3; c++) {
      rows[c] = scale * b[c];
      rows[4 + c] = scale * b[3 + c];
      rows[12 + c] = b[6 + c];
      rows[16 + c] = b[6 + c];
    }
    rows[3] = -scale * u0;
    rows[7] = -scale * v0;
    rows[11] = 1;
    this.texelSize = 1 / scale;
  }

  clear(): void {
    this.depth.fill(Number.NEGATIVE_INFINITY);
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
      const w = this.width;
      const base = this.base;
      const depth = this.depth;
      for (let y = this.dirtyY0; y < this.dirtyY1; y++) {
        const to = y * w + this.dirtyX1;
        // A plain loop: subarray() would allocate a view per row.
        if (base) for (let i = y * w + this.dirtyX0; i < to; i++) depth[i] = base[i];
        else for (let i = y * w + this.dirtyX0; i < to; i++) depth[i] = Number.NEGATIVE_INFINITY;
      }
    }
    this.markClean();
  }

  private markClean(): void {
    this.dirtyX0 = this.width;
    this.dirtyY0 = this.height;
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
