/**
 * `vlmcar verify`: runs a reward program on expert and random trajectories and judges it.
 *
 *   vlmcar verify --env MiniGrid-Unlock-v0 --program program.json --out runs/verify/unlock
 *
 * Prints the summary, writes report.json, summary.txt and the feedback PNGs under --out. Exit status 0 when
 * the program is accepted, 1 when rejected; with --json the last stdout line is the verdict and the per-check
 * rates as one JSON object.
 */
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { EnvError } from "../../env/core.ts";
import { envSpec } from "../../env/registry.ts";
import {
  loadRewardProgram,
  ProgramValidationError,
  programHash,
  type RewardProgram,
} from "../../program/program.ts";
import { REFERENCE_PROGRAMS, referenceFor } from "../../program/reference/index.ts";
import { loadTrajectories, TrajectoryError } from "../../trajectories/index.ts";
import {
  formatSummary,
  RenderConflictError,
  verdictJson,
  verificationRender,
  verifyProgram,
  writeVerification,
} from "../../verify/index.ts";
import { CommandOutput, checkWritableFolder, EXIT, UserError } from "../output.ts";
import { parseCount } from "./collect.ts";

interface VerifyCliOptions {
  env: string;
  program: string;
  experts: string;
  random: string;
  seed: string;
  expertSet?: string;
  randomSet?: string;
  out?: string;
  json?: boolean;
}

export function registerVerify(program: Command): void {
  program
    .command("verify")
    .description(
      "judge a reward program on expert and random trajectories; write a report and feedback frames",
    )
    .requiredOption("--env <id>", "env id, e.g. MiniGrid-Unlock-v0")
    .requiredOption("--program <file>", 'RewardProgram JSON file, or "reference" for the hand-written one')
    .option("--experts <n>", "expert trajectories", "20")
    .option("--random <n>", "random trajectories", "100")
    .option("--seed <n>", "episode i of each group plays seed S + i", "0")
    .option("--expert-set <dir>", "use saved expert trajectories (from vlmcar collect) instead of collecting")
    .option("--random-set <dir>", "use saved random trajectories instead of collecting")
    .option(
      "--out <dir>",
      "where to write report.json, summary.txt and feedback/ (default runs/verify/<env>-<hash>)",
    )
    .option("--json", "end with one JSON line: the verdict and per-check rates")
    .action((opts: VerifyCliOptions) => {
      const out = new CommandOutput(opts);
      checkEnv(opts.env);
      const program = readProgram(opts.program, opts.env);
      const dir = resolve(
        opts.out ?? join("runs", "verify", `${opts.env}-${programHash(program).slice(0, 12)}`),
      );
      checkWritableFolder(dir);
      const writtenFor = program.task.envId;
      if (writtenFor && writtenFor !== opts.env)
        out.say(
          `warning: ${opts.program} was written for ${writtenFor}, and is verified here on ${opts.env}`,
        );
      const options = {
        envId: opts.env,
        experts: opts.expertSet ? readSet(opts.expertSet) : parseCount(opts.experts, "--experts"),
        random: opts.randomSet ? readSet(opts.randomSet) : parseCount(opts.random, "--random"),
        seed: parseCount(opts.seed, "--seed"),
      };
      // A program with a render spec is judged on its own frames; saved sets rendered otherwise are refused.
      try {
        verificationRender(program, options);
      } catch (error) {
        if (error instanceof RenderConflictError) throw new UserError(`${opts.program}: ${error.message}`);
        throw error;
      }
      const verification = verifyProgram(program, options);
      const paths = writeVerification(dir, verification);
      for (const line of formatSummary(verification.report).trimEnd().split("\n")) out.say(line);
      out.say(`wrote ${paths.report}, ${paths.summary} and ${paths.feedback.length} feedback frames`);
      out.result(
        verdictJson(verification.report, { out: dir, report: paths.report, summary: paths.summary }),
      );
      if (!verification.report.verdict.accepted) process.exitCode = EXIT.failed;
    });
}

/** A UserError naming the id (and what exists) when no env is registered under it. */
export function checkEnv(id: string): void {
  try {
    envSpec(id);
  } catch (error) {
    if (error instanceof EnvError) throw new UserError(error.message);
    throw error;
  }
}

function readProgram(file: string, envId: string): RewardProgram {
  if (file === "reference") {
    const program = referenceFor(envId);
    if (program === null) {
      throw new UserError(
        `no hand-written reference program for ${envId}; they exist for ` +
          `${REFERENCE_PROGRAMS.map((r) => r.family).join(", ")}. Pass a program file instead`,
      );
    }
    return program;
  }
  try {
    return loadRewardProgram(file);
  } catch (error) {
    if (error instanceof ProgramValidationError) {
      throw new UserError(
        `${file} is not a valid reward program:\n${error.problems.map((p) => `  - ${p}`).join("\n")}`,
      );
    }
    throw error;
  }
}

function readSet(dir: string) {
  try {
    return loadTrajectories(dir);
  } catch (error) {
    if (error instanceof TrajectoryError) throw new UserError(error.message);
    throw error;
  }
}
