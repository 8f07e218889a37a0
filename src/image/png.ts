import { readFile, writeFile } from "node:fs/promises";
import { decode, encode } from "fast-png";
import { createFrame, type Frame } from "./frame.ts";

// fast-png (pure JS) rather than sharp: frames are small, and a pure-JS codec is synchronous,
// deterministic byte-for-byte across machines (content hashes of images depend on it) and needs no native build.

export function encodePng(frame: Frame): Uint8Array {
  return encode({ width: frame.width, height: frame.height, data: frame.data, channels: 3, depth: 8 });
}

export function decodePng(bytes: Uint8Array): Frame {
  const img = decode(bytes);
  if (img.depth !== 8) throw new Error(`only 8-bit PNGs are supported, got depth ${img.depth}`);
  const src = img.data as Uint8Array;
  const { width, height, channels } = img;
  if (channels === 3) return createFrame(width, height, new Uint8Array(src));
  const out = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    if (channels === 4) {
      out[p * 3] = src[p * 4];
      out[p * 3 + 1] = src[p * 4 + 1];
      out[p * 3 + 2] = src[p * 4 + 2];
    } else if (channels === 1 || channels === 2) {
      const v = src[p * channels];
      out[p * 3] = v;
      out[p * 3 + 1] = v;
      out[p * 3 + 2] = v;
    } else {
      throw new Error(`unsupported PNG channel count ${channels}`);
    }
  }
  return createFrame(width, height, out);
}

export async function writePng(path: string, frame: Frame): Promise<void> {
  await writeFile(path, encodePng(frame));
}

export async function readPng(path: string): Promise<Frame> {
  return decodePng(await readFile(path));
}
