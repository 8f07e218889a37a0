/**
 * The main job: every stage of VLM-CaR in one call, into one folder a person can open.
 *
 *   1. generation  a reward program for the env: replayed from the zoo's recorded transcript (no key, no
 *                  network), or asked live from `vlm`; generateProgram verifies it on expert and random
 *                  trajectories as part of generating it
 *   2. training    PPO, sparse vs vlmcar (the generated program, code + env), seeds × rewards on both cores
 *   3. report      learning curves and the HTML report
 *
 *   <out>/job.json        what the job was asked to do; a resume must ask the same
 *   <out>/generation/     the generation folder (zoo/README.md's layout)
 *   <out>/experiment/     the experiment folder (spec.json, results.sqlite, runs/<run id>/)
 *   <out>/report/         index.html, curves/, report.json
 *   <out>/summary.json    the key numbers, written last
 *
 * Running it again on the same folder resumes: a finished generation is reused (an unfinished one goes on
 * from its transcript), finished training runs are skipped and unfinished ones resume from their checkpoints.
 *
 *   const summary = await runMainJob({ out: "runs/main/try1", log: console.log });
 *   console.log(summary.report.html, summary.finals);
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { EnvError } from "../env/core.ts";
import { envSpec } from "../env/registry.ts";
import "../env/minigrid/index.ts";
import { errorSummary } from "../experiments/progress.ts";
import { referenceProgramFor } from "../experiments/reward-modes.ts";
import type { EvalSummary } from "../experiments/run.ts";
import { type ExperimentSummary, type RunnerEvent, runExperiment } from "../experiments/runner.ts";
import { parseExperimentSpec, SpecError } from "../experiments/spec.ts";
import { ResultsStore } from "../experiments/store.ts";
import { type CodeVersion, codeVersion } from "../experiments/version.ts";
import {
  GenerateError,
  type GenerateOptions,
  type GenerationSummary,
  generateProgram,
  manualDirFor,
  transcriptPath,
} from "../generate/generate.ts";
import { SceneError } from "../generate/scene.ts";
import { loadRewardProgram, programHash } from "../program/program.ts";
import { type GenerationCost, generationCost } from "../report/cost.ts";
import type { FinalRow } from "../report/curves.ts";
import { writeReport } from "../report/report.ts";
import type { VerificationReport } from "../verify/report.ts";
import { createVlmClient } from "../vlm/client.ts";
import { VlmError } from "../vlm/errors.ts";
import { createProvider } from "../vlm/providers/index.ts";
import { readTranscript } from "../vlm/transcript.ts";
import { listZoo, ZOO_DIR, type ZooEntry, ZooError, zooEntryFor } from "./zoo.ts";

export const MAIN_JOB_FORMAT = "vlmcar.main-job/1";

export const MAIN_JOB_REWARDS = ["sparse", "vlmcar", "reference"] as const;
export type MainJobReward = (typeof MAIN_JOB_REWARDS)[number];

/**
 * The default budget, chosen so that `npm start` finishes in a few minutes on a loaded 2-core machine.
 * With PPO's defaults (16 envs × 128 steps = 2,048 frames per update) one core trains about 2,000 frames/s
 * on the sparse reward and about 800 with the program (every step renders a 192x192 frame and runs the
 * checks in the sandbox). 40,960 frames (20 updates) is where, on DoorKey-6x6, vlmcar has usually learned
 * the task (a return near 0.9) while sparse has mostly not found the goal yet: the paper's claim is visible
 * in the curves. Two seeds give a mean and a standard error; the four runs take two lanes of about 70 s
 * each on an idle machine. Evaluation every 8,192 frames (4 updates, 5 episodes) draws 5 points per curve
 * at little cost; a checkpoint every 5 updates means a killed run loses at most 10,240 frames.
 */
export const MAIN_JOB_DEFAULTS = {
  envId: "MiniGrid-DoorKey-6x6-v0",
  frames: 40_960,
  seeds: [0, 1],
  rewards: ["sparse", "vlmcar"] as MainJobReward[],
  workers: 2,
  evaluation: { every: 8_192, episodes: 5, finalEpisodes: 20 },
  checkpointEvery: 5,
} as const;

export type MainJobStage = "generation" | "training" | "report";

export interface MainJobOptions {
  /** Default MiniGrid-DoorKey-6x6-v0. */
  envId?: string;
  /** `provider:model` to generate live; absent: replay the zoo's recording of the env. */
  vlm?: string;
  frames?: number;
  seeds?: readonly number[];
  rewards?: readonly MainJobReward[];
  /** Training runs at a time (one process, one core each). */
  workers?: number;
  /** Evaluate every this many frames (0: only the final evaluation). */
  evalEvery?: number;
  /** The job folder; default runs/main/<timestamp>. An existing job folder is resumed. */
  out?: string;
  /**
   * Verification overrides for generation (default: the recording's settings when replaying, which a replay
   * needs whenever refinement rounds are in the transcript, since refine prompts quote these counts).
   */
  experts?: number;
  random?: number;
  maxRounds?: number;
  /** Dollars live generation may spend (default VLMCAR_BUDGET_USD). */
  budgetUsd?: number;
  /** Where recordings are looked up (default the repository's zoo/). */
  zooDir?: string;
  /** Stage-by-stage progress lines. */
  log?: (line: string) => void;
  /**
   * Called as each stage starts (before its first log line) and ends (before its closing lines), e.g. to
   * start and stop a progress display.
   */
  onStage?: (stage: MainJobStage, phase: "start" | "end") => void;
  /** Training progress (runner events), e.g. experiments/progress.ts's view. */
  onTrainingEvent?: (event: RunnerEvent) => void;
  /** Verification progress bars during generation (default false). */
  progress?: boolean | "auto";
}

/** Raised for a job that cannot start or go on; the message says what to change. */
export class MainJobError extends Error {
  override name = "MainJobError";
}

/** job.json: what the job does. A resumed job must be the same job (else its results would mix). */
export interface JobRecord {
  format: typeof MAIN_JOB_FORMAT;
  env: string;
  vlm: string | null;
  frames: number;
  seeds: number[];
  rewards: MainJobReward[];
  evaluation: { every: number; episodes: number; finalEpisodes: number };
  checkpointEvery: number;
  generation: { experts?: number; random?: number; maxRounds?: number };
}

export interface RunSummary {
  runId: string;
  reward: string;
  seed: number;
  status: string;
  frames: number;
  programHash: string | null;
  codeVersion: CodeVersion;
  finalEval: EvalSummary | null;
  wallSeconds: number | null;
  dir: string;
  config: unknown;
}

export interface MainJobSummary {
  format: typeof MAIN_JOB_FORMAT;
  /** "done", or "incomplete" when some training run failed (running the job again retries it). */
  status: "done" | "incomplete";
  dir: string;
  job: JobRecord;
  resumed: boolean;
  codeVersion: CodeVersion;
  generation: {
    dir: string;
    vlm: string;
    verdict: GenerationSummary["verdict"];
    rounds: number;
    program: string;
    programHash: string;
    /** When replaying the zoo: the recorded program's hash and whether the replay reproduced it. */
    zoo: { dir: string; programHash: string; matches: boolean } | null;
    verification: { expertsCompleted: number; experts: number; randomReachedGoal: number; random: number };
    /** This run's calls: answered by the network, by the transcript, or replayed. */
    calls: GenerationSummary["calls"];
    /** The calls that wrote the program, wherever they were answered (for a replay: the recording's). */
    cost: GenerationCost & { transcript: string };
    wallSeconds: number;
  } | null;
  experiment: { id: string; dir: string; db: string; runs: number; trained: number; skipped: number };
  runs: RunSummary[];
  /**
   * Final env return per reward: mean ± standard error over seeds; for envs that report success (panda-gym)
   * also the final success rate, mean ± standard deviation over seeds.
   */
  finals: {
    reward: string;
    n: number;
    mean: number | null;
    se: number | null;
    frames: number | null;
    success?: { mean: number; std: number };
  }[];
  report: { html: string; json: string; curves: Record<string, string> };
  /** Wall time of this call and of each stage, in seconds. */
  wallSeconds: number;
  stageSeconds: { generation: number; training: number; report: number };
  finishedAt: string;
}

export const JOB_FILES = {
  job: "job.json",
  generation: "generation",
  experiment: "experiment",
  report: "report",
  summary: "summary.json",
} as const;

export async function runMainJob(options: MainJobOptions = {}): Promise<MainJobSummary> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const job = jobRecord(options);
  const dir = resolve(options.out ?? join("runs", "main", new Date().toISOString().replace(/[:.]/g, "-")));
  checkJobInputs(job, options);
  const resumed = claimJobFolder(dir, job);
  log(`${resumed ? "resuming" : "starting"} the main job in ${dir}`);
  if (!resumed) log(`  (if it stops, run the same command with --out ${displayPath(dir)} to resume)`);

  // 1. generation
  const t1 = performance.now();
  options.onStage?.("generation", "start");
  const generation = job.rewards.includes("vlmcar") ? await generationStage(dir, job, options, log) : null;
  if (!generation) log("[1/3] generation: skipped (no vlmcar reward asked for)");
  options.onStage?.("generation", "end");
  const generationSeconds = (performance.now() - t1) / 1000;

  // 2. training
  const t2 = performance.now();
  options.onStage?.("training", "start");
  const experimentDir = join(dir, JOB_FILES.experiment);
  const spec = experimentSpec({
    name: "main",
    envs: [job.env],
    rewards: job.rewards.map((kind) =>
      kind === "vlmcar" ? { kind, programs: { [job.env]: generation?.program as string } } : kind,
    ),
    seeds: job.seeds,
    frames: job.frames,
    evaluation: job.evaluation,
    checkpointEvery: job.checkpointEvery,
  });
  const runCount = job.rewards.length * job.seeds.length;
  const workers = Math.max(1, options.workers ?? MAIN_JOB_DEFAULTS.workers);
  log(
    `[2/3] training: ${job.rewards.join(" vs ")} × seeds ${job.seeds.join(",")} = ${runCount} run${runCount === 1 ? "" : "s"} of ` +
      `${job.frames.toLocaleString("en-US")} frames, ${Math.min(workers, runCount)} at a time`,
  );
  const experiment: ExperimentSummary = await runExperiment(spec, {
    dir: experimentDir,
    workers,
    onEvent: options.onTrainingEvent,
  });
  options.onStage?.("training", "end");
  log(
    `  ${experiment.done} trained, ${experiment.skipped} finished earlier, ${experiment.failed.length} failed ` +
      `(${experiment.wallSeconds.toFixed(0)} s)`,
  );
  for (const f of experiment.failed) log(`  failed: ${f.runId}: ${errorSummary(f.error)}`);
  const trainingSeconds = (performance.now() - t2) / 1000;

  // 3. report
  const t3 = performance.now();
  options.onStage?.("report", "start");
  log("[3/3] report: curves, programs, cost");
  const report = await writeReport({ db: experiment.db, out: join(dir, JOB_FILES.report) });
  options.onStage?.("report", "end");
  const reportSeconds = (performance.now() - t3) / 1000;

  const summary: MainJobSummary = {
    format: MAIN_JOB_FORMAT,
    status: experiment.failed.length > 0 ? "incomplete" : "done",
    dir,
    job,
    resumed,
    codeVersion: codeVersion(),
    generation,
    experiment: {
      id: experiment.experimentId,
      dir: experiment.dir,
      db: experiment.db,
      runs: experiment.runs,
      trained: experiment.done,
      skipped: experiment.skipped,
    },
    runs: runSummaries(experiment),
    finals: report.finals.map((row: FinalRow) => ({
      reward: row.reward,
      n: row.n,
      mean: row.mean,
      se: row.se,
      frames: row.frames,
      ...(row.success ? { success: { mean: row.success.mean, std: row.success.std } } : {}),
    })),
    report: { html: report.html, json: report.json, curves: report.curves },
    wallSeconds: (performance.now() - started) / 1000,
    stageSeconds: { generation: generationSeconds, training: trainingSeconds, report: reportSeconds },
    finishedAt: new Date().toISOString(),
  };
  writeFileSync(join(dir, JOB_FILES.summary), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

function experimentSpec(input: unknown) {
  try {
    return parseExperimentSpec(input, "main job");
  } catch (error) {
    if (error instanceof SpecError) throw new MainJobError(error.message);
    throw error;
  }
}

function jobRecord(options: MainJobOptions): JobRecord {
  const d = MAIN_JOB_DEFAULTS;
  const seeds = [...(options.seeds ?? d.seeds)];
  const rewards = [...(options.rewards ?? d.rewards)];
  const frames = options.frames ?? d.frames;
  const evalEvery = options.evalEvery ?? d.evaluation.every;
  const problems: string[] = [];
  if (!Number.isSafeInteger(frames) || frames < 1)
    problems.push(`frames must be a whole number ≥ 1, got ${frames}`);
  if (!Number.isSafeInteger(evalEvery) || evalEvery < 0)
    problems.push(`the evaluation interval must be a whole number ≥ 0, got ${evalEvery}`);
  if (seeds.length === 0 || seeds.some((s) => !Number.isSafeInteger(s) || s < 0))
    problems.push(`seeds must be whole numbers ≥ 0, got ${seeds.join(",") || "none"}`);
  if (new Set(seeds).size !== seeds.length) problems.push(`seeds repeat: ${seeds.join(",")}`);
  if (rewards.length === 0) problems.push("list at least one reward");
  for (const r of rewards) {
    if (!(MAIN_JOB_REWARDS as readonly string[]).includes(r))
      problems.push(`unknown reward "${r}"; use ${MAIN_JOB_REWARDS.join(", ")}`);
  }
  if (new Set(rewards).size !== rewards.length) problems.push(`rewards repeat: ${rewards.join(",")}`);
  if (problems.length) throw new MainJobError(problems.join("; "));
  const generation = {
    ...(options.experts === undefined ? {} : { experts: options.experts }),
    ...(options.random === undefined ? {} : { random: options.random }),
    ...(options.maxRounds === undefined ? {} : { maxRounds: options.maxRounds }),
  };
  return {
    format: MAIN_JOB_FORMAT,
    env: options.envId ?? d.envId,
    vlm: options.vlm ?? null,
    frames,
    seeds,
    rewards,
    evaluation: { ...d.evaluation, every: evalEvery },
    checkpointEvery: d.checkpointEvery,
    generation,
  };
}

/** Everything that can be checked before the first stage starts, so a bad flag fails in a second, not later. */
function checkJobInputs(job: JobRecord, options: MainJobOptions): void {
  try {
    envSpec(job.env);
  } catch (error) {
    if (error instanceof EnvError) throw new MainJobError(error.message);
    throw error;
  }
  if (job.rewards.includes("vlmcar") && job.vlm === null) {
    try {
      zooEntryFor(job.env, options.zooDir ?? ZOO_DIR);
    } catch (error) {
      if (error instanceof ZooError) throw new MainJobError(error.message);
      throw error;
    }
  }
  if (job.vlm !== null) {
    try {
      createProvider(job.vlm); // a bad spec or a missing key fails here, before the folder is made
    } catch (error) {
      if (error instanceof VlmError) throw new MainJobError(error.message);
      throw error;
    }
  }
  if (job.rewards.includes("reference")) {
    try {
      referenceProgramFor(job.env);
    } catch (error) {
      throw new MainJobError((error as Error).message);
    }
  }
}

/** Writes job.json in a new folder; in an existing one, checks that it holds this same job. */
function claimJobFolder(dir: string, job: JobRecord): boolean {
  const path = join(dir, JOB_FILES.job);
  if (existsSync(path)) {
    const earlier = JSON.parse(readFileSync(path, "utf8")) as JobRecord;
    const changed = (Object.keys(job) as (keyof JobRecord)[]).filter(
      (k) => JSON.stringify(earlier[k]) !== JSON.stringify(job[k]),
    );
    if (changed.length > 0) {
      const what = changed
        .map((k) => `${k}: ${JSON.stringify(earlier[k])} then, ${JSON.stringify(job[k])} now`)
        .join("; ");
      throw new MainJobError(
        `${dir} holds a main job with other settings (${what}); run the same command to resume it, or choose another --out`,
      );
    }
    return true;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, `${JSON.stringify(job, null, 2)}\n`);
  return false;
}

type GenerationStage = NonNullable<MainJobSummary["generation"]>;

async function generationStage(
  dir: string,
  job: JobRecord,
  options: MainJobOptions,
  log: (line: string) => void,
): Promise<GenerationStage> {
  const genDir = join(dir, JOB_FILES.generation);
  const zooDir = options.zooDir ?? ZOO_DIR;
  const zoo = job.vlm === null ? zooEntryFor(job.env, zooDir) : replayedZooEntry(job.vlm, job.env, zooDir);
  const vlmSpec = job.vlm ?? `replay:${displayPath(zoo?.transcript as string)}`;

  let summary = finishedGeneration(genDir);
  if (summary) {
    log(`[1/3] generation: finished earlier in ${genDir} (${summary.verdict})`);
  } else {
    log(
      vlmSpec.startsWith("replay:")
        ? `[1/3] generation: replaying the recorded transcript ${vlmSpec.slice("replay:".length)} (no network)`
        : `[1/3] generation: asking ${job.vlm} (live)`,
    );
    // A replay asks exactly what the recording asked: same task text, seed and verification settings.
    const recorded: Partial<GenerateOptions> = zoo
      ? {
          task: zoo.task.task,
          // The frames the recording was shown: a Panda recording's differ from today's default frames.
          render: zoo.task.render,
          seed: zoo.task.settings.seed ?? zoo.task.seed,
          maxRounds: zoo.task.settings.maxRounds,
          experts: zoo.task.settings.experts,
          random: zoo.task.settings.random,
          maxRepairs: zoo.task.settings.maxRepairs,
          restartAfter: zoo.task.settings.restartAfter,
          temperature: zoo.task.settings.temperature,
          maxTokens: zoo.task.settings.maxTokens,
        }
      : {};
    let vlm: ReturnType<typeof createVlmClient>;
    try {
      vlm = createVlmClient(vlmSpec, {
        transcript: transcriptPath(genDir),
        budgetUsd: options.budgetUsd,
        defaultManualDir: manualDirFor(genDir),
      });
    } catch (error) {
      if (error instanceof VlmError) throw new MainJobError(error.message);
      throw error;
    }
    try {
      const result = await generateProgram({
        ...withoutUndefined(recorded),
        ...job.generation,
        envId: job.env,
        vlm,
        vlmSpec,
        outDir: genDir,
        log: (line) => log(`  ${line}`),
        progress: options.progress ?? false,
      });
      summary = result.summary;
    } catch (error) {
      if (error instanceof GenerateError || error instanceof SceneError)
        throw new MainJobError(error.message);
      throw error;
    }
  }

  if (summary.verdict !== "accepted") {
    const why = summary.error
      ? `it stopped: ${summary.error}`
      : `verification rejected it ${summary.rounds.length} time(s)`;
    const overridden =
      zoo && Object.keys(job.generation).length > 0
        ? " This replay verified with other settings than the recording (--experts, --random), so its verdicts, and the requests that follow them, can differ from the recording's; leave them out to replay it as recorded."
        : "";
    throw new MainJobError(
      `generation for ${job.env} ended ${summary.verdict} (${why}); see ${join(genDir, "summary.json")}.${overridden} ` +
        "No unverified program is trained: run the same command again to resume, or choose another --vlm",
    );
  }
  const programFile = join(genDir, "program.json");
  const hash = programHash(loadRewardProgram(programFile));
  let zooCheck: GenerationStage["zoo"] = null;
  if (zoo) {
    zooCheck = { dir: zoo.dir, programHash: zoo.programHash, matches: hash === zoo.programHash };
    log(
      zooCheck.matches
        ? `  replayed program ${hash.slice(0, 12)} = the zoo's program (same hash)`
        : `  WARNING: the replayed program ${hash.slice(0, 12)} differs from the zoo's ${zoo.programHash.slice(0, 12)}: ` +
            "the code that turns replies into a program changed since the recording",
    );
  }
  const lastRound = summary.rounds.findLast((r) => r.verification);
  const verification = lastRound?.verification
    ? (JSON.parse(readFileSync(join(genDir, lastRound.verification), "utf8")) as VerificationReport)
    : null;
  // The calls that wrote the program: for a replay they were answered when the zoo was recorded.
  const answered = zoo?.transcript ?? transcriptPath(genDir);
  return {
    dir: genDir,
    vlm: summary.vlm,
    verdict: summary.verdict,
    rounds: summary.rounds.length,
    program: programFile,
    programHash: hash,
    zoo: zooCheck,
    verification: {
      expertsCompleted: verification?.experts.completed ?? 0,
      experts: verification?.experts.count ?? 0,
      randomReachedGoal: verification?.random.goalReached ?? 0,
      random: verification?.random.count ?? 0,
    },
    calls: summary.calls,
    cost: { ...generationCost(readTranscript(answered)), transcript: answered },
    wallSeconds: summary.totalWallSeconds,
  };
}

/** The zoo entry of `envId` when `vlm` replays exactly its transcript (so the hashes can be compared). */
function replayedZooEntry(vlm: string, envId: string, zooDir: string): ZooEntry | null {
  if (!vlm.startsWith("replay:")) return null;
  const entry = listZoo(zooDir).find((e) => e.envId === envId);
  return entry && resolve(vlm.slice("replay:".length)) === entry.transcript ? entry : null;
}

/** The summary of a generation that ran to its end (accepted or rejected) in `genDir`, else null. */
function finishedGeneration(genDir: string): GenerationSummary | null {
  const path = join(genDir, "summary.json");
  if (!existsSync(path) || !existsSync(join(genDir, "program.json"))) return null;
  const summary = JSON.parse(readFileSync(path, "utf8")) as GenerationSummary;
  const ended = summary.verdict === "accepted" || summary.verdict === "rejected";
  return ended && !summary.error ? summary : null;
}

function runSummaries(experiment: ExperimentSummary): RunSummary[] {
  const store = new ResultsStore(experiment.db, { readOnly: true });
  try {
    return store.runs({ experimentId: experiment.experimentId }).map((r) => ({
      runId: r.id,
      reward: r.reward,
      seed: r.seed,
      status: r.status,
      frames: r.final?.frames ?? r.frames,
      programHash: r.programHash,
      codeVersion: r.codeVersion,
      finalEval: r.final?.finalEval ?? null,
      wallSeconds: r.wallSeconds,
      dir: r.dir,
      config: r.config,
    }));
  } finally {
    store.close();
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A path relative to the current folder when it lies inside it (shorter lines), else absolute. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" || rel.startsWith("..") ? path : rel;
}
