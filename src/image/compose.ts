import { createFrame, type Frame } from "./frame.ts";

/** Lays frames side by side (same height required), with a gap of `gap` pixels in `background`. */
export function hstack(
  frames: readonly Frame[],
  gap = 0,
  background: [number, number, number] = [255, 255, 255],
): Frame {
  if (frames.length === 0) throw new Error("hstack needs at least one frame");
  const height = Math.max(...frames.map((f) => f.height));
  const width = frames.reduce((w, f) => w + f.width, 0) + gap * (frames.length - 1);
  const out = createFrame(width, height);
  fill(out, background);
  let x0 = 0;
  for (const f of frames) {
    blit(out, f, x0, 0);
    x0 += f.width + gap;
  }
  return out;
}

export function fill(frame: Frame, [r, g, b]: [number, number, number]): void {
  const d = frame.data;
  for (let i = 0; i < d.length; i += 3) {
    d[i] = r;
    d[i + 1] = g;
    d[i + 2] = b;
  }
}

/** Copies `src` into `dst` with its top-left corner at (x0, y0), clipped to `dst`. */
export function blit(dst: Frame, src: Frame, x0: number, y0: number): void {
  const w = Math.min(src.width, dst.width - x0);
  if (w <= 0) return;
  for (let y = 0; y < src.height && y0 + y < dst.height; y++) {
    if (y0 + y < 0) continue;
    const s = y * src.width * 3;
    dst.data.set(src.data.subarray(s, s + w * 3), ((y0 + y) * dst.width + x0) * 3);
  }
}
