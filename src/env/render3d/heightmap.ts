/**
 * A top-down height map by orthographic rasterisation: per pixel the highest surface inside the bounds, its
 * height above the floor of the bounds and its Tiny-shaded colour. This is what CLIPort/Ravens feed their agents
 * (ROBOTICS.md B.3): they fuse the point clouds of three cameras; rasterising straight down gives the same map up to
 * what those cameras cannot see (ROBOTICS.md C.2, point 5).
 *
 * Layout as CLIPort's: rows along y, columns along x, pixel (row, col) = (floor((y − y0)/ps), floor((x − x0)/ps)),
 * sampled at pixel centres; height = z − z0; surfaces at or above z1 or below z0 are dropped (as points outside the
 * bounds are); empty pixels are height 0 and black.
 */
import { createFrame, type Frame } from "../../image/frame.ts";
import type { ResolvedCamera } from "./camera.ts";
import type { SceneGeom, Vec3 } from "./scene.ts";
import { baseChannel, DEFAULT_LIGHT_DIRECTION, intensity, normalise } from "./shading.ts";
import { Spans } from "./spans.ts";
import { tessellate } from "./tessellate.ts";

/** CLIPort's workspace and pixel size: a 320 (rows, y) x 160 (columns, x) map. */
export const CLIPORT_BOUNDS: { readonly min: Vec3; readonly max: Vec3 } = {
  min: [0.25, -0.5, 0],
  max: [0.75, 0.5, 0.3],
};
export const CLIPORT_PIXEL_SIZE = 0.003125;

export interface HeightmapOptions {
  readonly bounds: { readonly min: Vec3; readonly max: Vec3 };
  /** Metres per pixel. */
  readonly pixelSize: number;
  /** Direction towards the light for the colours, default TinyRenderer's. */
  readonly lightDirection?: Vec3;
}

export interface Heightmap {
  /** Columns (along x). */
  readonly width: number;
  /** Rows (along y). */
  readonly height: number;
  /** z − z0 of the highest surface per pixel, row-major; 0 where nothing. */
  readonly heights: Float32Array;
  /** Its colour, lit as the cameras see it (no shadows); black where nothing. */
  readonly color: Frame;
  /** Which geom it is (its `segmentId`, by default its index in the list), −1 where nothing. */
  readonly ids: Int32Array;
}

const SPANS = new Spans();

export function renderHeightmap(geoms: readonly SceneGeom[], options: HeightmapOptions): Heightmap {
  const { min, max } = options.bounds;
  const ps = options.pixelSize;
  if (!(ps > 0) || !Number.isFinite(ps))
    throw new RangeError(`pixelSize must be a positive number, got ${ps}`);
  for (let k = 0; k < 3; k++) {
    if (!Number.isFinite(min[k]) || !Number.isFinite(max[k]) || !(max[k] > min[k])) {
      throw new RangeError(`height map bounds need finite min < max on each axis, got [${min}] .. [${max}]`);
    }
  }
  const width = Math.round((max[0] - min[0]) / ps);
  const height = Math.round((max[1] - min[1]) / ps);
  if (width < 1 || height < 1 || width * height > 16_777_216) {
    throw new RangeError(`height map of ${width}x${height} pixels: check bounds and pixelSize`);
  }
  const light = options.lightDirection ? normalise(options.lightDirection) : DEFAULT_LIGHT_DIRECTION;
  const top = new Float32Array(width * height).fill(-Infinity);
  const color = createFrame(width, height);
  const data = color.data;
  const ids = new Int32Array(width * height).fill(-1);
  const z0 = min[2];
  const z1 = max[2];
  for (let gi = 0; gi < geoms.length; gi++) {
    const g = geoms[gi];
    const local = tessellate(g);
    if (!local) continue;
    const rgba = g.rgba;
    if (rgba.length > 3 && rgba[3] === 0) continue;
    const id = g.segmentId ?? gi;
    const m = g.mat;
    const p = g.pos;
    for (let k = 0; k < 9; k++) {
      if (!Number.isFinite(m[k]) || (k < 3 && !Number.isFinite(p[k]))) {
        throw new RangeError(`geom ${gi} (${g.kind}): pos or mat has a non-finite value`);
      }
    }
    const pos = local.positions;
    const count = pos.length / 3;
    // Grid coordinates: u (columns) from x, v (rows) from y; z in metres.
    const u = new Float64Array(count);
    const v = new Float64Array(count);
    const z = new Float64Array(count);
    for (let i = 0, k = 0; i < count; i++, k += 3) {
      const a = pos[k];
      const b = pos[k + 1];
      const c = pos[k + 2];
      u[i] = (m[0] * a + m[1] * b + m[2] * c + p[0] - min[0]) / ps;
      v[i] = (m[3] * a + m[4] * b + m[5] * c + p[1] - min[1]) / ps;
      z[i] = m[6] * a + m[7] * b + m[8] * c + p[2];
    }
    const faceColors = g.kind === "box" && g.faceColors && g.faceColors.length >= 6 ? g.faceColors : null;
    const idx = local.indices;
    for (let t = 0; t < idx.length; t += 3) {
      const a = idx[t];
      const b = idx[t + 1];
      const c = idx[t + 2];
      const du1 = u[b] - u[a];
      const dv1 = v[b] - v[a];
      const dz1 = z[b] - z[a];
      const du2 = u[c] - u[a];
      const dv2 = v[c] - v[a];
      const dz2 = z[c] - z[a];
      const area = du1 * dv2 - du2 * dv1;
      // Seen from above, a vertical face covers no area.
      if (!(Math.abs(area) > 1e-9)) continue;
      if (!SPANS.scan(u[a], v[a], u[b], v[b], u[c], v[c], width, height)) continue;
      // Face normal in world units (the grid scales x and y alike, so ps cancels in the direction).
      const nx = dv1 * dz2 - dz1 * dv2;
      const ny = dz1 * du2 - du1 * dz2;
      const nz = (du1 * dv2 - dv1 * du2) * ps;
      const nl = Math.hypot(nx, ny, nz);
      const lit = intensity((nx * light[0] + ny * light[1] + nz * light[2]) / nl, nz / nl, light[2]);
      const fc = faceColors && local.faces ? faceColors[local.faces[t / 3]] : rgba;
      const r = (baseChannel(fc[0]) * lit) | 0;
      const gr = (baseChannel(fc[1]) * lit) | 0;
      const bl = (baseChannel(fc[2]) * lit) | 0;
      const inv = 1 / area;
      const dzdu = (dz1 * dv2 - dz2 * dv1) * inv;
      const dzdv = (dz2 * du1 - dz1 * du2) * inv;
      for (let j = SPANS.first; j < SPANS.end; j++) {
        const iEnd = SPANS.stop[j];
        let i = SPANS.start[j];
        let h = z[a] + dzdu * (i + 0.5 - u[a]) + dzdv * (j + 0.5 - v[a]);
        for (let q = j * width + i; i < iEnd; i++, q++, h += dzdu) {
          if (h > top[q] && h >= z0 && h < z1) {
            top[q] = h;
            ids[q] = id;
            data[q * 3] = r;
            data[q * 3 + 1] = gr;
            data[q * 3 + 2] = bl;
          }
        }
      }
    }
  }
  const heights = new Float32Array(width * height);
  for (let q = 0; q < top.length; q++) heights[q] = top[q] > -Infinity ? top[q] - z0 : 0;
  return { width, height, heights, color, ids };
}

/** One camera's picture for `fuseHeightmap`: the frame, its depth (Rasterizer.lastDepth) and the camera. */
export interface CameraView {
  readonly frame: Frame;
  readonly depth: Float32Array;
  readonly camera: ResolvedCamera;
  /** Rasterizer.lastSegmentation, to fill the map's ids (else they stay −1). */
  readonly segmentation?: Int32Array;
}

/**
 * CLIPort's own height map (its `reconstruct_heightmaps`): every pixel of every view is lifted back to a world
 * point, ((u − cx)·d/fx, (v − cy)·d/fy, d) in the camera frame at the pixel's centre; points outside the bounds are
 * dropped; per view the highest point wins a map pixel; the views are fused by taking the highest height and the
 * mean colour over the views that saw something there (colour sum > 0). What the cameras cannot see stays 0.
 */
export function fuseHeightmap(views: readonly CameraView[], options: HeightmapOptions): Heightmap {
  const { min, max } = options.bounds;
  const ps = options.pixelSize;
  if (!(ps > 0) || !Number.isFinite(ps))
    throw new RangeError(`pixelSize must be a positive number, got ${ps}`);
  const width = Math.round((max[0] - min[0]) / ps);
  const height = Math.round((max[1] - min[1]) / ps);
  if (!(width >= 1 && height >= 1 && width * height <= 16_777_216)) {
    throw new RangeError(`height map of ${width}x${height} pixels: check bounds and pixelSize`);
  }
  const n = width * height;
  const heights = new Float32Array(n);
  const sum = new Float64Array(n * 3);
  const seen = new Uint16Array(n);
  const viewTop = new Float64Array(n);
  const viewColor = new Int32Array(n);
  const ids = new Int32Array(n).fill(-1);
  const fusedTop = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  for (const view of views) {
    const { frame, depth, camera: c } = view;
    if (view.segmentation && view.segmentation.length !== depth.length) {
      throw new RangeError("a view's segmentation must have one id per pixel");
    }
    if (frame.width !== c.width || frame.height !== c.height || depth.length !== c.width * c.height) {
      throw new RangeError(
        `view of ${frame.width}x${frame.height} with ${depth.length} depths does not match its camera's ${c.width}x${c.height}`,
      );
    }
    viewTop.fill(Number.NEGATIVE_INFINITY);
    viewColor.fill(-1);
    const r = c.rotation;
    for (let v = 0; v < c.height; v++) {
      for (let u = 0; u < c.width; u++) {
        const i = v * c.width + u;
        const d = depth[i];
        if (!(d < Number.POSITIVE_INFINITY)) continue;
        const x = ((u + 0.5 - c.cx) * d) / c.fx;
        const y = ((v + 0.5 - c.cy) * d) / c.fy;
        // World = Rᵀ·(x, y, d) + eye (the rotation's rows are the camera axes).
        const wx = r[0] * x + r[3] * y + r[6] * d + c.eye[0];
        const wy = r[1] * x + r[4] * y + r[7] * d + c.eye[1];
        const wz = r[2] * x + r[5] * y + r[8] * d + c.eye[2];
        if (!(wx >= min[0] && wx < max[0] && wy >= min[1] && wy < max[1] && wz >= min[2] && wz < max[2]))
          continue;
        const col = Math.min(width - 1, Math.floor((wx - min[0]) / ps));
        const row = Math.min(height - 1, Math.floor((wy - min[1]) / ps));
        const q = row * width + col;
        if (wz > viewTop[q]) {
          viewTop[q] = wz;
          viewColor[q] = i;
        }
      }
    }
    const data = frame.data;
    for (let q = 0; q < n; q++) {
      const i = viewColor[q];
      if (i < 0) continue;
      const h = viewTop[q] - min[2];
      if (h > heights[q]) heights[q] = h;
      if (viewTop[q] > fusedTop[q]) {
        fusedTop[q] = viewTop[q];
        if (view.segmentation) ids[q] = view.segmentation[i];
      }
      const red = data[i * 3];
      const green = data[i * 3 + 1];
      const blue = data[i * 3 + 2];
      if (red + green + blue > 0) {
        sum[q * 3] += red;
        sum[q * 3 + 1] += green;
        sum[q * 3 + 2] += blue;
        seen[q]++;
      }
    }
  }
  const color = createFrame(width, height);
  for (let q = 0; q < n; q++) {
    if (seen[q] === 0) continue;
    for (let k = 0; k < 3; k++) color.data[q * 3 + k] = Math.round(sum[q * 3 + k] / seen[q]);
  }
  return { width, height, heights, color, ids };
}
