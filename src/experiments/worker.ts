/**
 * A worker process: trains exactly one run, reporting to the runner over IPC, then exits.
 *
 * One process per run (rather than a thread) so a run that crashes the process, for instance the Wasm
 * backend running out of memory, takes nothing else down, and every run starts with fresh memory.
 */
import { configuredPlugins, importPlugins } from "../env/plugins.ts";
import type { EvalStats, UpdateStats } from "../rl/ppo.ts";
import { executeRun, type RunConfig, type RunResult } from "./run.ts";
import type { CodeVersion } from "./version.ts";

/** Runner → worker. */
export interface WorkerTask {
  type: "run";
  config: RunConfig;
  dir: string;
}

/** Worker → runner. */
export type WorkerMessage =
  | {
      type: "start";
      resumed: boolean;
      frames: number;
      programHash: string | null;
      /** The code this process trains with (it loaded the checkout as it is now, not as the runner found it). */
      codeVersion: CodeVersion;
    }
  | { type: "update"; frames: number; returnMean: number | null; fps: number }
  | {
      type: "eval";
      eval: Pick<EvalStats, "frames" | "update" | "returnMean" | "returnStd" | "returns" | "successRate">;
    }
  | { type: "done"; result: RunResult }
  | { type: "failed"; error: string };

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

/** The runner's pid when the task came. */
const parent = process.ppid;

/**
 * Stops at once when the runner is gone. The "disconnect" event below needs the event loop, which runs only
 * between updates; this is checked inside them, so an orphan does not write another evaluation or checkpoint
 * into a folder that a rerun's worker may be waiting to resume (run-lock.ts makes that worker wait for us).
 */
function exitIfOrphaned(): void {
  if (process.ppid !== parent) process.exit(1);
}

async function main(task: WorkerTask): Promise<void> {
  try {
    // The envs and experts of the runner's plugins (it exported their paths in VLMCAR_IMPORT).
    await importPlugins(configuredPlugins());
    const result = await executeRun(task.config, task.dir, {
      onStart: ({ resumed, frames, manifest }) =>
        void send({
          type: "start",
          resumed,
          frames,
          programHash: manifest.programHash,
          codeVersion: manifest.codeVersion,
        }),
      onUpdate: (s: UpdateStats) => {
        exitIfOrphaned();
        void send({ type: "update", frames: s.frames, returnMean: s.returnMean, fps: s.fps });
      },
      onEval: (e: EvalStats) => {
        exitIfOrphaned();
        void send({
          type: "eval",
          eval: {
            frames: e.frames,
            update: e.update,
            returnMean: e.returnMean,
            returnStd: e.returnStd,
            returns: e.returns,
            ...(e.successRate === undefined ? {} : { successRate: e.successRate }),
          },
        });
      },
    });
    await send({ type: "done", result });
  } catch (error) {
    await send({
      type: "failed",
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    process.exitCode = 1;
  }
  finished = true;
  process.disconnect?.();
}

let finished = false;

process.once("message", (task: WorkerTask) => {
  void main(task);
});

// The runner is gone (killed, even by SIGKILL): stop too rather than train unwatched. The run resumes from
// its last checkpoint when the experiment is started again.
process.once("disconnect", () => {
  if (!finished) process.exit(1);
});
