/**
 * A queue worker: takes run jobs from BullMQ, trains each in a fresh process (the same worker process the
 * local runner uses), and streams every metrics line and checkpoint back through Redis. It writes nothing the
 * coordinator keeps; its run folders are scratch copies under `scratch`, removed when a job ends.
 *
 * Per job:
 *   1. refuse it when the coordinator's code fingerprint or program hash differs from this worker's: the job
 *      goes back to the queue for another worker, a "refused" event tells the coordinator why, and this
 *      worker stops taking jobs (it runs other code than the experiment was planned with);
 *   2. claim the run (owner key), fetch its last checkpoint and the metrics log up to it, and lay them out as
 *      a run folder, so executeRun resumes exactly as a local run would;
 *   3. train, forwarding each new line of the scratch metrics.jsonl as an update or eval event and each new
 *      checkpoint to the checkpoint key, in the order they were written;
 *   4. on success send the final checkpoint and a done event; on an error the run threw (a broken program, a
 *      bad config) fail the job once (UnrecoverableError: the same code would throw again); on a crash of the
 *      training process fail the attempt, and BullMQ retries it (from the last checkpoint).
 */
import { randomUUID } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { DelayedError, type Job, UnrecoverableError, WaitingError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { programHash as hashProgram, parseRewardProgram } from "../../program/program.ts";
import { parseCheckpoint } from "../../rl/checkpoint.ts";
import { resolveReward } from "../reward-modes.ts";
import { RUN_FILES, type RunConfig } from "../run.ts";
import { runInWorker } from "../runner.ts";
import type { WorkerMessage } from "../worker.ts";
import { checkQueueReachable, openRedis } from "./connection.ts";
import { codeFingerprint, fingerprintMismatch } from "./fingerprint.ts";
import {
  type CheckpointData,
  checkpointKey,
  type DoneData,
  eventsKey,
  type FailedData,
  gatedWrite,
  ownerKey,
  QUEUE_NAME,
  type RefusedData,
  type RunJobData,
  type RunJobProgress,
  type RunJobResult,
  readStoredCheckpoint,
  type StartData,
} from "./protocol.ts";

export interface QueueWorkerOptions {
  /** redis://host:port of the queue. */
  url: string;
  /** Runs at a time (one training process each). */
  concurrency?: number;
  /** Shown by `vlmcar queue status` and in the coordinator's log; default host:pid. */
  name?: string;
  /** Where scratch run folders go; default the system temp folder. */
  scratch?: string;
  /**
   * How long a job's lock lasts without renewal (ms). A worker renews it at half that while it lives; a dead
   * worker's job is handed to another worker once it expires. Default 30 s.
   */
  lockMs?: number;
  /** Lines for a person (job taken, finished, refused). */
  log?: (line: string) => void;
}

export interface QueueWorker {
  readonly name: string;
  /** Resolves when the worker stopped; with the reason when it stopped because it refused a job. */
  readonly stopped: Promise<{ refused: string | null }>;
  /** Stops taking jobs; running jobs' processes are stopped too (their runs resume elsewhere from checkpoints). */
  close(): Promise<void>;
}

export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  await checkQueueReachable(options.url);
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const log = options.log ?? (() => {});
  const scratch = join(
    options.scratch ?? tmpdir(),
    `vlmcar-worker-${process.pid}-${randomUUID().slice(0, 8)}`,
  );
  const redis = openRedis(options.url);
  const lockMs = options.lockMs ?? 30_000;
  const running = new Set<AbortController>();
  let refused: string | null = null;
  let resolveStopped: (value: { refused: string | null }) => void = () => {};
  const stopped = new Promise<{ refused: string | null }>((r) => {
    resolveStopped = r;
  });

  const connection = openRedis(options.url);
  const worker = new Worker<RunJobData, RunJobResult>(
    QUEUE_NAME,
    async (job, token) => {
      const reason = await refusal(job.data);
      if (reason !== null) {
        refused ??= reason;
        log(`refused ${job.data.runId}: ${reason}`);
        await redis.xadd(
          eventsKey(job.data.experimentId),
          "*",
          ...["type", "refused", "run", job.data.runId, "session", "-", "update", "0"],
          ...["data", JSON.stringify({ worker: name, reason } satisfies RefusedData)],
        );
        // Back to the queue for a worker that runs the coordinator's code; this one stops.
        await job.moveToDelayed(Date.now() + 1000, token);
        void close();
        throw new DelayedError();
      }
      const controller = new AbortController();
      running.add(controller);
      try {
        return await trainJob(job, token, {
          redis,
          name,
          scratch,
          log,
          signal: controller.signal,
          abort: () => controller.abort(),
        });
      } finally {
        running.delete(controller);
      }
    },
    {
      connection,
      concurrency: Math.max(1, options.concurrency ?? 1),
      name,
      lockDuration: lockMs,
      stalledInterval: Math.max(500, Math.floor(lockMs / 2)),
      // A job whose worker died this many times in a row fails instead of being handed on for ever.
      maxStalledCount: 3,
      autorun: true,
    },
  );
  worker.on("error", (error) => log(`queue error: ${error.message}`));

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      // Take no more jobs, then stop the training processes: their jobs go back to the queue before the
      // connections close.
      await worker.pause(true);
      for (const controller of running) controller.abort();
      const deadline = Date.now() + 10_000;
      while (running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await worker.close(true);
      connection.disconnect();
      redis.disconnect();
      rmSync(scratch, { recursive: true, force: true });
      resolveStopped({ refused });
    })();
    return closing;
  };
  log(`worker ${name} takes runs from ${options.url} (${Math.max(1, options.concurrency ?? 1)} at a time)`);
  return { name, stopped, close };
}

/** Why this worker may not train the job, or null. */
async function refusal(data: RunJobData): Promise<string | null> {
  const mismatch = fingerprintMismatch(data.code, codeFingerprint());
  if (mismatch) return mismatch;
  if (data.programHash === null) return null;
  let hash: string;
  try {
    hash =
      data.programJson !== null
        ? hashProgram(parseRewardProgram(JSON.parse(data.programJson)))
        : ((await resolveReward(data.config.envId, data.config.reward)).programHash ?? "none");
  } catch {
    // An unreadable program is the run's own failure, recorded when it is trained, not a refusal.
    return null;
  }
  if (hash === data.programHash) return null;
  return (
    `program hash differs for ${data.runId}: the coordinator hashed its reward program to ` +
    `${data.programHash.slice(0, 12)}, this worker gets ${hash.slice(0, 12)}; run the coordinator's code version`
  );
}

interface JobContext {
  redis: Redis;
  name: string;
  scratch: string;
  log: (line: string) => void;
  signal: AbortSignal;
  abort: () => void;
}

async function trainJob(
  job: Job<RunJobData, RunJobResult>,
  token: string | undefined,
  ctx: JobContext,
): Promise<RunJobResult> {
  const { experimentId, runId, config: planned, programJson } = job.data;
  const session = `${ctx.name}#${job.attemptsMade}.${randomUUID().slice(0, 8)}`;
  const keys = {
    owner: ownerKey(experimentId, runId),
    events: eventsKey(experimentId),
    checkpoint: checkpointKey(experimentId, runId),
  };
  await ctx.redis.set(keys.owner, session);
  const stored = await readStoredCheckpoint(ctx.redis, keys.checkpoint);

  const dir = join(ctx.scratch, `${runId}-${randomUUID().slice(0, 8)}`);
  mkdirSync(dir, { recursive: true });
  // The coordinator's program path means nothing here: the shipped program is written next to the run.
  let config: RunConfig = planned;
  if (programJson !== null) {
    const programPath = join(dir, "program.json");
    writeFileSync(programPath, programJson);
    config = { ...planned, reward: { ...planned.reward, program: programPath } };
  }
  if (stored) {
    writeFileSync(join(dir, RUN_FILES.checkpoint), stored.checkpoint);
    writeFileSync(join(dir, RUN_FILES.metrics), stored.log);
    writeFileSync(join(dir, RUN_FILES.time), JSON.stringify({ wallSeconds: stored.wallSeconds }));
  }
  ctx.log(`${stored ? `resume ${runId} at ${stored.frames} frames` : `start  ${runId}`}`);

  const metricsPath = join(dir, RUN_FILES.metrics);
  const checkpointPath = join(dir, RUN_FILES.checkpoint);
  let logOffset = stored ? stored.log.length : 0;
  let lastCheckpoint = stored ? checkpointStamp(checkpointPath) : "";
  let lost = false;
  let lastProgress = 0;
  let chain: Promise<void> = Promise.resolve();

  const send = async (
    type: "start" | "update" | "eval" | "failed" | "done",
    update: number,
    data: string,
  ) => {
    if (lost) return;
    if (!(await gatedWrite(ctx.redis, keys, session, { type, run: runId, update, data }))) loseJob();
  };
  const loseJob = () => {
    if (lost) return;
    lost = true;
    ctx.log(`lost   ${runId}: another worker owns it now; stopping this copy`);
    ctx.abort();
  };

  /** Forwards the metrics lines written since the last call, then a checkpoint written since. */
  const pump = async (force = false) => {
    if (lost) return;
    for (const line of readNewLines()) {
      const entry = JSON.parse(line) as {
        type: "update" | "eval";
        update: number;
        frames: number;
        fps?: number;
      };
      await send(entry.type, entry.update, line);
      if (entry.type === "update" && Date.now() - lastProgress > 1000) {
        lastProgress = Date.now();
        const progress: RunJobProgress = {
          worker: ctx.name,
          frames: entry.frames,
          totalFrames: config.frames,
          fps: entry.fps ?? 0,
        };
        await job.updateProgress(progress as unknown as object);
      }
    }
    const stamp = checkpointStamp(checkpointPath);
    if (stamp && (stamp !== lastCheckpoint || force)) {
      lastCheckpoint = stamp;
      await sendCheckpoint();
    }
  };

  const readNewLines = (): string[] => {
    if (!existsSync(metricsPath)) return [];
    const size = statSync(metricsPath).size;
    if (size <= logOffset) return [];
    const buffer = Buffer.alloc(size - logOffset);
    const fd = openSync(metricsPath, "r");
    try {
      readSync(fd, buffer, 0, buffer.length, logOffset);
    } finally {
      closeSync(fd);
    }
    // Only whole lines: the last one may still be being written.
    const end = buffer.lastIndexOf(0x0a);
    if (end < 0) return [];
    logOffset += end + 1;
    return buffer.subarray(0, end).toString("utf8").split("\n");
  };

  const sendCheckpoint = async () => {
    const bytes = readFileSync(checkpointPath);
    const header = checkpointHeader(bytes);
    const log = readFileSync(metricsPath).subarray(0, header.logBytes);
    const timePath = join(dir, RUN_FILES.time);
    let wallSeconds = stored?.wallSeconds ?? 0;
    try {
      wallSeconds = (JSON.parse(readFileSync(timePath, "utf8")) as { wallSeconds: number }).wallSeconds;
    } catch {
      // Not written yet, or caught mid-write: the last known time will do for a progress figure.
    }
    const data: CheckpointData = { frames: header.frames, wallSeconds };
    const ok = await gatedWrite(
      ctx.redis,
      keys,
      session,
      { type: "checkpoint", run: runId, update: header.update, data: JSON.stringify(data) },
      { checkpoint: bytes, log, update: header.update, frames: header.frames, wallSeconds },
    );
    if (!ok) loseJob();
  };

  const enqueue = (work: () => Promise<void>) => {
    chain = chain.then(work).catch((error: Error) => {
      ctx.log(`stream error for ${runId}: ${error.message}`);
      ctx.abort();
    });
  };

  const onMessage = (message: WorkerMessage) => {
    if (message.type === "start") {
      const data: StartData = {
        worker: ctx.name,
        resumed: message.resumed,
        frames: message.frames,
        totalFrames: config.frames,
        logBytes: stored ? stored.log.length : 0,
      };
      enqueue(() => send("start", stored?.update ?? 0, JSON.stringify(data)));
    } else enqueue(() => pump());
  };

  try {
    const outcome = await runInWorker({ config, dir, signal: ctx.signal }, onMessage);
    await chain;
    if (lost) throw new Error(`${runId} went to another worker while this one trained it`);
    if (ctx.signal.aborted) {
      // Stopped (Ctrl-C, SIGTERM): not the run's fault, so no attempt is used up; the next worker resumes it.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    if (outcome.ok) {
      // The final checkpoint (trained policy) was saved before the final evaluation.
      await pump(true);
      const result = { ...outcome.result, runId };
      await send("done", result.updates, JSON.stringify({ worker: ctx.name, result } satisfies DoneData));
      if (lost) throw new Error(`${runId} went to another worker before its result was sent`);
      ctx.log(`done   ${runId}: return ${result.finalEval.returnMean.toFixed(3)}`);
      return { runId, worker: ctx.name, finalReturnMean: result.finalEval.returnMean, frames: result.frames };
    }
    await pump();
    const attempts = job.opts.attempts ?? 1;
    const retry = outcome.crashed === true && job.attemptsMade + 1 < attempts;
    ctx.log(`failed ${runId}${retry ? " (will be retried)" : ""}: ${outcome.error.split("\n")[0]}`);
    await send(
      "failed",
      0,
      JSON.stringify({ worker: ctx.name, error: outcome.error, retry } satisfies FailedData),
    );
    // An error the run threw comes back from the same code and seed: fail once. A crashed process may not.
    if (!outcome.crashed) throw new UnrecoverableError(outcome.error);
    throw new Error(outcome.error);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Changes whenever PPO renames a new checkpoint into place. */
function checkpointStamp(path: string): string {
  if (!existsSync(path)) return "";
  const s = statSync(path);
  return `${s.ino}:${s.mtimeMs}:${s.size}`;
}

/** The counters a checkpoint's header holds (see src/rl/ppo.ts's CheckpointHeader). */
function checkpointHeader(bytes: Buffer): { update: number; frames: number; logBytes: number } {
  const { header } = parseCheckpoint<{ state: { update: number; frames: number }; logBytes: number }>(
    bytes,
    "the run's checkpoint",
  );
  return { update: header.state.update, frames: header.state.frames, logBytes: header.logBytes };
}
