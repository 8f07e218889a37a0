/**
 * A checkpoint is one binary file: everything a killed run needs to continue as if it never stopped.
 *
 *   bytes 0-7   "VCARPPO1" (magic and format version)
 *   bytes 8-11  header length n, uint32 little-endian
 *   n bytes     header, UTF-8 JSON (config, counters, RNG states, array names and lengths)
 *   padding     zeros up to a multiple of 4
 *   arrays      float32 little-endian, one after another in the header's order
 *
 * It is written to a temporary file and renamed over the old one, so a kill during the write leaves the
 * previous checkpoint intact.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const MAGIC = "VCARPPO1";

export interface CheckpointContents<Header> {
  header: Header;
  arrays: Record<string, Float32Array>;
}

export function writeCheckpoint<Header>(path: string, { header, arrays }: CheckpointContents<Header>): void {
  const names = Object.keys(arrays);
  const headerBytes = Buffer.from(
    JSON.stringify({ header, arrays: names.map((name) => ({ name, length: arrays[name].length })) }),
    "utf8",
  );
  const headerEnd = 12 + headerBytes.length;
  const dataStart = Math.ceil(headerEnd / 4) * 4;
  const total = dataStart + names.reduce((sum, name) => sum + arrays[name].length * 4, 0);
  const out = Buffer.alloc(total);
  out.write(MAGIC, 0, "latin1");
  out.writeUInt32LE(headerBytes.length, 8);
  headerBytes.copy(out, 12);
  let offset = dataStart;
  for (const name of names) {
    const array = arrays[name];
    // Copy through a Float32Array view: checkpoints are little-endian, as is every platform Node runs on.
    new Float32Array(out.buffer, out.byteOffset + offset, array.length).set(array);
    offset += array.length * 4;
  }
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, out);
  renameSync(tmp, path);
}

export function readCheckpoint<Header>(path: string): CheckpointContents<Header> {
  return parseCheckpoint<Header>(readFileSync(path), path);
}

/** Reads a checkpoint from its bytes (e.g. sent over the network); `path` names it in errors. */
export function parseCheckpoint<Header>(buf: Buffer, path: string): CheckpointContents<Header> {
  if (buf.length < 12 || buf.toString("latin1", 0, 8) !== MAGIC) {
    throw new Error(`${path} is not a PPO checkpoint (expected it to start with "${MAGIC}")`);
  }
  const headerLength = buf.readUInt32LE(8);
  const parsed = JSON.parse(buf.toString("utf8", 12, 12 + headerLength)) as {
    header: Header;
    arrays: { name: string; length: number }[];
  };
  let offset = Math.ceil((12 + headerLength) / 4) * 4;
  const arrays: Record<string, Float32Array> = {};
  for (const { name, length } of parsed.arrays) {
    if (offset + length * 4 > buf.length)
      throw new Error(`${path} is truncated: array "${name}" is incomplete`);
    // Copy out, so the arrays are aligned and independent of the file buffer.
    arrays[name] = new Float32Array(
      buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + offset + length * 4),
    );
    offset += length * 4;
  }
  return { header: parsed.header, arrays };
}
