import { join, resolve } from "node:path";
import type { Command } from "commander";
import { EnvError } from "../../env/core.ts";
import { envSpec } from "../../env/registry.ts";
import { successText } from "../../experiments/progress.ts";
import { parseRewardKind, type RewardSetting, RewardSettingError } from "../../experiments/reward-modes.ts";
import {
  DEFAULT_CHECKPOINT_EVERY,
  EVAL_DEFAULTS,
  executeRun,
  framesPerUpdate,
  plannedFrames,
  type RunConfig,
  RunFolderError,
  runId,
} from "../../experiments/run.ts";
import { RunLockedError } from "../../experiments/run-lock.ts";
import { onInterrupt } from "../interrupt.ts";
import { CommandOutput, checkWritableFolder, UserError } from "../output.ts";
import { parsePpoSettings, SETTINGS_HELP } from "../settings.ts";

interface TrainOptions {
  env: string;
  reward: string;
  program?: string;
  shaping?: string;
  frames: string;
  seed: string;
  out?: string;
  evalEvery: string;
  evalEpisodes: string;
  finalEpisodes: string;
  numEnvs?: string;
  set?: string[];
  checkpointEvery: string;
  json?: boolean;
}

export function registerTrain(program: Command): void {
  program
    .command("train")
    .description("train PPO on one env with a reward mode; evaluation always reports the env's own return")
    .requiredOption("--env <id>", "env id, e.g. MiniGrid-DoorKey-5x5-v0")
    .option(
      "--reward <mode>",
      "sparse | vlmcar | reference | dense-env (panda-gym's own dense reward, an oracle)",
      "sparse",
    )
    .option("--program <file>", "RewardProgram JSON (vlmcar; overrides the reference lookup)")
    .option(
      "--shaping <mode>",
      "code+env (env reward + sub-task bonuses, the default) | code (bonuses only); vlmcar and reference only",
    )
    .option("--frames <n>", "training frames", "100000")
    .option("--seed <n>", "seed", "0")
    .option("--out <dir>", "run folder (default runs/<run id>); an unfinished run there is resumed")
    .option(
      "--eval-every <frames>",
      "evaluate every this many frames (0: only at the end)",
      String(EVAL_DEFAULTS.every),
    )
    .option("--eval-episodes <n>", "episodes per evaluation", String(EVAL_DEFAULTS.episodes))
    .option("--final-episodes <n>", "episodes of the final evaluation", String(EVAL_DEFAULTS.finalEpisodes))
    .option(
      "--num-envs <n>",
      "parallel training envs (default 16 for discrete actions, 1 for Box actions); same as --set ppo.numEnvs=N",
    )
    .option("--set <key=value...>", SETTINGS_HELP)
    .option(
      "--checkpoint-every <updates>",
      "checkpoint every this many updates",
      String(DEFAULT_CHECKPOINT_EVERY),
    )
    .option("--json", "end with one JSON line")
    .action(async (opts: TrainOptions) => {
      const out = new CommandOutput(opts);
      const config = trainConfig(opts);
      checkEnvId(config.envId);
      const dir = resolve(opts.out ?? join("runs", runId(config)));
      checkWritableFolder(dir);
      const frames = plannedFrames(config);
      if (frames !== config.frames) {
        out.say(
          `note: --frames ${config.frames} is rounded up to ${frames} frames: PPO trains whole updates of ` +
            `${framesPerUpdate(config)} frames (envs × steps); the run records both`,
        );
      }
      const checkpointFrames = config.checkpointEvery * framesPerUpdate(config);
      onInterrupt(
        () =>
          `stopped. ${dir} keeps the run up to its last checkpoint (one every ${config.checkpointEvery} ` +
          `updates, ${checkpointFrames} frames); run the same command again to resume from there`,
      );
      const started = performance.now();
      let result: Awaited<ReturnType<typeof executeRun>>;
      try {
        result = await executeRun(config, dir, {
          onStart: ({ resumed, frames }) =>
            out.say(resumed ? `resuming ${dir} at ${frames} frames` : `training into ${dir}`),
          onEval: (e) =>
            out.say(
              `frames ${e.frames}: env return ${e.returnMean.toFixed(3)} ± ${e.returnStd.toFixed(3)}${successText(e.successRate)} (${e.returns.length} episodes)`,
            ),
          onWarning: (message) => out.say(`warning: ${message}`),
        });
      } catch (error) {
        if (
          error instanceof RangeError ||
          error instanceof RewardSettingError ||
          error instanceof RunFolderError ||
          error instanceof RunLockedError
        )
          throw new UserError(error.message);
        throw error;
      }
      const e = result.finalEval;
      out.say(
        `final: env return ${e.returnMean.toFixed(3)} ± ${e.returnStd.toFixed(3)}${successText(e.successRate)} over ${e.episodes} episodes, ` +
          `${result.frames} frames, ${result.wallSeconds.toFixed(1)} s`,
      );
      out.result({
        runId: result.runId,
        env: result.envId,
        reward: result.reward,
        seed: result.seed,
        frames: result.frames,
        finalEval: {
          returnMean: e.returnMean,
          returnStd: e.returnStd,
          episodes: e.episodes,
          ...(e.successRate === undefined ? {} : { successRate: e.successRate }),
        },
        wallSeconds: result.wallSeconds,
        sessionSeconds: (performance.now() - started) / 1000,
        programHash: result.programHash,
        runDir: dir,
      });
    });
}

function trainConfig(opts: TrainOptions): RunConfig {
  const reward: RewardSetting = { kind: parseKind(opts.reward) };
  if (opts.program) reward.program = resolve(opts.program);
  if (opts.shaping !== undefined) {
    if (opts.shaping !== "code+env" && opts.shaping !== "code")
      throw new UserError(`--shaping must be code+env or code, got "${opts.shaping}"`);
    if (reward.kind === "sparse") {
      throw new UserError(
        "--shaping applies to the vlmcar and reference rewards; the sparse reward pays the env's reward only",
      );
    }
    if (opts.shaping === "code") reward.shaping = "code";
  }
  const ppo = parsePpoSettings(opts.set ?? []);
  if (opts.numEnvs !== undefined) ppo.numEnvs = integer("--num-envs", opts.numEnvs, 1);
  return {
    envId: opts.env,
    reward,
    seed: integer("--seed", opts.seed, 0),
    frames: integer("--frames", opts.frames, 1),
    ppo,
    evaluation: {
      every: integer("--eval-every", opts.evalEvery, 0),
      episodes: integer("--eval-episodes", opts.evalEpisodes, 1),
      finalEpisodes: integer("--final-episodes", opts.finalEpisodes, 1),
      greedy: false,
    },
    checkpointEvery: integer("--checkpoint-every", opts.checkpointEvery, 1),
  };
}

function parseKind(text: string) {
  try {
    return parseRewardKind(text);
  } catch (error) {
    throw new UserError(`--reward: ${(error as Error).message}`);
  }
}

/** A whole number of at least `min` from a flag, or a UserError naming the flag. */
export function integer(flag: string, text: string, min: number): number {
  const value = Number(text.replaceAll("_", ""));
  if (!Number.isSafeInteger(value) || value < min)
    throw new UserError(`${flag} must be a whole number ≥ ${min}, got "${text}"`);
  return value;
}

/** An unknown env id, as a UserError with the registry's suggestions. */
export function checkEnvId(id: string): void {
  try {
    envSpec(id);
  } catch (error) {
    if (error instanceof EnvError) throw new UserError(error.message);
    throw error;
  }
}
