/**
 * Drawing primitives of Farama MiniGrid's `utils/rendering.py`, reproduced to the bit so tiles hash the same.
 *
 * Farama draws each tile on a 3x supersampled uint8 canvas by testing every pixel centre, in [0, 1] tile
 * coordinates, against a shape (`fill_coords`), then averages 3x3 blocks (`downsample`). The shapes mix float32
 * and float64 arithmetic (numpy arrays built with dtype=float32 for triangle corners and line ends), and pixels on
 * a shape's edge depend on it, so the tests below repeat those roundings with `Math.fround`.
 *
 * This runs once per distinct tile (tiles are cached), so clarity wins over speed here.
 */

/** A square RGB canvas, row-major, 3 bytes per pixel. */
export interface Canvas {
  readonly size: number;
  readonly data: Uint8Array;
}

export type Rgb = readonly [number, number, number];

/** Tells whether a point (x right, y down, both in [0, 1] of the tile) is inside a shape. */
export type Shape = (x: number, y: number) => boolean;

const f32 = Math.fround;

export function createCanvas(size: number): Canvas {
  return { size, data: new Uint8Array(size * size * 3) };
}

/**
 * Paints every pixel whose centre lies in `shape` (Farama's `fill_coords`). Colours are truncated to integers,
 * as numpy does when it stores a float colour (e.g. a floor's `COLORS[c] / 2`) into a uint8 image.
 */
export function fillShape(canvas: Canvas, shape: Shape, color: Rgb): void {
  const { size, data } = canvas;
  const r = Math.trunc(color[0]);
  const g = Math.trunc(color[1]);
  const b = Math.trunc(color[2]);
  for (let y = 0; y < size; y++) {
    const yf = (y + 0.5) / size;
    for (let x = 0; x < size; x++) {
      if (!shape((x + 0.5) / size, yf)) continue;
      const o = (y * size + x) * 3;
      data[o] = r;
      data[o + 1] = g;
      data[o + 2] = b;
    }
  }
}

/** Closed axis-aligned rectangle (`point_in_rect`). */
export function rect(xmin: number, xmax: number, ymin: number, ymax: number): Shape {
  return (x, y) => x >= xmin && x <= xmax && y >= ymin && y <= ymax;
}

/** Closed disc (`point_in_circle`), in plain double arithmetic as Python floats are. */
export function circle(cx: number, cy: number, r: number): Shape {
  return (x, y) => (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;
}

/**
 * Triangle by barycentric coordinates (`point_in_triangle`). Corners and the edge vectors' dot products are
 * float32, as numpy computes them from float32 arrays; the query point's terms are float64.
 */
export function triangle(
  a: readonly [number, number],
  b: readonly [number, number],
  c: readonly [number, number],
): Shape {
  const ax = f32(a[0]);
  const ay = f32(a[1]);
  const v0x = f32(f32(c[0]) - ax);
  const v0y = f32(f32(c[1]) - ay);
  const v1x = f32(f32(b[0]) - ax);
  const v1y = f32(f32(b[1]) - ay);
  const dot00 = f32(f32(v0x * v0x) + f32(v0y * v0y));
  const dot01 = f32(f32(v0x * v1x) + f32(v0y * v1y));
  const dot11 = f32(f32(v1x * v1x) + f32(v1y * v1y));
  const invDenom = f32(1 / f32(f32(dot00 * dot11) - f32(dot01 * dot01)));
  return (x, y) => {
    const v2x = x - ax;
    const v2y = y - ay;
    const dot02 = v0x * v2x + v0y * v2y;
    const dot12 = v1x * v2x + v1y * v2y;
    const u = (dot11 * dot02 - dot01 * dot12) * invDenom;
    const v = (dot00 * dot12 - dot01 * dot02) * invDenom;
    return u >= 0 && v >= 0 && u + v < 1;
  };
}

/** Points within `r` of the segment (x0, y0)-(x1, y1) (`point_in_line`); the segment's ends are float32. */
export function line(x0: number, y0: number, x1: number, y1: number, r: number): Shape {
  const p0x = f32(x0);
  const p0y = f32(y0);
  const dx = f32(f32(x1) - p0x);
  const dy = f32(f32(y1) - p0y);
  const dist = f32(Math.sqrt(f32(f32(dx * dx) + f32(dy * dy))));
  const ux = f32(dx / dist);
  const uy = f32(dy / dist);
  // The bounding box for the early exit is in Python floats, from the unrounded arguments.
  const xmin = Math.min(x0, x1) - r;
  const xmax = Math.max(x0, x1) + r;
  const ymin = Math.min(y0, y1) - r;
  const ymax = Math.max(y0, y1) + r;
  return (x, y) => {
    if (x < xmin || x > xmax || y < ymin || y > ymax) return false;
    let a = (x - p0x) * ux + (y - p0y) * uy;
    if (a < 0) a = 0;
    else if (a > dist) a = dist;
    const ex = x - (p0x + a * ux);
    const ey = y - (p0y + a * uy);
    return Math.sqrt(ex * ex + ey * ey) <= r;
  };
}

/**
 * The shape turned by `theta` radians around (cx, cy) (`rotate_fn`): the query point is turned by -theta,
 * with Python's evaluation order, so the same doubles come out.
 */
export function rotate(shape: Shape, cx: number, cy: number, theta: number): Shape {
  const cos = Math.cos(-theta);
  const sin = Math.sin(-theta);
  return (x, y) => {
    const dx = x - cx;
    const dy = y - cy;
    return shape(cx + dx * cos - dy * sin, cy + dy * cos + dx * sin);
  };
}

/** Blends every pixel 30% toward white (`highlight_img`), truncating like numpy's `astype(uint8)`. */
export function highlight(canvas: Canvas): void {
  const d = canvas.data;
  for (let i = 0; i < d.length; i++) d[i] = Math.trunc(d[i] + 0.3 * (255 - d[i]));
}

/**
 * Averages `factor`² blocks into `out` (`downsample`): numpy's float64 mean over the block's columns, then over
 * its rows, truncated when the tile is stored into the uint8 frame.
 */
export function downsample(canvas: Canvas, factor: number, out: Uint8Array): void {
  const src = canvas.data;
  const big = canvas.size;
  const size = big / factor;
  if (!Number.isInteger(size) || out.length !== size * size * 3) {
    throw new RangeError(`downsample: a ${big}px canvas by ${factor} needs ${size}x${size} RGB output`);
  }
  for (let ty = 0; ty < size; ty++) {
    for (let tx = 0; tx < size; tx++) {
      for (let ch = 0; ch < 3; ch++) {
        let rows = 0;
        for (let sy = 0; sy < factor; sy++) {
          let cols = 0;
          const base = ((ty * factor + sy) * big + tx * factor) * 3 + ch;
          for (let sx = 0; sx < factor; sx++) cols += src[base + sx * 3];
          rows += cols / factor;
        }
        out[(ty * size + tx) * 3 + ch] = Math.trunc(rows / factor);
      }
    }
  }
}
