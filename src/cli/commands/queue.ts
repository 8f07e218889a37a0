import type { Command } from "commander";
import { QueueConnectionError } from "../../experiments/queue/connection.ts";
import { queueStatus } from "../../experiments/queue/status.ts";
import { CommandOutput, UserError } from "../output.ts";

interface StatusOptions {
  queue: string;
  experiment?: string;
  json?: boolean;
}

export function registerQueue(program: Command): void {
  const queue = program.command("queue").description("look at the job queue of distributed experiments");
  queue
    .command("status")
    .description("runs waiting, active, failed and finished on the queue, with their workers")
    .requiredOption("--queue <redis-url>", "the queue's Redis server, redis://host:port")
    .option("--experiment <id>", "only this experiment's runs (an experiment id or its start)")
    .option("--json", "end with one JSON line")
    .action(async (opts: StatusOptions) => {
      const out = new CommandOutput(opts);
      let runs: Awaited<ReturnType<typeof queueStatus>>;
      try {
        runs = await queueStatus(opts.queue, { experiment: opts.experiment });
      } catch (error) {
        if (error instanceof QueueConnectionError) throw new UserError(error.message);
        throw error;
      }
      const counts = { waiting: 0, active: 0, failed: 0, finished: 0 };
      for (const run of runs) counts[run.state]++;
      out.say(
        `${runs.length} run${runs.length === 1 ? "" : "s"} on ${opts.queue}: ${counts.waiting} waiting, ${counts.active} active, ` +
          `${counts.failed} failed, ${counts.finished} finished`,
      );
      for (const run of runs) {
        const progress = run.frames === null ? "" : ` ${run.frames}/${run.totalFrames} frames`;
        const worker = run.worker ? ` on ${run.worker}` : "";
        const tail =
          run.state === "failed"
            ? `: ${run.error?.split("\n")[0]}`
            : run.finalReturnMean !== null
              ? `: return ${run.finalReturnMean.toFixed(3)}`
              : "";
        out.say(
          `${run.state.padEnd(8)} ${run.experimentId} ${run.runId}${worker}${progress}` +
            `${run.attempts > 1 ? ` (attempt ${run.attempts})` : ""}${tail}`,
        );
      }
      out.result({ counts, runs });
    });
}
