/**
 * The request loop of the sandbox child process (sandbox-child.mjs), and the message framing both sides use.
 *
 * A message is [header length u32][payload length u32][header: JSON][payload: bytes], over FIFOs read and
 * written with blocking calls: the parent's ProgramSandbox-like API is synchronous, and so is this loop.
 * The frames of a request do not go through the FIFO (64 KiB at a time, a context switch each) but through a
 * file in memory that the parent writes with one call before the request and the child reads with one.
 * The child holds any number of ProgramSandboxes, by id; the parent opens, evaluates and closes them.
 *
 * The child's watchdog thread (sandbox-child.mjs) ends the process when a request runs past the deadline
 * written into `deadline` or stops using CPU (a V8 deadlock would otherwise leave the parent waiting at 0%
 * CPU): the parent then reports a crash.
 */
import { readSync, writeSync } from "node:fs";
import type { Frame } from "../image/frame.ts";
import { ProgramError } from "./errors.ts";
import { parseRewardProgram } from "./program.ts";
import { ProgramSandbox, type SandboxOptions } from "./sandbox.ts";

/** Sends one message. */
export function writeMessage(fd: number, header: unknown, payload: readonly Uint8Array[] = []): void {
  const json = Buffer.from(JSON.stringify(header));
  const length = payload.reduce((n, p) => n + p.length, 0);
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32LE(json.length, 0);
  prefix.writeUInt32LE(length, 4);
  for (const part of [prefix, json, ...payload]) {
    let at = 0;
    while (at < part.length) at += writeSync(fd, part, at, part.length - at);
  }
}

/** Reads exactly `n` bytes into a new buffer, or returns null at end of file (the other side is gone). */
function readExactly(fd: number, n: number): Buffer | null {
  const out = Buffer.allocUnsafe(n);
  let at = 0;
  while (at < n) {
    const got = readSync(fd, out, at, n - at, null);
    if (got === 0) return null;
    at += got;
  }
  return out;
}

/** Receives one message, or null when the other side closed its end (exited or crashed). */
export function readMessage(fd: number): { header: Record<string, unknown>; payload: Buffer } | null {
  const prefix = readExactly(fd, 8);
  if (prefix === null) return null;
  const json = readExactly(fd, prefix.readUInt32LE(0));
  const payload = readExactly(fd, prefix.readUInt32LE(4));
  if (json === null || payload === null) return null;
  return { header: JSON.parse(json.toString()) as Record<string, unknown>, payload };
}

/** Answers the parent's requests until it closes the request FIFO (it exited, or died). */
export function serveSandboxes(
  requests: number,
  responses: number,
  framesFile: number,
  deadline: Float64Array,
): void {
  let received = Buffer.alloc(0);
  const sandboxes = new Map<number, ProgramSandbox>();
  // The `first` frame each sandbox last received: the same object while the parent's stays the same, so the
  // sandbox keeps it (and the prelude's results derived from it) without copying it again.
  const firsts = new Map<number, Frame>();
  for (;;) {
    const message = readMessage(requests);
    if (message === null) break;
    const { header } = message;
    // The frames of this request, read from the frames file at once into a buffer reused between requests.
    const frameBytes = typeof header.frameBytes === "number" ? header.frameBytes : 0;
    if (received.length < frameBytes) received = Buffer.allocUnsafe(frameBytes);
    let got = 0;
    while (got < frameBytes) {
      const n = readSync(framesFile, received, got, frameBytes - got, got);
      if (n === 0) break;
      got += n;
    }
    const payload = received.subarray(0, got);
    const cpu = process.cpuUsage();
    const allowMs = typeof header.allowMs === "number" ? header.allowMs : 60_000;
    deadline[0] = Date.now() + allowMs;
    try {
      if (header.op === "open") {
        const id = header.id as number;
        try {
          const sandbox = new ProgramSandbox(
            parseRewardProgram(header.program),
            header.options as SandboxOptions,
          );
          sandboxes.set(id, sandbox);
          writeMessage(responses, { ok: true, cpuMs: cpuMs(cpu) });
        } catch (error) {
          if (!(error instanceof ProgramError)) throw error;
          writeMessage(responses, { ok: false, errors: error.errors, cpuMs: cpuMs(cpu) });
        }
      } else if (header.op === "evaluate") {
        const sandbox = sandboxes.get(header.id as number);
        if (sandbox === undefined) throw new Error(`no sandbox ${header.id}`);
        const width = header.width as number;
        const height = header.height as number;
        const bytes = width * height * 3;
        const frames: Frame[] = [];
        for (let at = 0; at < payload.length; at += bytes)
          frames.push({ width, height, data: payload.subarray(at, at + bytes) });
        if (header.firstChanged) {
          // Kept across requests, so it must not live in the reused buffer.
          const f = frames.shift() as Frame;
          firsts.set(header.id as number, { width, height, data: Uint8Array.from(f.data) });
        }
        const first = firsts.get(header.id as number);
        if (first === undefined) throw new Error("evaluate without a first frame");
        const latchFrom = header.latchFrom as number | undefined;
        const r = sandbox.evaluate(
          frames,
          first,
          latchFrom === undefined
            ? { reverseChecks: header.reverseChecks === true }
            : { latchFrom, termOnly: header.termOnly === true },
        );
        // The progress terms' values follow the check values in the payload, as float64 bytes.
        const progress = r.progress
          ? new Uint8Array(r.progress.buffer, r.progress.byteOffset, r.progress.byteLength)
          : undefined;
        writeMessage(
          responses,
          {
            ok: true,
            completed: r.completed,
            errors: r.errors,
            fatal: r.fatal,
            restarts: sandbox.restarts,
            progress: progress !== undefined,
            cpuMs: cpuMs(cpu),
          },
          progress ? [r.values, progress] : [r.values],
        );
      } else if (header.op === "close") {
        sandboxes.get(header.id as number)?.dispose();
        sandboxes.delete(header.id as number);
        firsts.delete(header.id as number);
        writeMessage(responses, { ok: true, cpuMs: cpuMs(cpu) });
      } else {
        throw new Error(`unknown request ${String(header.op)}`);
      }
    } catch (error) {
      writeMessage(responses, { ok: false, failure: error instanceof Error ? error.message : String(error) });
    }
    deadline[0] = 0;
  }
  for (const sandbox of sandboxes.values()) sandbox.dispose();
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}
