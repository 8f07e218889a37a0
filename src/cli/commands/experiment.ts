import { resolve } from "node:path";
import type { Command } from "commander";
import { errorSummary, progressView } from "../../experiments/progress.ts";
import { QueueConnectionError } from "../../experiments/queue/connection.ts";
import { runExperimentOnQueue } from "../../experiments/queue/coordinator.ts";
import { parseRewardKind } from "../../experiments/reward-modes.ts";
import { framesPerUpdate, plannedFrames } from "../../experiments/run.ts";
import { ExperimentError, runExperiment } from "../../experiments/runner.ts";
import {
  type ExperimentSpec,
  expandSpec,
  loadExperimentSpec,
  parseExperimentSpec,
  SpecError,
} from "../../experiments/spec.ts";
import { StoreError } from "../../experiments/store.ts";
import { onInterrupt } from "../interrupt.ts";
import { CommandOutput, checkWritableFolder, EXIT, UserError } from "../output.ts";
import { parseSeeds, SEEDS_HELP } from "../seeds.ts";
import { parsePpoSettings, SETTINGS_HELP } from "../settings.ts";
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
  set?: string[];
  json?: boolean;
}

export function registerExperiment(program: Command): void {
  program
    .command("experiment")
    .description("train every env × reward × seed of a spec, two runs at a time; rerun to resume")
    .option("--spec <file>", "experiment spec (JSON); or give --envs, --rewards, --seeds and --frames")
    .option("--name <name>", "experiment name (with flags)", "experiment")
    .option("--envs <ids>", "comma-separated env ids")
    .option("--rewards <modes>", "comma-separated: sparse, vlmcar, reference, dense-env", "sparse")
    .option("--program <file...>", "vlmcar program: FILE for every env, or ENV_ID=FILE per env (repeatable)")
    .option("--seeds <n|list>", SEEDS_HELP, "3")
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
    .option("--set <key=value...>", `${SETTINGS_HELP}; overrides the spec's ppo block`)
    .option("--json", "end with one JSON line")
    .action(async (opts: ExperimentOptions) => {
      const out = new CommandOutput(opts);
      const spec = withSettings(opts.spec ? loadSpecFile(opts.spec) : specFromFlags(opts), opts.set ?? []);
      for (const id of spec.envs) checkEnvId(id);
      const dir = resolve(opts.out ?? `experiments/${spec.name}`);
      checkWritableFolder(dir);
      const workers =
        opts.workers === undefined
          ? opts.queue
            ? 0
            : 2
          : integer("--workers", opts.workers, opts.queue ? 0 : 1);
      const sample = expandRuns(spec)[0];
      if (sample && plannedFrames(sample) !== spec.frames) {
        out.say(
          `note: ${spec.frames} frames are rounded up to ${plannedFrames(sample)} per run: PPO trains whole updates ` +
            `of ${framesPerUpdate(sample)} frames (envs × steps); the store records the frames trained`,
        );
      }
      onInterrupt(
        () =>
          `stopped. ${dir} keeps every finished run and each unfinished run up to its last checkpoint; ` +
          "run the same command again to resume (finished runs are skipped)",
      );
      const view = progressView();
      let summary: Awaited<ReturnType<typeof runExperiment>>;
      try {
        summary = opts.queue
          ? await runExperimentOnQueue(spec, {
              dir,
              queue: opts.queue,
              workers,
              onEvent: (e) => view.onEvent(e),
              onNotice: (n) => view.onNotice(n),
            })
          : await runExperiment(spec, { dir, workers, onEvent: (e) => view.onEvent(e) });
      } catch (error) {
        if (
          error instanceof SpecError ||
          error instanceof RangeError ||
          error instanceof ExperimentError ||
          error instanceof StoreError ||
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
      for (const f of summary.failed) out.say(`failed: ${f.runId}: ${errorSummary(f.error)}`);
      out.say(`report: vlmcar report --experiment ${summary.dir}`);
      out.result({ ...summary });
      if (summary.failed.length > 0) process.exitCode = EXIT.failed;
    });
}

function expandRuns(spec: ExperimentSpec) {
  try {
    return expandSpec(spec);
  } catch (error) {
    if (error instanceof SpecError) throw new UserError(error.message);
    throw error;
  }
}

/** The spec with `--set ppo.KEY=VALUE` applied over its ppo block. */
function withSettings(spec: ExperimentSpec, settings: readonly string[]): ExperimentSpec {
  if (settings.length === 0) return spec;
  return { ...spec, ppo: { ...spec.ppo, ...parsePpoSettings(settings) } };
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
  const rewards = list(opts.rewards).map((text) => {
    let kind: ReturnType<typeof parseRewardKind>;
    try {
      kind = parseRewardKind(text);
    } catch (error) {
      throw new UserError(`--rewards: ${(error as Error).message}`);
    }
    return kind === "vlmcar" ? { kind, program: shared, programs } : kind;
  });
  const seeds = parseSeeds(opts.seeds);
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
