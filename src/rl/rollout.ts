/**
 * What both PPOs record per transition of a rollout, [numSteps × numEnvs] with index t · numEnvs + i (each adds
 * its own network inputs and actions), and the bookkeeping of the episodes a rollout spans.
 */
import { computeGae } from "./gae.ts";

export class RolloutBuffer {
  readonly logProbs: Float32Array;
  readonly values: Float32Array;
  /** Rewards as the learner sees them. */
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** V(final observation) where truncated, 0 elsewhere. */
  readonly finalValues: Float32Array;
  readonly advantages: Float32Array;
  readonly returns: Float32Array;

  constructor(
    readonly numSteps: number,
    readonly numEnvs: number,
  ) {
    const n = numSteps * numEnvs;
    this.logProbs = new Float32Array(n);
    this.values = new Float32Array(n);
    this.rewards = new Float32Array(n);
    this.terminated = new Uint8Array(n);
    this.truncated = new Uint8Array(n);
    this.finalValues = new Float32Array(n);
    this.advantages = new Float32Array(n);
    this.returns = new Float32Array(n);
  }

  /**
   * Records how env i's step t ended. Termination wins: a success on the last allowed step is not
   * bootstrapped. Returns true when the step was truncated only, i.e. V(final observation) is needed.
   */
  recordEnd(t: number, i: number, terminated: boolean, truncated: boolean): boolean {
    const k = t * this.numEnvs + i;
    this.terminated[k] = terminated ? 1 : 0;
    this.truncated[k] = truncated && !terminated ? 1 : 0;
    return this.truncated[k] === 1;
  }

  /** Step t's final values: `finalValueOf(i)` for the envs truncated at t, 0 for the others (and all when null). */
  setFinalValues(t: number, finalValueOf: ((i: number) => number) | null): void {
    const N = this.numEnvs;
    if (finalValueOf === null) {
      this.finalValues.fill(0, t * N, (t + 1) * N);
      return;
    }
    for (let i = 0; i < N; i++) this.finalValues[t * N + i] = this.truncated[t * N + i] ? finalValueOf(i) : 0;
  }

  /** Advantages and returns by GAE, bootstrapping the rollout's end from `lastValues` (one per env). */
  computeAdvantages(lastValues: ArrayLike<number>, gamma: number, lambda: number): void {
    const { advantages, returns } = computeGae({
      numSteps: this.numSteps,
      numEnvs: this.numEnvs,
      rewards: this.rewards,
      values: this.values,
      terminated: this.terminated,
      truncated: this.truncated,
      finalValues: this.finalValues,
      lastValues,
      gamma,
      lambda,
    });
    this.advantages.set(advantages);
    this.returns.set(returns);
  }
}

/** Each env's running episode return and length, and the episodes that finished since the last `take`. */
export class EpisodeTracker {
  private readonly running: Float64Array;
  private readonly lengths: Int32Array;
  private finishedReturns: number[] = [];
  private finishedLengths: number[] = [];

  constructor(numEnvs: number) {
    this.running = new Float64Array(numEnvs);
    this.lengths = new Int32Array(numEnvs);
  }

  /** Adds env i's reward for one step; when its episode `ended`, files the episode and starts the next. */
  add(i: number, reward: number, ended: boolean): void {
    this.running[i] += reward;
    this.lengths[i] += 1;
    if (ended) {
      this.finishedReturns.push(this.running[i]);
      this.finishedLengths.push(this.lengths[i]);
      this.running[i] = 0;
      this.lengths[i] = 0;
    }
  }

  /** Forgets the running episodes (the envs were reset). */
  restart(): void {
    this.running.fill(0);
    this.lengths.fill(0);
  }

  /** The returns and lengths of the episodes finished since the last call. */
  take(): { returns: number[]; lengths: number[] } {
    const out = { returns: this.finishedReturns, lengths: this.finishedLengths };
    this.finishedReturns = [];
    this.finishedLengths = [];
    return out;
  }
}
