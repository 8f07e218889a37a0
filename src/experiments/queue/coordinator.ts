/**
 * The coordinator: `vlmcar experiment --queue URL`. It plans an experiment as the local runner does, but puts
 * each run on the queue as a BullMQ job instead of training it, and rebuilds every run folder and the results
 * store from the events workers stream back. It is the only writer of both, so `vlmcar report` reads a queued
 * experiment exactly as a local one.
 *
 * Writing is idempotent, keyed by run and PPO update: a line for an update (or an evaluation) the run folder
 * already holds is skipped, and a resumed session's start cuts the metrics log back to the checkpoint it
 * resumed from, as PPO does locally. Events are read from the experiment's stream after a cursor saved in the
 * experiment folder (queue-cursor.json), so a coordinator killed and started again applies what it missed and
 * re-applies nothing twice; runs whose jobs are still queued or running are waited for, not enqueued again.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { loadRewardProgram } from "../../program/program.ts";
import { parseCheckpoint } from "../../rl/checkpoint.ts";
import type { EvalStats, UpdateStats } from "../../rl/ppo.ts";
import { resolveReward } from "../reward-modes.ts";
import {
  RUN_FILES,
  type RunConfig,
  type RunManifest,
  type RunResult,
  readEvaluations,
  readRunResult,
  runId,
} from "../run.ts";
import {
  checkRewardWarnings,
  EXPERIMENT_FILES,
  type ExperimentSummary,
  experimentId,
  type RunnerEvent,
  refuseOtherExperiment,
} from "../runner.ts";
import { type ExperimentSpec, expandSpec, trainingOrder } from "../spec.ts";
import { ResultsStore } from "../store.ts";
import { checkQueueReachable, openRedis } from "./connection.ts";
import { codeFingerprint } from "./fingerprint.ts";
import {
  type CheckpointData,
  checkpointKey,
  type DoneData,
  eventsKey,
  type FailedData,
  jobId,
  ownerKey,
  parseEvents,
  QUEUE_NAME,
  type QueueEvent,
  type RefusedData,
  type RunJobData,
  readStoredCheckpoint,
  type StartData,
} from "./protocol.ts";
import { type QueueWorker, startQueueWorker } from "./worker.ts";

/** What happens on the queue besides the runner's own events. */
export type QueueNotice =
  | { type: "queued"; runId: string; how: "new" | "waiting" | "again" }
  | { type: "checkpoint"; runId: string; update: number; frames: number }
  | { type: "retry"; runId: string; worker: string; error: string }
  | { type: "refused"; runId: string; worker: string; reason: string }
  /** Nothing has started for a while: perhaps no worker is running. */
  | { type: "idle"; seconds: number; waiting: number; url: string };

export interface QueueRunnerOptions {
  /** The experiment folder. */
  dir: string;
  /** redis://host:port of the queue. */
  queue: string;
  /** Runs this process trains itself, besides coordinating (0: coordinate only). */
  workers?: number;
  /** Tries per run when its training process crashes (errors the run throws fail at once). Default 3. */
  attempts?: number;
  /** Lock duration of this process's own worker slots (ms); see QueueWorkerOptions.lockMs. */
  lockMs?: number;
  onEvent?: (event: RunnerEvent) => void;
  onNotice?: (notice: QueueNotice) => void;
}

export const CURSOR_FILE = "queue-cursor.json";

/** After this long without a word from any worker, the coordinator says that perhaps none is running. */
const IDLE_NOTICE_SECONDS = 60;

interface RunState {
  id: string;
  config: RunConfig;
  dir: string;
  programHash: string | null;
  /** Highest update and evaluation (by update) in the run folder's metrics.jsonl. */
  lastUpdate: number;
  lastEvalUpdate: number;
  done: boolean;
  failed: boolean;
}

export async function runExperimentOnQueue(
  spec: ExperimentSpec,
  options: QueueRunnerOptions,
): Promise<ExperimentSummary> {
  const started = performance.now();
  await checkQueueReachable(options.queue);
  const dir = resolve(options.dir);
  const emit = options.onEvent ?? (() => {});
  const notice = options.onNotice ?? (() => {});
  const runs = trainingOrder(expandSpec(spec));
  const id = experimentId(spec);
  // The same checks as a local experiment, before anything is written or queued.
  refuseOtherExperiment(dir, spec, id);
  for (const warning of await checkRewardWarnings(runs)) emit({ type: "warning", message: warning });
  const dbPath = join(dir, EXPERIMENT_FILES.db);
  mkdirSync(dir, { recursive: true });
  const store = new ResultsStore(dbPath);
  const code = codeFingerprint();
  const version = { commit: code.commit, dirty: code.dirty };
  writeFileSync(join(dir, EXPERIMENT_FILES.spec), `${JSON.stringify(spec, null, 2)}\n`);
  store.putExperiment(id, spec.name, spec);

  const redis = openRedis(options.queue);
  const reader = openRedis(options.queue);
  const queueConnection = openRedis(options.queue);
  const queue = new Queue<RunJobData>(QUEUE_NAME, { connection: queueConnection });
  const stream = eventsKey(id);
  const failed: ExperimentSummary["failed"] = [];
  const states = new Map<string, RunState>();
  const jobs = new Map<string, RunJobData>();
  let done = 0;
  let skipped = 0;
  let local: QueueWorker | undefined;

  try {
    for (const config of runs) {
      const rid = runId(config);
      const runDir = join(dir, EXPERIMENT_FILES.runs, rid);
      let programHash: string | null = null;
      let programJson: string | null = null;
      let unreadable: string | null = null;
      try {
        ({ programHash, programJson } = await shippedProgram(config));
      } catch (error) {
        unreadable = (error as Error).message;
      }
      store.addRun(id, { id: rid, config, dir: runDir, programHash, codeVersion: version });
      const state: RunState = {
        id: rid,
        config,
        dir: runDir,
        programHash,
        ...logPosition(runDir),
        done: false,
        failed: false,
      };
      states.set(rid, state);
      if (unreadable !== null) {
        state.failed = true;
        store.markFailed(rid, unreadable);
        failed.push({ runId: rid, error: unreadable });
        emit({ type: "failed", runId: rid, error: unreadable });
      } else {
        jobs.set(rid, { experimentId: id, runId: rid, config, programJson, programHash, code });
      }
    }

    // What workers sent while no coordinator was listening (this one was killed, or not started yet).
    const cursor = new Cursor(join(dir, CURSOR_FILE), stream);
    const apply = (event: QueueEvent) => {
      const state = states.get(event.run);
      if (!state || state.done || state.failed) return;
      applyEvent(state, event);
    };
    /** Applies what the stream holds after the cursor (waiting up to blockMs for one batch); returns how much. */
    const drain = async (blockMs: number | null): Promise<number> => {
      let applied = 0;
      for (;;) {
        const reply = (
          blockMs === null
            ? await reader.xread("COUNT", 500, "STREAMS", stream, cursor.lastId)
            : await reader.xread("COUNT", 500, "BLOCK", blockMs, "STREAMS", stream, cursor.lastId)
        ) as [string, [string, string[]][]][] | null;
        if (!reply || reply[0][1].length === 0) return applied;
        for (const event of parseEvents(reply[0][1])) {
          await applyAsync(event);
          cursor.lastId = event.id;
          applied++;
        }
        cursor.save();
        await redis.xtrim(stream, "MINID", cursor.lastId);
        if (blockMs !== null) return applied;
      }
    };

    // Checkpoints are fetched from Redis as their events are applied; everything else is synchronous.
    const applyAsync = async (event: QueueEvent) => {
      const state = states.get(event.run);
      if (!state || state.done || state.failed) return;
      if (event.type === "checkpoint") {
        const storedCheckpoint = await readStoredCheckpoint(redis, checkpointKey(id, state.id));
        // A later checkpoint of the same session may already have replaced it; that one's event follows.
        if (storedCheckpoint && storedCheckpoint.update === event.update) {
          writeAtomically(join(state.dir, RUN_FILES.checkpoint), storedCheckpoint.checkpoint);
          writeFileSync(
            join(state.dir, RUN_FILES.time),
            JSON.stringify({ wallSeconds: storedCheckpoint.wallSeconds }),
          );
        }
        const data = JSON.parse(event.data) as CheckpointData;
        notice({ type: "checkpoint", runId: state.id, update: event.update, frames: data.frames });
        return;
      }
      apply(event);
    };

    const applyEvent = (state: RunState, event: QueueEvent) => {
      const metrics = join(state.dir, RUN_FILES.metrics);
      switch (event.type) {
        case "start": {
          const data = JSON.parse(event.data) as StartData;
          mkdirSync(state.dir, { recursive: true });
          // The session redoes everything after its checkpoint: cut the log back to it, as PPO does.
          if (existsSync(metrics) && statSync(metrics).size > data.logBytes)
            truncateSync(metrics, data.logBytes);
          Object.assign(state, logPosition(state.dir));
          writeManifest(state, version);
          store.markRunning(state.id, version);
          emit({
            type: "start",
            runId: state.id,
            resumed: data.resumed,
            frames: data.frames,
            totalFrames: data.totalFrames,
            worker: data.worker,
          });
          return;
        }
        case "update": {
          if (event.update <= state.lastUpdate) return;
          appendFileSync(metrics, `${event.data}\n`);
          state.lastUpdate = event.update;
          const line = JSON.parse(event.data) as UpdateStats;
          emit({
            type: "update",
            runId: state.id,
            frames: line.frames,
            totalFrames: state.config.frames,
            fps: line.fps,
          });
          return;
        }
        case "eval": {
          if (event.update <= state.lastEvalUpdate) return;
          appendFileSync(metrics, `${event.data}\n`);
          state.lastEvalUpdate = event.update;
          const line = JSON.parse(event.data) as EvalStats;
          store.putEval(state.id, line);
          emit({
            type: "eval",
            runId: state.id,
            frames: line.frames,
            returnMean: line.returnMean,
            returnStd: line.returnStd,
            ...(line.successRate === undefined ? {} : { successRate: line.successRate }),
          });
          return;
        }
        case "done": {
          const data = JSON.parse(event.data) as DoneData;
          const result: RunResult = { ...data.result, runId: state.id };
          writeFileSync(join(state.dir, RUN_FILES.time), JSON.stringify({ wallSeconds: result.wallSeconds }));
          writeFileSync(join(state.dir, RUN_FILES.final), `${JSON.stringify(result, null, 2)}\n`);
          finish(state, result);
          return;
        }
        case "failed": {
          const data = JSON.parse(event.data) as FailedData;
          if (data.retry) notice({ type: "retry", runId: state.id, worker: data.worker, error: data.error });
          else fail(state, data.error);
          return;
        }
        case "refused": {
          const data = JSON.parse(event.data) as RefusedData;
          notice({ type: "refused", runId: state.id, worker: data.worker, reason: data.reason });
          return;
        }
      }
    };

    const finish = (state: RunState, result: RunResult) => {
      state.done = true;
      store.replaceEvals(state.id, readEvaluations(state.dir));
      store.markDone(state.id, result);
      done++;
      emit({ type: "done", runId: state.id, result });
    };
    const fail = (state: RunState, error: string) => {
      state.failed = true;
      store.markFailed(state.id, error);
      failed.push({ runId: state.id, error });
      emit({ type: "failed", runId: state.id, error });
    };

    await drain(null);

    // This process's own worker slots, ready before the first job is queued.
    if ((options.workers ?? 0) > 0 && [...states.values()].some((s) => !s.done && !s.failed)) {
      local = await startQueueWorker({
        url: options.queue,
        concurrency: options.workers,
        lockMs: options.lockMs,
      });
    }

    // Plan: finished runs are recorded and skipped; the others are queued unless their job still is.
    const outstanding = new Set<string>();
    for (const [rid, data] of jobs) {
      const state = states.get(rid) as RunState;
      const finished = readRunResult(state.dir);
      if (finished && !state.done) {
        // Finished earlier (before a restart, or by a local run in this folder).
        state.done = true;
        store.replaceEvals(rid, readEvaluations(state.dir));
        store.markDone(rid, finished);
        skipped++;
        emit({ type: "skip", runId: rid, result: finished });
        continue;
      }
      if (state.done || state.failed) continue;
      outstanding.add(rid);
      const existing = await queue.getJob(jobId(id, rid));
      const jobState = existing ? await existing.getState() : null;
      if (existing && jobState !== "failed" && jobState !== "completed" && jobState !== "unknown") {
        notice({ type: "queued", runId: rid, how: "waiting" });
        continue;
      }
      // A failed job is tried again (as the local runner retries failed runs); a completed one whose
      // result never arrived is run again. Either resumes from the last checkpoint sent.
      if (existing) await existing.remove();
      await seedCheckpoint(redis, id, state);
      await queue.add(rid, data, {
        jobId: jobId(id, rid),
        attempts: Math.max(1, options.attempts ?? 3),
        backoff: { type: "fixed", delay: 1000 },
        removeOnComplete: false,
        removeOnFail: false,
      });
      notice({ type: "queued", runId: rid, how: existing ? "again" : "new" });
    }
    emit({ type: "plan", total: runs.length, toRun: outstanding.size });

    let lastPoll = 0;
    let lastActivity = performance.now();
    let idleTold = false;
    let completedWithoutResult = new Map<string, number>();
    for (;;) {
      for (const rid of outstanding) {
        const state = states.get(rid) as RunState;
        if (state.done || state.failed) outstanding.delete(rid);
      }
      if (outstanding.size === 0) break;
      if ((await drain(1000)) > 0) lastActivity = performance.now();
      const idle = (performance.now() - lastActivity) / 1000;
      if (!idleTold && idle > IDLE_NOTICE_SECONDS) {
        idleTold = true;
        notice({ type: "idle", seconds: Math.round(idle), waiting: outstanding.size, url: options.queue });
      }
      if (performance.now() - lastPoll < 2000) continue;
      lastPoll = performance.now();
      // Failures BullMQ decides on its own (a job that stalled too often, attempts used up) show only here.
      const next = new Map<string, number>();
      for (const rid of outstanding) {
        const state = states.get(rid) as RunState;
        const job = await queue.getJob(jobId(id, rid));
        const jobState = job ? await job.getState() : "unknown";
        if (jobState === "failed") {
          await drain(null);
          if (!state.done && !state.failed) fail(state, job?.failedReason ?? "the job failed");
        } else if (jobState === "completed" || jobState === "unknown") {
          // Its done event comes first; allow a few polls for it to be read.
          const polls = (completedWithoutResult.get(rid) ?? 0) + 1;
          if (polls > 3) {
            await drain(null);
            if (!state.done && !state.failed)
              fail(
                state,
                jobState === "unknown"
                  ? "its job disappeared from the queue (was Redis flushed?); run the experiment again"
                  : "its job finished but the result never reached the coordinator; run the experiment again",
              );
          } else next.set(rid, polls);
        }
      }
      completedWithoutResult = next;
    }

    // Done runs no longer need their checkpoints in Redis (the run folders hold them).
    for (const state of states.values()) {
      if (!state.done) continue;
      const job = await queue.getJob(jobId(id, state.id));
      if (!job || (await job.getState()) === "completed") {
        await redis.del(checkpointKey(id, state.id), ownerKey(id, state.id));
      }
    }
  } finally {
    await local?.close();
    await queue.close();
    queueConnection.disconnect();
    redis.disconnect();
    reader.disconnect();
    store.close();
  }
  return {
    experimentId: id,
    dir,
    db: dbPath,
    runs: runs.length,
    done,
    skipped,
    failed,
    wallSeconds: (performance.now() - started) / 1000,
  };
}

/** The program a job ships: the file's JSON for a program file, none for the built-in reference programs. */
async function shippedProgram(
  config: RunConfig,
): Promise<{ programHash: string | null; programJson: string | null }> {
  if (config.reward.kind === "sparse") return { programHash: null, programJson: null };
  const resolved = await resolveReward(config.envId, config.reward);
  if (!config.reward.program) return { programHash: resolved.programHash, programJson: null };
  const file = statSync(config.reward.program).isDirectory()
    ? join(config.reward.program, "program.json")
    : config.reward.program;
  // Validated again here so that a broken program fails the run before it is queued.
  loadRewardProgram(file);
  return { programHash: resolved.programHash, programJson: readFileSync(file, "utf8") };
}

/** The highest update and evaluation a run folder's metrics log holds. */
function logPosition(dir: string): { lastUpdate: number; lastEvalUpdate: number } {
  const path = join(dir, RUN_FILES.metrics);
  let lastUpdate = 0;
  let lastEvalUpdate = 0;
  if (!existsSync(path)) return { lastUpdate, lastEvalUpdate };
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as { type: string; update: number };
      if (entry.type === "update") lastUpdate = Math.max(lastUpdate, entry.update);
      if (entry.type === "eval") lastEvalUpdate = Math.max(lastEvalUpdate, entry.update);
    } catch {
      // A line cut short; the next session's start cuts it away.
    }
  }
  return { lastUpdate, lastEvalUpdate };
}

/** config.json as executeRun writes it, so the folder can also be continued by a local run. */
function writeManifest(state: RunState, version: { commit: string | null; dirty: boolean }): void {
  const path = join(state.dir, RUN_FILES.config);
  if (existsSync(path)) return;
  const manifest: RunManifest = {
    runId: state.id,
    config: state.config,
    programHash: state.programHash,
    codeVersion: version,
    createdAt: new Date().toISOString(),
  };
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** A run folder holding a checkpoint (a local run was stopped) resumes from it on the queue too. */
async function seedCheckpoint(redis: Redis, experiment: string, state: RunState): Promise<void> {
  const key = checkpointKey(experiment, state.id);
  const path = join(state.dir, RUN_FILES.checkpoint);
  if (!existsSync(path) || (await redis.exists(key))) return;
  const bytes = readFileSync(path);
  const { header } = parseCheckpoint<{ state: { update: number; frames: number }; logBytes: number }>(
    bytes,
    path,
  );
  const metrics = join(state.dir, RUN_FILES.metrics);
  const log = existsSync(metrics) ? readFileSync(metrics).subarray(0, header.logBytes) : Buffer.alloc(0);
  if (log.length < header.logBytes) return; // the log lost lines the checkpoint counts on: start afresh
  const timePath = join(state.dir, RUN_FILES.time);
  const wallSeconds = existsSync(timePath)
    ? (JSON.parse(readFileSync(timePath, "utf8")) as { wallSeconds: number }).wallSeconds
    : 0;
  await redis.hset(key, {
    checkpoint: bytes,
    log,
    update: header.state.update,
    frames: header.state.frames,
    wallSeconds,
  });
}

function writeAtomically(path: string, bytes: Buffer): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

/** Where in the experiment's event stream this coordinator has applied everything up to. */
class Cursor {
  lastId = "0";
  constructor(
    private readonly path: string,
    private readonly stream: string,
  ) {
    if (!existsSync(path)) return;
    const saved = JSON.parse(readFileSync(path, "utf8")) as { stream: string; lastId: string };
    if (saved.stream === stream) this.lastId = saved.lastId;
  }
  save(): void {
    writeAtomically(this.path, Buffer.from(JSON.stringify({ stream: this.stream, lastId: this.lastId })));
  }
}
