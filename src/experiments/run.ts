/**
 * One training run: an env, a reward setting, a seed and a frame budget, trained with PPO into a run folder.
 *
 *   <run folder>/config.json     the RunConfig, plus the program hash and code version it started with
 *   <run folder>/metrics.jsonl   PPO's log: one line per update ("update": training statistics, on the reward
 *                                the agent is paid) and per evaluation ("eval": the env's own return)
 *   <run folder>/checkpoint.bin  PPO's checkpoint, every `checkpointEvery` updates and at the end
 *   <run folder>/final.json      written last: the final evaluation; its presence means "finished"
 *   <run folder>/metrics.csv, eval.csv, tb/events.out.tfevents.*   the same log for spreadsheets and
 *                                TensorBoard (run-logs.ts), rewritten from metrics.jsonl when a run resumes
 *
 * A run started again on the same folder continues: a finished run returns its final.json, an unfinished one
 * resumes from its checkpoint (PPO cuts the metrics log back to it, so nothing is logged twice).
 *
 * The env's action space picks the learner (algorithm.ts): the discrete PPO (`Ppo`) for Discrete actions, the
 * continuous PPO (`ContinuousPpo`, CleanRL's defaults: 1 env × 2048 steps) for Box actions (panda-gym).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import "../env/minigrid/index.ts";
import "../env/panda/index.ts";
import { type EnvFactory, type EvalStats, Ppo, type PpoConfig, type UpdateStats } from "../rl/ppo.ts";
import { type ContinuousEnvFactory, ContinuousPpo, type ContinuousPpoConfig } from "../rl/ppo-continuous.ts";
import { algorithmFor, inapplicablePpoSettings, ppoDefaultsFor } from "./algorithm.ts";
import { RewardComponentsMeter } from "./reward-components.ts";
import { checkReward, type RewardSetting, rewardLabel, trainingEnvs } from "./reward-modes.ts";
import { lockRunFolder } from "./run-lock.ts";
import { RunLogs } from "./run-logs.ts";
import { type CodeVersion, codeVersion } from "./version.ts";

/** When and how the true env return is measured. */
export interface EvalSettings {
  /** Evaluate every this many frames (at the first update boundary past it). 0: only the final evaluation. */
  every: number;
  /** Episodes per periodic evaluation. */
  episodes: number;
  /** Episodes of the final evaluation, reported by `vlmcar train` and in the report's table. */
  finalEpisodes: number;
  /** Act with the most likely action instead of sampling (rl-starter-files samples). */
  greedy: boolean;
}

/**
 * Defaults. The paper evaluates every 250 steps over 5 episodes; PPO evaluates at update boundaries (2,048
 * frames with the default 16 envs × 128 steps), so "every 250" means "after every update", which costs as
 * much as a third of training time while the policy is still bad (episodes run to the time limit, one env,
 * batch-1 forwards). Every 10,240 frames (5 updates) keeps curves smooth enough (about 10 points per 100k
 * frames, 100 per 1M) at a few percent of the time; pass `every: 250` for the paper's schedule.
 */
export const EVAL_DEFAULTS: EvalSettings = { every: 10_240, episodes: 5, finalEpisodes: 20, greedy: false };

/**
 * Checkpoint every 20 updates by default (40,960 frames with the default PPO config, a minute or two of
 * training). Not more often: saving a checkpoint restarts every training env's episode (Ppo.startEpisodes,
 * what makes resuming exact), so frequent checkpoints would cut long episodes before they can end.
 */
export const DEFAULT_CHECKPOINT_EVERY = 20;

/** PPO settings fixed by the run itself (seed, budget, evaluation, files). */
type SetByRun =
  | "seed"
  | "totalFrames"
  | "evalEvery"
  | "evalEpisodes"
  | "evalGreedy"
  | "checkpointPath"
  | "checkpointEvery"
  | "logPath";

/**
 * PPO settings a run may override: those of the discrete PPO and of the continuous one (which one trains
 * depends on the env's action space; a setting of the other is refused, see algorithm.ts).
 */
export type PpoOverrides = Partial<Omit<PpoConfig, SetByRun> & Omit<ContinuousPpoConfig, SetByRun>>;

export interface RunConfig {
  envId: string;
  reward: RewardSetting;
  seed: number;
  frames: number;
  ppo: PpoOverrides;
  evaluation: EvalSettings;
  /** Checkpoint every this many PPO updates (and always at the end). */
  checkpointEvery: number;
}

/** What config.json holds: the config and what the run was made with. */
export interface RunManifest {
  runId: string;
  config: RunConfig;
  /**
   * Every PPO setting the run trains with, defaults included (`config.ppo` holds only the overrides, and
   * the run id hashes `config` alone). Written once PPO is set up; absent in folders of older versions.
   */
  hyperparameters?: Hyperparameters;
  programHash: string | null;
  codeVersion: CodeVersion;
  createdAt: string;
}

export interface EvalSummary {
  frames: number;
  episodes: number;
  returnMean: number;
  returnStd: number;
  returns: number[];
  /** Share of the episodes that ended with `info.is_success` true; absent (or null) when the env never says. */
  successRate?: number | null;
}

/** final.json: the result of a finished run. */
export interface RunResult {
  runId: string;
  envId: string;
  reward: string;
  seed: number;
  frames: number;
  updates: number;
  /** Wall time of all sessions of this run, resumed ones included. */
  wallSeconds: number;
  /** The env's own return, `evaluation.finalEpisodes` episodes after training. */
  finalEval: EvalSummary;
  programHash: string | null;
  codeVersion: CodeVersion;
  finishedAt: string;
}

export const RUN_FILES = {
  config: "config.json",
  metrics: "metrics.jsonl",
  checkpoint: "checkpoint.bin",
  final: "final.json",
  time: "time.json",
} as const;

/** PPO's full configuration as a run records it: everything but the file paths of this machine. */
export type Hyperparameters =
  | Omit<PpoConfig, "checkpointPath" | "logPath">
  | Omit<ContinuousPpoConfig, "checkpointPath" | "logPath">;

export function hyperparameters(config: PpoConfig | ContinuousPpoConfig): Hyperparameters {
  const { checkpointPath: _checkpoint, logPath: _log, ...rest } = config;
  return rest;
}

/**
 * The frames a run trains: PPO stops at the first update boundary at or past `config.frames`, so the budget
 * is rounded up to whole updates of numEnvs × numSteps frames.
 */
export function plannedFrames(config: Pick<RunConfig, "envId" | "frames" | "ppo">): number {
  const perUpdate = framesPerUpdate(config);
  return Math.ceil(config.frames / perUpdate) * perUpdate;
}

/** numEnvs × numSteps of the PPO that trains the env (16 × 128 discrete, 1 × 2048 continuous by default). */
export function framesPerUpdate(config: Pick<RunConfig, "envId" | "ppo">): number {
  const defaults = ppoDefaultsFor(config.envId);
  return (config.ppo.numEnvs ?? defaults.numEnvs) * (config.ppo.numSteps ?? defaults.numSteps);
}

/** The run's PPO settings that its env's PPO does not have, as one RangeError (or nothing). */
export function checkPpoSettings(config: Pick<RunConfig, "envId" | "ppo">): void {
  const problems = inapplicablePpoSettings(config.envId, config.ppo);
  if (problems.length > 0) throw new RangeError(problems.join("; "));
}

/** A readable, stable id: env, reward, seed, and a hash of everything else in the config. */
export function runId(config: RunConfig): string {
  const hash = createHash("sha256").update(canonicalJson(config)).digest("hex").slice(0, 8);
  return `${config.envId}.${rewardLabel(config.reward)}.s${config.seed}.${hash}`;
}

/** JSON with object keys sorted, so equal configs serialise (and hash) alike. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

export interface RunHooks {
  onUpdate?: (stats: UpdateStats) => void;
  onEval?: (stats: EvalStats) => void;
  /** Called once, before training, with whether the run resumed from a checkpoint and at which frame. */
  onStart?: (info: { resumed: boolean; frames: number; manifest: RunManifest }) => void;
  /** Something worth telling the user that does not stop the run (e.g. a program written for another env). */
  onWarning?: (message: string) => void;
}

/** The run folder holds a different run: training there would mix two runs' files. */
export class RunFolderError extends Error {
  override name = "RunFolderError";
}

/** Writes a small file whole or not at all (a kill -9 mid-write must not leave half a JSON file). */
function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Reads final.json when the run folder holds a finished run. */
export function readRunResult(dir: string): RunResult | null {
  const path = join(dir, RUN_FILES.final);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as RunResult) : null;
}

/**
 * Trains (or finishes training) the run in `dir` and returns its result. A folder holding another config, or
 * the same config with a program file that changed since, is refused: it would mix two runs' metrics.
 */
export async function executeRun(config: RunConfig, dir: string, hooks: RunHooks = {}): Promise<RunResult> {
  const id = runId(config);
  const configPath = join(dir, RUN_FILES.config);
  const earlier = existsSync(configPath)
    ? (JSON.parse(readFileSync(configPath, "utf8")) as RunManifest)
    : null;
  const refuse = (what: string) =>
    new RunFolderError(
      `${dir} holds run ${earlier?.runId} (${what}), not ${id}; give this run another folder or delete that one`,
    );
  if (earlier && earlier.runId !== id) throw refuse("another config");
  const done = readRunResult(dir);
  if (done) return done;
  checkPpoSettings(config);
  // Every problem of the program surfaces here, before the folder is made.
  const reward = await checkReward(config.envId, config.reward);
  for (const warning of reward.warnings) hooks.onWarning?.(warning);
  mkdirSync(dir, { recursive: true });
  const unlock = await lockRunFolder(dir);
  try {
    return await trainLocked(config, dir, id, earlier, reward, hooks, refuse);
  } finally {
    unlock();
  }
}

async function trainLocked(
  config: RunConfig,
  dir: string,
  id: string,
  earlierSeen: RunManifest | null,
  reward: Awaited<ReturnType<typeof checkReward>>,
  hooks: RunHooks,
  refuse: (what: string) => RunFolderError,
): Promise<RunResult> {
  const configPath = join(dir, RUN_FILES.config);
  // Read again under the lock: the process that held it may have finished the run meanwhile.
  const done = readRunResult(dir);
  if (done) return done;
  const earlier = existsSync(configPath)
    ? (JSON.parse(readFileSync(configPath, "utf8")) as RunManifest)
    : earlierSeen;
  if (earlier && earlier.runId !== id) throw refuse("another config");
  let manifest: RunManifest;
  if (earlier) {
    if (earlier.programHash !== reward.programHash) {
      throw refuse(
        `program ${earlier.programHash?.slice(0, 12)}, while the program file now hashes to ${reward.programHash?.slice(0, 12)}`,
      );
    }
    manifest = earlier;
  } else {
    manifest = {
      runId: id,
      config,
      programHash: reward.programHash,
      codeVersion: codeVersion(),
      createdAt: new Date().toISOString(),
    };
    writeAtomic(configPath, `${JSON.stringify(manifest, null, 2)}\n`);
  }

  const checkpointPath = join(dir, RUN_FILES.checkpoint);
  const logPath = join(dir, RUN_FILES.metrics);
  const timePath = join(dir, RUN_FILES.time);
  const earlierSeconds = existsSync(timePath)
    ? (JSON.parse(readFileSync(timePath, "utf8")) as { wallSeconds: number }).wallSeconds
    : 0;
  const started = performance.now();
  const elapsed = () => earlierSeconds + (performance.now() - started) / 1000;

  const continuous = algorithmFor(config.envId) === "ppo-continuous";
  const defaults = ppoDefaultsFor(config.envId);
  const numEnvs = config.ppo.numEnvs ?? defaults.numEnvs;
  const envs = trainingEnvs(config.envId, reward, numEnvs, config.ppo.gamma ?? defaults.gamma);
  const meter = new RewardComponentsMeter();
  const makeEnv = (index: number) =>
    index < numEnvs ? meter.wrap(envs.makeEnv(index)) : envs.makeEnv(index);
  const logs = new RunLogs(dir);
  const ppoHooks = {
    onUpdate: (stats: UpdateStats) => {
      writeAtomic(timePath, JSON.stringify({ wallSeconds: elapsed() }));
      logs.update(stats);
      hooks.onUpdate?.(stats);
    },
    onEval: (stats: EvalStats) => {
      logs.evaluation(stats);
      hooks.onEval?.(stats);
    },
    rewardComponents: () => meter.drain(),
  };
  const files = {
    totalFrames: config.frames,
    logPath,
    checkpointPath,
    checkpointEvery: config.checkpointEvery,
  };
  const resumed = existsSync(checkpointPath);
  const created = {
    ...config.ppo,
    ...files,
    seed: config.seed,
    evalEvery: config.evaluation.every,
    evalEpisodes: config.evaluation.episodes,
    evalGreedy: config.evaluation.greedy,
  };
  const ppo: Ppo | ContinuousPpo = continuous
    ? await startContinuous(makeEnv as ContinuousEnvFactory)
    : await startDiscrete(makeEnv as EnvFactory);
  async function startContinuous(factory: ContinuousEnvFactory) {
    const options = { makeEnv: factory, hooks: ppoHooks, name: id };
    return resumed
      ? await ContinuousPpo.resume(checkpointPath, { ...options, config: files })
      : await ContinuousPpo.create({ ...options, config: created as Partial<ContinuousPpoConfig> });
  }
  async function startDiscrete(factory: EnvFactory) {
    const options = { makeEnv: factory, hooks: ppoHooks, name: id };
    return resumed
      ? await Ppo.resume(checkpointPath, { ...options, config: files })
      : await Ppo.create({ ...options, config: created as Partial<PpoConfig> });
  }
  try {
    // PPO has cut metrics.jsonl back to the checkpoint (or emptied it): the derived logs follow it.
    logs.rebuild(logPath);
    if (manifest.hyperparameters === undefined) {
      manifest = { ...manifest, hyperparameters: hyperparameters(ppo.config) };
      writeAtomic(configPath, `${JSON.stringify(manifest, null, 2)}\n`);
    }
    hooks.onStart?.({ resumed, frames: ppo.frames, manifest });
    while (ppo.frames < config.frames) {
      ppo.step();
      // Between updates, let the event loop run: a worker's progress messages go out, signals are handled.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // The last checkpoint holds the trained policy; it also marks where a kill during the final evaluation resumes.
    ppo.saveCheckpoint(checkpointPath);
    const evaluation = ppo.evaluate(config.evaluation.finalEpisodes, config.evaluation.greedy);
    const finalEval: EvalSummary = {
      frames: ppo.frames,
      episodes: evaluation.returns.length,
      returnMean: evaluation.returnMean,
      returnStd: evaluation.returnStd,
      returns: evaluation.returns,
      ...(evaluation.successRate === undefined || evaluation.successRate === null
        ? {}
        : { successRate: evaluation.successRate }),
    };
    const result: RunResult = {
      runId: id,
      envId: config.envId,
      reward: rewardLabel(config.reward),
      seed: config.seed,
      frames: ppo.frames,
      updates: ppo.updates,
      wallSeconds: elapsed(),
      finalEval,
      programHash: reward.programHash,
      codeVersion: manifest.codeVersion,
      finishedAt: new Date().toISOString(),
    };
    writeAtomic(timePath, JSON.stringify({ wallSeconds: result.wallSeconds }));
    writeAtomic(join(dir, RUN_FILES.final), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    ppo.close();
    envs.close();
  }
}

/** The evaluations logged in a run's metrics.jsonl, in order (an unfinished last line is skipped). */
export function readEvaluations(dir: string): EvalStats[] {
  const path = join(dir, RUN_FILES.metrics);
  if (!existsSync(path)) return [];
  const out: EvalStats[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as { type?: string };
      if (entry.type === "eval") out.push(entry as EvalStats);
    } catch {
      // A line cut short by a kill; PPO's resume truncates it away.
    }
  }
  return out;
}
