/** `vlmcar queue status`: the queue's runs by state, with the worker that has (or had) each. */
import { type Job, Queue } from "bullmq";
import { checkQueueReachable, openRedis } from "./connection.ts";
import { QUEUE_NAME, type RunJobData, type RunJobProgress, type RunJobResult } from "./protocol.ts";

export type QueueRunState = "waiting" | "active" | "failed" | "finished";

export interface QueueRunStatus {
  state: QueueRunState;
  experimentId: string;
  runId: string;
  /** The worker that has the run (active), finished it, or failed it last; null while it waits. */
  worker: string | null;
  frames: number | null;
  totalFrames: number;
  /** Attempts started so far (a crash or a lost worker makes another). */
  attempts: number;
  error: string | null;
  finalReturnMean: number | null;
}

export async function queueStatus(
  url: string,
  options: { experiment?: string } = {},
): Promise<QueueRunStatus[]> {
  await checkQueueReachable(url);
  const connection = openRedis(url);
  const queue = new Queue<RunJobData, RunJobResult>(QUEUE_NAME, { connection });
  try {
    const groups: [QueueRunState, Job<RunJobData, RunJobResult>[]][] = [
      ["waiting", await queue.getJobs(["waiting", "delayed", "prioritized", "paused"])],
      ["active", await queue.getJobs(["active"])],
      ["failed", await queue.getJobs(["failed"])],
      ["finished", await queue.getJobs(["completed"])],
    ];
    const out: QueueRunStatus[] = [];
    for (const [state, jobs] of groups) {
      for (const job of jobs) {
        if (!job?.data) continue;
        if (options.experiment && !job.data.experimentId.startsWith(options.experiment)) continue;
        const progress =
          typeof job.progress === "object" ? (job.progress as unknown as RunJobProgress) : null;
        const result = state === "finished" ? (job.returnvalue as RunJobResult | null) : null;
        out.push({
          state,
          experimentId: job.data.experimentId,
          runId: job.data.runId,
          worker: result?.worker ?? progress?.worker ?? job.processedBy ?? null,
          frames: result?.frames ?? progress?.frames ?? null,
          totalFrames: job.data.config.frames,
          attempts: job.attemptsStarted ?? job.attemptsMade,
          error: state === "failed" ? (job.failedReason ?? null) : null,
          finalReturnMean: result?.finalReturnMean ?? null,
        });
      }
    }
    return out.sort((a, b) => a.experimentId.localeCompare(b.experimentId) || a.runId.localeCompare(b.runId));
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
