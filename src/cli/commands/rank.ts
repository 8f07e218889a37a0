/**
 * `vlmcar rank`: VLM-CaR's Fig. 4 experiment. Plays random, novice, sub-optimal and expert demonstrators,
 * pays each episode with a reward program as training would, and says whether the program ranks them in that
 * order and how its episode rewards correlate with the env's (Kendall's τ-b).
 *
 *   vlmcar rank --env Tabletop-put-block-in-bowl-seen-colors-v0 --program reference --out runs/rank/pbib
 *
 * Writes results.json, rank.svg and summary.txt under --out, and streams episodes.jsonl while it plays (an
 * interrupted run keeps the episodes it finished). Exit status 0 when the program's order is right, 1 when
 * not; with --json the last stdout line is the summary as one JSON object.
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { checkReward, RewardSettingError } from "../../experiments/reward-modes.ts";
import { loadRewardProgram, programHash } from "../../program/program.ts";
import { REWARD_MODES, type RewardMode } from "../../program/reward-wrapper.ts";
import {
  formatRanking,
  isRankPolicy,
  RANK_POLICIES,
  RankError,
  type RankPolicy,
  runRanking,
  writeRanking,
} from "../../rank/index.ts";
import { CommandOutput, checkWritableFolder, EXIT, UserError } from "../output.ts";
import { parseCount } from "./collect.ts";
import { checkEnv } from "./verify.ts";

interface RankCliOptions {
  env: string;
  program: string;
  episodes: string;
  policies: string;
  seed: string;
  rewardMode: string;
  gamma: string;
  progressScale: string;
  anyEnv?: boolean;
  out?: string;
  json?: boolean;
}

export function registerRank(program: Command): void {
  program
    .command("rank")
    .description(
      "rank random, novice, sub-optimal and expert demonstrators with a reward program (VLM-CaR Fig. 4)",
    )
    .requiredOption("--env <id>", "env id, e.g. Tabletop-put-block-in-bowl-seen-colors-v0")
    .requiredOption("--program <file>", 'RewardProgram JSON file, or "reference" for the hand-written one')
    .option("--episodes <n>", "episodes per policy", "20")
    .option(
      "--policies <list>",
      "comma-separated, any of random,novice,suboptimal,expert",
      RANK_POLICIES.join(","),
    )
    .option("--seed <n>", "episode i of every policy plays env seed S + i", "0")
    .option(
      "--reward-mode <mode>",
      'how the wrapper pays: "code" (the program alone, goal bonus 1) or "code+env" (bonuses and shaping; the env reward is left out of the program reward)',
      "code",
    )
    .option("--gamma <g>", "discount of the potential-based shaping (the learner's)", "0.99")
    .option("--progress-scale <s>", "scale of the progress terms' potential (0: off)", "1")
    .option("--any-env", "rank with a program written for another env id")
    .option(
      "--out <dir>",
      "where to write results.json, rank.svg, summary.txt (default runs/rank/<env>-<hash>)",
    )
    .option("--json", "end with one JSON line: per-policy means, order verdicts and tau")
    .action(async (opts: RankCliOptions) => {
      const out = new CommandOutput(opts);
      checkEnv(opts.env);
      const policies = parsePolicies(opts.policies);
      const episodes = parseCount(opts.episodes, "--episodes");
      if (episodes < 1) throw new UserError("--episodes must be at least 1");
      const seed = parseCount(opts.seed, "--seed");
      const rewardMode = parseMode(opts.rewardMode);
      const gamma = parseNumber(opts.gamma, "--gamma", 0, 1);
      const progressScale = parseNumber(opts.progressScale, "--progress-scale", 0, Number.POSITIVE_INFINITY);

      // A program for another env is refused before it is tried (trying it would fail less clearly).
      const writtenFor = writtenForOf(opts.program);
      if (writtenFor && writtenFor !== opts.env && !opts.anyEnv) {
        throw new UserError(
          `${opts.program} was written for ${writtenFor}, not ${opts.env}; rank it on ${writtenFor}, or pass --any-env to rank it here anyway`,
        );
      }
      let checked: Awaited<ReturnType<typeof checkReward>>;
      try {
        checked = await checkReward(
          opts.env,
          opts.program === "reference" ? { kind: "reference" } : { kind: "vlmcar", program: opts.program },
        );
      } catch (error) {
        if (error instanceof RewardSettingError) throw new UserError(error.message);
        throw error;
      }
      const program = checked.program;
      if (program === null) throw new UserError("rank needs a reward program");
      for (const w of checked.warnings) out.say(`warning: ${w}`);

      const dir = resolve(
        opts.out ?? join("runs", "rank", `${opts.env}-${programHash(program).slice(0, 12)}`),
      );
      checkWritableFolder(dir);
      mkdirSync(dir, { recursive: true });
      const stream = join(dir, "episodes.jsonl");
      writeFileSync(stream, "");
      out.say(
        `ranking ${policies.join(", ")} on ${opts.env}: ${episodes} episodes each, seeds ${seed}-${seed + episodes - 1}`,
      );
      let result: ReturnType<typeof runRanking>;
      try {
        result = runRanking({
          envId: opts.env,
          program,
          episodes,
          policies,
          seed,
          rewardMode,
          gamma,
          progressScale,
          onEpisode: (e) => {
            appendFileSync(stream, `${JSON.stringify(e)}\n`);
            out.say(
              `  ${e.policy} seed ${e.seed}: program ${e.programReward.toFixed(3)}, env ${e.envReward.toFixed(3)}, ${e.steps} steps, ${e.seconds.toFixed(1)} s`,
            );
          },
        });
      } catch (error) {
        if (error instanceof RankError) throw new UserError(error.message);
        throw error;
      }
      const paths = writeRanking(dir, result);
      for (const line of formatRanking(result).trimEnd().split("\n")) out.say(line);
      out.say(`wrote ${paths.results}, ${paths.plot}, ${paths.summary} and ${stream}`);
      out.result({
        envId: result.envId,
        programHash: result.program.hash,
        policies: result.policies.map((p) => ({
          policy: p.policy,
          program: p.program,
          env: p.env,
          successes: p.successes,
          episodes: p.episodes,
        })),
        orderCorrect: result.order.program.strict,
        envOrderCorrect: result.order.env.strict,
        kendallTau: result.kendall.tau,
        checkErrorSteps: result.checkErrors.steps,
        seconds: result.seconds,
        out: dir,
        results: paths.results,
        plot: paths.plot,
      });
      if (!result.order.program.strict) process.exitCode = EXIT.failed;
    });
}

/**
 * The env id a program file says it was written for; null for the reference program (written for a family of
 * ids) and for an unreadable file (checkReward then says why).
 */
function writtenForOf(file: string): string | null {
  if (file === "reference") return null;
  try {
    return loadRewardProgram(file).task.envId ?? null;
  } catch {
    return null;
  }
}

function parsePolicies(text: string): RankPolicy[] {
  const names = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (names.length === 0)
    throw new UserError(`--policies is empty; name some of ${RANK_POLICIES.join(", ")}`);
  for (const name of names) {
    if (!isRankPolicy(name)) {
      throw new UserError(`--policies: unknown policy "${name}"; use ${RANK_POLICIES.join(", ")}`);
    }
  }
  return names as RankPolicy[];
}

function parseMode(text: string): RewardMode {
  if (text === "sparse" || !(REWARD_MODES as readonly string[]).includes(text)) {
    throw new UserError(`--reward-mode must be "code" or "code+env", got "${text}"`);
  }
  return text as RewardMode;
}

function parseNumber(text: string, option: string, lo: number, hi: number): number {
  const x = Number(text);
  if (text.trim() === "" || !Number.isFinite(x) || x < lo || x > hi) {
    throw new UserError(
      `${option} must be a number in [${lo}, ${hi === Number.POSITIVE_INFINITY ? "∞" : hi}], got "${text}"`,
    );
  }
  return x;
}
