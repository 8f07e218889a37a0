import gifenc from "gifenc";
import type { Frame } from "./frame.ts";

// gifenc is CommonJS: its functions come off the default export under Node's ESM loader.
const { GIFEncoder, applyPalette, quantize } = gifenc;

// gifenc (pure JS) writes animated GIFs; grid-world renders have few colours, so one palette quantised from a
// sample of frames keeps the file small without visible loss.

/** Encodes frames (all the same size) as an animated GIF that loops forever. */
export function encodeGif(frames: readonly Frame[], delayMs = 120): Uint8Array {
  if (frames.length === 0) throw new Error("encodeGif needs at least one frame");
  const { width, height } = frames[0];
  for (const f of frames) {
    if (f.width !== width || f.height !== height) {
      throw new Error(`GIF frames must share one size: ${width}x${height} vs ${f.width}x${f.height}`);
    }
  }
  const palette = quantize(paletteSample(frames), 256, { format: "rgb444" });
  const gif = GIFEncoder();
  for (const f of frames) {
    const rgba = toRgba(f);
    gif.writeFrame(applyPalette(rgba, palette, "rgb444"), width, height, {
      palette,
      delay: delayMs,
      repeat: 0,
    });
  }
  gif.finish();
  return gif.bytes();
}

function toRgba(frame: Frame): Uint8Array {
  const n = frame.width * frame.height;
  const out = new Uint8Array(n * 4);
  const src = frame.data;
  for (let p = 0; p < n; p++) {
    out[p * 4] = src[p * 3];
    out[p * 4 + 1] = src[p * 3 + 1];
    out[p * 4 + 2] = src[p * 3 + 2];
    out[p * 4 + 3] = 255;
  }
  return out;
}

/** Up to 16 frames spread over the episode, concatenated, so the palette sees every colour that appears. */
function paletteSample(frames: readonly Frame[]): Uint8Array {
  const picks = Math.min(16, frames.length);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < picks; i++)
    parts.push(toRgba(frames[Math.floor((i * (frames.length - 1)) / Math.max(1, picks - 1))]));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
