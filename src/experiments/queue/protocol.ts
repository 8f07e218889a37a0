/**
 * What the coordinator and the workers agree on: the queue's name, the job's data, the Redis keys of an
 * experiment, and the events a worker streams back.
 *
 *   bull:vlmcar-runs:*               BullMQ's queue: one job per run, id "<experiment id>.<run id>"
 *   vlmcar:<experiment>:events        a Redis stream, worker → coordinator: start, update, eval, checkpoint,
 *                                     failed, done, refused (fields: type, run, session, update, data)
 *   vlmcar:<experiment>:ckpt:<run>    the run's last checkpoint, for whichever worker resumes it: a hash with
 *                                     checkpoint (PPO's file), log (metrics.jsonl up to the checkpoint),
 *                                     update, frames, wallSeconds
 *   vlmcar:<experiment>:owner:<run>   the session (worker attempt) that owns the run now
 *
 * A worker that takes a job writes its session into the owner key; every event and checkpoint it writes after
 * that goes through one Lua script that drops it unless the session still owns the run. So a worker that lost
 * its job (its lock expired while it was cut off, and another worker took over) can no longer write anything,
 * and the stream holds, per run, one consistent history: each session's lines after the previous session's.
 */
import type { Redis } from "ioredis";
import type { RunConfig, RunResult } from "../run.ts";
import type { CodeFingerprint } from "./fingerprint.ts";

export const QUEUE_NAME = "vlmcar-runs";

export interface RunJobData {
  experimentId: string;
  runId: string;
  /** The config as the coordinator expanded it (a program path in it is the coordinator's). */
  config: RunConfig;
  /** The reward program's JSON, shipped with the job so workers need no copy of the coordinator's files. */
  programJson: string | null;
  /** The reward's program hash as the coordinator computed it (null for sparse rewards). */
  programHash: string | null;
  code: CodeFingerprint;
}

/** What a finished job returns (kept by BullMQ for `vlmcar queue status`). */
export interface RunJobResult {
  runId: string;
  worker: string;
  finalReturnMean: number;
  frames: number;
}

/** Progress a worker reports on the job itself (read by `vlmcar queue status`). */
export interface RunJobProgress {
  worker: string;
  frames: number;
  totalFrames: number;
  fps: number;
}

export type QueueEventType = "start" | "update" | "eval" | "checkpoint" | "failed" | "done" | "refused";

export interface QueueEvent {
  id: string;
  type: QueueEventType;
  run: string;
  session: string;
  /** The PPO update the event belongs to (start: the update resumed from; 0 for a fresh start). */
  update: number;
  /** update/eval: the metrics.jsonl line (without its newline); others: a JSON object (see the types below). */
  data: string;
}

export interface StartData {
  worker: string;
  resumed: boolean;
  frames: number;
  totalFrames: number;
  /** Bytes of metrics.jsonl the resumed checkpoint covers: the coordinator cuts its copy back to them. */
  logBytes: number;
}
export interface FailedData {
  worker: string;
  error: string;
  /** True when BullMQ will try again (the job stays queued); false when the failure is final. */
  retry: boolean;
}
export interface DoneData {
  worker: string;
  result: RunResult;
}
export interface RefusedData {
  worker: string;
  reason: string;
}
export interface CheckpointData {
  frames: number;
  wallSeconds: number;
}

export function jobId(experimentId: string, runId: string): string {
  return `${experimentId}.${runId}`;
}

export function eventsKey(experimentId: string): string {
  return `vlmcar:${experimentId}:events`;
}

export function checkpointKey(experimentId: string, runId: string): string {
  return `vlmcar:${experimentId}:ckpt:${runId}`;
}

export function ownerKey(experimentId: string, runId: string): string {
  return `vlmcar:${experimentId}:owner:${runId}`;
}

/** Checkpoint fields as stored in the checkpoint hash. */
export interface StoredCheckpoint {
  checkpoint: Buffer;
  log: Buffer;
  update: number;
  frames: number;
  wallSeconds: number;
}

export async function readStoredCheckpoint(redis: Redis, key: string): Promise<StoredCheckpoint | null> {
  const [checkpoint, log, update, frames, wallSeconds] = await redis.hmgetBuffer(
    key,
    "checkpoint",
    "log",
    "update",
    "frames",
    "wallSeconds",
  );
  if (!checkpoint || !log || !update || !frames || !wallSeconds) return null;
  return {
    checkpoint,
    log,
    update: Number(update.toString()),
    frames: Number(frames.toString()),
    wallSeconds: Number(wallSeconds.toString()),
  };
}

/**
 * KEYS: owner, events[, checkpoint]. ARGV: session, then the event's field/value pairs, then (with a
 * checkpoint key) the checkpoint hash's field/value pairs after a "--" marker.
 * Returns the new stream entry's id, or false when the session no longer owns the run.
 */
const GATED_WRITE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return false end
local event = {}
local hash = {}
local target = event
for i = 2, #ARGV do
  if ARGV[i] == '--' and target == event then target = hash else table.insert(target, ARGV[i]) end
end
if KEYS[3] and #hash > 0 then redis.call('HSET', KEYS[3], unpack(hash)) end
return redis.call('XADD', KEYS[2], '*', unpack(event))
`;

type GatedRedis = Redis & {
  vlmcarGatedWrite(numKeys: number, ...args: (string | Buffer | number)[]): Promise<string | null>;
};

/** Writes an event (and a checkpoint) only while `session` owns the run; false when it does not any more. */
export async function gatedWrite(
  redis: Redis,
  keys: { owner: string; events: string; checkpoint?: string },
  session: string,
  event: { type: QueueEventType; run: string; update: number; data: string },
  checkpoint?: Record<string, string | Buffer | number>,
): Promise<boolean> {
  const gated = redis as GatedRedis;
  if (typeof gated.vlmcarGatedWrite !== "function") {
    redis.defineCommand("vlmcarGatedWrite", { lua: GATED_WRITE });
  }
  const fields = [
    "type",
    event.type,
    "run",
    event.run,
    "session",
    session,
    "update",
    String(event.update),
    "data",
    event.data,
  ];
  const hash = checkpoint ? ["--", ...Object.entries(checkpoint).flat()] : [];
  const keyList =
    checkpoint && keys.checkpoint ? [keys.owner, keys.events, keys.checkpoint] : [keys.owner, keys.events];
  const id = await gated.vlmcarGatedWrite(keyList.length, ...keyList, session, ...fields, ...hash);
  return id !== null;
}

/** Parses XREAD's reply for one stream. */
export function parseEvents(entries: [string, string[]][]): QueueEvent[] {
  return entries.map(([id, flat]) => {
    const f: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]] = flat[i + 1];
    return {
      id,
      type: f.type as QueueEventType,
      run: f.run,
      session: f.session,
      update: Number(f.update),
      data: f.data,
    };
  });
}
