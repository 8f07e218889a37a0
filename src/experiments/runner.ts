/**
 * The experiment runner: every run of a spec, `workers` at a time (one worker process per run), recorded in
 * the results store and in run folders.
 *
 *   <experiment folder>/spec.json        the spec as run
 *   <experiment folder>/results.sqlite   the results store (store.ts)
 *   <experiment folder>/runs/<run id>/   one folder per run (run.ts)
 *
 * Running a spec again in the same folder continues it: finished runs (final.json present) are skipped,
 * unfinished ones resume from their checkpoint, failed ones are tried again. A run that throws or whose
 * process dies is recorded as failed, with the error, and the others go on.
 *
 * A folder holds one experiment: running a different spec into it is refused (ExperimentError), so its store
 * and report never pool runs of different settings. Every reward program is compiled and tried on its env
 * before anything is written or started, so a bad program stops the experiment with its problems listed
 * rather than failing one run after another.
 */
import { type ChildProcess, fork } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type CheckedReward, checkReward, RewardSettingError } from "./reward-modes.ts";
import {
  canonicalJson,
  checkPpoSettings,
  plannedFrames,
  type RunConfig,
  type RunResult,
  readEvaluations,
  readRunResult,
  runId,
} from "./run.ts";
import { type ExperimentSpec, expandSpec, trainingOrder } from "./spec.ts";
import { ResultsStore } from "./store.ts";
import { codeVersion } from "./version.ts";
import type { WorkerMessage, WorkerTask } from "./worker.ts";

export type RunnerEvent =
  | { type: "plan"; total: number; toRun: number }
  | { type: "warning"; message: string }
  | { type: "skip"; runId: string; result: RunResult }
  | {
      type: "start";
      runId: string;
      resumed: boolean;
      frames: number;
      totalFrames: number;
      /** The queue worker that trains it (runs on a queue only). */
      worker?: string;
    }
  | { type: "update"; runId: string; frames: number; totalFrames: number; fps: number }
  | {
      type: "eval";
      runId: string;
      frames: number;
      returnMean: number;
      returnStd: number;
      /** Share of evaluation episodes that succeeded (`info.is_success`); absent when the env never says. */
      successRate?: number | null;
    }
  | { type: "done"; runId: string; result: RunResult }
  | { type: "failed"; runId: string; error: string };

export interface RunnerOptions {
  /** The experiment folder. */
  dir: string;
  /** Runs at a time; default min(2, cores). Each run uses one core (jax-js's Wasm backend is single-threaded). */
  workers?: number;
  onEvent?: (event: RunnerEvent) => void;
}

export interface ExperimentSummary {
  experimentId: string;
  dir: string;
  db: string;
  runs: number;
  done: number;
  skipped: number;
  failed: { runId: string; error: string }[];
  wallSeconds: number;
}

export const EXPERIMENT_FILES = { spec: "spec.json", db: "results.sqlite", runs: "runs" } as const;

/** The experiment cannot start: the folder holds another experiment, or a reward program is unusable. */
export class ExperimentError extends Error {
  override name = "ExperimentError";
}

/** The experiment's id: its name and a hash of its spec, so a changed spec is a new experiment. */
export function experimentId(spec: ExperimentSpec): string {
  return `${spec.name}-${createHash("sha256").update(canonicalJson(spec)).digest("hex").slice(0, 8)}`;
}

export async function runExperiment(
  spec: ExperimentSpec,
  options: RunnerOptions,
): Promise<ExperimentSummary> {
  const started = performance.now();
  const dir = resolve(options.dir);
  const emit = options.onEvent ?? (() => {});
  const workers = Math.max(1, options.workers ?? Math.min(2, availableParallelism()));
  const runs = trainingOrder(expandSpec(spec));
  const id = experimentId(spec);
  refuseOtherExperiment(dir, spec, id);
  const rewards = await checkRewards(runs);
  for (const warning of new Set([...rewards.values()].flatMap((r) => r.warnings)))
    emit({ type: "warning", message: warning });
  const dbPath = join(dir, EXPERIMENT_FILES.db);
  const store = new ResultsStore(dbPath);
  const version = codeVersion();
  writeFileSync(join(dir, EXPERIMENT_FILES.spec), `${JSON.stringify(spec, null, 2)}\n`);
  store.putExperiment(id, spec.name, spec);

  const queue: { id: string; config: RunConfig; dir: string }[] = [];
  const failed: ExperimentSummary["failed"] = [];
  let skipped = 0;
  for (const config of runs) {
    const rid = runId(config);
    const runDir = join(dir, EXPERIMENT_FILES.runs, rid);
    const hash = rewards.get(rewardKey(config))?.programHash ?? null;
    store.addRun(id, { id: rid, config, dir: runDir, programHash: hash, codeVersion: version });
    const finished = readRunResult(runDir);
    if (finished) {
      // Finished earlier (perhaps in a runner that was killed before it could record it): record, skip.
      store.replaceEvals(rid, readEvaluations(runDir));
      store.markDone(rid, finished);
      skipped++;
      emit({ type: "skip", runId: rid, result: finished });
    } else {
      queue.push({ id: rid, config, dir: runDir });
    }
  }
  emit({ type: "plan", total: runs.length, toRun: queue.length });

  let done = 0;
  const runOne = async (task: (typeof queue)[number]) => {
    store.markRunning(task.id, version);
    const outcome = await runInWorker(task, (message) => {
      if (message.type === "start") {
        // A long grid outlives commits: each run records the code its own process loaded.
        store.setCodeVersion(task.id, message.codeVersion);
        emit({
          type: "start",
          runId: task.id,
          resumed: message.resumed,
          frames: message.frames,
          totalFrames: plannedFrames(task.config),
        });
      } else if (message.type === "update")
        emit({
          type: "update",
          runId: task.id,
          frames: message.frames,
          totalFrames: plannedFrames(task.config),
          fps: message.fps,
        });
      else if (message.type === "eval") {
        store.putEval(task.id, message.eval);
        emit({
          type: "eval",
          runId: task.id,
          frames: message.eval.frames,
          returnMean: message.eval.returnMean,
          returnStd: message.eval.returnStd,
          ...(message.eval.successRate === undefined ? {} : { successRate: message.eval.successRate }),
        });
      }
    });
    // The metrics log is the source of truth (a resumed run redid the evaluations after its checkpoint).
    store.replaceEvals(task.id, readEvaluations(task.dir));
    if (outcome.ok) {
      store.markDone(task.id, outcome.result);
      done++;
      emit({ type: "done", runId: task.id, result: outcome.result });
    } else {
      store.markFailed(task.id, outcome.error);
      failed.push({ runId: task.id, error: outcome.error });
      emit({ type: "failed", runId: task.id, error: outcome.error });
    }
  };

  let next = 0;
  const lane = async () => {
    while (next < queue.length) await runOne(queue[next++]);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(workers, queue.length) }, lane));
  } finally {
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

function rewardKey(config: RunConfig): string {
  return `${config.envId}\u0000${canonicalJson(config.reward)}`;
}

/** Every distinct (env, reward) of the runs, checked (checkReward); all problems at once, or the results. */
async function checkRewards(runs: readonly RunConfig[]): Promise<Map<string, CheckedReward>> {
  const checked = new Map<string, CheckedReward>();
  const problems: string[] = [];
  const envsSeen = new Set<string>();
  for (const config of runs) {
    if (envsSeen.has(config.envId)) continue;
    envsSeen.add(config.envId);
    try {
      checkPpoSettings(config);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      problems.push(error.message);
    }
  }
  for (const config of runs) {
    const key = rewardKey(config);
    if (checked.has(key)) continue;
    try {
      checked.set(key, await checkReward(config.envId, config.reward));
    } catch (error) {
      if (!(error instanceof RewardSettingError)) throw error;
      problems.push(error.message);
      checked.set(key, { setting: config.reward, program: null, programHash: null, warnings: [] });
    }
  }
  if (problems.length > 0) {
    throw new ExperimentError(
      `no run was started: ${problems.length === 1 ? "a setting cannot be used" : `${problems.length} settings cannot be used`}:\n` +
        problems.map((p) => `- ${p}`).join("\n"),
    );
  }
  return checked;
}

/** Every reward of the runs checked (see checkRewards); their warnings, or an ExperimentError listing all problems. */
export async function checkRewardWarnings(runs: readonly RunConfig[]): Promise<string[]> {
  const rewards = await checkRewards(runs);
  return [...new Set([...rewards.values()].flatMap((r) => r.warnings))];
}

/**
 * Refuses a folder that holds an experiment with another spec: reruns go into the same store, and pooling
 * two settings there would let the report average them as if they were seeds of one.
 */
export function refuseOtherExperiment(dir: string, spec: ExperimentSpec, id: string): void {
  const specPath = join(dir, EXPERIMENT_FILES.spec);
  let earlier: { id: string; name: string; spec: unknown } | null = null;
  if (existsSync(specPath)) {
    try {
      const old = JSON.parse(readFileSync(specPath, "utf8")) as ExperimentSpec;
      earlier = { id: experimentId(old), name: old.name, spec: old };
    } catch {
      earlier = null;
    }
  }
  const dbPath = join(dir, EXPERIMENT_FILES.db);
  if (earlier === null && existsSync(dbPath)) {
    const store = new ResultsStore(dbPath, { readOnly: true });
    try {
      earlier = store.experiments().find((e) => e.id !== id) ?? null;
    } finally {
      store.close();
    }
  }
  if (earlier === null || earlier.id === id) return;
  const changes = specChanges(earlier.spec, spec);
  throw new ExperimentError(
    `${dir} holds experiment "${earlier.name}" (${earlier.id}) with other settings` +
      `${changes.length ? ` (${changes.join("; ")})` : ""}. A folder keeps one experiment, so that its report ` +
      `never averages different settings: give --out another folder, or delete ${dir} to start over`,
  );
}

/** "frames: 60000 → 30000" for each top-level field that differs. */
function specChanges(before: unknown, after: unknown): string[] {
  const a = (before ?? {}) as Record<string, unknown>;
  const b = (after ?? {}) as Record<string, unknown>;
  const show = (v: unknown) => {
    const text = v === undefined ? "(none)" : canonicalJson(v);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  };
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k]))
    .map((k) => `${k}: ${show(a[k])} → ${show(b[k])}`);
}

/** A run's end; `crashed` when its process died without reporting (a retry may succeed, unlike an error). */
export type Outcome = { ok: true; result: RunResult } | { ok: false; error: string; crashed?: boolean };

/** Live worker processes, so an interrupted runner can stop them (their checkpoints let them resume later). */
const live = new Set<ChildProcess>();
let signalsHooked = false;

function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  const stop = (signal: NodeJS.Signals) => {
    for (const child of live) child.kill(signal);
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

// From the sources (tsx) the worker is worker.ts and needs tsx's loader; the built package runs worker.js.
const FROM_SOURCE = import.meta.url.endsWith(".ts");
const WORKER = fileURLToPath(new URL(FROM_SOURCE ? "./worker.ts" : "./worker.js", import.meta.url));

/**
 * Runs one task in a fresh process; resolves (never rejects) with its result or the reason it failed.
 * Aborting `signal` kills the process (the queue's workers do when their job went to another worker).
 */
export function runInWorker(
  task: { config: RunConfig; dir: string; signal?: AbortSignal },
  onMessage: (m: WorkerMessage) => void,
): Promise<Outcome> {
  // A caller with a signal stops its processes itself (a queue worker returns their jobs first).
  if (!task.signal) hookSignals();
  return new Promise((resolvePromise) => {
    // Workers load TypeScript through tsx, as the CLI does; nothing else of the parent's flags is passed on
    // (under `node --test` they would make the worker a test runner).
    const child = fork(WORKER, [], {
      execArgv: FROM_SOURCE ? ["--import", import.meta.resolve("tsx")] : [],
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "advanced",
      signal: task.signal,
    });
    live.add(child);
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    let outcome: Outcome | undefined;
    child.on("message", (message: WorkerMessage) => {
      if (message.type === "done") outcome = { ok: true, result: message.result };
      else if (message.type === "failed") outcome = { ok: false, error: message.error };
      else onMessage(message);
    });
    child.on("error", (error) => {
      outcome ??= { ok: false, error: `could not start the worker: ${error.message}` };
    });
    child.on("exit", (code, signal) => {
      live.delete(child);
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      resolvePromise(
        outcome ?? {
          ok: false,
          crashed: true,
          error: `the worker process ${how} before finishing the run${stderr.trim() ? `; its last output:\n${stderr.trim()}` : ""}`,
        },
      );
    });
    child.send({ type: "run", config: task.config, dir: task.dir } satisfies WorkerTask);
  });
}
