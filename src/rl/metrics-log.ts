/**
 * The JSON Lines metrics log of a training run, and the rules that keep it consistent with checkpoints: a new
 * run empties its log, a checkpoint records the log's size, and a resumed run cuts the log back to that size
 * so the updates it redoes are not logged twice.
 */
import { appendFileSync, existsSync, mkdirSync, statSync, truncateSync } from "node:fs";
import { dirname } from "node:path";

export function appendLogEntry(path: string | undefined, entry: unknown): void {
  if (!path) return;
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, `${JSON.stringify(entry)}\n`);
}

/** Bytes written to the log so far (0 when there is none): what a checkpoint records. */
export function logSize(path: string | undefined): number {
  return path && existsSync(path) ? statSync(path).size : 0;
}

/** Cuts the log back to `bytes` (0: empties it), when it is longer. */
export function rewindLog(path: string | undefined, bytes: number): void {
  if (path && existsSync(path) && statSync(path).size > bytes) truncateSync(path, bytes);
}
