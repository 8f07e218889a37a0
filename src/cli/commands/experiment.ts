import { resolve } from "node:path";
import type { Command } from "commander";
import { progressView } from "../../experiments/progress.ts";
import { QueueConnectionError } from "../../experiments/queue/connection.ts";
import { runExperimentOnQueue } from "../../experiments/queue/coordinator.ts";
import { runExperiment } from "../../experiments/runner.ts";
import {
  type ExperimentSpec,
  loadExperimentSpec,
  parseExperimentSpec,
  SpecError,
} from "../../experiments/spec.ts";
import { CommandOutput, UserError } from "../output.ts";
import { checkEnvId, integer } from "./train.ts";

interface ExperimentOptions {
  spec?: string;
  name: string;
  envs?: string;
  rewards: string;
  program?: string[];
  seeds: string;
  frames?: string;
  evalEvery?: string;
  evalEpisodes?: string;
  out?: string;
  workers?: string;
  queue?: string;
  json?: boolean;
}

export function registerExperiment(program: Command): void {
  program
    .command("experiment")
    .description("train every env × reward × seed of a spec, two runs at a time; rerun to resume")
    .option("--spec <file>", "experiment spec (JSON); or give --envs, --rewards, --seeds and --frames")
    .option("--name <name>", "experiment name (with flags)", "experiment")
    .option("--envs <ids>", "comma-separated env ids")
    .option("--rewards <modes>", "comma-separated: sparse, vlmcar, reference", "sparse")
    .option("--program <file...>", "vlmcar program: FILE for every env, or ENV_ID=FILE per env (repeatable)")
    .option("--seeds <n|list>", 'a count n (seeds 0…n-1) or a comma-separated list (one seed s: "s,")', "3")
    .option("--frames <n>", "training frames per run")
    .option("--eval-every <frames>", "evaluate every this many frames")
    .option("--eval-episodes <n>", "episodes per evaluation")
    .option("--out <dir>", "experiment folder (default experiments/<name>)")
    .option(
      "--workers <n>",
      "runs at a time (default 2; with --queue, runs this process trains too, default 0)",
    )
    .option(
      "--queue <redis-url>",
      "put each run on a job queue (redis://host:port) for `vlmcar worker`s on any machine; see docs/DISTRIBUTED.md",
    )
    .option("--json", "end with one JSON line")
    .action(async (opts: ExperimentOptions) => {
      const out = new CommandOutput(opts);
      const spec = opts.spec ? loadSpecFile(opts.spec) : specFromFlags(opts);
      for (const id of spec.envs) checkEnvId(id);
      const dir = resolve(opts.out ?? `experiments/${spec.name}`);
      const view = progressView();
      let summary: Awaited<ReturnType<typeof runExperiment>>;
      try {
        summary = opts.queue
          ? await runExperimentOnQueue(spec, {
              dir,
              queue: opts.queue,
              workers: opts.workers === undefined ? 0 : integer("--workers", opts.workers, 0),
              onEvent: (e) => view.onEvent(e),
              onNotice: (n) => view.onNotice(n),
            })
          : await runExperiment(spec, {
              dir,
              workers: opts.workers === undefined ? 2 : integer("--workers", opts.workers, 1),
              onEvent: (e) => view.onEvent(e),
            });
      } catch (error) {
        if (
          error instanceof SpecError ||
          error instanceof RangeError ||
          error instanceof QueueConnectionError
        )
          throw new UserError(error.message);
        throw error;
      } finally {
        view.stop();
      }
      out.say(
        `${summary.runs} runs: ${summary.done} trained, ${summary.skipped} finished earlier, ${summary.failed.length} failed ` +
          `(${summary.wallSeconds.toFixed(0)} s); results in ${summary.db}`,
      );
      for (const f of summary.failed) out.say(`failed: ${f.runId}: ${f.error.split("\n")[0]}`);
      out.say(`report: vlmcar report --experiment ${summary.dir}`);
      out.result({ ...summary });
      if (summary.failed.length > 0) process.exitCode = 1;
    });
}

function loadSpecFile(path: string): ExperimentSpec {
  try {
    return loadExperimentSpec(path);
  } catch (error) {
    if (error instanceof SpecError) throw new UserError(error.message);
    throw error;
  }
}

function specFromFlags(opts: ExperimentOptions): ExperimentSpec {
  if (!opts.envs || !opts.frames) {
    throw new UserError(
      "give --spec FILE, or at least --envs ID[,ID…] and --frames N (plus --rewards and --seeds)",
    );
  }
  const list = (text: string) =>
    text
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  const envs = list(opts.envs);
  const programs: Record<string, string> = {};
  let shared: string | undefined;
  for (const entry of opts.program ?? []) {
    const eq = entry.indexOf("=");
    if (eq > 0) programs[entry.slice(0, eq)] = resolve(entry.slice(eq + 1));
    else shared = resolve(entry);
  }
  const rewards = list(opts.rewards).map((kind) =>
    kind === "vlmcar" ? { kind: "vlmcar" as const, program: shared, programs } : kind,
  );
  const seeds = /^\d+$/.test(opts.seeds.trim())
    ? integer("--seeds", opts.seeds, 1)
    : list(opts.seeds).map((s) => integer("--seeds", s, 0));
  const evaluation: Record<string, number> = {};
  if (opts.evalEvery !== undefined) evaluation.every = integer("--eval-every", opts.evalEvery, 0);
  if (opts.evalEpisodes !== undefined) evaluation.episodes = integer("--eval-episodes", opts.evalEpisodes, 1);
  try {
    return parseExperimentSpec(
      { name: opts.name, envs, rewards, seeds, frames: integer("--frames", opts.frames, 1), evaluation },
      "flags",
    );
  } catch (error) {
    if (error instanceof SpecError) throw new UserError(error.message);
    throw error;
  }
}
