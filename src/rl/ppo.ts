/**
 * Proximal Policy Optimization (Schulman et al., 2017) for discrete actions, on @jax-js/jax.
 *
 * The whole algorithm, top to bottom:
 *   1. config           defaults of rl-starter-files / torch-ac for MiniGrid
 *   2. the loss         clipped surrogate + (clipped) value loss − entropy bonus, and one jitted update step
 *                       (gradient, global-norm clipping, Adam) on the flat parameter vector
 *   3. rollouts         numEnvs × numSteps transitions from a SyncVectorEnv, one batched forward per step
 *   4. GAE              advantages and returns; bootstrap from the final observation on truncation only
 *   5. learning         epochs × shuffled minibatches
 *   6. evaluation       the true env return every K frames over E episodes, on a separate env
 *   7. checkpoints      params + Adam + RNG + counters in one file; resume continues bit for bit
 *
 * Differences from torch-ac, on purpose: a time-limit truncation bootstraps from V(final obs) instead of
 * counting as a terminal state (Gymnasium's semantics); advantage normalisation is available (off by
 * default: torch-ac does not normalise advantages).
 */
import { jit, nn, numpy as np } from "@jax-js/jax";
import type { Env } from "../env/core.ts";
import { isBox, isDiscrete } from "../env/spaces.ts";
import { SyncVectorEnv } from "../env/vector.ts";
import { readCheckpoint, writeCheckpoint } from "./checkpoint.ts";
import { initJax } from "./device.ts";
import { TrainingDivergedError } from "./diverged.ts";
import { appendLogEntry, logSize, rewindLog } from "./metrics-log.ts";
import { Minibatches } from "./minibatches.ts";
import { ActorCritic, type ActorCriticSpec, minigridNet, pixelNet } from "./nets.ts";
import { type ObservationEncoder, observationEncoder } from "./observations.ts";
import { adamScalars, makeClippedAdamStep, StepStatsMean } from "./optimizer.ts";
import { Rng, type RngState } from "./rng.ts";
import { EpisodeTracker, RolloutBuffer } from "./rollout.ts";

export { computeGae, type GaeInput } from "./gae.ts";

// ───────────────────────────────────────────── 1. config ─────────────────────────────────────────────

export interface PpoConfig {
  /** Seeds parameter init, action sampling, minibatch order, and the envs (env i gets seed + i). */
  seed: number;
  /** Training stops at the first update boundary at or after this many env frames. */
  totalFrames: number;
  numEnvs: number;
  /** Steps per env per update (torch-ac's frames_per_proc). */
  numSteps: number;
  epochs: number;
  batchSize: number;
  lr: number;
  adamEps: number;
  gamma: number;
  gaeLambda: number;
  clipEps: number;
  /** torch-ac clips the value loss around the rollout's values with clipEps. */
  clipValueLoss: boolean;
  entropyCoef: number;
  valueCoef: number;
  maxGradNorm: number;
  /** Per-minibatch (A − mean) / (std + 1e-8), as CleanRL does. torch-ac does not; off by default. */
  normalizeAdvantages: boolean;
  /** "auto": the MiniGrid net for small symbolic images, the patch net for RGB images. */
  model: "auto" | "minigrid" | "pixels";
  /** Evaluate every this many frames (0: never). The paper evaluates every 250 steps. */
  evalEvery: number;
  evalEpisodes: number;
  /** Evaluate with the most likely action instead of sampling (rl-starter-files samples by default). */
  evalGreedy: boolean;
  /** Write a checkpoint every this many updates (0: only when asked). Needs checkpointPath. */
  checkpointEvery: number;
  checkpointPath?: string;
  /** JSON Lines log of every update and evaluation, appended. */
  logPath?: string;
}

export const PPO_DEFAULTS: PpoConfig = {
  seed: 1,
  totalFrames: 100_000,
  numEnvs: 16,
  numSteps: 128,
  epochs: 4,
  batchSize: 256,
  lr: 1e-3,
  adamEps: 1e-8,
  gamma: 0.99,
  gaeLambda: 0.95,
  clipEps: 0.2,
  clipValueLoss: true,
  entropyCoef: 0.01,
  valueCoef: 0.5,
  maxGradNorm: 0.5,
  normalizeAdvantages: false,
  model: "auto",
  evalEvery: 0,
  evalEpisodes: 5,
  evalGreedy: false,
  checkpointEvery: 0,
};

/** Builds env `index`: 0…numEnvs-1 for training, numEnvs for evaluation unless makeEvalEnv is given. */
export type EnvFactory = (index: number) => Env<unknown, number>;

export interface UpdateStats {
  type: "update";
  update: number;
  frames: number;
  /** Frames per second of this update (rollout + learning). */
  fps: number;
  /** Returns and lengths of the episodes that finished during this update's rollout. */
  episodeReturns: number[];
  episodeLengths: number[];
  returnMean: number | null;
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  approxKl: number;
  clipFraction: number;
  /** Global gradient norm before clipping, mean over minibatches. */
  gradNorm: number;
  /** Mean value prediction over the rollout. */
  value: number;
  /** Where the update's time went, in milliseconds. */
  time: { env: number; policy: number; learn: number };
  /** What the finished episodes' returns were made of, when a hook measures it (reward programs). */
  rewardComponents?: RewardComponents;
}

/** Means over the episodes that finished during an update. */
export interface RewardComponents {
  /** The env's own return. */
  envReturn: number;
  /** The reward program's bonus paid. */
  programBonus: number;
  /** Sub-tasks completed by the episode's end. */
  subtasks: number;
}

export interface EvalStats {
  type: "eval";
  update: number;
  frames: number;
  returns: number[];
  lengths: number[];
  returnMean: number;
  returnStd: number;
  /**
   * Share of episodes whose last step said `info.is_success === true` (panda-gym's flag); null or absent when
   * the env never says (MiniGrid). Only episodes whose last step carries the flag count.
   */
  successRate?: number | null;
}

/** Counts `info.is_success` at episode ends, for evaluations. */
export class SuccessCounter {
  private successes = 0;
  private reported = 0;

  /** Records the last step's info of an episode. */
  episodeEnd(info: Readonly<Record<string, unknown>>): void {
    if (typeof info.is_success !== "boolean") return;
    this.reported += 1;
    if (info.is_success) this.successes += 1;
  }

  /** The success rate, or null when no episode reported success either way. */
  rate(): number | null {
    return this.reported > 0 ? this.successes / this.reported : null;
  }
}

export interface PpoHooks {
  onUpdate?: (stats: UpdateStats) => void;
  onEval?: (stats: EvalStats) => void;
  /** Asked after each rollout; its answer is logged with the update (see RewardComponentsMeter). */
  rewardComponents?: () => RewardComponents | undefined;
}

/** Counters and generator states: with params and Adam's moments, all a checkpoint holds. */
interface TrainerState {
  update: number;
  frames: number;
  adamStep: number;
  nextEvalAt: number;
  evalCount: number;
  rng: { words: RngState; spareNormal: number | null };
}

interface CheckpointHeader {
  config: PpoConfig;
  net: ActorCriticSpec;
  state: TrainerState;
  /** Bytes of the metrics log written up to this checkpoint; a resumed run cuts the log back to it. */
  logBytes: number;
}

// ───────────────────────────────────────── 2. the loss and update ─────────────────────────────────────────

/** One minibatch, as device arrays (consumed by the step). */
type Minibatch = {
  /** The network input for the sampled observations, [n, ...net.inputShape]. */
  input: np.Array;
  actions: np.Array;
  oldLogProbs: np.Array;
  advantages: np.Array;
  returns: np.Array;
  oldValues: np.Array;
};

/** The scalars the loss reports besides its value, in this order. */
const LOSS_STATS = ["policyLoss", "valueLoss", "entropy", "approxKl", "clipFraction"] as const;

/**
 * The PPO objective for one minibatch, as torch-ac computes it:
 *   L = −mean(min(r·A, clip(r, 1±ε)·A)) + c_v · mean(max((V − R)², (V_clip − R)²)) − c_e · mean(H)
 * with r = π(a|s) / π_old(a|s) and V_clip = V_old + clip(V − V_old, ±ε). Returns [L, stats].
 */
export function ppoLoss(
  net: ActorCritic,
  config: Pick<PpoConfig, "clipEps" | "clipValueLoss" | "entropyCoef" | "valueCoef" | "normalizeAdvantages">,
  params: np.Array,
  batch: Minibatch,
): [np.Array, np.Array] {
  const { clipEps } = config;
  const [logits, values] = net.apply(params, batch.input);
  const logProbs = nn.logSoftmax(logits);
  const logProb = logProbs.ref.mul(nn.oneHot(batch.actions, net.spec.numActions)).sum(1);
  const entropy = np.exp(logProbs.ref).mul(logProbs).sum(1).neg().mean();

  let advantages = batch.advantages;
  if (config.normalizeAdvantages) {
    const mean = advantages.ref.mean();
    const centered = advantages.sub(mean);
    const std = np.sqrt(np.square(centered.ref).mean());
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
    valueLoss = np.maximum(lossUnclipped, lossClipped).mean();
  } else {
    batch.oldValues.dispose();
    valueLoss = np.square(values.sub(batch.returns)).mean();
  }

  const loss = policyLoss.ref
    .add(valueLoss.ref.mul(config.valueCoef))
    .sub(entropy.ref.mul(config.entropyCoef));
  // CleanRL's estimator of KL(old ‖ new), and the share of samples the clip was active on.
  const approxKl = ratio.ref.sub(1).sub(logRatio).mean();
  const clipFraction = np.abs(ratio.sub(1)).greater(clipEps).astype(np.float32).mean();
  const stats = np.stack([policyLoss, valueLoss, entropy, approxKl, clipFraction]);
  return [loss, stats];
}

/**
 * The jitted update step (src/rl/optimizer.ts): gradient of the loss, global-norm clipping, then Adam as
 * torch implements it. Returns [params, m, v, stats] where stats = [loss, ...LOSS_STATS, gradNorm].
 */
function makeUpdateStep(net: ActorCritic, config: PpoConfig) {
  return makeClippedAdamStep(
    (params: np.Array, batch: Minibatch) => ppoLoss(net, config, params, batch),
    config,
  );
}

// ───────────────────────────────────────────── 4. GAE ─────────────────────────────────────────────
// computeGae (src/rl/gae.ts), shared with the continuous PPO.

// ───────────────────────────────────────────── the trainer ─────────────────────────────────────────────

export interface PpoOptions {
  /** The training envs, as PPO should see them (reward wrappers included). */
  makeEnv: EnvFactory;
  /**
   * The evaluation env. Evaluation reports the return of the rewards this env pays, so when training
   * rewards are shaped (a reward wrapper in makeEnv), pass the bare env here to measure the true return.
   * Default: makeEnv(numEnvs).
   */
  makeEvalEnv?: () => Env<unknown, number>;
  config?: Partial<PpoConfig>;
  hooks?: PpoHooks;
  /** Overrides the network chosen by `config.model`. */
  net?: ActorCriticSpec;
  /** Names the run in errors (e.g. the experiment's run id). */
  name?: string;
}

export class Ppo {
  readonly config: PpoConfig;
  readonly net: ActorCritic;
  readonly encoder: ObservationEncoder;
  hooks: PpoHooks;

  /** Device arrays: the flat parameters and Adam's first and second moments. */
  private params: np.Array;
  private adamM: np.Array;
  private adamV: np.Array;
  private state: TrainerState;
  private readonly rng: Rng;
  private readonly name: string;
  /** Where a diverged run can resume from. */
  private lastCheckpoint: { path: string; update: number } | null = null;

  private readonly envs: SyncVectorEnv<unknown, number>;
  private evalEnv: Env<unknown, number> | undefined;
  private readonly makeEvalEnv: () => Env<unknown, number>;
  /** The observations the next rollout step acts on, encoded: [numEnvs, H, W, C]. */
  private readonly currentObs: Float32Array;
  /** Staging for the policy's input during rollouts and evaluation. */
  private readonly policyInput: Float32Array;
  private readonly episodes: EpisodeTracker;

  private readonly policyStep: (params: np.Array, input: np.Array) => np.Array;
  private readonly updateStep: ReturnType<typeof makeUpdateStep>;
  private readonly buffer: ImageRollout;

  /** Use `Ppo.create` (which starts jax-js) or `Ppo.resume`. */
  private constructor(
    options: PpoOptions,
    restored?: { header: CheckpointHeader; arrays: Record<string, Float32Array> },
  ) {
    this.config = { ...PPO_DEFAULTS, ...options.config };
    validateConfig(this.config);
    this.hooks = options.hooks ?? {};
    this.name = options.name ?? "ppo";
    this.makeEvalEnv = options.makeEvalEnv ?? (() => options.makeEnv(this.config.numEnvs));
    const c = this.config;

    this.envs = new SyncVectorEnv(options.makeEnv, c.numEnvs);
    const actionSpace = this.envs.actionSpace;
    if (!isDiscrete(actionSpace) || actionSpace.start !== 0) {
      throw new TypeError(
        `PPO here handles Discrete(n) actions starting at 0; got ${actionSpace.describe()}` +
          (isBox(actionSpace) ? " (for Box actions use ContinuousPpo, src/rl/ppo-continuous.ts)" : ""),
      );
    }
    this.encoder = observationEncoder(this.envs.observationSpace);
    const spec = restored?.header.net ?? options.net ?? defaultNet(c.model, this.encoder, actionSpace.n);
    this.net = new ActorCritic(spec);

    this.rng = new Rng(c.seed, 1);
    if (restored) {
      this.state = structuredClone(restored.header.state);
      this.rng.setState(this.state.rng.words, this.state.rng.spareNormal);
      this.params = np.array(restored.arrays.params);
      this.adamM = np.array(restored.arrays.adamM);
      this.adamV = np.array(restored.arrays.adamV);
    } else {
      this.state = {
        update: 0,
        frames: 0,
        adamStep: 0,
        nextEvalAt: c.evalEvery,
        evalCount: 0,
        rng: this.rng.state(),
      };
      this.params = np.array(this.net.initParams(new Rng(c.seed, 0)));
      this.adamM = np.zeros([this.net.numParams]);
      this.adamV = np.zeros([this.net.numParams]);
    }

    const net = this.net;
    // Logits, not log-probabilities: runPolicy normalises its few rows on the host, which saves the
    // compiled forward several kernels on each of its 129 calls per update.
    this.policyStep = jit((params: np.Array, input: np.Array) => {
      const [logits, values] = net.apply(params, input);
      return np.concatenate([logits, values.reshape([-1, 1])], 1);
    });
    this.updateStep = makeUpdateStep(net, c);
    this.buffer = new ImageRollout(c.numSteps, c.numEnvs, this.net.inputSize);

    this.currentObs = new Float32Array(c.numEnvs * this.encoder.size);
    this.policyInput = new Float32Array(c.numEnvs * this.net.inputSize);
    this.episodes = new EpisodeTracker(c.numEnvs);
    this.startEpisodes();
  }

  /**
   * Starts a new run. A new run owns its metrics log: an existing file at `logPath` is emptied (continue a
   * run with `resume` instead). With checkpointing on, a first checkpoint is written at once, so a run can
   * be resumed however early it is stopped.
   */
  static async create(options: PpoOptions): Promise<Ppo> {
    await initJax();
    const ppo = new Ppo(options);
    const { logPath, checkpointEvery, checkpointPath } = ppo.config;
    rewindLog(logPath, 0);
    if (checkpointEvery > 0 && checkpointPath) ppo.saveCheckpoint(checkpointPath);
    return ppo;
  }

  /**
   * Continues a run from its checkpoint with the same config (the file's), so that the updates that follow
   * are identical to those of the run that was stopped. The metrics log is cut back to where it stood at the
   * checkpoint, so the updates redone after it are not logged twice. `config` may change only where it
   * cannot change the learning: totalFrames, logPath, checkpointPath, checkpointEvery.
   */
  static async resume(
    path: string,
    options: Omit<PpoOptions, "config" | "net"> & {
      config?: Partial<Pick<PpoConfig, "totalFrames" | "logPath" | "checkpointPath" | "checkpointEvery">>;
    },
  ): Promise<Ppo> {
    await initJax();
    const restored = readCheckpoint<CheckpointHeader>(path);
    const algorithm = (restored.header as { algorithm?: string }).algorithm;
    if (algorithm !== undefined) {
      throw new TypeError(
        `${path} is a "${algorithm}" checkpoint, not a discrete PPO one; resume it with its own trainer`,
      );
    }
    const config = { ...restored.header.config, checkpointPath: path, ...options.config };
    rewindLog(config.logPath, restored.header.logBytes);
    const ppo = new Ppo({ ...options, config }, restored);
    ppo.lastCheckpoint = { path, update: ppo.state.update };
    return ppo;
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

  /** Runs updates until `config.totalFrames`; returns the last update's statistics. */
  train(): UpdateStats | undefined {
    let last: UpdateStats | undefined;
    while (this.state.frames < this.config.totalFrames) last = this.step();
    return last;
  }

  /** One PPO iteration: collect a rollout, learn from it, then evaluate and checkpoint when due. */
  step(): UpdateStats {
    const c = this.config;
    const started = performance.now();
    const rollout = this.collectRollout();
    const learnStart = performance.now();
    const learning = this.learn();
    const finished = performance.now();

    this.state.update += 1;
    this.state.frames += c.numSteps * c.numEnvs;
    const stats: UpdateStats = {
      type: "update",
      update: this.state.update,
      frames: this.state.frames,
      fps: (c.numSteps * c.numEnvs) / ((finished - started) / 1000),
      episodeReturns: rollout.episodeReturns,
      episodeLengths: rollout.episodeLengths,
      returnMean: rollout.episodeReturns.length ? mean(rollout.episodeReturns) : null,
      ...learning,
      value: mean(this.buffer.values),
      time: { env: rollout.envMs, policy: rollout.policyMs, learn: finished - learnStart },
    };
    const components = this.hooks.rewardComponents?.();
    if (components) stats.rewardComponents = components;
    this.log(stats);
    this.hooks.onUpdate?.(stats);

    if (c.evalEvery > 0 && this.state.frames >= this.state.nextEvalAt) {
      const evaluation = this.evaluate();
      this.log(evaluation);
      this.hooks.onEval?.(evaluation);
      // One evaluation per boundary: evaluating the same parameters twice would add nothing.
      while (this.state.nextEvalAt <= this.state.frames) this.state.nextEvalAt += c.evalEvery;
    }
    if (c.checkpointEvery > 0 && c.checkpointPath && this.state.update % c.checkpointEvery === 0) {
      this.saveCheckpoint(c.checkpointPath);
    }
    return stats;
  }

  // ───────────────────────────────────────── 3. rollouts ─────────────────────────────────────────

  /**
   * Env i's episodes start from seed + i, continuing their own stream afterwards. After a checkpoint the
   * envs restart from seeds derived from the update count: an env's internals cannot be saved, so this is
   * what lets a resumed run see the same episodes as an uninterrupted one. The cut episodes are bootstrapped
   * like time-limit truncations (the rollout's last step already bootstraps from V(s_T)).
   */
  private startEpisodes(): void {
    const c = this.config;
    const seed = c.seed + this.state.update * 7919 * c.numEnvs;
    const { obs } = this.envs.reset({ seed });
    obs.forEach((o, i) => {
      this.encoder.encode(o, this.currentObs, i * this.encoder.size);
    });
    this.episodes.restart();
  }

  private collectRollout() {
    const c = this.config;
    const { numEnvs: N, numSteps: T } = c;
    const A = this.net.spec.numActions;
    const size = this.encoder.size;
    const inputSize = this.net.inputSize;
    const b = this.buffer;
    const actions = new Int32Array(N);
    const finalObs = new Float32Array(N * size);
    let envMs = 0;
    let policyMs = 0;

    for (let t = 0; t < T; t++) {
      const t0 = performance.now();
      const out = this.runPolicy(this.currentObs, N);
      for (let i = 0; i < N; i++) {
        const k = t * N + i;
        const row = i * (A + 1);
        const action = sampleCategorical(out, row, A, this.rng.uniform());
        actions[i] = action;
        b.actions[k] = action;
        b.logProbs[k] = out[row + action];
        b.values[k] = out[row + A];
      }
      // The network input runPolicy just built: stored once, reused by every epoch.
      b.inputs.set(this.policyInput.subarray(0, N * inputSize), t * N * inputSize);

      const t1 = performance.now();
      const result = this.envs.step(actions);
      let anyTruncated = false;
      for (let i = 0; i < N; i++) {
        b.rewards[t * N + i] = result.rewards[i];
        this.episodes.add(i, result.rewards[i], result.terminated[i] || result.truncated[i]);
        if (b.recordEnd(t, i, result.terminated[i], result.truncated[i])) {
          this.encoder.encode(result.finalObs[i], finalObs, i * size);
          anyTruncated = true;
        }
        this.encoder.encode(result.obs[i], this.currentObs, i * size);
      }
      const t2 = performance.now();
      if (anyTruncated) {
        // Rare (time limits only), so a full fixed-size batch is fine and avoids a recompile per count.
        const out = this.runPolicy(finalObs, N);
        b.setFinalValues(t, (i) => out[i * (A + 1) + A]);
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

  /** Log-probabilities and values for `batch` encoded images: [batch, A + 1], the value last in each row. */
  private runPolicy(images: Float32Array, batch: number): Float32Array {
    const input = this.policyInput.subarray(0, batch * this.net.inputSize);
    this.net.prepareInput(images, batch, input);
    const x = np.array(input).reshape([batch, ...this.net.inputShape]);
    const out = this.policyStep(this.params.ref, x).dataSync() as Float32Array;
    const A = this.net.spec.numActions;
    for (let row = 0; row < batch * (A + 1); row += A + 1) logSoftmaxInPlace(out, row, A);
    return out;
  }

  // ───────────────────────────────────────── 5. learning ─────────────────────────────────────────

  private learn() {
    const c = this.config;
    const b = this.buffer;
    const size = this.net.inputSize;
    const total = c.numSteps * c.numEnvs;
    const rollout = {
      input: b.inputs,
      actions: b.actions,
      logProbs: b.logProbs,
      values: b.values,
      advantages: b.advantages,
      returns: b.returns,
    };
    const widths = { input: size, actions: 1, logProbs: 1, values: 1, advantages: 1, returns: 1 };
    const stats = new StepStatsMean(LOSS_STATS);

    for (const { n, columns: mb } of new Minibatches(rollout, widths, total, c.batchSize).passes(
      this.rng,
      c.epochs,
    )) {
      this.state.adamStep += 1;
      const batch: Minibatch = {
        input: np.array(mb.input.subarray(0, n * size)).reshape([n, ...this.net.inputShape]),
        actions: np.array(mb.actions.subarray(0, n), { dtype: np.int32 }),
        oldLogProbs: np.array(mb.logProbs.subarray(0, n)),
        advantages: np.array(mb.advantages.subarray(0, n)),
        returns: np.array(mb.returns.subarray(0, n)),
        oldValues: np.array(mb.values.subarray(0, n)),
      };
      const [params, m, v, stepStats] = this.updateStep(
        this.params,
        this.adamM,
        this.adamV,
        adamScalars(c.lr, this.state.adamStep),
        batch,
      );
      this.params = params;
      this.adamM = m;
      this.adamV = v;
      const values = stepStats.dataSync() as Float32Array;
      // A non-finite loss poisons every later update: stop here, so the run fails once with a clear cause.
      if (!values.every((x) => Number.isFinite(x))) {
        throw new TrainingDivergedError(
          this.name,
          this.state.update + 1,
          `the loss is not finite (loss ${values[0]}, gradient norm ${values[values.length - 1]})`,
          this.lastCheckpoint,
        );
      }
      stats.add(values);
    }
    this.state.rng = this.rng.state();
    return stats.mean();
  }

  // ───────────────────────────────────────── 6. evaluation ─────────────────────────────────────────

  /**
   * The return over `evalEpisodes` episodes on a separate env (`makeEvalEnv`, by default env numEnvs).
   * Episode k of evaluation e is seeded from (seed, e, k), and sampling uses its own generator, so
   * evaluating never changes what training does, and a resumed run evaluates on the same episodes.
   */
  evaluate(episodes = this.config.evalEpisodes, greedy = this.config.evalGreedy): EvalStats {
    const c = this.config;
    this.evalEnv ??= this.makeEvalEnv();
    const env = this.evalEnv;
    const A = this.net.spec.numActions;
    const obsBuffer = new Float32Array(this.encoder.size);
    const rng = new Rng(c.seed + this.state.evalCount, 2);
    const returns: number[] = [];
    const lengths: number[] = [];
    const success = new SuccessCounter();
    for (let k = 0; k < episodes; k++) {
      let { obs } = env.reset({ seed: c.seed + 1_000_003 + this.state.evalCount * episodes + k });
      let episodeReturn = 0;
      let length = 0;
      for (;;) {
        this.encoder.encode(obs, obsBuffer, 0);
        const out = this.runPolicy(obsBuffer, 1);
        const action = greedy ? argmax(out, 0, A) : sampleCategorical(out, 0, A, rng.uniform());
        const result = env.step(action);
        episodeReturn += result.reward;
        length += 1;
        obs = result.obs;
        if (result.terminated || result.truncated) {
          success.episodeEnd(result.info);
          break;
        }
      }
      returns.push(episodeReturn);
      lengths.push(length);
    }
    this.state.evalCount += 1;
    const returnMean = mean(returns);
    const returnStd = Math.sqrt(mean(returns.map((r) => (r - returnMean) ** 2)));
    const successRate = success.rate();
    return {
      type: "eval",
      update: this.state.update,
      frames: this.state.frames,
      returns,
      lengths,
      returnMean,
      returnStd,
      // MiniGrid never reports success: its log lines stay as they were.
      ...(successRate === null ? {} : { successRate }),
    };
  }

  // ───────────────────────────────────────── 7. checkpoints ─────────────────────────────────────────

  /** Saves params, Adam's moments, RNG state and counters, then restarts the envs' episodes (see startEpisodes). */
  saveCheckpoint(path: string): void {
    const c = this.config;
    const logBytes = logSize(c.logPath);
    this.state.rng = this.rng.state();
    writeCheckpoint<CheckpointHeader>(path, {
      header: { config: c, net: this.net.spec, state: this.state, logBytes },
      arrays: {
        params: Float32Array.from(this.params.ref.dataSync() as Float32Array),
        adamM: Float32Array.from(this.adamM.ref.dataSync() as Float32Array),
        adamV: Float32Array.from(this.adamV.ref.dataSync() as Float32Array),
      },
    });
    this.lastCheckpoint = { path, update: this.state.update };
    this.startEpisodes();
  }

  private log(entry: UpdateStats | EvalStats): void {
    appendLogEntry(this.config.logPath, entry);
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

/** A rollout with the network inputs and the actions taken. */
class ImageRollout extends RolloutBuffer {
  /** Observations as network input (ActorCritic.prepareInput), inputSize floats each. */
  readonly inputs: Float32Array;
  readonly actions: Int32Array;
  constructor(numSteps: number, numEnvs: number, inputSize: number) {
    super(numSteps, numEnvs);
    this.inputs = new Float32Array(numSteps * numEnvs * inputSize);
    this.actions = new Int32Array(numSteps * numEnvs);
  }
}

function defaultNet(
  model: PpoConfig["model"],
  encoder: ObservationEncoder,
  numActions: number,
): ActorCriticSpec {
  const kind = model === "auto" ? (encoder.kind === "symbolic" ? "minigrid" : "pixels") : model;
  return kind === "minigrid" ? minigridNet(numActions, encoder.shape) : pixelNet(numActions, encoder.shape);
}

/** Turns logits `values[offset .. offset + n)` into log-probabilities (log-softmax), in place. */
function logSoftmaxInPlace(values: Float32Array, offset: number, n: number): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let a = 0; a < n; a++) max = Math.max(max, values[offset + a]);
  let sum = 0;
  for (let a = 0; a < n; a++) sum += Math.exp(values[offset + a] - max);
  const logSum = max + Math.log(sum);
  for (let a = 0; a < n; a++) values[offset + a] -= logSum;
}

/** Draws an action from log-probabilities `row[offset .. offset + n)` with one uniform number u. */
export function sampleCategorical(logProbs: ArrayLike<number>, offset: number, n: number, u: number): number {
  let cumulative = 0;
  for (let a = 0; a < n - 1; a++) {
    cumulative += Math.exp(logProbs[offset + a]);
    if (u < cumulative) return a;
  }
  return n - 1;
}

function argmax(values: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  for (let a = 1; a < n; a++) if (values[offset + a] > values[offset + best]) best = a;
  return best;
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return values.length ? sum / values.length : 0;
}

function validateConfig(c: PpoConfig): void {
  const positiveInts = ["numEnvs", "numSteps", "epochs", "batchSize", "evalEpisodes"] as const;
  for (const key of positiveInts) {
    if (!Number.isInteger(c[key]) || c[key] < 1)
      throw new RangeError(`PPO config: ${key} must be an integer ≥ 1, got ${c[key]}`);
  }
  if (!Number.isSafeInteger(c.seed) || c.seed < 0)
    throw new RangeError(`PPO config: seed must be an integer ≥ 0, got ${c.seed}`);
  if (!(c.gamma >= 0 && c.gamma <= 1) || !(c.gaeLambda >= 0 && c.gaeLambda <= 1)) {
    throw new RangeError(
      `PPO config: gamma and gaeLambda must lie in [0, 1], got ${c.gamma} and ${c.gaeLambda}`,
    );
  }
  if (!(c.lr > 0)) throw new RangeError(`PPO config: lr must be > 0, got ${c.lr}`);
  if (c.checkpointEvery > 0 && !c.checkpointPath) {
    throw new RangeError("PPO config: checkpointEvery needs checkpointPath (where to write the checkpoint)");
  }
}
