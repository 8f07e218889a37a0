/**
 * A headless z-buffer rasteriser for posed primitives (no GPU, no native code), with Bullet TinyRenderer's look:
 * white background, trunc(255·rgba) × (0.6 + 0.35·max(0, n·l) + 0.05·specular), the direct part × 0.8 where the
 * shadow map says so (shading.ts, shadow-map.ts).
 *
 * Per geom: tessellate once (cached), transform the vertices to camera space, cull back faces, clip against the
 * near plane, project, then fill the pixels whose centres lie inside (spans.ts) with 1/z interpolated linearly in
 * screen space, which makes depth and the shadow lookup perspective-correct.
 *
 * The static layer (floor, table, robot base) is drawn once per camera and copied before each frame. With shadows
 * its own shadows are baked in; a static pixel can only change where the moving geoms drew into the shadow map
 * this frame, so only the pixels whose texel lies in that rectangle are tested again.
 */
import { createFrame, type Frame } from "../../image/frame.ts";
import { copyCamera, type ResolvedCamera, resolveCamera, sameCamera, sameCameraInput } from "./camera.ts";
import type { Camera, RenderOptions, SceneGeom, Vec3 } from "./scene.ts";
import {
  AMBIENT,
  baseChannel,
  DEFAULT_LIGHT_DIRECTION,
  intensity,
  normalise,
  SHADOW_FACTOR,
} from "./shading.ts";
import { ShadowMap, type ShadowModel } from "./shadow-map.ts";
import { Spans } from "./spans.ts";
import { DEFAULT_DETAIL, type LocalMesh, type TessellationDetail, tessellate } from "./tessellate.ts";

/** Optional settings beyond the contract's RenderOptions. */
export interface RasterizerOptions extends RenderOptions {
  /**
   * With `shadows`: "tinyrenderer" (default) reproduces Bullet's TinyRenderer, i.e. what panda-gym's and Ravens'
   * images show (most of the scene at 0.8 × direct light, no visible cast shadows); "directional" casts real
   * shadows from a light at infinity.
   */
  readonly shadowModel?: ShadowModel;
  /** Directional shadow map resolution (texels per side), default the larger image side, within 256..2048. */
  readonly shadowMapSize?: number;
  /**
   * Directional: the world box (min and max corners) whose casters and receivers get shadows. Default: the
   * bounding box of the static casters (of this frame's casters when there is no static layer), planes and a
   * ground under everything left out, widened sideways by 0.3 m or a quarter of its size.
   */
  readonly shadowBounds?: { readonly min: Vec3; readonly max: Vec3 };
  /** Tessellation of curved primitives, default 16 slices, 4 stacks per hemisphere. */
  readonly detail?: TessellationDetail;
  /** Also keep which geom each pixel shows (`lastSegmentation`), as Bullet's segmentation mask. Default false. */
  readonly segmentation?: boolean;
  /**
   * Where a pixel samples the image plane. "centre" (default): pixel (i, j) shows the ray through (i + 0.5, j + 0.5)
   * of the camera's intrinsics (u = cx + fx·x/z), so a projected point lands in pixel (floor u, floor v).
   * "tinyrenderer": through (i, j + 1), as TinyRenderer samples pixel corners and then flips its rows; frames then
   * match panda-gym's pixel for pixel along edges too (99.9% of tiny.png's table and floor pixels, against 99.5%).
   */
  readonly pixelGrid?: "centre" | "tinyrenderer";
}

interface StaticLayer {
  readonly camera: ResolvedCamera;
  readonly color: Uint8Array;
  readonly invDepth: Float32Array;
  /** Segmentation on: the static geoms' ids per pixel, −1 where empty. */
  readonly segment: Int32Array | null;
  /** Shadows on: the map holding the static casters as its base. */
  readonly map: ShadowMap | null;
  /** Shadows on: the colour of each pixel in shadow (lit pixels may fall in a moving geom's shadow). */
  readonly shadowColor: Uint8Array | null;
  /** Shadows on: lit static pixels, sorted by their shadow-map texel, with texel and threshold. */
  readonly litPixels: Int32Array | null;
  readonly litTexels: Int32Array | null;
  readonly litThresholds: Float64Array | null;
}

const SHADOW_NONE = 0;
const SHADOW_TEST = 1;
const SHADOW_CAPTURE = 2;

/** What `color` points at between renders (a constant, so renders allocate nothing for it). */
const NO_PIXELS = new Uint8Array(0);

// Scratch state of the triangle being drawn (module level: no allocation per triangle).
const SPANS = new Spans();
const TX = new Float64Array(3);
const TY = new Float64Array(3);
const TW = new Float64Array(3);
const TI = new Float64Array(3);
/** Light-space X, Y, Q and T of the triangle's vertices, each times the camera's 1/z. */
const TLX = new Float64Array(3);
const TLY = new Float64Array(3);
const TLQ = new Float64Array(3);
const TLT = new Float64Array(3);
/** Near-plane clipping: up to 4 vertices × (x, y, z, intensity, X, Y, Q, T). */
const CLIP_STRIDE = 8;
const CLIP_IN = new Float64Array(3 * CLIP_STRIDE);
const CLIP_OUT = new Float64Array(4 * CLIP_STRIDE);
/** Geom frame → light space: the shadow map's five rows composed with the geom's pose. */
const GEOM_ROWS = new Float64Array(20);

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

/** GEOM_ROWS = the map's world rows applied after the geom's pose (rotation m, position p). */
function composeLightRows(map: ShadowMap, m: ArrayLike<number>, p: ArrayLike<number>): Float64Array {
  const w = map.rows;
  const out = GEOM_ROWS;
  for (let r = 0; r < 5; r++) {
    const a = w[r * 4];
    const b = w[r * 4 + 1];
    const c = w[r * 4 + 2];
    out[r * 4] = a * m[0] + b * m[3] + c * m[6];
    out[r * 4 + 1] = a * m[1] + b * m[4] + c * m[7];
    out[r * 4 + 2] = a * m[2] + b * m[5] + c * m[8];
    out[r * 4 + 3] = a * p[0] + b * p[1] + c * p[2] + w[r * 4 + 3];
  }
  return out;
}

/**
 * Applies light-space rows to every vertex: rows 0, 1, 2 (X, Y, Q) into x, y, q and the row starting at
 * `lastRow` (S at 12 or T at 16) into last.
 */
function transformVertices(
  pos: Float32Array,
  rows: Float64Array,
  lastRow: number,
  x: Float64Array,
  y: Float64Array,
  q: Float64Array,
  last: Float64Array,
): void {
  const l0 = rows[lastRow];
  const l1 = rows[lastRow + 1];
  const l2 = rows[lastRow + 2];
  const l3 = rows[lastRow + 3];
  for (let v = 0, k = 0; k < pos.length; v++, k += 3) {
    const a = pos[k];
    const b = pos[k + 1];
    const c = pos[k + 2];
    x[v] = rows[0] * a + rows[1] * b + rows[2] * c + rows[3];
    y[v] = rows[4] * a + rows[5] * b + rows[6] * c + rows[7];
    q[v] = rows[8] * a + rows[9] * b + rows[10] * c + rows[11];
    last[v] = l0 * a + l1 * b + l2 * c + l3;
  }
}

export class Rasterizer {
  readonly width: number;
  readonly height: number;
  private readonly background: Vec3;
  private readonly light: Vec3;
  private readonly shadows: boolean;
  private readonly shadowModel: ShadowModel;
  private readonly shadowMapSize: number;
  private readonly detail: TessellationDetail;
  private readonly shadowBounds: RasterizerOptions["shadowBounds"];

  private staticGeoms: readonly SceneGeom[] = [];
  /** Static layers per camera (a few cameras, e.g. Ravens' three and its oracle, each keep theirs). */
  private layers: StaticLayer[] = [];
  private static readonly MAX_LAYERS = 6;
  /** The shadow map of renders without a static layer, rebuilt each frame. */
  private frameMap: ShadowMap | null = null;

  private readonly invDepth: Float32Array;
  /** Segment id per pixel of the frame being drawn (option `segmentation`), −1 where empty. */
  private readonly segment: Int32Array | null;
  private segmentView: Int32Array | null = null;
  /** Segment id of the geom being drawn. */
  private segmentId = -1;
  /** Added to projected pixel coordinates: the pixel grid's offset (option pixelGrid). */
  private readonly gridShiftU: number;
  private readonly gridShiftV: number;
  private depthView: Float32Array | null = null;
  /**
   * The static layer whose depth (and segments) invDepth holds outside rows [dirtyRow0, dirtyRow1), the rows the
   * last frame's moving geoms drew on: the next frame copies back only those rows, not the whole buffer.
   */
  private depthLayer: StaticLayer | null = null;
  private dirtyRow0 = 0;
  private dirtyRow1 = 0;
  private readonly clearInvDepth: Float32Array = new Float32Array(1);

  // Per-render state read by the inner loops.
  private color: Uint8Array = NO_PIXELS;
  private cam!: ResolvedCamera;
  private map: ShadowMap | null = null;
  private lightCam = new Float64Array(3);
  private shadowMode = SHADOW_NONE;
  private captureShadowColor: Uint8Array | null = null;
  private captureTexel: Int32Array | null = null;
  private captureThreshold: Float64Array | null = null;
  private vx = new Float64Array(0);
  private vy = new Float64Array(0);
  private vz = new Float64Array(0);
  private vi = new Float64Array(0);
  private vlx = new Float64Array(0);
  private vly = new Float64Array(0);
  private vlq = new Float64Array(0);
  private vlt = new Float64Array(0);
  /** Per vertex in front of the near plane: pixel position, 1/z and the light-space values times 1/z. */
  private px = new Float64Array(0);
  private py = new Float64Array(0);
  private pw = new Float64Array(0);
  private plx = new Float64Array(0);
  private ply = new Float64Array(0);
  private plq = new Float64Array(0);
  private plt = new Float64Array(0);
  // Colour of the triangle being drawn (TinyRenderer's byte base, 0..255) and its shadow bias.
  private cr = 0;
  private cg = 0;
  private cb = 0;
  private bias = 0;
  /** Whether the triangle being drawn gets direct light: only that part is shadowed. */
  private receives = true;

  constructor(options: RasterizerOptions) {
    const { width, height } = options;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      throw new RangeError(`render size must be positive integers, got ${width}x${height}`);
    }
    if (width * height > 16_777_216) {
      throw new RangeError(`render size ${width}x${height} is over 16 megapixels`);
    }
    this.width = width;
    this.height = height;
    const bg = options.background ?? [255, 255, 255];
    if (bg.length !== 3 || bg.some((c) => !(c >= 0 && c <= 255))) {
      throw new RangeError(`background must be three numbers in 0..255, got [${bg.join(", ")}]`);
    }
    this.background = [Math.round(bg[0]), Math.round(bg[1]), Math.round(bg[2])];
    this.light = options.lightDirection ? normalise(options.lightDirection) : DEFAULT_LIGHT_DIRECTION;
    this.shadows = options.shadows ?? false;
    this.shadowModel = options.shadowModel ?? "tinyrenderer";
    if (this.shadowModel !== "tinyrenderer" && this.shadowModel !== "directional") {
      throw new RangeError(
        `shadowModel must be "tinyrenderer" or "directional", got ${String(this.shadowModel)}`,
      );
    }
    this.shadowMapSize = options.shadowMapSize ?? Math.min(2048, Math.max(256, Math.max(width, height)));
    this.detail = options.detail ?? DEFAULT_DETAIL;
    const { slices, stacksPerHemisphere } = this.detail;
    if (
      !Number.isInteger(slices) ||
      slices < 3 ||
      !Number.isInteger(stacksPerHemisphere) ||
      stacksPerHemisphere < 1
    ) {
      throw new RangeError(
        `detail needs integer slices >= 3 and stacksPerHemisphere >= 1, got ${slices} and ${stacksPerHemisphere}`,
      );
    }
    this.shadowBounds = options.shadowBounds;
    this.invDepth = new Float32Array(width * height);
    this.segment = options.segmentation ? new Int32Array(width * height) : null;
    const grid = options.pixelGrid ?? "centre";
    if (grid !== "centre" && grid !== "tinyrenderer") {
      throw new RangeError(`pixelGrid must be "centre" or "tinyrenderer", got ${String(grid)}`);
    }
    this.gridShiftU = grid === "tinyrenderer" ? 0.5 : 0;
    this.gridShiftV = grid === "tinyrenderer" ? -0.5 : 0;
  }

  /**
   * Geoms that never move (floor, table, robot base...) drawn once per camera and cached (colour + depth),
   * then copied before each frame; call again when they change.
   */
  setStatic(geoms: readonly SceneGeom[]): void {
    this.staticGeoms = geoms.slice();
    this.layers = [];
  }

  /** The depth (metres along the optical axis, Infinity where empty) of the last render, for height maps. */
  get lastDepth(): Float32Array {
    if (!this.depthView) {
      const out = new Float32Array(this.invDepth.length);
      const empty = this.clearInvDepth[0];
      const inv = this.invDepth;
      for (let i = 0; i < inv.length; i++) out[i] = inv[i] > empty ? 1 / inv[i] : Number.POSITIVE_INFINITY;
      this.depthView = out;
    }
    return this.depthView;
  }

  /**
   * Which geom each pixel of the last render shows (its `segmentId`, by default its index: static geoms first,
   * then those passed to render), −1 where empty. Needs the option `segmentation`.
   */
  get lastSegmentation(): Int32Array {
    if (!this.segment)
      throw new Error("lastSegmentation needs a Rasterizer made with { segmentation: true }");
    this.segmentView ??= this.segment.slice();
    return this.segmentView;
  }

  /**
   * Draws the static layer (cached) plus these geoms; returns a new Frame, or fills `out` (same size) when
   * given, which saves allocating a frame per call.
   */
  render(geoms: readonly SceneGeom[], camera: Camera, out?: Frame): Frame {
    // Resolving costs little but allocates; the same camera (by value) reuses the last result.
    if (!this.lastCamera || !sameCameraInput(this.lastCamera, camera)) {
      this.lastResolved = resolveCamera(camera, this.width, this.height);
      this.lastCamera = copyCamera(camera);
    }
    const cam = this.lastResolved!;
    if (out && (out.width !== this.width || out.height !== this.height)) {
      throw new RangeError(
        `out frame is ${out.width}x${out.height}, the rasteriser draws ${this.width}x${this.height}`,
      );
    }
    this.depthView = null;
    this.segmentView = null;
    this.begin(cam);
    let frame: Frame;
    let map: ShadowMap | null = null;
    if (this.staticGeoms.length > 0) {
      const layer = this.staticLayer(cam);
      if (out) {
        out.data.set(layer.color);
        frame = out;
      } else {
        frame = createFrame(this.width, this.height, layer.color.slice());
      }
      this.restoreStaticDepth(layer);
      map = layer.map;
      if (map) {
        map.restoreBase();
        this.drawShadowCasters(map, geoms);
        this.applyDynamicShadows(layer, map, frame.data);
      }
    } else {
      this.depthLayer = null;
      frame = out ?? createFrame(this.width, this.height);
      this.clear(frame.data);
      if (this.shadows) {
        map = this.frameShadowMap(cam, geoms);
        this.drawShadowCasters(map, geoms);
      }
    }
    this.color = frame.data;
    this.map = map;
    this.shadowMode = map ? SHADOW_TEST : SHADOW_NONE;
    this.drawGeoms(geoms, this.staticGeoms.length);
    this.color = NO_PIXELS;
    this.map = null;
    return frame;
  }

  /** invDepth and segment back to the static layer's (only the rows drawn on since, when it is the same layer). */
  private restoreStaticDepth(layer: StaticLayer): void {
    const segment = this.segment && layer.segment ? this.segment : null;
    if (this.depthLayer === layer) {
      const w = this.width;
      const from = this.dirtyRow0 * w;
      const to = Math.max(this.dirtyRow1 * w, from);
      this.invDepth.set(layer.invDepth.subarray(from, to), from);
      if (segment && layer.segment) segment.set(layer.segment.subarray(from, to), from);
    } else {
      this.invDepth.set(layer.invDepth);
      if (segment && layer.segment) segment.set(layer.segment);
    }
    this.depthLayer = layer;
    this.dirtyRow0 = this.height;
    this.dirtyRow1 = 0;
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
    this.segment?.fill(-1);
  }

  /** A shadow map set up for this camera, empty, fitted to `casters` (directional without explicit bounds). */
  private newShadowMap(cam: ResolvedCamera, casters: readonly SceneGeom[]): ShadowMap {
    if (this.shadowModel === "tinyrenderer") return ShadowMap.tinyRenderer(cam, this.light);
    const map = ShadowMap.directional(this.shadowMapSize, this.light);
    this.fitShadowMap(map, casters);
    return map;
  }

  /** The per-frame map when there is no static layer: reused while the camera (tiny) or size stays. */
  private frameShadowMap(cam: ResolvedCamera, geoms: readonly SceneGeom[]): ShadowMap {
    let map = this.frameMap;
    if (this.shadowModel === "tinyrenderer") {
      if (!map || !this.frameMapCamera || !sameCamera(this.frameMapCamera, cam)) {
        map = ShadowMap.tinyRenderer(cam, this.light);
        this.frameMapCamera = cam;
      }
    } else {
      map ??= ShadowMap.directional(this.shadowMapSize, this.light);
      this.fitShadowMap(map, geoms);
    }
    map.clear();
    this.frameMap = map;
    return map;
  }

  private frameMapCamera: ResolvedCamera | null = null;
  private lastCamera: Camera | null = null;
  private lastResolved: ResolvedCamera | null = null;

  /** The static layer for this camera, drawn now if not cached. */
  private staticLayer(cam: ResolvedCamera): StaticLayer {
    for (const layer of this.layers) if (sameCamera(layer.camera, cam)) return layer;
    const n = this.width * this.height;
    const color = new Uint8Array(n * 3);
    this.clear(color);
    this.depthLayer = null;
    this.color = color;
    let map: ShadowMap | null = null;
    let shadowColor: Uint8Array | null = null;
    if (this.shadows) {
      map = this.newShadowMap(cam, this.staticGeoms);
      this.drawShadowCasters(map, this.staticGeoms);
      map.saveBase();
      shadowColor = new Uint8Array(n * 3);
      this.captureShadowColor = shadowColor;
      this.captureTexel = new Int32Array(n).fill(-1);
      this.captureThreshold = new Float64Array(n);
      this.shadowMode = SHADOW_CAPTURE;
    } else {
      this.shadowMode = SHADOW_NONE;
    }
    this.map = map;
    this.drawGeoms(this.staticGeoms, 0);
    this.map = null;
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
      camera: cam,
      color,
      invDepth: this.invDepth.slice(),
      segment: this.segment ? this.segment.slice() : null,
      map,
      shadowColor,
      litPixels,
      litTexels,
      litThresholds,
    };
    this.layers.unshift(layer);
    if (this.layers.length > Rasterizer.MAX_LAYERS) this.layers.pop();
    return layer;
  }

  /**
   * Directional maps: sets the rectangle from the options' box, or from the casters' bounding box widened by
   * 0.3 m (or a quarter of its size) sideways, so shadows falling beside the casters are covered. A ground (a
   * caster under all others whose footprint covers theirs, like panda-gym's 6x6 m floor box) is left out of the
   * box: it only receives, and would spread the texels thin.
   */
  private fitShadowMap(map: ShadowMap, geoms: readonly SceneGeom[]): void {
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
      const bb = [
        Number.POSITIVE_INFINITY,
        Number.POSITIVE_INFINITY,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
      ];
      for (let i = 0; i < p.length; i += 3) {
        for (let r = 0; r < 3; r++) {
          const w = m[r * 3] * p[i] + m[r * 3 + 1] * p[i + 1] + m[r * 3 + 2] * p[i + 2] + g.pos[r];
          bb[r] = Math.min(bb[r], w);
          bb[r + 3] = Math.max(bb[r + 3], w);
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
    const min = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
    const max = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
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
  private applyDynamicShadows(layer: StaticLayer, map: ShadowMap, color: Uint8Array): void {
    const pixels = layer.litPixels;
    const texels = layer.litTexels;
    const thresholds = layer.litThresholds;
    const shadowColor = layer.shadowColor;
    if (!pixels || !texels || !thresholds || !shadowColor || map.dirtyX0 >= map.dirtyX1) return;
    const w = map.width;
    const depth = map.depth;
    // The lit pixels are sorted by texel: each dirty row of the map is one contiguous run of them.
    for (let y = map.dirtyY0; y < map.dirtyY1; y++) {
      const end = lowerBound(texels, y * w + map.dirtyX1);
      for (let k = lowerBound(texels, y * w + map.dirtyX0); k < end; k++) {
        if (depth[texels[k]] > thresholds[k]) {
          const i = pixels[k] * 3;
          color[i] = shadowColor[i];
          color[i + 1] = shadowColor[i + 1];
          color[i + 2] = shadowColor[i + 2];
        }
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
    this.vlx = new Float64Array(n);
    this.vly = new Float64Array(n);
    this.vlq = new Float64Array(n);
    this.vlt = new Float64Array(n);
    this.px = new Float64Array(n);
    this.py = new Float64Array(n);
    this.pw = new Float64Array(n);
    this.plx = new Float64Array(n);
    this.ply = new Float64Array(n);
    this.plq = new Float64Array(n);
    this.plt = new Float64Array(n);
  }

  /** Draws the shadow casters among `geoms` into the map (vx, vy, vz hold X, Y, Q; vi holds S). */
  private drawShadowCasters(map: ShadowMap, geoms: readonly SceneGeom[]): void {
    for (let gi = 0; gi < geoms.length; gi++) {
      const g = geoms[gi];
      if (g.castShadow === false || (g.kind === "plane" && !map.planesCast)) continue;
      if (g.rgba && g.rgba.length > 3 && g.rgba[3] === 0) continue;
      checkFinite(gi, g, "pos", 3);
      checkFinite(gi, g, "mat", 9);
      const local = tessellate(g, this.detail);
      if (!local) continue;
      this.ensureScratch(local.positions.length / 3);
      const vx = this.vx;
      const vy = this.vy;
      const vq = this.vz;
      const vs = this.vi;
      // X, Y, Q and the stored value S (rows 0-3).
      transformVertices(local.positions, composeLightRows(map, g.mat, g.pos), 12, vx, vy, vq, vs);
      const idx = local.indices;
      const near = map.near;
      // Each vertex in front of the light's near plane projected onto the map once (the expressions of
      // fillShadowTriangle, so the map is the same to the bit): px, py texel position, pw = 1/Q, pl = S/Q.
      const count = local.positions.length / 3;
      const px = this.px;
      const py = this.py;
      const pw = this.pw;
      const pl = this.plx;
      const offset = map.rasterOffset;
      for (let v = 0; v < count; v++) {
        const q = vq[v];
        if (!(q >= near)) continue;
        const iq = 1 / q;
        px[v] = vx[v] * iq + offset;
        py[v] = vy[v] * iq + offset;
        pw[v] = iq;
        pl[v] = vs[v] * iq;
      }
      for (let t = 0; t < idx.length; t += 3) {
        const a = idx[t];
        const b = idx[t + 1];
        const c = idx[t + 2];
        const qa = vq[a];
        const qb = vq[b];
        const qc = vq[c];
        if (qa >= near && qb >= near && qc >= near) {
          fillShadowProjected(map, px, py, pw, pl, a, b, c);
          continue;
        }
        if (qa < near && qb < near && qc < near) continue;
        // TinyRenderer clips casters against its light camera's near plane too.
        const inp = CLIP_IN;
        for (let k = 0; k < 3; k++) {
          const v = k === 0 ? a : k === 1 ? b : c;
          const o = k * CLIP_STRIDE;
          inp[o] = vx[v];
          inp[o + 1] = vy[v];
          inp[o + 2] = vq[v];
          inp[o + 3] = vs[v];
        }
        const n = clipNear(inp, near, CLIP_OUT);
        const o = CLIP_OUT;
        for (let k = 1; k + 1 < n; k++) {
          const p = k * CLIP_STRIDE;
          const q = (k + 1) * CLIP_STRIDE;
          fillShadowTriangle(
            map,
            o[0],
            o[1],
            o[2],
            o[3],
            o[p],
            o[p + 1],
            o[p + 2],
            o[p + 3],
            o[q],
            o[q + 1],
            o[q + 2],
            o[q + 3],
          );
        }
      }
    }
  }

  /** Draws geoms whose default segment ids start at `firstId`. */
  private drawGeoms(geoms: readonly SceneGeom[], firstId: number): void {
    for (let gi = 0; gi < geoms.length; gi++) {
      const g = geoms[gi];
      this.segmentId = g.segmentId ?? firstId + gi;
      this.drawGeom(gi, g);
    }
  }

  private drawGeom(gi: number, g: SceneGeom): void {
    checkFinite(gi, g, "pos", 3);
    checkFinite(gi, g, "mat", 9);
    checkFinite(gi, g, "rgba", 3);
    const rgba = g.rgba;
    // TinyRenderer skips invisible objects (alpha exactly 0); any other alpha draws opaque.
    if (rgba.length > 3 && rgba[3] === 0) return;
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
    if (this.outsideView(local, m, a00, a01, a02, a10, a11, a12, a20, a21, a22, t0, t1, t2)) return;
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
    // Per-vertex intensity for smooth normals: n_world·l = n_local·(Mᵀ·l); the specular term needs n_world's z.
    const light = this.light;
    const normals = local.normals;
    if (normals) {
      const lx = m[0] * light[0] + m[3] * light[1] + m[6] * light[2];
      const ly = m[1] * light[0] + m[4] * light[1] + m[7] * light[2];
      const lz = m[2] * light[0] + m[5] * light[1] + m[8] * light[2];
      const vi = this.vi;
      for (let v = 0, k = 0; v < count; v++, k += 3) {
        const n0 = normals[k];
        const n1 = normals[k + 1];
        const n2 = normals[k + 2];
        vi[v] = intensity(n0 * lx + n1 * ly + n2 * lz, m[6] * n0 + m[7] * n1 + m[8] * n2, light[2]);
      }
    }
    const map = this.map;
    if (map) {
      // X, Y, Q and the test threshold T (rows 0-2 and 4).
      transformVertices(pos, composeLightRows(map, m, p), 16, this.vlx, this.vly, this.vlq, this.vlt);
    }
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
    this.cr = baseChannel(rgba[0]);
    this.cg = baseChannel(rgba[1]);
    this.cb = baseChannel(rgba[2]);
    this.drawTriangles(local, faceColors);
  }

  /**
   * Whether the geom (its mesh's bounding sphere, camera transform A·v + t) lies wholly outside the camera's view:
   * behind the near plane, beyond the far plane, or beyond a side of the image, where none of its triangles can
   * cover a pixel centre. Only the camera pass skips such a geom; it still casts its shadow.
   */
  private outsideView(
    local: LocalMesh,
    m: ArrayLike<number>,
    a00: number,
    a01: number,
    a02: number,
    a10: number,
    a11: number,
    a12: number,
    a20: number,
    a21: number,
    a22: number,
    t0: number,
    t1: number,
    t2: number,
  ): boolean {
    const sphere = boundingSphere(local);
    const lx = sphere[0];
    const ly = sphere[1];
    const lz = sphere[2];
    // The radius in camera space: the camera rotation keeps lengths, M stretches them by at most its largest
    // singular value, which sqrt(max row sum of |MᵀM|) bounds (exactly 1 for a rotation); a hair of slack on top.
    const radius = sphere[3] * stretchBound(m) * (1 + 1e-9) + 1e-9;
    const x = a00 * lx + a01 * ly + a02 * lz + t0;
    const y = a10 * lx + a11 * ly + a12 * lz + t1;
    const z = a20 * lx + a21 * ly + a22 * lz + t2;
    const cam = this.cam;
    if (z + radius < cam.near || z - radius > cam.far) return true;
    // Side planes through the eye: image column u = u0 + fx·x/z below 0 or above width, row v likewise.
    const u0 = cam.cx + this.gridShiftU;
    const v0 = cam.cy + this.gridShiftV;
    const fx = cam.fx;
    const fy = cam.fy;
    const uw = u0 - this.width;
    const vh = v0 - this.height;
    return (
      fx * x + u0 * z < -radius * Math.hypot(fx, u0) ||
      fx * x + uw * z > radius * Math.hypot(fx, uw) ||
      fy * y + v0 * z < -radius * Math.hypot(fy, v0) ||
      fy * y + vh * z > radius * Math.hypot(fy, vh)
    );
  }

  private drawTriangles(local: LocalMesh, faceColors: ReadonlyArray<ArrayLike<number>> | null): void {
    const vx = this.vx;
    const vy = this.vy;
    const vz = this.vz;
    const vi = this.vi;
    const lx = this.vlx;
    const ly = this.vly;
    const lq = this.vlq;
    const lt = this.vlt;
    const idx = local.indices;
    const faces = local.faces;
    const smooth = local.normals !== null;
    const near = this.cam.near;
    const far = this.cam.far;
    const lc = this.lightCam;
    const rot = this.cam.rotation;
    const lightZ = this.light[2];
    const map = this.map;
    const texel = map ? map.texelSize : 0;
    const width = this.width;
    const height = this.height;
    // Every vertex in front of the near plane projected once (a vertex serves about six triangles), with the
    // very expressions projectVertex uses, so the triangles filled from them are the same to the bit.
    const count = local.positions.length / 3;
    const px = this.px;
    const py = this.py;
    const pw = this.pw;
    const plx = this.plx;
    const ply = this.ply;
    const plq = this.plq;
    const plt = this.plt;
    const cam = this.cam;
    const u0 = cam.cx + this.gridShiftU;
    const v0 = cam.cy + this.gridShiftV;
    const fx = cam.fx;
    const fy = cam.fy;
    for (let v = 0; v < count; v++) {
      const z = vz[v];
      if (!(z >= near)) continue;
      const w = 1 / z;
      px[v] = u0 + fx * vx[v] * w;
      py[v] = v0 + fy * vy[v] * w;
      pw[v] = w;
      if (map) {
        plx[v] = lx[v] * w;
        ply[v] = ly[v] * w;
        plq[v] = lq[v] * w;
        plt[v] = lt[v] * w;
      }
    }
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
      const inFront = az >= near && bz >= near && cz >= near;
      // Most triangles of a small frame cover no pixel centre: skip them before any shading.
      if (inFront && !coversPixelCentre(px[a], py[a], px[b], py[b], px[c], py[c], width, height)) continue;
      if (faces && faceColors) {
        const fc = faceColors[faces[t / 3]];
        this.cr = baseChannel(fc[0]);
        this.cg = baseChannel(fc[1]);
        this.cb = baseChannel(fc[2]);
      }
      // The face's cosine to the light shades flat faces and sets the shadow bias; smooth faces without a bias
      // need neither, and Math.hypot is the dearest call per triangle.
      const nl = !smooth || texel > 0 ? Math.hypot(nx, ny, nz) : 1;
      const cosLight = (nx * lc[0] + ny * lc[1] + nz * lc[2]) / nl;
      let ia: number;
      let ib: number;
      let ic: number;
      if (smooth) {
        ia = vi[a];
        ib = vi[b];
        ic = vi[c];
      } else {
        // The face normal's world z: Cᵀ·n, third component.
        const worldZ = (nx * rot[2] + ny * rot[5] + nz * rot[8]) / nl;
        ia = ib = ic = intensity(cosLight, worldZ, lightZ);
      }
      // Only direct light is shadowed: a triangle lit by ambient alone looks the same in shadow.
      this.receives = ia > AMBIENT || ib > AMBIENT || ic > AMBIENT;
      if (texel > 0) {
        // Slope-scaled bias: a texel spans more light-space depth on surfaces at a grazing angle to the light.
        const cosAbs = Math.max(Math.abs(cosLight), 0.1);
        this.bias = texel * (1.5 + 1.5 * (Math.sqrt(1 - cosAbs * cosAbs) / cosAbs));
      } else {
        this.bias = 0;
      }
      const flat = !smooth || (ia === ib && ib === ic);
      if (inFront) {
        TX[0] = px[a];
        TX[1] = px[b];
        TX[2] = px[c];
        TY[0] = py[a];
        TY[1] = py[b];
        TY[2] = py[c];
        TW[0] = pw[a];
        TW[1] = pw[b];
        TW[2] = pw[c];
        TI[0] = ia;
        TI[1] = ib;
        TI[2] = ic;
        if (map) {
          TLX[0] = plx[a];
          TLX[1] = plx[b];
          TLX[2] = plx[c];
          TLY[0] = ply[a];
          TLY[1] = ply[b];
          TLY[2] = ply[c];
          TLQ[0] = plq[a];
          TLQ[1] = plq[b];
          TLQ[2] = plq[c];
          TLT[0] = plt[a];
          TLT[1] = plt[b];
          TLT[2] = plt[c];
        }
        this.fill(!flat);
        continue;
      }
      const inp = CLIP_IN;
      for (let k = 0; k < 3; k++) {
        const v = k === 0 ? a : k === 1 ? b : c;
        const o = k * CLIP_STRIDE;
        inp[o] = vx[v];
        inp[o + 1] = vy[v];
        inp[o + 2] = vz[v];
        inp[o + 3] = k === 0 ? ia : k === 1 ? ib : ic;
        inp[o + 4] = lx[v];
        inp[o + 5] = ly[v];
        inp[o + 6] = lq[v];
        inp[o + 7] = lt[v];
      }
      const n = clipNear(inp, near, CLIP_OUT);
      const o = CLIP_OUT;
      for (let k = 1; k + 1 < n; k++) {
        for (let j = 0; j < 3; j++) {
          const s = (j === 0 ? 0 : k + j - 1) * CLIP_STRIDE;
          this.projectVertex(j, o[s], o[s + 1], o[s + 2], o[s + 3], o[s + 4], o[s + 5], o[s + 6], o[s + 7]);
        }
        this.fill(!flat);
      }
    }
  }

  private projectVertex(
    k: number,
    x: number,
    y: number,
    z: number,
    intensity: number,
    lx: number,
    ly: number,
    lq: number,
    lt: number,
  ): void {
    const cam = this.cam;
    const w = 1 / z;
    TX[k] = cam.cx + this.gridShiftU + cam.fx * x * w;
    TY[k] = cam.cy + this.gridShiftV + cam.fy * y * w;
    TW[k] = w;
    TI[k] = intensity;
    TLX[k] = lx * w;
    TLY[k] = ly * w;
    TLQ[k] = lq * w;
    TLT[k] = lt * w;
  }

  /** Fills the projected triangle in TX..TLT: z-test on 1/z, TinyRenderer shading, shadow lookup. */
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
    setPlane(dx1, dy1, dx2, dy2, inv);
    const spans = SPANS;
    if (!spans.scanIndexed(TX, TY, 0, 1, 2, this.width, this.height)) return;
    const width = this.width;
    const jStart = spans.first;
    const jEnd = spans.end;
    if (jStart < this.dirtyRow0) this.dirtyRow0 = jStart;
    if (jEnd > this.dirtyRow1) this.dirtyRow1 = jEnd;
    const spanStart = spans.start;
    const spanStop = spans.stop;
    // Plane gradients of the interpolated attributes (affine in screen space).
    const dwdx = slopeX(TW[0], TW[1], TW[2], dy1, dy2, inv);
    const dwdy = slopeY(TW[0], TW[1], TW[2], dx1, dx2, inv);
    const w0 = TW[0];
    const zb = this.invDepth;
    const color = this.color;
    const segment = this.segment;
    const id = this.segmentId;
    const mode = this.shadowMode;
    const cr = this.cr;
    const cg = this.cg;
    const cb = this.cb;
    const testShadow = mode !== SHADOW_NONE && this.receives;
    if (!smooth && (mode === SHADOW_NONE || (mode === SHADOW_TEST && !testShadow))) {
      const i0 = TI[0];
      const r = (cr * i0) | 0;
      const g = (cg * i0) | 0;
      const b = (cb * i0) | 0;
      for (let j = jStart; j < jEnd; j++) {
        const iStart = spanStart[j];
        const iEnd = spanStop[j];
        if (iStart >= iEnd) continue;
        let w = w0 + dwdx * (iStart + 0.5 - x0) + dwdy * (j + 0.5 - y0);
        let p = j * width + iStart;
        const pEnd = j * width + iEnd;
        if (segment) {
          for (; p < pEnd; p++, w += dwdx) {
            if (w > zb[p]) {
              zb[p] = w;
              segment[p] = id;
              const q = p * 3;
              color[q] = r;
              color[q + 1] = g;
              color[q + 2] = b;
            }
          }
        } else {
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
      }
      return;
    }
    if (!smooth && mode === SHADOW_TEST && this.map) {
      this.fillFlatShadowed(jStart, jEnd, x0, y0, dwdx, dwdy);
      return;
    }
    // General path: smooth intensity and/or shadows.
    const didx = slopeX(TI[0], TI[1], TI[2], dy1, dy2, inv);
    const didy = slopeY(TI[0], TI[1], TI[2], dx1, dx2, inv);
    const i0 = TI[0];
    let dXdx = 0;
    let dXdy = 0;
    let dYdx = 0;
    let dYdy = 0;
    let dQdx = 0;
    let dQdy = 0;
    let dTdx = 0;
    let dTdy = 0;
    let mapW = 0;
    let mapH = 0;
    let clamp = false;
    let depth: Float32Array | null = null;
    const bias = this.bias;
    if (testShadow && this.map) {
      dXdx = slopeX(TLX[0], TLX[1], TLX[2], dy1, dy2, inv);
      dXdy = slopeY(TLX[0], TLX[1], TLX[2], dx1, dx2, inv);
      dYdx = slopeX(TLY[0], TLY[1], TLY[2], dy1, dy2, inv);
      dYdy = slopeY(TLY[0], TLY[1], TLY[2], dx1, dx2, inv);
      dQdx = slopeX(TLQ[0], TLQ[1], TLQ[2], dy1, dy2, inv);
      dQdy = slopeY(TLQ[0], TLQ[1], TLQ[2], dx1, dx2, inv);
      dTdx = slopeX(TLT[0], TLT[1], TLT[2], dy1, dy2, inv);
      dTdy = slopeY(TLT[0], TLT[1], TLT[2], dx1, dx2, inv);
      mapW = this.map.width;
      mapH = this.map.height;
      clamp = this.map.clampLookup;
      depth = this.map.depth;
    }
    const captureColor = this.captureShadowColor;
    const captureTexel = this.captureTexel;
    const captureThreshold = this.captureThreshold;
    for (let j = jStart; j < jEnd; j++) {
      const iStart = spanStart[j];
      const iEnd = spanStop[j];
      if (iStart >= iEnd) continue;
      const ox = iStart + 0.5 - x0;
      const oy = j + 0.5 - y0;
      let w = w0 + dwdx * ox + dwdy * oy;
      let it = i0 + didx * ox + didy * oy;
      let xw = TLX[0] + dXdx * ox + dXdy * oy;
      let yw = TLY[0] + dYdx * ox + dYdy * oy;
      let qw = TLQ[0] + dQdx * ox + dQdy * oy;
      let tw = TLT[0] + dTdx * ox + dTdy * oy;
      let p = j * width + iStart;
      const pEnd = j * width + iEnd;
      for (; p < pEnd; p++, w += dwdx, it += didx, xw += dXdx, yw += dYdx, qw += dQdx, tw += dTdx) {
        if (!(w > zb[p])) continue;
        zb[p] = w;
        if (segment) segment[p] = id;
        const q = p * 3;
        let lit = true;
        let cell = -1;
        let threshold = 0;
        if (depth) {
          // Light-space texel: X/Q, Y/Q (the camera's 1/z cancels); the threshold needs the camera z back.
          let u = xw / qw;
          let v = yw / qw;
          if (clamp) {
            u = Math.min(Math.max(u, 0), mapW - 1);
            v = Math.min(Math.max(v, 0), mapH - 1);
          }
          if (u >= 0 && v >= 0 && u < mapW && v < mapH) {
            cell = (v | 0) * mapW + (u | 0);
            threshold = tw / w + bias;
            lit = !(depth[cell] > threshold);
          }
        }
        if (captureColor && captureTexel && captureThreshold) {
          const dark = AMBIENT + SHADOW_FACTOR * (it - AMBIENT);
          captureColor[q] = (cr * dark) | 0;
          captureColor[q + 1] = (cg * dark) | 0;
          captureColor[q + 2] = (cb * dark) | 0;
          captureTexel[p] = lit ? cell : -1;
          captureThreshold[p] = threshold;
        }
        // Only the colour shown is computed: lit, or with the direct part × 0.8.
        const shade = lit ? it : AMBIENT + SHADOW_FACTOR * (it - AMBIENT);
        color[q] = (cr * shade) | 0;
        color[q + 1] = (cg * shade) | 0;
        color[q + 2] = (cb * shade) | 0;
      }
    }
  }

  /** One colour per triangle, lit or in shadow per pixel: the common case with shadows on (flat faces). */
  private fillFlatShadowed(
    jStart: number,
    jEnd: number,
    x0: number,
    y0: number,
    dwdx: number,
    dwdy: number,
  ): void {
    const map = this.map!;
    const width = this.width;
    const zb = this.invDepth;
    const color = this.color;
    const segment = this.segment;
    const id = this.segmentId;
    const spanStart = SPANS.start;
    const spanStop = SPANS.stop;
    const lit = TI[0];
    const dark = AMBIENT + SHADOW_FACTOR * (lit - AMBIENT);
    const r = (this.cr * lit) | 0;
    const g = (this.cg * lit) | 0;
    const b = (this.cb * lit) | 0;
    const sr = (this.cr * dark) | 0;
    const sg = (this.cg * dark) | 0;
    const sb = (this.cb * dark) | 0;
    const dXdx = gradientX(TLX);
    const dXdy = gradientY(TLX);
    const dYdx = gradientX(TLY);
    const dYdy = gradientY(TLY);
    const dQdx = gradientX(TLQ);
    const dQdy = gradientY(TLQ);
    const dTdx = gradientX(TLT);
    const dTdy = gradientY(TLT);
    const mapW = map.width;
    const mapH = map.height;
    const clamp = map.clampLookup;
    const depth = map.depth;
    const bias = this.bias;
    const w0 = TW[0];
    for (let j = jStart; j < jEnd; j++) {
      const iStart = spanStart[j];
      const iEnd = spanStop[j];
      if (iStart >= iEnd) continue;
      const ox = iStart + 0.5 - x0;
      const oy = j + 0.5 - y0;
      let w = w0 + dwdx * ox + dwdy * oy;
      let xw = TLX[0] + dXdx * ox + dXdy * oy;
      let yw = TLY[0] + dYdx * ox + dYdy * oy;
      let qw = TLQ[0] + dQdx * ox + dQdy * oy;
      let tw = TLT[0] + dTdx * ox + dTdy * oy;
      const pEnd = j * width + iEnd;
      for (
        let p = j * width + iStart;
        p < pEnd;
        p++, w += dwdx, xw += dXdx, yw += dYdx, qw += dQdx, tw += dTdx
      ) {
        if (!(w > zb[p])) continue;
        zb[p] = w;
        if (segment) segment[p] = id;
        let u = xw / qw;
        let v = yw / qw;
        if (clamp) {
          u = Math.min(Math.max(u, 0), mapW - 1);
          v = Math.min(Math.max(v, 0), mapH - 1);
        }
        const q = p * 3;
        if (u >= 0 && v >= 0 && u < mapW && v < mapH && depth[(v | 0) * mapW + (u | 0)] > tw / w + bias) {
          color[q] = sr;
          color[q + 1] = sg;
          color[q + 2] = sb;
        } else {
          color[q] = r;
          color[q + 1] = g;
          color[q + 2] = b;
        }
      }
    }
  }
}

/** Edge vectors of the triangle being filled and 1/(twice its signed area), for attribute gradients. */
const PLANE = new Float64Array(5);

function setPlane(dx1: number, dy1: number, dx2: number, dy2: number, inv: number): void {
  PLANE[0] = dx1;
  PLANE[1] = dy1;
  PLANE[2] = dx2;
  PLANE[3] = dy2;
  PLANE[4] = inv;
}

/**
 * gradientX from the attribute's three vertex values and the plane's numbers, the same expression: small enough
 * to be inlined, so its doubles are never boxed.
 */
function slopeX(t0: number, t1: number, t2: number, dy1: number, dy2: number, inv: number): number {
  return ((t1 - t0) * dy2 - (t2 - t0) * dy1) * inv;
}

/** gradientY likewise. */
function slopeY(t0: number, t1: number, t2: number, dx1: number, dx2: number, inv: number): number {
  return ((t2 - t0) * dx1 - (t1 - t0) * dx2) * inv;
}

/** d(attribute)/dx over the triangle set by setPlane, from the attribute's three vertex values. */
function gradientX(t: Float64Array): number {
  return ((t[1] - t[0]) * PLANE[3] - (t[2] - t[0]) * PLANE[1]) * PLANE[4];
}

/** d(attribute)/dy over the triangle set by setPlane. */
function gradientY(t: Float64Array): number {
  return ((t[2] - t[0]) * PLANE[0] - (t[1] - t[0]) * PLANE[2]) * PLANE[4];
}

/** Each mesh's bounding sphere in its own frame: centre of its bounding box and radius, computed once. */
const SPHERES = new WeakMap<LocalMesh, Float64Array>();

function boundingSphere(local: LocalMesh): Float64Array {
  let sphere = SPHERES.get(local);
  if (sphere) return sphere;
  const p = local.positions;
  const lo = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  const hi = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (let i = 0; i < p.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      lo[k] = Math.min(lo[k], p[i + k]);
      hi[k] = Math.max(hi[k], p[i + k]);
    }
  }
  const c = [(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2];
  let r = 0;
  for (let i = 0; i < p.length; i += 3)
    r = Math.max(r, Math.hypot(p[i] - c[0], p[i + 1] - c[1], p[i + 2] - c[2]));
  sphere = Float64Array.of(c[0], c[1], c[2], p.length > 0 ? r : 0);
  SPHERES.set(local, sphere);
  return sphere;
}

/** An upper bound of how much the 3x3 matrix m (row-major) stretches a vector: sqrt(max row sum of |MᵀM|). */
function stretchBound(m: ArrayLike<number>): number {
  let most = 0;
  for (let i = 0; i < 3; i++) {
    let sum = 0;
    for (let j = 0; j < 3; j++) sum += Math.abs(m[i] * m[j] + m[3 + i] * m[3 + j] + m[6 + i] * m[6 + j]);
    most = Math.max(most, sum);
  }
  return Math.sqrt(most);
}

/**
 * Whether a triangle's bounding box holds a pixel centre of the width x height grid, the test Spans.scan applies
 * row by row. Widened by a hair, far more than the rounding of scan's edge interpolation, so no triangle that scan
 * would fill is ever skipped: a false answer means the triangle draws nothing.
 */
function coversPixelCentre(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  width: number,
  height: number,
): boolean {
  const minX = Math.min(x0, x1, x2);
  const maxX = Math.max(x0, x1, x2);
  const ex = 1e-6 + 1e-9 * (Math.abs(minX) + Math.abs(maxX));
  if (!(Math.max(0, Math.ceil(minX - 0.5 - ex)) < Math.min(width, Math.ceil(maxX - 0.5 + ex)))) return false;
  const minY = Math.min(y0, y1, y2);
  const maxY = Math.max(y0, y1, y2);
  const ey = 1e-6 + 1e-9 * (Math.abs(minY) + Math.abs(maxY));
  return Math.max(0, Math.ceil(minY - 0.5 - ey)) < Math.min(height, Math.ceil(maxY - 0.5 + ey));
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

/**
 * Sutherland–Hodgman against slot 2 >= near for one triangle of CLIP_STRIDE attributes per vertex (all linear
 * in the clipped space); returns the vertex count (0, 3 or 4) in `out`.
 */
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
      for (let c = 0; c < CLIP_STRIDE; c++) {
        out[n * CLIP_STRIDE + c] = inp[a + c] + s * (inp[b + c] - inp[a + c]);
      }
      out[n * CLIP_STRIDE + 2] = near;
      n++;
    }
  }
  return n;
}

/**
 * Draws one caster triangle into the shadow map, keeping the largest stored value S per texel. Vertices are
 * (X, Y, Q, S): the texel position is (X/Q, Y/Q) and S is interpolated perspective-correctly (S/Q and 1/Q are
 * affine on the map); for orthographic maps Q = 1.
 */
function fillShadowTriangle(
  map: ShadowMap,
  ax: number,
  ay: number,
  aq: number,
  as: number,
  bx: number,
  by: number,
  bq: number,
  bs: number,
  cx: number,
  cy: number,
  cq: number,
  cs: number,
): void {
  const o = map.rasterOffset;
  const ia = 1 / aq;
  const ib = 1 / bq;
  const ic = 1 / cq;
  const xs = SHADOW_X;
  const ys = SHADOW_Y;
  const is = SHADOW_I;
  const ss = SHADOW_S;
  xs[0] = ax * ia + o;
  ys[0] = ay * ia + o;
  is[0] = ia;
  ss[0] = as * ia;
  xs[1] = bx * ib + o;
  ys[1] = by * ib + o;
  is[1] = ib;
  ss[1] = bs * ib;
  xs[2] = cx * ic + o;
  ys[2] = cy * ic + o;
  is[2] = ic;
  ss[2] = cs * ic;
  fillShadowProjected(map, xs, ys, is, ss, 0, 1, 2);
}

/** fillShadowTriangle's projected corners (texel x, y, 1/Q, S/Q). */
const SHADOW_X = new Float64Array(3);
const SHADOW_Y = new Float64Array(3);
const SHADOW_I = new Float64Array(3);
const SHADOW_S = new Float64Array(3);

/**
 * fillShadowTriangle after the division by Q, for corners a, b and c of the arrays: texel positions (xs, ys),
 * 1/Q (is) and S/Q (ss), all affine on the map. Indices, not numbers, as arguments: doubles passed to a call
 * that is not inlined are boxed.
 */
function fillShadowProjected(
  map: ShadowMap,
  xs: Float64Array,
  ys: Float64Array,
  is: Float64Array,
  ss: Float64Array,
  a: number,
  b: number,
  c: number,
): void {
  const x0 = xs[a];
  const y0 = ys[a];
  const x1 = xs[b];
  const y1 = ys[b];
  const x2 = xs[c];
  const y2 = ys[c];
  const ia = is[a];
  const ib = is[b];
  const ic = is[c];
  const sa = ss[a];
  const sb = ss[b];
  const sc = ss[c];
  const dx1 = x1 - x0;
  const dy1 = y1 - y0;
  const dx2 = x2 - x0;
  const dy2 = y2 - y0;
  const area = dx1 * dy2 - dx2 * dy1;
  // Keep one side only (map.facing): its sign of area on the map.
  if (!(area * map.facing > 1e-12)) return;
  const w = map.width;
  const spans = SPANS;
  // Most moving triangles cover no texel centre: find that out before the gradients (same values after).
  if (!spans.scanIndexed(xs, ys, a, b, c, w, map.height)) return;
  const inv = 1 / area;
  const dsdx = ((sb - sa) * dy2 - (sc - sa) * dy1) * inv;
  const dsdy = ((sc - sa) * dx1 - (sb - sa) * dx2) * inv;
  const dqdx = ((ib - ia) * dy2 - (ic - ia) * dy1) * inv;
  const dqdy = ((ic - ia) * dx1 - (ib - ia) * dx2) * inv;
  const perspective = map.model === "tinyrenderer";
  const depth = map.depth;
  const sMin = map.sMin;
  const sMax = map.sMax;
  let minX = w;
  let maxX = 0;
  for (let j = spans.first; j < spans.end; j++) {
    const iStart = spans.start[j];
    const iEnd = spans.stop[j];
    if (iStart >= iEnd) continue;
    if (iStart < minX) minX = iStart;
    if (iEnd > maxX) maxX = iEnd;
    const ox = iStart + 0.5 - x0;
    const oy = j + 0.5 - y0;
    let s = sa + dsdx * ox + dsdy * oy;
    let q = ia + dqdx * ox + dqdy * oy;
    const end = j * w + iEnd;
    if (perspective) {
      for (let p = j * w + iStart; p < end; p++, s += dsdx, q += dqdx) {
        const value = s / q;
        if (value > depth[p] && value >= sMin && value <= sMax) depth[p] = value;
      }
    } else {
      for (let p = j * w + iStart; p < end; p++, s += dsdx) if (s > depth[p]) depth[p] = s;
    }
  }
  if (minX < maxX) map.markDirty(minX, spans.first, maxX, spans.end);
}
