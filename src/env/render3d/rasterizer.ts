/**
 * A headless z-buffer rasteriser for posed primitives (no GPU, no native code), with Bullet TinyRenderer's look:
 * white background, intensity 0.6 + min(0.35·max(0, n·l), 0.4) per pixel, × 0.8 in a directional shadow.
 *
 * Per geom: tessellate once (cached), transform the vertices to camera space, cull back faces, clip against the
 * near plane, project, then fill scanline spans with 1/z interpolated linearly in screen space (which makes depth,
 * and the shadow lookup, perspective-correct). Pixel centres are sampled at (i + 0.5, j + 0.5) with half-open
 * spans, so two triangles sharing an edge never both draw a pixel.
 *
 * The static layer (floor, table, robot base) is drawn once per camera and copied before each frame; with
 * shadows its own shadows are baked in, and only the pixels whose shadow-map texel lies where the moving geoms
 * cast this frame are tested again.
 */
import { createFrame, type Frame } from "../../image/frame.ts";
import { cameraKey, type ResolvedCamera, resolveCamera } from "./camera.ts";
import type { Camera, RenderOptions, SceneGeom, Vec3 } from "./scene.ts";
import { AMBIENT, DEFAULT_LIGHT_DIRECTION, DIFFUSE, normalise, SHADOW_FACTOR } from "./shading.ts";
import { ShadowMap } from "./shadow-map.ts";
import { DEFAULT_DETAIL, type LocalMesh, type TessellationDetail, tessellate } from "./tessellate.ts";

/** Optional settings beyond the contract's RenderOptions. */
export interface RasterizerOptions extends RenderOptions {
  /** Shadow map resolution (texels per side), default 1024. */
  readonly shadowMapSize?: number;
  /**
   * World box (min and max corners) whose casters and receivers get shadows. Default: the bounding box of the
   * static casters (of this frame's casters when there is no static layer), planes and a ground under everything
   * left out, widened sideways by 0.3 m or a quarter of its size.
   */
  readonly shadowBounds?: { readonly min: Vec3; readonly max: Vec3 };
  /** Tessellation of curved primitives, default 16 slices, 4 stacks per hemisphere. */
  readonly detail?: TessellationDetail;
}

interface StaticLayer {
  readonly key: string;
  readonly color: Uint8Array;
  readonly invDepth: Float32Array;
  /** Shadows on: the colour of each pixel in shadow (lit pixels may fall in a moving geom's shadow). */
  readonly shadowColor: Uint8Array | null;
  /** Shadows on: lit static pixels, sorted by their shadow-map texel, with texel and depth threshold. */
  readonly litPixels: Int32Array | null;
  readonly litTexels: Int32Array | null;
  readonly litThresholds: Float64Array | null;
}

const SHADOW_NONE = 0;
const SHADOW_TEST = 1;
const SHADOW_CAPTURE = 2;

// Scratch state of the triangle being drawn (module level: no allocation per triangle).
const TX = new Float64Array(3);
const TY = new Float64Array(3);
const TW = new Float64Array(3);
const TI = new Float64Array(3);
const TSU = new Float64Array(3);
const TSV = new Float64Array(3);
const TSD = new Float64Array(3);
/** Polygon from near-plane clipping: up to 4 vertices × (x, y, z, intensity, su, sv, sd). */
const CLIP_STRIDE = 7;
const CLIP_IN = new Float64Array(3 * CLIP_STRIDE);
const CLIP_OUT = new Float64Array(4 * CLIP_STRIDE);
/** Geom frame → light space (texels, texels, metres) as three rows of [rotation | translation]. */
const LIGHT_ROWS = new Float64Array(12);

function checkFinite(index: number, geom: SceneGeom, field: "pos" | "mat" | "rgba", count: number): void {
  const values = geom[field];
  if (!values || values.length < count) {
    throw new RangeError(
      `geom ${index} (${geom.kind}): ${field} needs ${count} numbers, got ${values?.length ?? 0}`,
    );
  }
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(values[i])) {
      throw new RangeError(
        `geom ${index} (${geom.kind}): ${field} has a non-finite value [${Array.from(values).join(", ")}]; ` +
          "the simulation may have gone unstable",
      );
    }
  }
}

export class Rasterizer {
  readonly width: number;
  readonly height: number;
  private readonly background: Vec3;
  private readonly light: Vec3;
  private readonly shadows: boolean;
  private readonly detail: TessellationDetail;
  private readonly shadowBounds: RasterizerOptions["shadowBounds"];
  private readonly shadowMap: ShadowMap | null;

  private staticGeoms: readonly SceneGeom[] = [];
  /** Static layers per camera (a few cameras, e.g. Ravens' three, each keep theirs). */
  private layers: StaticLayer[] = [];
  private static readonly MAX_LAYERS = 4;
  private staticShadowReady = false;

  private readonly invDepth: Float32Array;
  private depthView: Float32Array | null = null;
  private readonly clearInvDepth: Float32Array = new Float32Array(1);

  // Per-render state read by the inner loops.
  private color: Uint8Array = new Uint8Array(0);
  private cam!: ResolvedCamera;
  private lightCam = new Float64Array(3);
  private shadowMode = SHADOW_NONE;
  private captureShadowColor: Uint8Array | null = null;
  private captureTexel: Int32Array | null = null;
  private captureThreshold: Float64Array | null = null;
  private vx = new Float64Array(0);
  private vy = new Float64Array(0);
  private vz = new Float64Array(0);
  private vi = new Float64Array(0);
  private vsu = new Float64Array(0);
  private vsv = new Float64Array(0);
  private vsd = new Float64Array(0);
  // Colour of the triangle being drawn: 0..255 floats, its flat bytes, and its shadow bias (light-space metres).
  private cr = 0;
  private cg = 0;
  private cb = 0;
  private bias = 0;
  /** Whether the triangle being drawn faces the light: surfaces turned away are at ambient and take no shadow. */
  private receives = true;

  constructor(options: RasterizerOptions) {
    const { width, height } = options;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      throw new RangeError(`render size must be positive integers, got ${width}x${height}`);
    }
    if (width * height > 16_777_216)
      throw new RangeError(`render size ${width}x${height} is over 16 megapixels`);
    this.width = width;
    this.height = height;
    const bg = options.background ?? [255, 255, 255];
    if (bg.length !== 3 || bg.some((c) => !(c >= 0 && c <= 255))) {
      throw new RangeError(`background must be three numbers in 0..255, got [${bg.join(", ")}]`);
    }
    this.background = [Math.round(bg[0]), Math.round(bg[1]), Math.round(bg[2])];
    this.light = options.lightDirection ? normalise(options.lightDirection) : DEFAULT_LIGHT_DIRECTION;
    this.shadows = options.shadows ?? false;
    this.detail = options.detail ?? DEFAULT_DETAIL;
    this.shadowBounds = options.shadowBounds;
    this.shadowMap = this.shadows ? new ShadowMap(options.shadowMapSize ?? 1024, this.light) : null;
    this.invDepth = new Float32Array(width * height);
  }

  /**
   * Geoms that never move (floor, table, robot base...) drawn once per camera and cached (colour + depth),
   * then copied before each frame; call again when they change.
   */
  setStatic(geoms: readonly SceneGeom[]): void {
    this.staticGeoms = geoms.slice();
    this.layers = [];
    this.staticShadowReady = false;
  }

  /** The depth (metres along the optical axis, Infinity where empty) of the last render, for height maps. */
  get lastDepth(): Float32Array {
    if (!this.depthView) {
      const out = new Float32Array(this.invDepth.length);
      const empty = this.clearInvDepth[0];
      const inv = this.invDepth;
      for (let i = 0; i < inv.length; i++) out[i] = inv[i] > empty ? 1 / inv[i] : Infinity;
      this.depthView = out;
    }
    return this.depthView;
  }

  /**
   * Draws the static layer (cached) plus these geoms; returns a new Frame, or fills `out` (same size) when
   * given, which saves allocating a frame per call.
   */
  render(geoms: readonly SceneGeom[], camera: Camera, out?: Frame): Frame {
    const cam = resolveCamera(camera, this.width, this.height);
    if (out && (out.width !== this.width || out.height !== this.height)) {
      throw new RangeError(
        `out frame is ${out.width}x${out.height}, the rasteriser draws ${this.width}x${this.height}`,
      );
    }
    this.depthView = null;
    this.begin(cam);
    const map = this.shadowMap;
    let frame: Frame;
    if (this.staticGeoms.length > 0) {
      if (map) {
        this.prepareStaticShadows();
        map.restoreBase();
      }
      const layer = this.staticLayer(cam);
      if (out) {
        out.data.set(layer.color);
        frame = out;
      } else {
        frame = createFrame(this.width, this.height, layer.color.slice());
      }
      this.invDepth.set(layer.invDepth);
      this.color = frame.data;
      if (map) {
        this.drawShadowCasters(geoms);
        this.applyDynamicShadows(layer, frame.data);
      }
    } else {
      frame = out ?? createFrame(this.width, this.height);
      this.clear(frame.data);
      this.color = frame.data;
      if (map) {
        map.clear();
        this.fitShadowMap(geoms);
        this.drawShadowCasters(geoms);
      }
    }
    this.shadowMode = map ? SHADOW_TEST : SHADOW_NONE;
    this.drawGeoms(geoms);
    this.color = new Uint8Array(0);
    return frame;
  }

  private begin(cam: ResolvedCamera): void {
    this.cam = cam;
    const r = cam.rotation;
    const l = this.light;
    this.lightCam[0] = r[0] * l[0] + r[1] * l[1] + r[2] * l[2];
    this.lightCam[1] = r[3] * l[0] + r[4] * l[1] + r[5] * l[2];
    this.lightCam[2] = r[6] * l[0] + r[7] * l[1] + r[8] * l[2];
    this.clearInvDepth[0] = 1 / cam.far;
  }

  private clear(color: Uint8Array): void {
    const [r, g, b] = this.background;
    if (r === g && g === b) color.fill(r);
    else {
      color[0] = r;
      color[1] = g;
      color[2] = b;
      for (let filled = 3; filled < color.length; filled *= 2) {
        color.copyWithin(filled, 0, Math.min(filled, color.length - filled));
      }
    }
    this.invDepth.fill(this.clearInvDepth[0]);
  }

  /** The static layer for this camera, drawn now if not cached. */
  private staticLayer(cam: ResolvedCamera): StaticLayer {
    const key = cameraKey(cam);
    const found = this.layers.find((l) => l.key === key);
    if (found) return found;
    const n = this.width * this.height;
    const color = new Uint8Array(n * 3);
    this.clear(color);
    this.color = color;
    let shadowColor: Uint8Array | null = null;
    if (this.shadowMap) {
      shadowColor = new Uint8Array(n * 3);
      this.captureShadowColor = shadowColor;
      this.captureTexel = new Int32Array(n).fill(-1);
      this.captureThreshold = new Float64Array(n);
      this.shadowMode = SHADOW_CAPTURE;
    } else {
      this.shadowMode = SHADOW_NONE;
    }
    this.drawGeoms(this.staticGeoms);
    let litPixels: Int32Array | null = null;
    let litTexels: Int32Array | null = null;
    let litThresholds: Float64Array | null = null;
    if (this.captureTexel && this.captureThreshold) {
      const texel = this.captureTexel;
      const order: number[] = [];
      for (let i = 0; i < n; i++) if (texel[i] >= 0) order.push(i);
      order.sort((a, b) => texel[a] - texel[b]);
      litPixels = Int32Array.from(order);
      litTexels = new Int32Array(order.length);
      litThresholds = new Float64Array(order.length);
      for (let k = 0; k < order.length; k++) {
        litTexels[k] = texel[order[k]];
        litThresholds[k] = this.captureThreshold[order[k]];
      }
    }
    this.captureShadowColor = null;
    this.captureTexel = null;
    this.captureThreshold = null;
    const layer: StaticLayer = {
      key,
      color,
      invDepth: this.invDepth.slice(),
      shadowColor,
      litPixels,
      litTexels,
      litThresholds,
    };
    this.layers.unshift(layer);
    if (this.layers.length > Rasterizer.MAX_LAYERS) this.layers.pop();
    return layer;
  }

  /** Fits the shadow map to the static casters and draws them into its base, once per setStatic. */
  private prepareStaticShadows(): void {
    const map = this.shadowMap!;
    if (this.staticShadowReady) return;
    map.clear();
    this.fitShadowMap(this.staticGeoms);
    this.drawShadowCasters(this.staticGeoms);
    map.saveBase();
    this.staticShadowReady = true;
  }

  /**
   * Sets the shadow map's rectangle: the option's box, or the casters' bounding box widened by 0.3 m (or a quarter
   * of its size) sideways, so shadows falling beside the casters are covered. A ground (a caster under all others
   * whose footprint covers theirs, like panda-gym's 6x6 m floor box) is left out of the box: it only receives, and
   * would spread the texels thin.
   */
  private fitShadowMap(geoms: readonly SceneGeom[]): void {
    const map = this.shadowMap!;
    const box = this.shadowBounds ?? this.casterBounds(geoms);
    const corners: number[] = [];
    for (let k = 0; k < 8; k++) {
      corners.push(
        k & 1 ? box.max[0] : box.min[0],
        k & 2 ? box.max[1] : box.min[1],
        k & 4 ? box.max[2] : box.min[2],
      );
    }
    map.fitTo(corners);
  }

  private casterBounds(geoms: readonly SceneGeom[]): { min: Vec3; max: Vec3 } {
    const boxes: number[][] = [];
    for (let gi = 0; gi < geoms.length; gi++) {
      const g = geoms[gi];
      if (g.kind === "plane" || g.castShadow === false) continue;
      checkFinite(gi, g, "pos", 3);
      checkFinite(gi, g, "mat", 9);
      const local = tessellate(g, this.detail);
      if (!local) continue;
      const p = local.positions;
      const m = g.mat;
      const bb = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
      for (let i = 0; i < p.length; i += 3) {
        for (let r = 0; r < 3; r++) {
          const w = m[r * 3] * p[i] + m[r * 3 + 1] * p[i + 1] + m[r * 3 + 2] * p[i + 2] + g.pos[r];
          if (w < bb[r]) bb[r] = w;
          if (w > bb[r + 3]) bb[r + 3] = w;
        }
      }
      boxes.push(bb);
    }
    const isGround = (ground: number[]) =>
      boxes.length > 1 &&
      boxes.every(
        (o) =>
          o === ground ||
          (ground[5] <= o[2] + 1e-3 &&
            ground[0] <= o[0] &&
            ground[1] <= o[1] &&
            ground[3] >= o[3] &&
            ground[4] >= o[4]),
      );
    const kept = boxes.filter((b) => !isGround(b));
    const min = [Infinity, Infinity, Infinity];
    const max = [-Infinity, -Infinity, -Infinity];
    for (const b of kept.length > 0 ? kept : boxes) {
      for (let r = 0; r < 3; r++) {
        min[r] = Math.min(min[r], b[r]);
        max[r] = Math.max(max[r], b[r + 3]);
      }
    }
    if (!(max[0] >= min[0])) return { min: [-1, -1, -1], max: [1, 1, 1] };
    const margin = Math.max(0.3, 0.25 * Math.max(max[0] - min[0], max[1] - min[1]));
    return {
      min: [min[0] - margin, min[1] - margin, min[2]],
      max: [max[0] + margin, max[1] + margin, max[2]],
    };
  }

  /** Static pixels lit in the cached layer that a moving geom's shadow now covers get their shadow colour. */
  private applyDynamicShadows(layer: StaticLayer, color: Uint8Array): void {
    const map = this.shadowMap!;
    const pixels = layer.litPixels;
    const texels = layer.litTexels;
    const thresholds = layer.litThresholds;
    const shadowColor = layer.shadowColor;
    if (!pixels || !texels || !thresholds || !shadowColor || map.dirtyX0 >= map.dirtyX1) return;
    const size = map.size;
    const x0 = map.dirtyX0;
    const x1 = map.dirtyX1;
    const first = lowerBound(texels, map.dirtyY0 * size + x0);
    const end = lowerBound(texels, (map.dirtyY1 - 1) * size + x1);
    const depth = map.depth;
    for (let k = first; k < end; k++) {
      const t = texels[k];
      const x = t % size;
      if (x < x0 || x >= x1) continue;
      if (depth[t] > thresholds[k]) {
        const i = pixels[k] * 3;
        color[i] = shadowColor[i];
        color[i + 1] = shadowColor[i + 1];
        color[i + 2] = shadowColor[i + 2];
      }
    }
  }

  private ensureScratch(count: number): void {
    if (this.vx.length >= count) return;
    const n = Math.max(count, this.vx.length * 2, 64);
    this.vx = new Float64Array(n);
    this.vy = new Float64Array(n);
    this.vz = new Float64Array(n);
    this.vi = new Float64Array(n);
    this.vsu = new Float64Array(n);
    this.vsv = new Float64Array(n);
    this.vsd = new Float64Array(n);
  }

  /** Draws the back faces (seen from the light) of the shadow-casting geoms into the shadow map. */
  private drawShadowCasters(geoms: readonly SceneGeom[]): void {
    const map = this.shadowMap!;
    const b = map.basis;
    const scale = map.scale;
    for (let gi = 0; gi < geoms.length; gi++) {
      const g = geoms[gi];
      if (g.castShadow === false || g.kind === "plane") continue;
      checkFinite(gi, g, "pos", 3);
      checkFinite(gi, g, "mat", 9);
      const local = tessellate(g, this.detail);
      if (!local) continue;
      const m = g.mat;
      const p = g.pos;
      // Light space (texels for u and v, metres for l) = B·(M·v + p), offset by the map's corner.
      const rows = LIGHT_ROWS;
      for (let r = 0; r < 3; r++) {
        const s = r < 2 ? scale : 1;
        for (let c = 0; c < 3; c++)
          rows[r * 4 + c] = s * (b[r * 3] * m[c] + b[r * 3 + 1] * m[3 + c] + b[r * 3 + 2] * m[6 + c]);
        rows[r * 4 + 3] = s * (b[r * 3] * p[0] + b[r * 3 + 1] * p[1] + b[r * 3 + 2] * p[2]);
      }
      rows[3] -= map.u0 * scale;
      rows[7] -= map.v0 * scale;
      const pos = local.positions;
      const count = pos.length / 3;
      this.ensureScratch(count);
      const vx = this.vx;
      const vy = this.vy;
      const vz = this.vz;
      for (let v = 0, k = 0; v < count; v++, k += 3) {
        const x = pos[k];
        const y = pos[k + 1];
        const z = pos[k + 2];
        vx[v] = rows[0] * x + rows[1] * y + rows[2] * z + rows[3];
        vy[v] = rows[4] * x + rows[5] * y + rows[6] * z + rows[7];
        vz[v] = rows[8] * x + rows[9] * y + rows[10] * z + rows[11];
      }
      const idx = local.indices;
      for (let t = 0; t < idx.length; t += 3) {
        const a = idx[t];
        const bb = idx[t + 1];
        const c = idx[t + 2];
        const area = (vx[bb] - vx[a]) * (vy[c] - vy[a]) - (vx[c] - vx[a]) * (vy[bb] - vy[a]);
        // u × v = l, so a face turned towards the light has positive area: keep the back faces only.
        if (!(area < 0)) continue;
        fillShadowTriangle(map, vx[a], vy[a], vz[a], vx[bb], vy[bb], vz[bb], vx[c], vy[c], vz[c]);
      }
    }
  }

  private drawGeoms(geoms: readonly SceneGeom[]): void {
    for (let gi = 0; gi < geoms.length; gi++) this.drawGeom(gi, geoms[gi]);
  }

  private drawGeom(gi: number, g: SceneGeom): void {
    checkFinite(gi, g, "pos", 3);
    checkFinite(gi, g, "mat", 9);
    checkFinite(gi, g, "rgba", 3);
    const local = tessellate(g, this.detail);
    if (!local) return;
    const cam = this.cam;
    const r = cam.rotation;
    const m = g.mat;
    const p = g.pos;
    // Camera space = C·(M·v + p − eye): rows of C·M and the translation.
    const px = p[0] - cam.eye[0];
    const py = p[1] - cam.eye[1];
    const pz = p[2] - cam.eye[2];
    const a00 = r[0] * m[0] + r[1] * m[3] + r[2] * m[6];
    const a01 = r[0] * m[1] + r[1] * m[4] + r[2] * m[7];
    const a02 = r[0] * m[2] + r[1] * m[5] + r[2] * m[8];
    const a10 = r[3] * m[0] + r[4] * m[3] + r[5] * m[6];
    const a11 = r[3] * m[1] + r[4] * m[4] + r[5] * m[7];
    const a12 = r[3] * m[2] + r[4] * m[5] + r[5] * m[8];
    const a20 = r[6] * m[0] + r[7] * m[3] + r[8] * m[6];
    const a21 = r[6] * m[1] + r[7] * m[4] + r[8] * m[7];
    const a22 = r[6] * m[2] + r[7] * m[5] + r[8] * m[8];
    const t0 = r[0] * px + r[1] * py + r[2] * pz;
    const t1 = r[3] * px + r[4] * py + r[5] * pz;
    const t2 = r[6] * px + r[7] * py + r[8] * pz;
    const pos = local.positions;
    const count = pos.length / 3;
    this.ensureScratch(count);
    const vx = this.vx;
    const vy = this.vy;
    const vz = this.vz;
    for (let v = 0, k = 0; v < count; v++, k += 3) {
      const x = pos[k];
      const y = pos[k + 1];
      const z = pos[k + 2];
      vx[v] = a00 * x + a01 * y + a02 * z + t0;
      vy[v] = a10 * x + a11 * y + a12 * z + t1;
      vz[v] = a20 * x + a21 * y + a22 * z + t2;
    }
    // Per-vertex intensity for smooth normals: n_world·l = n_local·(Mᵀ·l).
    const light = this.light;
    const normals = local.normals;
    if (normals) {
      const lx = m[0] * light[0] + m[3] * light[1] + m[6] * light[2];
      const ly = m[1] * light[0] + m[4] * light[1] + m[7] * light[2];
      const lz = m[2] * light[0] + m[5] * light[1] + m[8] * light[2];
      const vi = this.vi;
      for (let v = 0, k = 0; v < count; v++, k += 3) {
        const d = normals[k] * lx + normals[k + 1] * ly + normals[k + 2] * lz;
        vi[v] = AMBIENT + (d > 0 ? Math.min(DIFFUSE * d, 1 - AMBIENT) : 0);
      }
    }
    const map = this.shadowMap;
    const shadowed = this.shadowMode !== SHADOW_NONE && map !== null;
    if (shadowed) {
      const b = map.basis;
      const scale = map.scale;
      const rows = LIGHT_ROWS;
      for (let rr = 0; rr < 3; rr++) {
        const s = rr < 2 ? scale : 1;
        for (let c = 0; c < 3; c++) {
          rows[rr * 4 + c] = s * (b[rr * 3] * m[c] + b[rr * 3 + 1] * m[3 + c] + b[rr * 3 + 2] * m[6 + c]);
        }
        rows[rr * 4 + 3] = s * (b[rr * 3] * p[0] + b[rr * 3 + 1] * p[1] + b[rr * 3 + 2] * p[2]);
      }
      rows[3] -= map.u0 * scale;
      rows[7] -= map.v0 * scale;
      const su = this.vsu;
      const sv = this.vsv;
      const sd = this.vsd;
      for (let v = 0, k = 0; v < count; v++, k += 3) {
        const x = pos[k];
        const y = pos[k + 1];
        const z = pos[k + 2];
        su[v] = rows[0] * x + rows[1] * y + rows[2] * z + rows[3];
        sv[v] = rows[4] * x + rows[5] * y + rows[6] * z + rows[7];
        sd[v] = rows[8] * x + rows[9] * y + rows[10] * z + rows[11];
      }
    }
    const rgba = g.rgba;
    const faceColors = g.kind === "box" && g.faceColors && g.faceColors.length >= 6 ? g.faceColors : null;
    if (faceColors) {
      for (let f = 0; f < 6; f++) {
        const c = faceColors[f];
        if (
          !c ||
          c.length < 3 ||
          !Number.isFinite(c[0]) ||
          !Number.isFinite(c[1]) ||
          !Number.isFinite(c[2])
        ) {
          throw new RangeError(`geom ${gi} (box): faceColors[${f}] must be three finite numbers 0..1`);
        }
      }
    }
    this.cr = channel255(rgba[0]);
    this.cg = channel255(rgba[1]);
    this.cb = channel255(rgba[2]);
    this.drawTriangles(local, faceColors, shadowed);
  }

  private drawTriangles(
    local: LocalMesh,
    faceColors: ReadonlyArray<ArrayLike<number>> | null,
    shadowed: boolean,
  ): void {
    const vx = this.vx;
    const vy = this.vy;
    const vz = this.vz;
    const vi = this.vi;
    const su = this.vsu;
    const sv = this.vsv;
    const sd = this.vsd;
    const idx = local.indices;
    const faces = local.faces;
    const smooth = local.normals !== null;
    const near = this.cam.near;
    const far = this.cam.far;
    const lc = this.lightCam;
    const texel = shadowed ? this.shadowMap!.texelSize : 0;
    for (let t = 0; t < idx.length; t += 3) {
      const a = idx[t];
      const b = idx[t + 1];
      const c = idx[t + 2];
      const ax = vx[a];
      const ay = vy[a];
      const az = vz[a];
      const e1x = vx[b] - ax;
      const e1y = vy[b] - ay;
      const e1z = vz[b] - az;
      const e2x = vx[c] - ax;
      const e2y = vy[c] - ay;
      const e2z = vz[c] - az;
      const nx = e1y * e2z - e1z * e2y;
      const ny = e1z * e2x - e1x * e2z;
      const nz = e1x * e2y - e1y * e2x;
      // Back-face culling: the eye is the origin, so the face is seen from outside when n·a < 0.
      if (!(nx * ax + ny * ay + nz * az < 0)) continue;
      const bz = vz[b];
      const cz = vz[c];
      if (az < near && bz < near && cz < near) continue;
      if (az > far && bz > far && cz > far) continue;
      if (faces && faceColors) {
        const fc = faceColors[faces[t / 3]];
        this.cr = channel255(fc[0]);
        this.cg = channel255(fc[1]);
        this.cb = channel255(fc[2]);
      }
      const nl = Math.hypot(nx, ny, nz);
      const cosLight = (nx * lc[0] + ny * lc[1] + nz * lc[2]) / nl;
      let ia: number;
      let ib: number;
      let ic: number;
      if (smooth) {
        ia = vi[a];
        ib = vi[b];
        ic = vi[c];
      } else {
        ia = ib = ic = AMBIENT + (cosLight > 0 ? Math.min(DIFFUSE * cosLight, 1 - AMBIENT) : 0);
      }
      this.receives = cosLight > 0;
      if (shadowed) {
        // Slope-scaled bias: a texel spans more light-space depth on surfaces at a grazing angle to the light.
        const cosAbs = Math.max(Math.abs(cosLight), 0.1);
        this.bias = texel * (1.5 + 1.5 * (Math.sqrt(1 - cosAbs * cosAbs) / cosAbs));
      }
      if (az >= near && bz >= near && cz >= near) {
        this.projectVertex(0, ax, ay, az, ia, su[a], sv[a], sd[a]);
        this.projectVertex(1, vx[b], vy[b], bz, ib, su[b], sv[b], sd[b]);
        this.projectVertex(2, vx[c], vy[c], cz, ic, su[c], sv[c], sd[c]);
        this.fill(smooth && !(ia === ib && ib === ic));
        continue;
      }
      const inp = CLIP_IN;
      const verts = [a, b, c];
      const ints = [ia, ib, ic];
      for (let k = 0; k < 3; k++) {
        const v = verts[k];
        const o = k * CLIP_STRIDE;
        inp[o] = vx[v];
        inp[o + 1] = vy[v];
        inp[o + 2] = vz[v];
        inp[o + 3] = ints[k];
        inp[o + 4] = su[v];
        inp[o + 5] = sv[v];
        inp[o + 6] = sd[v];
      }
      const n = clipNear(inp, near, CLIP_OUT);
      const o = CLIP_OUT;
      for (let k = 1; k + 1 < n; k++) {
        for (let j = 0; j < 3; j++) {
          const s = (j === 0 ? 0 : k + j - 1) * CLIP_STRIDE;
          this.projectVertex(j, o[s], o[s + 1], o[s + 2], o[s + 3], o[s + 4], o[s + 5], o[s + 6]);
        }
        this.fill(smooth && !(ia === ib && ib === ic));
      }
    }
  }

  private projectVertex(
    k: number,
    x: number,
    y: number,
    z: number,
    intensity: number,
    u: number,
    v: number,
    d: number,
  ): void {
    const cam = this.cam;
    const w = 1 / z;
    TX[k] = cam.cx + cam.fx * x * w;
    TY[k] = cam.cy + cam.fy * y * w;
    TW[k] = w;
    TI[k] = intensity;
    TSU[k] = u * w;
    TSV[k] = v * w;
    TSD[k] = d * w;
  }

  /** Fills the projected triangle in TX..TSD: scanline spans, z-test on 1/z, TinyRenderer shading. */
  private fill(smooth: boolean): void {
    const x0 = TX[0];
    const y0 = TY[0];
    const dx1 = TX[1] - x0;
    const dy1 = TY[1] - y0;
    const dx2 = TX[2] - x0;
    const dy2 = TY[2] - y0;
    const area = dx1 * dy2 - dx2 * dy1;
    if (!(Math.abs(area) > 1e-12)) return;
    const inv = 1 / area;
    // Sort the vertices by y: top, middle, bottom.
    let top = 0;
    let mid = 1;
    let bot = 2;
    if (TY[mid] < TY[top]) [top, mid] = [mid, top];
    if (TY[bot] < TY[mid]) [mid, bot] = [bot, mid];
    if (TY[mid] < TY[top]) [top, mid] = [mid, top];
    const width = this.width;
    const yt = TY[top];
    const ym = TY[mid];
    const yb = TY[bot];
    const jStart = Math.max(0, Math.ceil(yt - 0.5));
    const jEnd = Math.min(this.height, Math.ceil(yb - 0.5));
    if (jStart >= jEnd) return;
    const xt = TX[top];
    const xm = TX[mid];
    const xb = TX[bot];
    const slopeLong = (xb - xt) / (yb - yt);
    const slopeTop = ym > yt ? (xm - xt) / (ym - yt) : 0;
    const slopeBot = yb > ym ? (xb - xm) / (yb - ym) : 0;
    // Plane gradients of the interpolated attributes (affine in screen space).
    const dwdx = ((TW[1] - TW[0]) * dy2 - (TW[2] - TW[0]) * dy1) * inv;
    const dwdy = ((TW[2] - TW[0]) * dx1 - (TW[1] - TW[0]) * dx2) * inv;
    const w0 = TW[0];
    const zb = this.invDepth;
    const color = this.color;
    const mode = this.shadowMode;
    const cr = this.cr;
    const cg = this.cg;
    const cb = this.cb;
    // A face turned away from the light takes no shadow (TinyRenderer: such a cube side reads 0.6 × colour).
    const testShadow = mode !== SHADOW_NONE && this.receives;
    if (!smooth && (mode === SHADOW_NONE || (mode === SHADOW_TEST && !testShadow))) {
      const i0 = TI[0];
      const r = (cr * i0) | 0;
      const g = (cg * i0) | 0;
      const b = (cb * i0) | 0;
      for (let j = jStart; j < jEnd; j++) {
        const yc = j + 0.5;
        const xLong = xt + (yc - yt) * slopeLong;
        const xShort = yc < ym ? xt + (yc - yt) * slopeTop : xm + (yc - ym) * slopeBot;
        let xl = xLong;
        let xr = xShort;
        if (xl > xr) {
          xl = xShort;
          xr = xLong;
        }
        const iStart = Math.max(0, Math.ceil(xl - 0.5));
        const iEnd = Math.min(width, Math.ceil(xr - 0.5));
        if (iStart >= iEnd) continue;
        let w = w0 + dwdx * (iStart + 0.5 - x0) + dwdy * (yc - y0);
        let p = j * width + iStart;
        const pEnd = j * width + iEnd;
        for (; p < pEnd; p++, w += dwdx) {
          if (w > zb[p]) {
            zb[p] = w;
            const q = p * 3;
            color[q] = r;
            color[q + 1] = g;
            color[q + 2] = b;
          }
        }
      }
      return;
    }
    // General path: smooth intensity and/or shadows.
    const didx = ((TI[1] - TI[0]) * dy2 - (TI[2] - TI[0]) * dy1) * inv;
    const didy = ((TI[2] - TI[0]) * dx1 - (TI[1] - TI[0]) * dx2) * inv;
    const i0 = TI[0];
    let dudx = 0;
    let dudy = 0;
    let dvdx = 0;
    let dvdy = 0;
    let dddx = 0;
    let dddy = 0;
    let size = 0;
    let depth: Float32Array | null = null;
    const bias = this.bias;
    if (testShadow) {
      dudx = ((TSU[1] - TSU[0]) * dy2 - (TSU[2] - TSU[0]) * dy1) * inv;
      dudy = ((TSU[2] - TSU[0]) * dx1 - (TSU[1] - TSU[0]) * dx2) * inv;
      dvdx = ((TSV[1] - TSV[0]) * dy2 - (TSV[2] - TSV[0]) * dy1) * inv;
      dvdy = ((TSV[2] - TSV[0]) * dx1 - (TSV[1] - TSV[0]) * dx2) * inv;
      dddx = ((TSD[1] - TSD[0]) * dy2 - (TSD[2] - TSD[0]) * dy1) * inv;
      dddy = ((TSD[2] - TSD[0]) * dx1 - (TSD[1] - TSD[0]) * dx2) * inv;
      size = this.shadowMap!.size;
      depth = this.shadowMap!.depth;
    }
    const captureColor = this.captureShadowColor;
    const captureTexel = this.captureTexel;
    const captureThreshold = this.captureThreshold;
    for (let j = jStart; j < jEnd; j++) {
      const yc = j + 0.5;
      const xLong = xt + (yc - yt) * slopeLong;
      const xShort = yc < ym ? xt + (yc - yt) * slopeTop : xm + (yc - ym) * slopeBot;
      let xl = xLong;
      let xr = xShort;
      if (xl > xr) {
        xl = xShort;
        xr = xLong;
      }
      const iStart = Math.max(0, Math.ceil(xl - 0.5));
      const iEnd = Math.min(width, Math.ceil(xr - 0.5));
      if (iStart >= iEnd) continue;
      const ox = iStart + 0.5 - x0;
      const oy = yc - y0;
      let w = w0 + dwdx * ox + dwdy * oy;
      let it = i0 + didx * ox + didy * oy;
      let uw = TSU[0] + dudx * ox + dudy * oy;
      let vw = TSV[0] + dvdx * ox + dvdy * oy;
      let dw = TSD[0] + dddx * ox + dddy * oy;
      let p = j * width + iStart;
      const pEnd = j * width + iEnd;
      for (; p < pEnd; p++, w += dwdx, it += didx, uw += dudx, vw += dvdx, dw += dddx) {
        if (!(w > zb[p])) continue;
        zb[p] = w;
        const q = p * 3;
        let lit = true;
        let cell = -1;
        let threshold = 0;
        if (depth) {
          const z = 1 / w;
          const u = uw * z;
          const v = vw * z;
          if (u >= 0 && v >= 0 && u < size && v < size) {
            cell = (v | 0) * size + (u | 0);
            threshold = dw * z + bias;
            lit = !(depth[cell] > threshold);
          }
        }
        const r = (cr * it) | 0;
        const g = (cg * it) | 0;
        const b = (cb * it) | 0;
        const sr = (cr * it * SHADOW_FACTOR) | 0;
        const sg = (cg * it * SHADOW_FACTOR) | 0;
        const sb = (cb * it * SHADOW_FACTOR) | 0;
        if (lit) {
          color[q] = r;
          color[q + 1] = g;
          color[q + 2] = b;
        } else {
          color[q] = sr;
          color[q + 1] = sg;
          color[q + 2] = sb;
        }
        if (captureColor && captureTexel && captureThreshold) {
          captureColor[q] = sr;
          captureColor[q + 1] = sg;
          captureColor[q + 2] = sb;
          captureTexel[p] = lit ? cell : -1;
          captureThreshold[p] = threshold;
        }
      }
    }
  }
}

/** A colour channel 0..1 (clamped) as 0..255, before shading. */
function channel255(c: number): number {
  return c <= 0 ? 0 : c >= 1 ? 255 : c * 255;
}

/** First index in a sorted array whose value is >= target. */
function lowerBound(values: Int32Array, target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sutherland–Hodgman against z >= near for one triangle; returns the vertex count (0, 3 or 4) in `out`. */
function clipNear(inp: Float64Array, near: number, out: Float64Array): number {
  let n = 0;
  for (let k = 0; k < 3; k++) {
    const a = k * CLIP_STRIDE;
    const b = ((k + 1) % 3) * CLIP_STRIDE;
    const za = inp[a + 2];
    const zb = inp[b + 2];
    const aIn = za >= near;
    const bIn = zb >= near;
    if (aIn) {
      for (let c = 0; c < CLIP_STRIDE; c++) out[n * CLIP_STRIDE + c] = inp[a + c];
      n++;
    }
    if (aIn !== bIn) {
      const s = (near - za) / (zb - za);
      for (let c = 0; c < CLIP_STRIDE; c++)
        out[n * CLIP_STRIDE + c] = inp[a + c] + s * (inp[b + c] - inp[a + c]);
      out[n * CLIP_STRIDE + 2] = near;
      n++;
    }
  }
  return n;
}

/**
 * Fills one triangle of the shadow map (texel coordinates, orthographic), keeping the largest light depth.
 * Same span convention as the colour pass.
 */
function fillShadowTriangle(
  map: ShadowMap,
  ax: number,
  ay: number,
  ad: number,
  bx: number,
  by: number,
  bd: number,
  cx: number,
  cy: number,
  cd: number,
): void {
  const dx1 = bx - ax;
  const dy1 = by - ay;
  const dx2 = cx - ax;
  const dy2 = cy - ay;
  const area = dx1 * dy2 - dx2 * dy1;
  if (!(Math.abs(area) > 1e-12)) return;
  const inv = 1 / area;
  const dddx = ((bd - ad) * dy2 - (cd - ad) * dy1) * inv;
  const dddy = ((cd - ad) * dx1 - (bd - ad) * dx2) * inv;
  TX[0] = ax;
  TY[0] = ay;
  TX[1] = bx;
  TY[1] = by;
  TX[2] = cx;
  TY[2] = cy;
  let top = 0;
  let mid = 1;
  let bot = 2;
  if (TY[mid] < TY[top]) [top, mid] = [mid, top];
  if (TY[bot] < TY[mid]) [mid, bot] = [bot, mid];
  if (TY[mid] < TY[top]) [top, mid] = [mid, top];
  const size = map.size;
  const yt = TY[top];
  const ym = TY[mid];
  const yb = TY[bot];
  const jStart = Math.max(0, Math.ceil(yt - 0.5));
  const jEnd = Math.min(size, Math.ceil(yb - 0.5));
  if (jStart >= jEnd) return;
  const xt = TX[top];
  const xm = TX[mid];
  const xb = TX[bot];
  const slopeLong = (xb - xt) / (yb - yt);
  const slopeTop = ym > yt ? (xm - xt) / (ym - yt) : 0;
  const slopeBot = yb > ym ? (xb - xm) / (yb - ym) : 0;
  const depth = map.depth;
  let minX = size;
  let maxX = 0;
  for (let j = jStart; j < jEnd; j++) {
    const yc = j + 0.5;
    const xLong = xt + (yc - yt) * slopeLong;
    const xShort = yc < ym ? xt + (yc - yt) * slopeTop : xm + (yc - ym) * slopeBot;
    let xl = xLong;
    let xr = xShort;
    if (xl > xr) {
      xl = xShort;
      xr = xLong;
    }
    const iStart = Math.max(0, Math.ceil(xl - 0.5));
    const iEnd = Math.min(size, Math.ceil(xr - 0.5));
    if (iStart >= iEnd) continue;
    if (iStart < minX) minX = iStart;
    if (iEnd > maxX) maxX = iEnd;
    let d = ad + dddx * (iStart + 0.5 - ax) + dddy * (yc - ay);
    const end = j * size + iEnd;
    for (let p = j * size + iStart; p < end; p++, d += dddx) if (d > depth[p]) depth[p] = d;
  }
  if (minX < maxX) map.markDirty(minX, jStart, maxX, jEnd);
}
