import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { GenerateError, generateProgram, manualDirFor, transcriptPath } from "../../generate/generate.ts";
import { SceneError } from "../../generate/scene.ts";
import { createVlmClient } from "../../vlm/client.ts";
import { VlmError } from "../../vlm/errors.ts";
import { TranscriptError } from "../../vlm/transcript.ts";
import { onInterrupt } from "../interrupt.ts";
import { CommandOutput, checkWritableFolder, EXIT, UserError } from "../output.ts";
import { renderOfProgram } from "./collect.ts";
import { checkEnvId } from "./train.ts";

interface GenerateCliOptions {
  env: string;
  task?: string;
  vlm: string;
  maxRounds: string;
  experts: string;
  random: string;
  seed: string;
  candidates: string;
  initialFrames: string;
  budget?: string;
  rejectTruncated?: boolean;
  rejectReversed?: boolean;
  out?: string;
  renderOf?: string;
  json?: boolean;
}

/**
 * `vlmcar generate`: asks a VLM for a reward program, verifies it and refines it, writing everything to a
 * generation folder. Running it again with the same --out resumes: paid calls are answered from the folder's
 * transcript, and the loop goes on from where it stopped.
 */
export function registerGenerate(program: Command): void {
  program
    .command("generate")
    .description(
      "ask a VLM for a reward program, verify it on expert and random trajectories, refine until it passes",
    )
    .requiredOption("--env <id>", "environment id, e.g. MiniGrid-DoorKey-6x6-v0")
    .option("--task <text>", "the task in words (default: the environment's mission)")
    .requiredOption(
      "--vlm <provider:model>",
      "openai:<model>, anthropic:<model>, gemini:<model>, manual:<model>, replay:<transcript.jsonl>",
    )
    .option("--max-rounds <n>", "verification rounds at most", "4")
    .option("--experts <n>", "expert trajectories per verification", "20")
    .option("--random <n>", "random trajectories per verification", "100")
    .option(
      "--seed <n>",
      "seed of the goal frame's expert episode and of the first verification episodes",
      "0",
    )
    .option(
      "--candidates <k>",
      "candidate checks asked per check; the best combination is kept (scored once per candidate)",
      "1",
    )
    .option("--initial-frames <n>", "initial frames of as many episodes shown in the first question", "3")
    .option(
      "--reject-truncated",
      "reject a program whose check fires in an expert trajectory cut just before its sub-task (always reported)",
    )
    .option(
      "--reject-reversed",
      "reject a program that expert trajectories played backwards complete (always reported)",
    )
    .option(
      "--render-of <program.json>",
      'generate on the frames a reward program reads (a file, or "reference"); default: the env\'s default frames',
    )
    .option("--budget <usd>", "dollars this generation may spend on VLM calls (default VLMCAR_BUDGET_USD)")
    .option(
      "--out <dir>",
      "generation folder (default runs/generate/<env>-<timestamp>); an existing one is resumed",
    )
    .option("--json", "end with one JSON line")
    .action(async (opts: GenerateCliOptions) => {
      const out = new CommandOutput(opts);
      checkEnvId(opts.env);
      const maxRounds = integer("--max-rounds", opts.maxRounds, 1);
      const experts = integer("--experts", opts.experts, 1);
      const random = integer("--random", opts.random, 0);
      const seed = integer("--seed", opts.seed, 0);
      const candidates = integer("--candidates", opts.candidates, 1);
      const initialFrames = integer("--initial-frames", opts.initialFrames, 1);
      const budgetUsd = opts.budget === undefined ? undefined : Number(opts.budget);
      if (budgetUsd !== undefined && !(budgetUsd >= 0))
        throw new UserError(`--budget must be a non-negative number of dollars, got ${opts.budget}`);
      const dir = resolve(
        opts.out ?? `runs/generate/${opts.env}-${new Date().toISOString().replace(/[:.]/g, "-")}`,
      );
      checkWritableFolder(dir);
      const resuming = existsSync(transcriptPath(dir));

      let vlm: ReturnType<typeof createVlmClient>;
      try {
        vlm = createVlmClient(opts.vlm, {
          transcript: transcriptPath(dir),
          budgetUsd,
          defaultManualDir: manualDirFor(dir),
        });
      } catch (error) {
        if (error instanceof VlmError || error instanceof TranscriptError) throw new UserError(error.message);
        throw error;
      }
      onInterrupt(
        () =>
          `stopped. ${dir} keeps the transcript of every VLM call made so far; run the same command ` +
          `(with --out ${dir}) to resume without paying for them again`,
      );
      out.say(
        `${resuming ? "resuming" : "generating"} a reward program for ${opts.env} with ${opts.vlm} in ${dir}`,
      );
      let result: Awaited<ReturnType<typeof generateProgram>>;
      try {
        result = await generateProgram({
          envId: opts.env,
          task: opts.task,
          vlm,
          vlmSpec: opts.vlm,
          outDir: dir,
          maxRounds,
          experts,
          random,
          seed,
          candidates,
          initialFrames,
          ...(opts.renderOf === undefined ? {} : { render: renderOfProgram(opts.renderOf, opts.env) }),
          ...(opts.rejectTruncated || opts.rejectReversed
            ? {
                criteria: {
                  ...(opts.rejectTruncated ? { rejectTruncatedFires: true } : {}),
                  ...(opts.rejectReversed ? { rejectReversedCompletion: true } : {}),
                },
              }
            : {}),
          log: (line) => out.say(line),
          progress: opts.json ? false : "auto",
        });
      } catch (error) {
        if (
          error instanceof GenerateError ||
          error instanceof SceneError ||
          error instanceof VlmError ||
          error instanceof TranscriptError
        )
          throw new UserError(error.message);
        throw error;
      }
      const { summary } = result;
      const money = `$${summary.costUsd.toFixed(4)}`;
      out.say(
        `${summary.verdict === "waiting" ? "no verdict yet (waiting)" : summary.verdict}${summary.programHash ? ` program ${summary.programHash.slice(0, 12)}` : ""} after ` +
          `${summary.rounds.length} round(s): ${summary.calls.total} calls (${summary.calls.paid} paid, ` +
          `${summary.calls.cached} from this folder's transcript, ${summary.calls.replayed} replayed from a recording), ` +
          `${summary.tokens.input + summary.tokens.output} tokens, ${money}`,
      );
      if (summary.verdict === "waiting") out.say(summary.error ?? "waiting for a manual reply");
      else if (summary.error) out.say(`stopped: ${summary.error}; run the same command again to resume`);
      if (result.program) out.say(`wrote ${resolve(dir, "program.json")}`);
      out.result({
        dir,
        verdict: summary.verdict,
        program: result.program ? resolve(dir, "program.json") : null,
        programHash: summary.programHash,
        summary: resolve(dir, "summary.json"),
        rounds: summary.rounds.length,
        calls: summary.calls,
        tokens: summary.tokens,
        costUsd: summary.costUsd,
        wallSeconds: summary.wallSeconds,
        ...(summary.error ? { error: summary.error } : {}),
      });
      if (summary.verdict !== "accepted") process.exitCode = EXIT.failed;
    });
}

function integer(flag: string, raw: string, min: number): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min)
    throw new UserError(`${flag} must be an integer >= ${min}, got ${raw}`);
  return value;
}
