/**
 * Running mean and variance of a stream of vectors, merged batch by batch with Chan et al.'s parallel rule,
 * as Gymnasium's RunningMeanStd does (count starts at ε = 1e-4, mean 0, variance 1). The continuous PPO
 * normalises observations with it, and rewards by the spread of the discounted return.
 *
 * Kept in float64 on the host; `state()` is plain numbers, so a checkpoint's JSON header stores it exactly.
 */

export interface RunningStatsState {
  mean: number[];
  var: number[];
  count: number;
}

export class RunningMeanStd {
  readonly mean: Float64Array;
  readonly var: Float64Array;
  count: number;

  constructor(
    readonly size: number,
    epsilon = 1e-4,
  ) {
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
    this.count = epsilon;
  }

  /** Merges `n` samples, row-major [n, size], from `values` starting at `offset`. */
  update(values: ArrayLike<number>, n: number, offset = 0): void {
    const d = this.size;
    const total = this.count + n;
    for (let j = 0; j < d; j++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += values[offset + i * d + j];
      const batchMean = sum / n;
      let squares = 0;
      for (let i = 0; i < n; i++) squares += (values[offset + i * d + j] - batchMean) ** 2;
      const batchVar = squares / n;
      const delta = batchMean - this.mean[j];
      const m2 = this.var[j] * this.count + batchVar * n + (delta * delta * this.count * n) / total;
      this.mean[j] += (delta * n) / total;
      this.var[j] = m2 / total;
    }
    this.count = total;
  }

  state(): RunningStatsState {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  setState(state: RunningStatsState): void {
    if (state.mean.length !== this.size || state.var.length !== this.size) {
      throw new RangeError(`running statistics of size ${state.mean.length} do not fit size ${this.size}`);
    }
    this.mean.set(state.mean);
    this.var.set(state.var);
    this.count = state.count;
  }
}
