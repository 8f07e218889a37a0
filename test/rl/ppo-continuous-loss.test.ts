/**
 * The continuous PPO's Gaussian policy and loss: log-probability and entropy against their closed forms, and
 * the loss's gradient (jax-js, float32 autodiff) against central finite differences of an independent float64
 * implementation written here in plain loops.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { numpy as np, valueAndGrad } from "@jax-js/jax";
import { initJax } from "../../src/rl/device.ts";
import { GaussianActorCritic, type GaussianMlpSpec, orthogonal } from "../../src/rl/mlp.ts";
import {
  CONTINUOUS_PPO_DEFAULTS,
  type ContinuousLossConfig,
  continuousPpoLoss,
  gaussianEntropy,
  gaussianLogProb,
} from "../../src/rl/ppo-continuous.ts";
import { Rng } from "../../src/rl/rng.ts";

test("Gaussian log-probability = the log of the product of normal densities; entropy = Σ ½ log(2πe σ²)", async () => {
  await initJax();
  const rng = new Rng(11);
  const [B, A] = [5, 3];
  const mean = Float32Array.from({ length: B * A }, () => rng.normal());
  const logStd = Float32Array.from({ length: A }, () => rng.normal() * 0.7);
  const actions = Float32Array.from({ length: B * A }, () => 2 * rng.normal());
  const logProb = gaussianLogProb(
    np.array(mean).reshape([B, A]),
    np.array(logStd),
    np.array(actions).reshape([B, A]),
  ).dataSync();
  for (let i = 0; i < B; i++) {
    let density = 1;
    for (let j = 0; j < A; j++) {
      const sigma = Math.exp(logStd[j]);
      const z = (actions[i * A + j] - mean[i * A + j]) / sigma;
      density *= Math.exp(-0.5 * z * z) / (sigma * Math.sqrt(2 * Math.PI));
    }
    const expected = Math.log(density);
    assert.ok(
      Math.abs(logProb[i] - expected) < 1e-5 * (1 + Math.abs(expected)),
      `${logProb[i]} vs ${expected}`,
    );
  }

  const entropy = gaussianEntropy(np.array(logStd)).item();
  const closedForm = Array.from(logStd).reduce(
    (sum, s) => sum + 0.5 * Math.log(2 * Math.PI * Math.E * Math.exp(2 * s)),
    0,
  );
  assert.ok(Math.abs(entropy - closedForm) < 1e-5, `${entropy} vs ${closedForm}`);
  // And −E[log π(a)] by sampling, for a check that does not share the formula.
  const n = 20_000;
  const samples = new Float32Array(n * A);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < A; j++) samples[i * A + j] = Math.exp(logStd[j]) * rng.normal();
  const sampled = gaussianLogProb(
    np.zeros([n, A]),
    np.array(logStd),
    np.array(samples).reshape([n, A]),
  ).dataSync() as Float32Array;
  const monteCarlo = -sampled.reduce((s, v) => s + v, 0) / n;
  assert.ok(Math.abs(monteCarlo - closedForm) < 0.05, `Monte Carlo ${monteCarlo} vs ${closedForm}`);
});

test("orthogonal init: the fewer of rows and columns are orthonormal, times the gain", () => {
  const rng = new Rng(2);
  for (const [rows, cols] of [
    [6, 4],
    [3, 7],
  ]) {
    const w = orthogonal(rows, cols, 2, rng);
    const vectors =
      rows >= cols
        ? Array.from({ length: cols }, (_, c) => Array.from({ length: rows }, (_, r) => w[r * cols + c]))
        : Array.from({ length: rows }, (_, r) => Array.from(w.subarray(r * cols, (r + 1) * cols)));
    for (const [a, u] of vectors.entries()) {
      for (const [b, v] of vectors.entries()) {
        const dot = u.reduce((s, x, i) => s + x * v[i], 0);
        assert.ok(Math.abs(dot - (a === b ? 4 : 0)) < 1e-5, `[${rows}×${cols}] ⟨${a}, ${b}⟩ = ${dot}`);
      }
    }
  }
});

// ───────────── the float64 reference ─────────────

interface Batch {
  obs: Float64Array; // [B, D]
  actions: Float64Array; // [B, A]
  oldLogProbs: Float64Array;
  advantages: Float64Array;
  returns: Float64Array;
  oldValues: Float64Array;
}

function referenceForward(net: GaussianActorCritic, params: Float64Array, x: Float64Array) {
  const take = (e: { offset: number; size: number }) => params.subarray(e.offset, e.offset + e.size);
  const run = (layers: typeof net.actor) => {
    let h = x;
    layers.forEach(([w, b], i) => {
      const [inputs, outputs] = w.shape;
      const W = take(w);
      const bias = take(b);
      const y = new Float64Array(outputs);
      for (let o = 0; o < outputs; o++) {
        let sum = bias[o];
        for (let k = 0; k < inputs; k++) sum += h[k] * W[k * outputs + o];
        y[o] = i < layers.length - 1 ? Math.tanh(sum) : sum;
      }
      h = y;
    });
    return h;
  };
  return { mean: run(net.actor), value: run(net.critic)[0], logStd: take(net.logStd) };
}

function referenceLogProb(mean: Float64Array, logStd: Float64Array, action: Float64Array): number {
  let lp = 0;
  for (let j = 0; j < mean.length; j++) {
    const z = (action[j] - mean[j]) / Math.exp(logStd[j]);
    lp += -0.5 * z * z - logStd[j] - 0.5 * Math.log(2 * Math.PI);
  }
  return lp;
}

function referenceLoss(
  net: GaussianActorCritic,
  config: ContinuousLossConfig,
  params: Float64Array,
  batch: Batch,
): number {
  const { inputSize: D, actionSize: A } = net.spec;
  const n = batch.returns.length;
  let adv = Array.from(batch.advantages);
  if (config.normalizeAdvantages) {
    const mean = adv.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(adv.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    adv = adv.map((a) => (a - mean) / (std + 1e-8));
  }
  let policy = 0;
  let valueLoss = 0;
  let entropy = 0;
  for (let j = 0; j < n; j++) {
    const { mean, value, logStd } = referenceForward(net, params, batch.obs.subarray(j * D, (j + 1) * D));
    const lp = referenceLogProb(mean, logStd, batch.actions.subarray(j * A, (j + 1) * A));
    const ratio = Math.exp(lp - batch.oldLogProbs[j]);
    const clipped = Math.min(Math.max(ratio, 1 - config.clipEps), 1 + config.clipEps);
    policy += Math.max(-adv[j] * ratio, -adv[j] * clipped);
    const old = batch.oldValues[j];
    const vClipped = old + Math.min(Math.max(value - old, -config.clipEps), config.clipEps);
    const sq = (value - batch.returns[j]) ** 2;
    valueLoss += config.clipValueLoss ? Math.max(sq, (vClipped - batch.returns[j]) ** 2) : sq;
    entropy += logStd.reduce((s, l) => s + l + 0.5 * (1 + Math.log(2 * Math.PI)), 0);
  }
  return policy / n - config.entropyCoef * (entropy / n) + config.valueCoef * 0.5 * (valueLoss / n);
}

// ───────────── the check ─────────────

async function checkGradients(spec: GaussianMlpSpec, config: ContinuousLossConfig, seed: number) {
  await initJax();
  const net = new GaussianActorCritic(spec);
  const rng = new Rng(seed);
  const params32 = net.initParams(rng);
  // Larger output weights and a non-zero log-std than at init, so every parameter's gradient is visible.
  for (const e of net.entries) {
    for (let i = e.offset; i < e.offset + e.size; i++) params32[i] += 0.3 * rng.normal();
  }
  const params = Float64Array.from(params32);
  const { inputSize: D, actionSize: A } = spec;
  const n = 8;
  const batch: Batch = {
    obs: Float64Array.from({ length: n * D }, () => Math.fround(rng.normal())),
    actions: Float64Array.from({ length: n * A }, () => Math.fround(rng.normal())),
    oldLogProbs: new Float64Array(n),
    advantages: Float64Array.from({ length: n }, () => Math.fround(rng.normal())),
    returns: Float64Array.from({ length: n }, () => Math.fround(rng.normal())),
    oldValues: new Float64Array(n),
  };
  // Ratios and value changes clearly inside or outside the clip range: every branch, no kink within h.
  const offsets = [-0.5, -0.1, 0.1, 0.5];
  for (let j = 0; j < n; j++) {
    const { mean, value, logStd } = referenceForward(net, params, batch.obs.subarray(j * D, (j + 1) * D));
    const lp = referenceLogProb(mean, logStd, batch.actions.subarray(j * A, (j + 1) * A));
    batch.oldLogProbs[j] = Math.fround(lp + offsets[j % 4]);
    batch.oldValues[j] = Math.fround(value + offsets[(j >> 1) % 4]);
  }

  const lossAndGrad = valueAndGrad(
    (p: np.Array) =>
      continuousPpoLoss(net, config, p, {
        input: np.array(Float32Array.from(batch.obs)).reshape([n, D]),
        actions: np.array(Float32Array.from(batch.actions)).reshape([n, A]),
        oldLogProbs: np.array(Float32Array.from(batch.oldLogProbs)),
        advantages: np.array(Float32Array.from(batch.advantages)),
        returns: np.array(Float32Array.from(batch.returns)),
        oldValues: np.array(Float32Array.from(batch.oldValues)),
      }),
    { hasAux: true },
  );
  const [[lossArray, stats], gradArray] = lossAndGrad(np.array(params32));
  stats.dispose();
  const loss = lossArray.item();
  const grad = gradArray.dataSync();
  const refLoss = referenceLoss(net, config, params, batch);
  assert.ok(
    Math.abs(loss - refLoss) < 1e-4 * (1 + Math.abs(refLoss)),
    `loss ${loss} vs reference ${refLoss}`,
  );

  const h = 1e-6;
  let gradScale = 0;
  for (let i = 0; i < net.numParams; i++) gradScale = Math.max(gradScale, Math.abs(grad[i]));
  assert.ok(gradScale > 1e-3, "the gradient should not vanish on this batch");
  for (let i = 0; i < net.numParams; i++) {
    const saved = params[i];
    params[i] = saved + h;
    const up = referenceLoss(net, config, params, batch);
    params[i] = saved - h;
    const down = referenceLoss(net, config, params, batch);
    params[i] = saved;
    const fd = (up - down) / (2 * h);
    const entry = net.entries.find((e) => i >= e.offset && i < e.offset + e.size);
    assert.ok(
      Math.abs(grad[i] - fd) <= 2e-4 * gradScale + 1e-3 * Math.abs(fd),
      `d loss / d ${entry?.name}[${i - (entry?.offset ?? 0)}]: jax ${grad[i]}, float64 finite difference ${fd}`,
    );
  }
}

const tiny: GaussianMlpSpec = { inputSize: 3, actionSize: 2, hidden: [5, 4], initLogStd: -0.3 };
const lossConfig: ContinuousLossConfig = {
  clipEps: CONTINUOUS_PPO_DEFAULTS.clipEps,
  clipValueLoss: true,
  entropyCoef: 0.01,
  valueCoef: CONTINUOUS_PPO_DEFAULTS.valueCoef,
  normalizeAdvantages: true,
};

test("continuous PPO loss gradient = float64 finite differences, every parameter of a tiny net", async () => {
  await checkGradients(tiny, lossConfig, 3);
});

test("continuous PPO loss gradient without value clipping or advantage normalisation, one hidden layer", async () => {
  await checkGradients(
    { ...tiny, hidden: [6], actionSize: 3 },
    { ...lossConfig, clipValueLoss: false, normalizeAdvantages: false, entropyCoef: 0 },
    4,
  );
});
