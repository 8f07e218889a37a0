import type { Command } from "commander";
import { closest } from "../../env/registry.ts";
import { type ProgressView, progressView } from "../../experiments/progress.ts";
import { ExperimentError } from "../../experiments/runner.ts";
import { StoreError } from "../../experiments/store.ts";
import {
  MAIN_JOB_DEFAULTS,
  MAIN_JOB_REWARDS,
  MainJobError,
  type MainJobReward,
  type MainJobSummary,
  runMainJob,
} from "../../pipeline/main-job.ts";
import { onInterrupt } from "../interrupt.ts";
import { CommandOutput, checkWritableFolder, EXIT, UserError } from "../output.ts";
import { parseSeeds, SEEDS_HELP } from "../seeds.ts";
import { integer } from "./train.ts";

interface RunOptions {
  env: string;
  vlm?: string;
  frames: string;
  seeds: string;
  rewards: string;
  workers: string;
  evalEvery: string;
  experts?: string;
  random?: string;
  out?: string;
  json?: boolean;
}

const d = MAIN_JOB_DEFAULTS;

/**
 * `vlmcar run`: the main job (src/pipeline/main-job.ts): generation (replayed from zoo/ unless --vlm is given),
 * training sparse vs vlmcar on both cores, the report, and a summary of the key numbers.
 */
export function registerRun(program: Command): void {
  program
    .command("run")
    .description(
      "the main job: generate (or replay) a reward program, train sparse vs vlmcar, write the report; rerun with --out to resume",
    )
    .option("--env <id>", "environment id", d.envId)
    .option(
      "--vlm <provider:model>",
      "generate live with openai:<model>, anthropic:<model>, gemini:<model>, manual:<model>, or replay:<transcript.jsonl> (default: replay the env's recording in zoo/, no network)",
    )
    .option("--frames <n>", "training frames per run", String(d.frames))
    .option("--seeds <n|list>", `training seeds: ${SEEDS_HELP}`, d.seeds.join(","))
    .option("--rewards <list>", `comma-separated: ${MAIN_JOB_REWARDS.join(", ")}`, d.rewards.join(","))
    .option("--workers <n>", "training runs at a time (one core each)", String(d.workers))
    .option(
      "--eval-every <frames>",
      "evaluate the env return every this many frames (0: only at the end)",
      String(d.evaluation.every),
    )
    .option("--experts <n>", "expert trajectories per verification (default: the recording's, or 20)")
    .option("--random <n>", "random trajectories per verification (default: the recording's, or 100)")
    .option("--out <dir>", "job folder (default runs/main/<timestamp>); an existing one is resumed")
    .option("--json", "end with one JSON line (the summary)")
    .addHelpText(
      "after",
      `
The default budget (${d.seeds.length} seeds × 2 rewards of ${d.frames.toLocaleString("en-US")} frames, i.e. 20 PPO updates per run, two runs at
a time; the env return evaluated every ${d.evaluation.every.toLocaleString("en-US")} frames over ${d.evaluation.episodes} episodes and over ${d.evaluation.finalEpisodes} at the end) takes
about 1.5 minutes on an idle 2-core machine, and a few minutes on a loaded one. On DoorKey-6x6 that is
where the program's dense reward has usually taught the task while the sparse reward has not yet.

Examples:
  vlmcar run                                    # DoorKey-6x6, replayed from zoo/, no key needed
  vlmcar run --env MiniGrid-Unlock-v0 --seeds 0,1,2
  vlmcar run --vlm openai:gpt-4o --frames 200000
  vlmcar run --out runs/main/<timestamp>        # resume a stopped job (same flags)`,
    )
    .action(async (opts: RunOptions) => {
      const out = new CommandOutput(opts);
      // The progress display lives only while training runs, so stage lines never land inside its bars.
      let view: ProgressView | null = null;
      const stopView = () => {
        view?.stop();
        view = null;
      };
      if (opts.out !== undefined) checkWritableFolder(opts.out);
      onInterrupt(
        () =>
          "stopped. The job folder keeps the generation, every finished run and each unfinished run up to its " +
          `last checkpoint; run the same command${opts.out ? "" : " with --out <the job folder printed above>"} to resume`,
      );
      let summary: MainJobSummary;
      try {
        summary = await runMainJob({
          envId: opts.env,
          vlm: opts.vlm,
          frames: integer("--frames", opts.frames, 1),
          seeds: parseSeeds(opts.seeds),
          rewards: list("--rewards", opts.rewards).map(rewardKind),
          workers: integer("--workers", opts.workers, 1),
          evalEvery: integer("--eval-every", opts.evalEvery, 0),
          experts: opts.experts === undefined ? undefined : integer("--experts", opts.experts, 1),
          random: opts.random === undefined ? undefined : integer("--random", opts.random, 0),
          out: opts.out,
          log: (line) => out.say(line),
          onStage: (stage, phase) => {
            stopView();
            if (stage === "training" && phase === "start") view = progressView();
          },
          onTrainingEvent: (e) => view?.onEvent(e),
          progress: opts.json ? false : "auto",
        });
      } catch (error) {
        if (error instanceof MainJobError || error instanceof ExperimentError || error instanceof StoreError)
          throw new UserError(error.message);
        throw error;
      } finally {
        stopView();
      }
      for (const line of summaryLines(summary)) out.say(line);
      out.result({ ...summary });
      if (summary.status !== "done") process.exitCode = EXIT.failed;
    });
}

function list(flag: string, text: string): string[] {
  const items = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UserError(`${flag} needs at least one value, got "${text}"`);
  return items;
}

function rewardKind(text: string): MainJobReward {
  if ((MAIN_JOB_REWARDS as readonly string[]).includes(text)) return text as MainJobReward;
  const [near] = closest(text, MAIN_JOB_REWARDS, 1);
  throw new UserError(
    `--rewards: unknown reward "${text}"; ${near ? `did you mean "${near}"? ` : ""}the main job compares ${MAIN_JOB_REWARDS.join(", ")}`,
  );
}

/** The closing lines: where the report is, and the numbers a person looks for first. */
export function summaryLines(s: MainJobSummary): string[] {
  const lines = ["", `report: ${s.report.html}`];
  const g = s.generation;
  if (g) {
    const v = g.verification;
    lines.push(
      `program ${g.programHash.slice(0, 12)}: ${g.verdict} after ${g.rounds} round(s) ` +
        `(${v.expertsCompleted}/${v.experts} expert trajectories complete every sub-task, ` +
        `${v.randomReachedGoal}/${v.random} random ones reach the goal)`,
    );
    if (g.zoo)
      lines.push(
        g.zoo.matches
          ? `replay: the program's hash equals the zoo's (${g.zoo.programHash.slice(0, 12)})`
          : `replay: the program's hash DIFFERS from the zoo's (${g.zoo.programHash.slice(0, 12)})`,
      );
    const c = g.cost;
    const tokens = `${(c.inputTokens + c.outputTokens).toLocaleString("en-US")} tokens${c.tokensEstimated ? " (estimated)" : ""}`;
    const dollars = c.dollars === null ? "price unknown" : `$${c.dollars.toFixed(4)}`;
    lines.push(
      `VLM: ${c.paidCalls} call(s) answered by ${c.providers.join(", ")}, ${tokens}, ${dollars}` +
        (g.zoo ? `, when recorded; this job replayed ${g.calls.replayed} and paid for ${g.calls.paid}` : ""),
    );
  }
  for (const f of s.finals) {
    const value = f.mean === null ? "no finished run" : `${f.mean.toFixed(3)} ± ${(f.se ?? 0).toFixed(3)}`;
    lines.push(
      `final env return, ${f.reward.padEnd(9)} ${value} (mean ± SE over ${f.n} seed(s), ${f.frames?.toLocaleString("en-US") ?? "?"} frames)` +
        (f.success
          ? `; success ${f.success.mean.toFixed(3)} ± ${f.success.std.toFixed(3)} (mean ± std)`
          : ""),
    );
  }
  const stages = s.stageSeconds;
  lines.push(
    `wall time ${duration(s.wallSeconds)} (generation ${duration(stages.generation)}, training ` +
      `${duration(stages.training)}, report ${duration(stages.report)}); summary: ${s.dir}/summary.json`,
  );
  if (s.status !== "done")
    lines.push("some training runs failed (see above); run the same command again to retry them");
  return lines;
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(0)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
