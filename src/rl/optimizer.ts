/**
 * The update step both PPOs share: the gradient of a loss over the flat parameter vector, global-norm
 * clipping as torch's clip_grad_norm_ does it (scale = min(1, maxNorm / (norm + 1e-6))), then Adam as torch
 * implements it, all in one jitted function.
 */
import { jit, numpy as np, valueAndGrad } from "@jax-js/jax";

export const ADAM_BETAS = [0.9, 0.999] as const;

/** A loss over the flat parameters: [scalar loss, a vector of statistics to report]. */
export type LossFn<Batch> = (params: np.Array, batch: Batch) => [np.Array, np.Array];

/** The jitted step: [params, m, v, stats] with stats = [loss, ...the loss's statistics, gradNorm]. */
export type UpdateStep<Batch> = (
  params: np.Array,
  m: np.Array,
  v: np.Array,
  adamScalars: np.Array,
  batch: Batch,
) => [np.Array, np.Array, np.Array, np.Array];

/**
 * Builds the jitted step. `adamScalars` (see `adamScalars`) holds [lr / (1 − β1^t), √(1 − β2^t)], computed on
 * the host so the compiled step does not change with t or with an annealed learning rate.
 */
export function makeClippedAdamStep<Batch>(
  loss: LossFn<Batch>,
  options: { maxGradNorm: number; adamEps: number },
): UpdateStep<Batch> {
  const [beta1, beta2] = ADAM_BETAS;
  // jax-js types a batch as a tree of arrays; the PPOs' minibatches are records of arrays, which it accepts.
  const lossAndGrad = valueAndGrad(loss, { hasAux: true }) as unknown as (
    params: np.Array,
    batch: Batch,
  ) => [[np.Array, np.Array], np.Array];
  return jit((params: np.Array, m: np.Array, v: np.Array, adamScalars: np.Array, batch: Batch) => {
    const [[lossValue, lossStats], grad] = lossAndGrad(params.ref, batch);
    const gradNorm = np.sqrt(np.square(grad.ref).sum());
    const clipScale = np.minimum(np.divide(options.maxGradNorm, gradNorm.ref.add(1e-6)), 1);
    const g = grad.mul(clipScale);
    const m2 = m.mul(beta1).add(g.ref.mul(1 - beta1));
    const v2 = v.mul(beta2).add(np.square(g).mul(1 - beta2));
    const stepSize = adamScalars.ref.slice([0, 1]);
    const sqrtBias2 = adamScalars.slice([1, 2]);
    const denominator = np.sqrt(v2.ref).div(sqrtBias2).add(options.adamEps);
    const params2 = params.sub(m2.ref.mul(stepSize).div(denominator));
    const stats = np.concatenate([lossValue.reshape([1]), lossStats, gradNorm.reshape([1])]);
    return [params2, m2, v2, stats] as [np.Array, np.Array, np.Array, np.Array];
  }) as UpdateStep<Batch>;
}

/** The host-side scalars of Adam step `t` (1-based) at learning rate `lr`, as a device array. */
export function adamScalars(lr: number, t: number): np.Array {
  const [beta1, beta2] = ADAM_BETAS;
  return np.array(new Float32Array([lr / (1 - beta1 ** t), Math.sqrt(1 - beta2 ** t)]));
}

/**
 * Averages the steps' statistics over a learning phase: each step's stats vector is [loss, ...the loss's
 * statistics named by `names`, gradNorm]; `mean()` returns the named ones and gradNorm.
 */
export class StepStatsMean<Name extends string> {
  private readonly sums: Float64Array;
  private count = 0;

  constructor(private readonly names: readonly Name[]) {
    this.sums = new Float64Array(names.length + 2);
  }

  add(stats: ArrayLike<number>): void {
    for (let j = 0; j < this.sums.length; j++) this.sums[j] += stats[j];
    this.count += 1;
  }

  mean(): Record<Name | "gradNorm", number> {
    const out = {} as Record<Name | "gradNorm", number>;
    this.names.forEach((name, j) => {
      out[name] = this.sums[j + 1] / this.count;
    });
    out.gradNorm = this.sums[this.names.length + 1] / this.count;
    return out;
  }
}
