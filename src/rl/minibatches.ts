/**
 * PPO's learning passes, shared by both PPOs: `epochs` passes over a rollout's samples, each in a fresh
 * shuffled order (one Fisher-Yates permutation per epoch from the trainer's generator, so a checkpoint's RNG
 * state fixes every later order), cut into minibatches of `size` (the last one smaller when `size` does not
 * divide the rollout), each gathered into staging arrays that are reused.
 */
import type { Rng } from "./rng.ts";

/** Named per-sample columns, `width` values a sample: [samples × width], sample k at k · width. */
export type Columns = Record<string, Float32Array | Int32Array>;

export interface Minibatch<C extends Columns> {
  epoch: number;
  /** The minibatch's index within its epoch. */
  index: number;
  /** Samples in this minibatch. */
  n: number;
  /** Each column's first n · width values hold the minibatch (views into reused staging arrays). */
  columns: C;
}

export class Minibatches<C extends Columns> {
  private readonly staging: C;
  private readonly order: Int32Array;

  constructor(
    private readonly rollout: C,
    private readonly widths: { readonly [K in keyof C]: number },
    private readonly total: number,
    private readonly size: number,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`minibatch size must be ≥ 1, got ${size}`);
    const capacity = Math.min(size, total);
    const staging: Record<string, Float32Array | Int32Array> = {};
    for (const key of Object.keys(rollout)) {
      const length = capacity * widths[key as keyof C];
      staging[key] = rollout[key] instanceof Int32Array ? new Int32Array(length) : new Float32Array(length);
    }
    this.staging = staging as C;
    this.order = new Int32Array(total);
  }

  /** The minibatches of `epochs` shuffled passes, in order. */
  *passes(rng: Rng, epochs: number): Generator<Minibatch<C>> {
    const { total, size, order } = this;
    for (let epoch = 0; epoch < epochs; epoch++) {
      rng.permutation(total, order);
      for (let start = 0, index = 0; start < total; start += size, index++) {
        const n = Math.min(size, total - start);
        this.gather(start, n);
        yield { epoch, index, n, columns: this.staging };
      }
    }
  }

  private gather(start: number, n: number): void {
    const order = this.order;
    for (const key of Object.keys(this.rollout) as (keyof C & string)[]) {
      const from = this.rollout[key];
      const to = this.staging[key];
      const width = this.widths[key];
      if (width === 1) {
        for (let j = 0; j < n; j++) to[j] = from[order[start + j]];
      } else {
        for (let j = 0; j < n; j++) {
          const k = order[start + j];
          to.set(from.subarray(k * width, (k + 1) * width), j * width);
        }
      }
    }
  }
}
