/**
 * The actor-critic for continuous actions, as CleanRL's ppo_continuous_action.py builds it:
 *
 *   obs → Linear(64) tanh → Linear(64) tanh → Linear(A)   the action mean     (actor)
 *   obs → Linear(64) tanh → Linear(64) tanh → Linear(1)   the value           (critic)
 *   logStd: A free parameters, the same for every state (a diagonal Gaussian policy)
 *
 * Weights are orthogonal (gain √2 in hidden layers, 0.01 on the action mean, 1 on the value), biases and
 * logStd start at 0. As in nets.ts, all parameters live in ONE flat float32 vector, sliced inside the traced
 * function, so Adam and the gradient clip act on one array and a checkpoint is that vector.
 */
import { numpy as np } from "@jax-js/jax";
import type { Rng } from "./rng.ts";

export interface GaussianMlpSpec {
  inputSize: number;
  actionSize: number;
  /** Widths of the hidden layers of both the actor and the critic. CleanRL: [64, 64]. */
  hidden: number[];
  /** The starting log standard deviation of every action dimension. CleanRL: 0 (std 1). */
  initLogStd: number;
}

export interface MlpParamEntry {
  name: string;
  offset: number;
  shape: number[];
  size: number;
  /** Orthogonal weights with this gain; biases (gain absent) start at `fill`. */
  gain?: number;
  fill?: number;
}

export class GaussianActorCritic {
  readonly entries: MlpParamEntry[] = [];
  readonly numParams: number;
  readonly actor: MlpParamEntry[][];
  readonly critic: MlpParamEntry[][];
  readonly logStd: MlpParamEntry;

  constructor(readonly spec: GaussianMlpSpec) {
    for (const [key, value] of Object.entries({ inputSize: spec.inputSize, actionSize: spec.actionSize })) {
      if (!Number.isInteger(value) || value < 1)
        throw new RangeError(`${key} must be an integer ≥ 1, got ${value}`);
    }
    if (spec.hidden.length === 0 || spec.hidden.some((h) => !Number.isInteger(h) || h < 1)) {
      throw new RangeError(`hidden must list at least one layer width ≥ 1, got [${spec.hidden}]`);
    }
    let offset = 0;
    const add = (name: string, shape: number[], init: { gain?: number; fill?: number }) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const entry: MlpParamEntry = { name, offset, shape, size, ...init };
      offset += size;
      this.entries.push(entry);
      return entry;
    };
    const mlp = (name: string, outputs: number, outputGain: number) => {
      const widths = [spec.inputSize, ...spec.hidden, outputs];
      return widths.slice(1).map((width, i) => {
        const last = i === widths.length - 2;
        return [
          add(`${name}.${2 * i}.weight`, [widths[i], width], { gain: last ? outputGain : Math.SQRT2 }),
          add(`${name}.${2 * i}.bias`, [width], { fill: 0 }),
        ];
      });
    };
    this.actor = mlp("actor_mean", spec.actionSize, 0.01);
    this.critic = mlp("critic", 1, 1);
    this.logStd = add("actor_logstd", [spec.actionSize], { fill: spec.initLogStd });
    this.numParams = offset;
  }

  /** Fresh parameters: the same distributions as CleanRL's layer_init (not the same numbers). */
  initParams(rng: Rng): Float32Array {
    const flat = new Float32Array(this.numParams);
    for (const e of this.entries) {
      const view = flat.subarray(e.offset, e.offset + e.size);
      if (e.gain !== undefined) view.set(orthogonal(e.shape[0], e.shape[1], e.gain, rng));
      else view.fill(e.fill ?? 0);
    }
    return flat;
  }

  /** The log standard deviations held in a host copy of the parameters. */
  logStdOf(params: Float32Array): Float32Array {
    return params.slice(this.logStd.offset, this.logStd.offset + this.logStd.size);
  }

  /**
   * The forward pass, for use inside `jit`/`grad`: `params` is the flat vector, `input` [B, inputSize].
   * Returns the action means [B, A], the log standard deviations [A] and the values [B]. Consumes both.
   */
  apply(params: np.Array, input: np.Array): [mean: np.Array, logStd: np.Array, values: np.Array] {
    const take = (e: MlpParamEntry) => params.ref.slice([e.offset, e.offset + e.size]).reshape(e.shape);
    const forward = (layers: MlpParamEntry[][], x: np.Array) => {
      layers.forEach(([w, b], i) => {
        const z = np.matmul(x, take(w)).add(take(b));
        x = i < layers.length - 1 ? np.tanh(z) : z;
      });
      return x;
    };
    const batch = input.shape[0];
    const mean = forward(this.actor, input.ref);
    const values = forward(this.critic, input).reshape([batch]);
    const logStd = take(this.logStd);
    params.dispose();
    return [mean, logStd, values];
  }
}

/**
 * A [rows, cols] matrix (row-major) with orthonormal rows or columns, whichever are fewer, times `gain`: the
 * distribution of torch's orthogonal_. A Gaussian matrix's columns are orthonormalised by modified
 * Gram-Schmidt, which is QR with R's diagonal positive, the sign correction torch applies.
 */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float32Array {
  const n = Math.max(rows, cols);
  const m = Math.min(rows, cols);
  const q = Array.from({ length: m }, () => Float64Array.from({ length: n }, () => rng.normal()));
  for (let j = 0; j < m; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[j][i] * q[k][i];
      for (let i = 0; i < n; i++) q[j][i] -= dot * q[k][i];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[j][i] ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) q[j][i] /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (rows >= cols ? q[c][r] : q[r][c]);
  }
  return out;
}
