import type { Command } from "commander";
import { QueueConnectionError } from "../../experiments/queue/connection.ts";
import { startQueueWorker } from "../../experiments/queue/worker.ts";
import { UserError } from "../output.ts";
import { integer } from "./train.ts";

interface WorkerOptions {
  queue: string;
  concurrency: string;
  name?: string;
  scratch?: string;
  lockSeconds: string;
}

export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description("train runs that `vlmcar experiment --queue` put on a job queue, until stopped (Ctrl-C)")
    .requiredOption("--queue <redis-url>", "the queue's Redis server, redis://host:port")
    .option("--concurrency <n>", "runs at a time (one core each)", "1")
    .option(
      "--name <name>",
      "how `vlmcar queue status` and the coordinator name this worker (default host:pid)",
    )
    .option("--scratch <dir>", "where runs are trained before being streamed back (default the temp folder)")
    .option(
      "--lock-seconds <s>",
      "a job whose worker is silent this long goes to another worker (it resumes from its last checkpoint)",
      "30",
    )
    .action(async (opts: WorkerOptions) => {
      const say = (line: string) => process.stdout.write(`${line}\n`);
      let worker: Awaited<ReturnType<typeof startQueueWorker>>;
      try {
        worker = await startQueueWorker({
          url: opts.queue,
          concurrency: integer("--concurrency", opts.concurrency, 1),
          name: opts.name,
          scratch: opts.scratch,
          lockMs: integer("--lock-seconds", opts.lockSeconds, 1) * 1000,
          log: say,
        });
      } catch (error) {
        if (error instanceof QueueConnectionError) throw new UserError(error.message);
        throw error;
      }
      const stop = () => {
        say(
          `worker ${worker.name} stopping; its unfinished runs resume on other workers from their checkpoints`,
        );
        void worker.close();
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      const { refused } = await worker.stopped;
      if (refused) throw new UserError(`worker ${worker.name} stopped: it refused a job: ${refused}`);
    });
}
