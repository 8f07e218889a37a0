/**
 * Proximal Policy Optimization for continuous (Box) actions, on @jax-js/jax: CleanRL's ppo_continuous_action.py.
 *
 * The whole algorithm, top to bottom:
 *   1. config           CleanRL's defaults (2048 steps, 10 epochs, 32 minibatches, lr 3e-4 annealed, ...)
 *   2. the loss         a diagonal Gaussian policy with a state-independent log-std: clipped surrogate
 *                       + ½ (clipped) value loss − entropy bonus; one jitted step (gradient, global-norm
 *                       clipping, Adam: src/rl/optimizer.ts) on the flat parameter vector
 *   3. rollouts         numEnvs × numSteps transitions; actions sampled from N(μ, σ²) and clipped to the
 *                       space for the env (the unclipped sample is what the loss scores); observations
 *                       normalised by running statistics, rewards optionally by the return's spread
 *   4. GAE              src/rl/gae.ts through src/rl/rollout.ts, shared with the discrete PPO
 *   5. learning         epochs × shuffled minibatches, per-minibatch advantage normalisation
 *   6. evaluation       the true env return (and success rate, when the env reports `is_success`)
 *   7. checkpoints      params + Adam + RNG + normalisers + counters; resume continues bit for bit
 *
 * Where it differs from CleanRL, on purpose: a time-limit truncation bootstraps from V(final obs) (Gymnasium's
 * semantics, as the discrete PPO does; CleanRL treats it as terminal); one observation normaliser is shared
 * by all envs and updated with each vector step's batch (CleanRL wraps each env with its own); the reward
 * normaliser's discounted return restarts at every episode end, truncations included.
 *
 * A policy that diverges (non-finite action means, a non-finite loss) raises a TrainingDivergedError naming
 * the run, the update and the last checkpoint, from which the run can be resumed (e.g. with a lower lr).
 */
import { jit, numpy as np } from "@jax-js/jax";
import type { Env, Info } from "../env/core.ts";
import { type Box, type BoxArray, isBox } from "../env/spaces.ts";
import { SyncVectorEnv } from "../env/vector.ts";
import { readCheckpoint, writeCheckpoint } from "./checkpoint.ts";
import { initJax } from "./device.ts";
import { TrainingDivergedError } from "./diverged.ts";
import { appendLogEntry, logSize, rewindLog } from "./metrics-log.ts";
import { Minibatches } from "./minibatches.ts";
import { GaussianActorCritic, type GaussianMlpSpec } from "./mlp.ts";
import { type VectorObservationEncoder, vectorObservationEncoder } from "./observations.ts";
import { adamScalars, makeClippedAdamStep, StepStatsMean } from "./optimizer.ts";
import { type EvalStats, type RewardComponents, SuccessCounter, type UpdateStats } from "./ppo.ts";
import { Rng, type RngState } from "./rng.ts";
import { EpisodeTracker, RolloutBuffer } from "./rollout.ts";
import { RunningMeanStd, type RunningStatsState } from "./running-stats.ts";

export { TrainingDivergedError };

// ───────────────────────────────────────────── 1. config ─────────────────────────────────────────────

export interface ContinuousPpoConfig {
  /** Seeds parameter init, action sampling, minibatch order, and the envs (env i gets seed + i). */
  seed: number;
  /** Training stops at the first update boundary at or after this many env frames. */
  totalFrames: number;
  numEnvs: number;
  /** Steps per env per update. */
  numSteps: number;
  epochs: number;
  /** Minibatches per epoch (CleanRL's num_minibatches): minibatch size = numSteps × numEnvs / this. */
  numMinibatches: number;
  lr: number;
  /** Anneal lr linearly to 0 over the updates that `totalFrames` makes when the run is created. */
  annealLr: boolean;
  adamEps: number;
  gamma: number;
  gaeLambda: number;
  clipEps: number;
  clipValueLoss: boolean;
  entropyCoef: number;
  valueCoef: number;
  maxGradNorm: number;
  /** Per-minibatch (A − mean) / (std + 1e-8), std with Bessel's correction as torch's `.std()`. */
  normalizeAdvantages: boolean;
  /** (obs − running mean) / √(running var + 1e-8), then clipped to ±clipObservations. */
  normalizeObservations: boolean;
  clipObservations: number;
  /** reward / √(var of the discounted return + 1e-8), then clipped to ±clipRewards. */
  normalizeReturns: boolean;
  clipRewards: number;
  /** Hidden layer widths of the actor and the critic. */
  hidden: number[];
  /** The policy's starting log standard deviation. */
  initLogStd: number;
  /** Evaluate every this many frames (0: never). */
  evalEvery: number;
  evalEpisodes: number;
  /** Evaluate with the mean action instead of sampling (CleanRL's evaluation samples). */
  evalGreedy: boolean;
  /** Write a checkpoint every this many updates (0: only when asked). Needs checkpointPath. */
  checkpointEvery: number;
  checkpointPath?: string;
  /** JSON Lines log of every update and evaluation, appended. */
  logPath?: string;
}

export const CONTINUOUS_PPO_DEFAULTS: ContinuousPpoConfig = {
  seed: 1,
  totalFrames: 1_000_000,
  numEnvs: 1,
  numSteps: 2048,
  epochs: 10,
  numMinibatches: 32,
  lr: 3e-4,
  annealLr: true,
  adamEps: 1e-5,
  gamma: 0.99,
  gaeLambda: 0.95,
  clipEps: 0.2,
  clipValueLoss: true,
  entropyCoef: 0,
  valueCoef: 0.5,
  maxGradNorm: 0.5,
  normalizeAdvantages: true,
  normalizeObservations: true,
  clipObservations: 10,
  normalizeReturns: true,
  clipRewards: 10,
  hidden: [64, 64],
  initLogStd: 0,
  evalEvery: 0,
  evalEpisodes: 5,
  evalGreedy: false,
  checkpointEvery: 0,
};

/** Builds env `index`: 0…numEnvs-1 for training, numEnvs for evaluation unless makeEvalEnv is given. */
export type ContinuousEnvFactory = (index: number) => Env<unknown, BoxArray>;

export interface ContinuousUpdateStats extends UpdateStats {
  /** The learning rate this update used (annealed). */
  lr: number;
  /** The policy's standard deviation per action dimension after this update. */
  actionStd: number[];
}

export interface ContinuousEvalStats extends EvalStats {
  /** Share of episodes whose last step reported `info.is_success === true`; null when the env never says. */
  successRate: number | null;
}

export interface ContinuousPpoHooks {
  onUpdate?: (stats: ContinuousUpdateStats) => void;
  onEval?: (stats: ContinuousEvalStats) => void;
  /** Asked after each rollout; its answer is logged with the update (see RewardComponentsMeter). */
  rewardComponents?: () => RewardComponents | undefined;
}

/** Counters, generator and normaliser states: with params and Adam's moments, all a checkpoint holds. */
interface TrainerState {
  update: number;
  frames: number;
  adamStep: number;
  /** The update count lr anneals over, fixed when the run is created (0: lr stays constant). */
  annealUpdates: number;
  nextEvalAt: number;
  evalCount: number;
  rng: { words: RngState; spareNormal: number | null };
  obsStats: RunningStatsState;
  returnStats: RunningStatsState;
}

const ALGORITHM = "ppo-continuous";

interface CheckpointHeader {
  algorithm: typeof ALGORITHM;
  config: ContinuousPpoConfig;
  net: GaussianMlpSpec;
  state: TrainerState;
  /** Bytes of the metrics log written up to this checkpoint; a resumed run cuts the log back to it. */
  logBytes: number;
}

// ───────────────────────────────────────── 2. the loss and update ─────────────────────────────────────────

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * log N(actions; mean, diag(exp(logStd))²), summed over action dimensions:
 *   −½ Σ_j ((a_j − μ_j) / σ_j)² − Σ_j log σ_j − ½ A log 2π.
 * `mean` and `actions` [B, A], `logStd` [A]; returns [B]. Consumes its arguments.
 */
export function gaussianLogProb(mean: np.Array, logStd: np.Array, actions: np.Array): np.Array {
  const A = logStd.shape[0];
  const z = actions.sub(mean).div(np.exp(logStd.ref));
  return np
    .square(z)
    .sum(1)
    .mul(-0.5)
    .sub(logStd.sum())
    .sub(0.5 * A * LOG_2PI);
}

/** The entropy of that Gaussian, Σ_j (log σ_j + ½ (1 + log 2π)): the same for every state. Consumes logStd. */
export function gaussianEntropy(logStd: np.Array): np.Array {
  const A = logStd.shape[0];
  return logStd.sum().add(0.5 * A * (1 + LOG_2PI));
}

/** One minibatch, as device arrays (consumed by the step). */
export type ContinuousMinibatch = {
  /** Normalised observations [n, inputSize]. */
  input: np.Array;
  /** The sampled (unclipped) actions [n, A]. */
  actions: np.Array;
  oldLogProbs: np.Array;
  advantages: np.Array;
  returns: np.Array;
  oldValues: np.Array;
};

export type ContinuousLossConfig = Pick<
  ContinuousPpoConfig,
  "clipEps" | "clipValueLoss" | "entropyCoef" | "valueCoef" | "normalizeAdvantages"
>;

/** The scalars the loss reports besides its value, in this order. */
const LOSS_STATS = ["policyLoss", "valueLoss", "entropy", "approxKl", "clipFraction"] as const;

/**
 * CleanRL's objective for one minibatch:
 *   L = mean(max(−A·r, −A·clip(r, 1±ε))) − c_e·H + c_v · ½ mean(max((V − R)², (V_clip − R)²))
 * with r = π(a|s) / π_old(a|s) and V_clip = V_old + clip(V − V_old, ±ε). Returns [L, stats].
 */
export function continuousPpoLoss(
  net: GaussianActorCritic,
  config: ContinuousLossConfig,
  params: np.Array,
  batch: ContinuousMinibatch,
): [np.Array, np.Array] {
  const { clipEps } = config;
  const [mean, logStd, values] = net.apply(params, batch.input);
  const logProb = gaussianLogProb(mean, logStd.ref, batch.actions);
  const entropy = gaussianEntropy(logStd);

  let advantages = batch.advantages;
  if (config.normalizeAdvantages) {
    const n = advantages.shape[0];
    const centered = advantages.sub(advantages.ref.mean());
    // torch's Tensor.std() divides by n − 1 (a single sample: by 1, instead of torch's NaN).
    const std = np.sqrt(
      np
        .square(centered.ref)
        .sum()
        .div(Math.max(n - 1, 1)),
    );
    advantages = centered.div(std.add(1e-8));
  }
  const logRatio = logProb.sub(batch.oldLogProbs);
  const ratio = np.exp(logRatio.ref);
  const unclipped = ratio.ref.mul(advantages.ref);
  const clipped = np.clip(ratio.ref, 1 - clipEps, 1 + clipEps).mul(advantages);
  const policyLoss = np.minimum(unclipped, clipped).mean().neg();

  let valueLoss: np.Array;
  if (config.clipValueLoss) {
    const oldValues = batch.oldValues;
    const valuesClipped = oldValues.ref.add(np.clip(values.ref.sub(oldValues), -clipEps, clipEps));
    const lossUnclipped = np.square(values.sub(batch.returns.ref));
    const lossClipped = np.square(valuesClipped.sub(batch.returns));
    valueLoss = np.maximum(lossUnclipped, lossClipped).mean().mul(0.5);
  } else {
    batch.oldValues.dispose();
    valueLoss = np.square(values.sub(batch.returns)).mean().mul(0.5);
  }

  const loss = policyLoss.ref
    .sub(entropy.ref.mul(config.entropyCoef))
    .add(valueLoss.ref.mul(config.valueCoef));
  const approxKl = ratio.ref.sub(1).sub(logRatio).mean();
  const clipFraction = np.abs(ratio.sub(1)).greater(clipEps).astype(np.float32).mean();
  const stats = np.stack([policyLoss, valueLoss, entropy, approxKl, clipFraction]);
  return [loss, stats];
}

// ───────────────────────────────────────────── the trainer ─────────────────────────────────────────────

export interface ContinuousPpoOptions {
  /** The training envs, as PPO should see them (reward wrappers included). Their action space is a Box. */
  makeEnv: ContinuousEnvFactory;
  /** The evaluation env (pass the bare env when training rewards are shaped). Default: makeEnv(numEnvs). */
  makeEvalEnv?: () => Env<unknown, BoxArray>;
  config?: Partial<ContinuousPpoConfig>;
  hooks?: ContinuousPpoHooks;
  /** Names the run in errors (e.g. the experiment's run id). Default: the checkpoint or log path. */
  name?: string;
}

export class ContinuousPpo {
  readonly config: ContinuousPpoConfig;
  readonly net: GaussianActorCritic;
  readonly encoder: VectorObservationEncoder;
  readonly name: string;
  hooks: ContinuousPpoHooks;

  /** Device arrays: the flat parameters and Adam's first and second moments. */
  private params: np.Array;
  private adamM: np.Array;
  private adamV: np.Array;
  /** The policy's log standard deviations, copied to the host whenever the parameters change. */
  private logStd: Float32Array;
  private state: TrainerState;
  private readonly rng: Rng;
  private readonly obsStats: RunningMeanStd;
  private readonly returnStats: RunningMeanStd;
  private lastCheckpoint: { path: string; update: number } | null = null;

  private readonly envs: SyncVectorEnv<unknown, BoxArray>;
  private readonly actionSpace: Box;
  private evalEnv: Env<unknown, BoxArray> | undefined;
  private readonly makeEvalEnv: () => Env<unknown, BoxArray>;
  /** The raw observations the next rollout step acts on, [numEnvs, inputSize]. */
  private readonly rawObs: Float32Array;
  /** The same, normalised: the policy's input. */
  private readonly currentObs: Float32Array;
  private readonly episodes: EpisodeTracker;
  /** Each env's discounted return so far in its episode, for the reward normaliser. */
  private readonly discountedReturn: Float64Array;

  private readonly policyStep: (params: np.Array, input: np.Array) => np.Array;
  private readonly updateStep: ReturnType<typeof makeClippedAdamStep<ContinuousMinibatch>>;
  private readonly buffer: VectorRollout;

  /** Use `ContinuousPpo.create` (which starts jax-js) or `ContinuousPpo.resume`. */
  private constructor(
    options: ContinuousPpoOptions,
    restored?: { header: CheckpointHeader; arrays: Record<string, Float32Array>; path: string },
  ) {
    this.config = { ...CONTINUOUS_PPO_DEFAULTS, ...options.config };
    validateConfig(this.config);
    const c = this.config;
    this.hooks = options.hooks ?? {};
    this.name = options.name ?? c.checkpointPath ?? c.logPath ?? `seed ${c.seed}`;
    this.makeEvalEnv = options.makeEvalEnv ?? (() => options.makeEnv(c.numEnvs));

    this.envs = new SyncVectorEnv(options.makeEnv, c.numEnvs);
    const actionSpace = this.envs.actionSpace;
    if (!isBox(actionSpace)) {
      throw new TypeError(
        `the continuous PPO needs a Box action space; got ${actionSpace.describe()} (use Ppo for Discrete actions)`,
      );
    }
    this.actionSpace = actionSpace;
    this.encoder = vectorObservationEncoder(this.envs.observationSpace);
    const spec: GaussianMlpSpec = restored?.header.net ?? {
      inputSize: this.encoder.size,
      actionSize: actionSpace.size,
      hidden: c.hidden,
      initLogStd: c.initLogStd,
    };
    if (spec.inputSize !== this.encoder.size || spec.actionSize !== actionSpace.size) {
      throw new RangeError(
        `the checkpoint's net reads ${spec.inputSize} observation values and writes ${spec.actionSize} actions; ` +
          `this env has ${this.encoder.size} (${this.encoder.layout}) and ${actionSpace.size}`,
      );
    }
    this.net = new GaussianActorCritic(spec);
    this.obsStats = new RunningMeanStd(this.encoder.size);
    this.returnStats = new RunningMeanStd(1);

    this.rng = new Rng(c.seed, 1);
    if (restored) {
      this.state = structuredClone(restored.header.state);
      this.rng.setState(this.state.rng.words, this.state.rng.spareNormal);
      this.obsStats.setState(this.state.obsStats);
      this.returnStats.setState(this.state.returnStats);
      this.params = np.array(restored.arrays.params);
      this.adamM = np.array(restored.arrays.adamM);
      this.adamV = np.array(restored.arrays.adamV);
      this.lastCheckpoint = { path: restored.path, update: this.state.update };
    } else {
      const framesPerUpdate = c.numSteps * c.numEnvs;
      this.state = {
        update: 0,
        frames: 0,
        adamStep: 0,
        // 0: no schedule (an endless run, e.g. a benchmark; JSON could not store Infinity anyway).
        annealUpdates: Number.isFinite(c.totalFrames)
          ? Math.max(1, Math.ceil(c.totalFrames / framesPerUpdate))
          : 0,
        nextEvalAt: c.evalEvery,
        evalCount: 0,
        rng: this.rng.state(),
        obsStats: this.obsStats.state(),
        returnStats: this.returnStats.state(),
      };
      this.params = np.array(this.net.initParams(new Rng(c.seed, 0)));
      this.adamM = np.zeros([this.net.numParams]);
      this.adamV = np.zeros([this.net.numParams]);
    }
    this.logStd = this.readLogStd();

    const net = this.net;
    this.policyStep = jit((params: np.Array, input: np.Array) => {
      const [mean, logStd, values] = net.apply(params, input);
      logStd.dispose();
      return np.concatenate([mean, values.reshape([-1, 1])], 1);
    });
    this.updateStep = makeClippedAdamStep(
      (params: np.Array, batch: ContinuousMinibatch) => continuousPpoLoss(net, c, params, batch),
      c,
    );
    this.buffer = new VectorRollout(c.numSteps, c.numEnvs, this.encoder.size, spec.actionSize);

    this.rawObs = new Float32Array(c.numEnvs * this.encoder.size);
    this.currentObs = new Float32Array(c.numEnvs * this.encoder.size);
    this.episodes = new EpisodeTracker(c.numEnvs);
    this.discountedReturn = new Float64Array(c.numEnvs);
    this.startEpisodes();
  }

  /**
   * Starts a new run. A new run owns its metrics log: an existing file at `logPath` is emptied. With
   * checkpointing on, a first checkpoint is written at once, so a run can be resumed however early it stops.
   */
  static async create(options: ContinuousPpoOptions): Promise<ContinuousPpo> {
    await initJax();
    const ppo = new ContinuousPpo(options);
    const { logPath, checkpointEvery, checkpointPath } = ppo.config;
    rewindLog(logPath, 0);
    if (checkpointEvery > 0 && checkpointPath) ppo.saveCheckpoint(checkpointPath);
    return ppo;
  }

  /**
   * Continues a run from its checkpoint with the file's config, so that the updates that follow are identical
   * to those of the run that was stopped; the metrics log is cut back to where it stood at the checkpoint.
   * `config` may change only what cannot change the learning: totalFrames (the lr schedule stays the one
   * fixed at creation), logPath, checkpointPath, checkpointEvery.
   */
  static async resume(
    path: string,
    options: Omit<ContinuousPpoOptions, "config"> & {
      config?: Partial<
        Pick<ContinuousPpoConfig, "totalFrames" | "logPath" | "checkpointPath" | "checkpointEvery">
      >;
    },
  ): Promise<ContinuousPpo> {
    await initJax();
    const restored = readCheckpoint<CheckpointHeader>(path);
    if (restored.header.algorithm !== ALGORITHM) {
      throw new TypeError(
        `${path} is not a continuous PPO checkpoint (it holds "${restored.header.algorithm ?? "ppo"}"); ` +
          "resume a discrete PPO checkpoint with Ppo.resume",
      );
    }
    const config = { ...restored.header.config, checkpointPath: path, ...options.config };
    rewindLog(config.logPath, restored.header.logBytes);
    return new ContinuousPpo({ ...options, config }, { ...restored, path });
  }

  get frames(): number {
    return this.state.frames;
  }

  get updates(): number {
    return this.state.update;
  }

  /** The flat parameter vector (a copy). */
  getParams(): Float32Array {
    return Float32Array.from(this.params.ref.dataSync() as Float32Array);
  }

  /** The observation normaliser's running mean and variance (copies). */
  observationStats(): RunningStatsState {
    return this.obsStats.state();
  }

  /** Runs updates until `config.totalFrames`; returns the last update's statistics. */
  train(): ContinuousUpdateStats | undefined {
    let last: ContinuousUpdateStats | undefined;
    while (this.state.frames < this.config.totalFrames) last = this.step();
    return last;
  }

  /** One PPO iteration: collect a rollout, learn from it, then evaluate and checkpoint when due. */
  step(): ContinuousUpdateStats {
    const c = this.config;
    const started = performance.now();
    const rollout = this.collectRollout();
    const learnStart = performance.now();
    const lr = this.learningRate();
    const learning = this.learn(lr);
    const finished = performance.now();

    this.state.update += 1;
    this.state.frames += c.numSteps * c.numEnvs;
    const stats: ContinuousUpdateStats = {
      type: "update",
      update: this.state.update,
      frames: this.state.frames,
      fps: (c.numSteps * c.numEnvs) / ((finished - started) / 1000),
      episodeReturns: rollout.episodeReturns,
      episodeLengths: rollout.episodeLengths,
      returnMean: rollout.episodeReturns.length ? mean(rollout.episodeReturns) : null,
      ...learning,
      value: mean(this.buffer.values),
      lr,
      actionStd: Array.from(this.logStd, (s) => Math.exp(s)),
      time: { env: rollout.envMs, policy: rollout.policyMs, learn: finished - learnStart },
    };
    const components = this.hooks.rewardComponents?.();
    if (components) stats.rewardComponents = components;
    appendLogEntry(c.logPath, stats);
    this.hooks.onUpdate?.(stats);

    if (c.evalEvery > 0 && this.state.frames >= this.state.nextEvalAt) {
      const evaluation = this.evaluate();
      appendLogEntry(c.logPath, evaluation);
      this.hooks.onEval?.(evaluation);
      while (this.state.nextEvalAt <= this.state.frames) this.state.nextEvalAt += c.evalEvery;
    }
    if (c.checkpointEvery > 0 && c.checkpointPath && this.state.update % c.checkpointEvery === 0) {
      this.saveCheckpoint(c.checkpointPath);
    }
    return stats;
  }

  /** CleanRL's schedule: lr · (1 − update / updates), update counted from 0. */
  private learningRate(): number {
    const c = this.config;
    if (!c.annealLr || this.state.annealUpdates === 0) return c.lr;
    return c.lr * Math.max(0, 1 - this.state.update / this.state.annealUpdates);
  }

  // ───────────────────────────────────────── 3. rollouts ─────────────────────────────────────────

  /**
   * Env i's episodes start from seed + i. After a checkpoint the envs restart from seeds derived from the
   * update count (an env's internals cannot be saved), as in the discrete PPO, so a resumed run sees the same
   * episodes as an uninterrupted one.
   */
  private startEpisodes(): void {
    const c = this.config;
    const seed = c.seed + this.state.update * 7919 * c.numEnvs;
    const { obs } = this.envs.reset({ seed });
    obs.forEach((o, i) => {
      this.encoder.encode(o, this.rawObs, i * this.encoder.size);
    });
    this.observe(this.rawObs, c.numEnvs, this.currentObs, true);
    this.episodes.restart();
    this.discountedReturn.fill(0);
  }

  /** Normalises `n` raw observations into `out`, first adding them to the running statistics when asked. */
  private observe(raw: Float32Array, n: number, out: Float32Array, update: boolean): void {
    const c = this.config;
    const size = this.encoder.size;
    if (!c.normalizeObservations) {
      out.set(raw.subarray(0, n * size));
      return;
    }
    if (update) this.obsStats.update(raw, n);
    const { mean: mu, var: variance } = this.obsStats;
    const limit = c.clipObservations;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < size; j++) {
        const x = (raw[i * size + j] - mu[j]) / Math.sqrt(variance[j] + 1e-8);
        out[i * size + j] = Math.min(limit, Math.max(-limit, x));
      }
    }
  }

  /** Scales this step's rewards by the spread of the discounted return (Gymnasium's NormalizeReward). */
  private scaleRewards(rewards: Float64Array, out: Float32Array, offset: number): void {
    const c = this.config;
    if (!c.normalizeReturns) {
      for (let i = 0; i < rewards.length; i++) out[offset + i] = rewards[i];
      return;
    }
    for (let i = 0; i < rewards.length; i++)
      this.discountedReturn[i] = this.discountedReturn[i] * c.gamma + rewards[i];
    this.returnStats.update(this.discountedReturn, rewards.length);
    const scale = 1 / Math.sqrt(this.returnStats.var[0] + 1e-8);
    const limit = c.clipRewards;
    for (let i = 0; i < rewards.length; i++)
      out[offset + i] = Math.min(limit, Math.max(-limit, rewards[i] * scale));
  }

  private collectRollout() {
    const c = this.config;
    const { numEnvs: N, numSteps: T } = c;
    const A = this.net.spec.actionSize;
    const D = this.encoder.size;
    const b = this.buffer;
    const finalRaw = new Float32Array(N * D);
    const finalObs = new Float32Array(N * D);
    let envMs = 0;
    let policyMs = 0;

    for (let t = 0; t < T; t++) {
      const t0 = performance.now();
      const out = this.runPolicy(this.currentObs, N);
      const envActions: BoxArray[] = [];
      for (let i = 0; i < N; i++) {
        const k = t * N + i;
        const row = i * (A + 1);
        const action = b.actions.subarray(k * A, (k + 1) * A);
        b.logProbs[k] = this.sampleAction(out, row, action, () => this.rng.normal(), t);
        b.values[k] = out[row + A];
        envActions.push(this.clipToSpace(action));
      }
      b.inputs.set(this.currentObs, t * N * D);

      const t1 = performance.now();
      const result = this.envs.step(envActions);
      let anyTruncated = false;
      for (let i = 0; i < N; i++) {
        const reward = result.rewards[i];
        if (!Number.isFinite(reward)) {
          throw new TypeError(
            `PPO run "${this.name}", update ${this.state.update + 1}: env ${i} returned the reward ${reward}; ` +
              "rewards must be finite numbers (check the env or its reward wrapper)",
          );
        }
        this.episodes.add(i, reward, result.terminated[i] || result.truncated[i]);
        if (b.recordEnd(t, i, result.terminated[i], result.truncated[i])) {
          this.encoder.encode(result.finalObs[i], finalRaw, i * D);
          anyTruncated = true;
        }
        this.encoder.encode(result.obs[i], this.rawObs, i * D);
      }
      this.scaleRewards(result.rewards, b.rewards, t * N);
      for (let i = 0; i < N; i++)
        if (result.terminated[i] || result.truncated[i]) this.discountedReturn[i] = 0;
      this.observe(this.rawObs, N, this.currentObs, true);
      const t2 = performance.now();
      if (anyTruncated) {
        // The final observations are normalised with the statistics as they now stand, without adding them.
        this.observe(finalRaw, N, finalObs, false);
        const final = this.runPolicy(finalObs, N);
        b.setFinalValues(t, (i) => final[i * (A + 1) + A]);
      } else {
        b.setFinalValues(t, null);
      }
      envMs += t2 - t1;
      policyMs += t1 - t0 + (performance.now() - t2);
    }

    const t3 = performance.now();
    const last = this.runPolicy(this.currentObs, N);
    const lastValues = new Float32Array(N);
    for (let i = 0; i < N; i++) lastValues[i] = last[i * (A + 1) + A];
    policyMs += performance.now() - t3;

    b.computeAdvantages(lastValues, c.gamma, c.gaeLambda);
    const episodes = this.episodes.take();
    return { episodeReturns: episodes.returns, episodeLengths: episodes.lengths, envMs, policyMs };
  }

  /**
   * Draws a ~ N(μ, σ²) into `action` (float32, what the loss will score) from the means in `out[row…]` and
   * returns log π(a), computed in float64 from the stored float32 action. `normal` null: the mean itself.
   */
  private sampleAction(
    out: Float32Array,
    row: number,
    action: Float32Array,
    normal: (() => number) | null,
    step: number,
  ): number {
    let logProb = 0;
    for (let j = 0; j < action.length; j++) {
      const mu = out[row + j];
      if (!Number.isFinite(mu)) {
        throw new TrainingDivergedError(
          this.name,
          this.state.update + 1,
          `the policy's action mean is ${mu} (rollout step ${step}, action dimension ${j})`,
          this.lastCheckpoint,
        );
      }
      const logStd = this.logStd[j];
      action[j] = normal === null ? mu : mu + Math.exp(logStd) * normal();
      const z = (action[j] - mu) / Math.exp(logStd);
      logProb += -0.5 * z * z - logStd - 0.5 * LOG_2PI;
    }
    return logProb;
  }

  /** The action the env receives: clipped to the Box, as Gymnasium's ClipAction (and panda-gym) do. */
  private clipToSpace(action: Float32Array): BoxArray {
    const space = this.actionSpace;
    const out = space.allocate();
    for (let j = 0; j < action.length; j++) out[j] = Math.min(space.high, Math.max(space.low, action[j]));
    return out;
  }

  /** Action means and values for `batch` normalised observations: [batch, A + 1], the value last in each row. */
  private runPolicy(obs: Float32Array, batch: number): Float32Array {
    const x = np.array(obs.subarray(0, batch * this.encoder.size)).reshape([batch, this.encoder.size]);
    return this.policyStep(this.params.ref, x).dataSync() as Float32Array;
  }

  private readLogStd(): Float32Array {
    const { offset, size } = this.net.logStd;
    return Float32Array.from(this.params.ref.slice([offset, offset + size]).dataSync() as Float32Array);
  }

  // ───────────────────────────────────────── 5. learning ─────────────────────────────────────────

  private learn(lr: number) {
    const c = this.config;
    const b = this.buffer;
    const D = this.encoder.size;
    const A = this.net.spec.actionSize;
    const total = c.numSteps * c.numEnvs;
    const size = Math.max(1, Math.floor(total / c.numMinibatches));
    const rollout = {
      inputs: b.inputs,
      actions: b.actions,
      logProbs: b.logProbs,
      values: b.values,
      advantages: b.advantages,
      returns: b.returns,
    };
    const widths = { inputs: D, actions: A, logProbs: 1, values: 1, advantages: 1, returns: 1 };
    const stats = new StepStatsMean(LOSS_STATS);

    for (const { epoch, index, n, columns: mb } of new Minibatches(rollout, widths, total, size).passes(
      this.rng,
      c.epochs,
    )) {
      this.state.adamStep += 1;
      const batch: ContinuousMinibatch = {
        input: np.array(mb.inputs.subarray(0, n * D)).reshape([n, D]),
        actions: np.array(mb.actions.subarray(0, n * A)).reshape([n, A]),
        oldLogProbs: np.array(mb.logProbs.subarray(0, n)),
        advantages: np.array(mb.advantages.subarray(0, n)),
        returns: np.array(mb.returns.subarray(0, n)),
        oldValues: np.array(mb.values.subarray(0, n)),
      };
      const [params, m, v, stepStats] = this.updateStep(
        this.params,
        this.adamM,
        this.adamV,
        adamScalars(lr, this.state.adamStep),
        batch,
      );
      this.params = params;
      this.adamM = m;
      this.adamV = v;
      const values = stepStats.dataSync() as Float32Array;
      if (!values.every((x) => Number.isFinite(x))) {
        throw new TrainingDivergedError(
          this.name,
          this.state.update + 1,
          `the loss is not finite in epoch ${epoch + 1}, minibatch ${index + 1} ` +
            `(loss ${values[0]}, gradient norm ${values[values.length - 1]})`,
          this.lastCheckpoint,
        );
      }
      stats.add(values);
    }
    this.state.rng = this.rng.state();
    this.logStd = this.readLogStd();
    return stats.mean();
  }

  // ───────────────────────────────────────── 6. evaluation ─────────────────────────────────────────

  /**
   * The return over `episodes` episodes on a separate env, observations normalised with the current statistics
   * (not updated). Episode k of evaluation e is seeded from (seed, e, k) and sampling uses its own generator, so
   * evaluating never changes what training does, and a resumed run evaluates on the same episodes.
   */
  evaluate(episodes = this.config.evalEpisodes, greedy = this.config.evalGreedy): ContinuousEvalStats {
    const c = this.config;
    this.evalEnv ??= this.makeEvalEnv();
    const env = this.evalEnv;
    const D = this.encoder.size;
    const raw = new Float32Array(D);
    const input = new Float32Array(D);
    const action = new Float32Array(this.net.spec.actionSize);
    const rng = new Rng(c.seed + this.state.evalCount, 2);
    const normal = greedy ? null : () => rng.normal();
    const returns: number[] = [];
    const lengths: number[] = [];
    const success = new SuccessCounter();
    for (let k = 0; k < episodes; k++) {
      let { obs } = env.reset({ seed: c.seed + 1_000_003 + this.state.evalCount * episodes + k });
      let episodeReturn = 0;
      let length = 0;
      let info: Info = {};
      for (;;) {
        this.encoder.encode(obs, raw, 0);
        this.observe(raw, 1, input, false);
        const out = this.runPolicy(input, 1);
        this.sampleAction(out, 0, action, normal, length);
        const result = env.step(this.clipToSpace(action));
        episodeReturn += result.reward;
        length += 1;
        obs = result.obs;
        info = result.info;
        if (result.terminated || result.truncated) break;
      }
      success.episodeEnd(info);
      returns.push(episodeReturn);
      lengths.push(length);
    }
    this.state.evalCount += 1;
    const returnMean = mean(returns);
    const returnStd = Math.sqrt(mean(returns.map((r) => (r - returnMean) ** 2)));
    return {
      type: "eval",
      update: this.state.update,
      frames: this.state.frames,
      returns,
      lengths,
      returnMean,
      returnStd,
      successRate: success.rate(),
    };
  }

  // ───────────────────────────────────────── 7. checkpoints ─────────────────────────────────────────

  /** Saves params, Adam, RNG, normalisers and counters, then restarts the envs' episodes (see startEpisodes). */
  saveCheckpoint(path: string): void {
    const c = this.config;
    this.state.rng = this.rng.state();
    this.state.obsStats = this.obsStats.state();
    this.state.returnStats = this.returnStats.state();
    writeCheckpoint<CheckpointHeader>(path, {
      header: {
        algorithm: ALGORITHM,
        config: c,
        net: this.net.spec,
        state: this.state,
        logBytes: logSize(c.logPath),
      },
      arrays: {
        params: this.getParams(),
        adamM: Float32Array.from(this.adamM.ref.dataSync() as Float32Array),
        adamV: Float32Array.from(this.adamV.ref.dataSync() as Float32Array),
      },
    });
    this.lastCheckpoint = { path, update: this.state.update };
    this.startEpisodes();
  }

  /** Frees the device arrays and closes the envs. */
  close(): void {
    this.params.dispose();
    this.adamM.dispose();
    this.adamV.dispose();
    this.envs.close();
    this.evalEnv?.close();
  }
}

// ───────────────────────────────────────────── helpers ─────────────────────────────────────────────

/** A rollout with the policy's inputs and the actions it sampled. */
class VectorRollout extends RolloutBuffer {
  /** Normalised observations, inputSize floats each. */
  readonly inputs: Float32Array;
  /** Sampled (unclipped) actions, actionSize floats each. */
  readonly actions: Float32Array;
  constructor(numSteps: number, numEnvs: number, inputSize: number, actionSize: number) {
    super(numSteps, numEnvs);
    this.inputs = new Float32Array(numSteps * numEnvs * inputSize);
    this.actions = new Float32Array(numSteps * numEnvs * actionSize);
  }
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return values.length ? sum / values.length : 0;
}

function validateConfig(c: ContinuousPpoConfig): void {
  const positiveInts = ["numEnvs", "numSteps", "epochs", "numMinibatches", "evalEpisodes"] as const;
  for (const key of positiveInts) {
    if (!Number.isInteger(c[key]) || c[key] < 1)
      throw new RangeError(`continuous PPO config: ${key} must be an integer ≥ 1, got ${c[key]}`);
  }
  if (c.numMinibatches > c.numSteps * c.numEnvs) {
    throw new RangeError(
      `continuous PPO config: numMinibatches (${c.numMinibatches}) exceeds the batch (numSteps × numEnvs = ${c.numSteps * c.numEnvs})`,
    );
  }
  if (!Number.isSafeInteger(c.seed) || c.seed < 0)
    throw new RangeError(`continuous PPO config: seed must be an integer ≥ 0, got ${c.seed}`);
  if (!(c.gamma >= 0 && c.gamma <= 1) || !(c.gaeLambda >= 0 && c.gaeLambda <= 1)) {
    throw new RangeError(
      `continuous PPO config: gamma and gaeLambda must lie in [0, 1], got ${c.gamma} and ${c.gaeLambda}`,
    );
  }
  if (!(c.lr > 0)) throw new RangeError(`continuous PPO config: lr must be > 0, got ${c.lr}`);
  if (!(c.clipObservations > 0) || !(c.clipRewards > 0)) {
    throw new RangeError("continuous PPO config: clipObservations and clipRewards must be > 0");
  }
  if (c.checkpointEvery > 0 && !c.checkpointPath) {
    throw new RangeError(
      "continuous PPO config: checkpointEvery needs checkpointPath (where to write the checkpoint)",
    );
  }
}
