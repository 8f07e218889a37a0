/**
 * TensorBoard event files, written directly: a TFRecord stream of `Event` protocol buffers holding scalar
 * summaries, the format `tensorboard --logdir` and tbparse read. No TensorFlow, no protobuf library: the
 * three messages vlmcar writes are encoded by hand (field numbers from tensorflow/core/util/event.proto and
 * framework/summary.proto).
 *
 * A record is: uint64 length, uint32 masked CRC-32C of the length bytes, the data, uint32 masked CRC-32C
 * of the data (all little-endian). The mask is TFRecord's: rotate right by 15 and add 0xa282ead8.
 */
import { appendFileSync, writeFileSync } from "node:fs";

/** The file-name marker TensorBoard looks for; our files are `events.out.tfevents.<time>.vlmcar`. */
export const EVENT_FILE_PREFIX = "events.out.tfevents.";

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli), as TFRecord uses. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC32C_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** TFRecord's masked CRC: a CRC stored beside data that may itself contain CRCs. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** One TFRecord: the framing around `data`. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

// ── protocol buffer encoding: just the wire types the Event messages use ──

function varint(value: number | bigint): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

function lengthDelimited(field: number, payload: Uint8Array): number[] {
  return [...varint((field << 3) | 2), ...varint(payload.length), ...payload];
}

function concat(parts: number[]): Uint8Array {
  return Uint8Array.from(parts);
}

/** Event { wall_time = 1 (double); step = 2 (int64); file_version = 3 | summary = 5 }. */
function event(wallTime: number, step: number, body: number[]): Uint8Array {
  const time = new Uint8Array(8);
  new DataView(time.buffer).setFloat64(0, wallTime, true);
  return concat([0x09, ...time, ...varint(2 << 3), ...varint(Math.max(0, Math.trunc(step))), ...body]);
}

/** Summary { repeated Value value = 1 } with Value { tag = 1 (string); simple_value = 2 (float) }. */
function scalarSummary(scalars: Readonly<Record<string, number>>): number[] {
  const values: number[] = [];
  for (const [tag, value] of Object.entries(scalars)) {
    const simple = new Uint8Array(4);
    new DataView(simple.buffer).setFloat32(0, value, true);
    const tagBytes = new TextEncoder().encode(tag);
    values.push(...lengthDelimited(1, concat([...lengthDelimited(1, tagBytes), 0x15, ...simple])));
  }
  return lengthDelimited(5, concat(values));
}

/** Appends scalar events to one event file; `create` starts it (with the file_version event). */
export class EventFileWriter {
  constructor(readonly path: string) {}

  /** Starts the file afresh: the header event TensorBoard expects first. */
  create(wallTime = Date.now() / 1000): void {
    const version = new TextEncoder().encode("brain.Event:2");
    writeFileSync(this.path, tfRecord(event(wallTime, 0, lengthDelimited(3, version))));
  }

  /** One event holding every scalar of a step (non-finite values are left out: TensorBoard cannot plot them). */
  scalars(
    step: number,
    scalars: Readonly<Record<string, number | null | undefined>>,
    wallTime = Date.now() / 1000,
  ): void {
    const finite = Object.fromEntries(
      Object.entries(scalars).filter(
        (e): e is [string, number] => typeof e[1] === "number" && Number.isFinite(e[1]),
      ),
    );
    if (Object.keys(finite).length === 0) return;
    appendFileSync(this.path, tfRecord(event(wallTime, step, scalarSummary(finite))));
  }
}
