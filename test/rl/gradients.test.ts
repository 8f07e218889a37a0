/**
 * The PPO loss's gradient from jax-js (float32, autodiff through the jitted graph) against central finite
 * differences of an independent float64 implementation written here in plain loops: its own convolution on
 * the raw images (so ActorCritic.prepareInput is checked too), max-pool, heads, log-softmax and the loss.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { numpy as np, valueAndGrad } from "@jax-js/jax";
import { initJax } from "../../src/rl/device.ts";
import {
  ActorCritic,
  type ActorCriticSpec,
  minigridNet,
  type ParamEntry,
  pixelNet,
} from "../../src/rl/nets.ts";
import { PPO_DEFAULTS, type PpoConfig, ppoLoss } from "../../src/rl/ppo.ts";
import { Rng } from "../../src/rl/rng.ts";

type LossConfig = Pick<
  PpoConfig,
  "clipEps" | "clipValueLoss" | "entropyCoef" | "valueCoef" | "normalizeAdvantages"
>;

interface Batch {
  images: Float64Array; // [B, H, W, C]
  actions: Int32Array;
  oldLogProbs: Float64Array;
  advantages: Float64Array;
  returns: Float64Array;
  oldValues: Float64Array;
}

// ───────────── the float64 reference ─────────────

function tensor(
  params: Float64Array,
  net: ActorCritic,
  name: string,
): { data: Float64Array; entry: ParamEntry } {
  const entry = net.entries.find((e) => e.name === name);
  if (!entry) throw new Error(`no parameter ${name}`);
  return { data: params.subarray(entry.offset, entry.offset + entry.size), entry };
}

/** Valid convolution, weight rows ordered (di, dj, channel), then ReLU. */
function convRelu(
  x: Float64Array,
  [h, w, c]: number[],
  weight: Float64Array,
  bias: Float64Array,
  k: number,
  stride: number,
  out: number,
): [Float64Array, number[]] {
  const oh = Math.floor((h - k) / stride) + 1;
  const ow = Math.floor((w - k) / stride) + 1;
  const y = new Float64Array(oh * ow * out);
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      for (let o = 0; o < out; o++) {
        let sum = bias[o];
        for (let di = 0; di < k; di++) {
          for (let dj = 0; dj < k; dj++) {
            for (let ch = 0; ch < c; ch++) {
              const xv = x[((i * stride + di) * w + (j * stride + dj)) * c + ch];
              sum += xv * weight[((di * k + dj) * c + ch) * out + o];
            }
          }
        }
        y[(i * ow + j) * out + o] = Math.max(0, sum);
      }
    }
  }
  return [y, [oh, ow, out]];
}

function maxPool(x: Float64Array, [h, w, c]: number[]): [Float64Array, number[]] {
  const oh = Math.floor(h / 2);
  const ow = Math.floor(w / 2);
  const y = new Float64Array(oh * ow * c);
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      for (let ch = 0; ch < c; ch++) {
        let m = Number.NEGATIVE_INFINITY;
        for (let di = 0; di < 2; di++)
          for (let dj = 0; dj < 2; dj++) m = Math.max(m, x[((2 * i + di) * w + 2 * j + dj) * c + ch]);
        y[(i * ow + j) * c + ch] = m;
      }
    }
  }
  return [y, [oh, ow, c]];
}

function dense(
  x: Float64Array,
  weight: Float64Array,
  bias: Float64Array,
  act: "tanh" | "none",
): Float64Array {
  const outs = bias.length;
  const y = new Float64Array(outs);
  for (let o = 0; o < outs; o++) {
    let sum = bias[o];
    for (let i = 0; i < x.length; i++) sum += x[i] * weight[i * outs + o];
    y[o] = act === "tanh" ? Math.tanh(sum) : sum;
  }
  return y;
}

function referenceForward(net: ActorCritic, params: Float64Array, image: Float64Array) {
  const spec = net.spec;
  let x: Float64Array = image.map((v) => v * spec.inputScale);
  let shape = [...spec.inputShape];
  spec.convs.forEach((conv, i) => {
    const w = tensor(params, net, `conv${i}.weight`).data;
    const b = tensor(params, net, `conv${i}.bias`).data;
    [x, shape] = convRelu(x, shape, w, b, conv.kernel, conv.stride, conv.out);
    if (conv.pool) [x, shape] = maxPool(x, shape);
  });
  const head = (name: string) => {
    const p = (suffix: string) => tensor(params, net, `${name}.${suffix}`).data;
    return dense(dense(x, p("0.weight"), p("0.bias"), "tanh"), p("2.weight"), p("2.bias"), "none");
  };
  const logits = head("actor");
  const max = Math.max(...logits);
  const logSum = max + Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0));
  return { logProbs: logits.map((l) => l - logSum), value: head("critic")[0] };
}

function referenceLoss(net: ActorCritic, config: LossConfig, params: Float64Array, batch: Batch): number {
  const n = batch.actions.length;
  const size = net.spec.inputShape.reduce((a, b) => a * b, 1);
  let adv = Array.from(batch.advantages);
  if (config.normalizeAdvantages) {
    const mean = adv.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(adv.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    adv = adv.map((a) => (a - mean) / (std + 1e-8));
  }
  let policy = 0;
  let valueLoss = 0;
  let entropy = 0;
  for (let j = 0; j < n; j++) {
    const { logProbs, value } = referenceForward(
      net,
      params,
      batch.images.subarray(j * size, (j + 1) * size),
    );
    const ratio = Math.exp(logProbs[batch.actions[j]] - batch.oldLogProbs[j]);
    const clipped = Math.min(Math.max(ratio, 1 - config.clipEps), 1 + config.clipEps);
    policy += -Math.min(ratio * adv[j], clipped * adv[j]);
    const old = batch.oldValues[j];
    const vClipped = old + Math.min(Math.max(value - old, -config.clipEps), config.clipEps);
    const sq = (value - batch.returns[j]) ** 2;
    valueLoss += config.clipValueLoss ? Math.max(sq, (vClipped - batch.returns[j]) ** 2) : sq;
    entropy += -logProbs.reduce((s, lp) => s + Math.exp(lp) * lp, 0);
  }
  return policy / n + config.valueCoef * (valueLoss / n) - config.entropyCoef * (entropy / n);
}

// ───────────── the check ─────────────

/**
 * A batch whose ratios and value changes sit clearly inside or clearly outside the clip range, so every
 * branch of the loss is exercised and no finite difference straddles a kink.
 */
function makeBatch(net: ActorCritic, params: Float64Array, n: number, rng: Rng, symbolic: boolean): Batch {
  const size = net.spec.inputShape.reduce((a, b) => a * b, 1);
  const images = new Float64Array(n * size).map(() => (symbolic ? rng.integer(11) : rng.integer(256)));
  const batch: Batch = {
    images,
    actions: new Int32Array(n).map(() => rng.integer(net.spec.numActions)),
    oldLogProbs: new Float64Array(n),
    advantages: new Float64Array(n).map(() => rng.normal()),
    returns: new Float64Array(n).map(() => rng.normal()),
    oldValues: new Float64Array(n),
  };
  const ratioOffsets = [-0.5, -0.1, 0.1, 0.5];
  const valueOffsets = [-0.5, -0.1, 0.1, 0.5];
  for (let j = 0; j < n; j++) {
    const { logProbs, value } = referenceForward(net, params, images.subarray(j * size, (j + 1) * size));
    batch.oldLogProbs[j] = logProbs[batch.actions[j]] + ratioOffsets[j % 4];
    batch.oldValues[j] = value + valueOffsets[(j >> 1) % 4];
  }
  return batch;
}

async function checkGradients(
  spec: ActorCriticSpec,
  config: LossConfig,
  opts: { coordinates?: number; seed: number },
) {
  await initJax();
  const net = new ActorCritic(spec);
  const rng = new Rng(opts.seed);
  const params32 = net.initParams(rng);
  const params = Float64Array.from(params32); // the reference works on exactly the float32 values
  const n = 8;
  const batch = makeBatch(net, params, n, rng, spec.inputScale === 1);

  const input = new Float32Array(n * net.inputSize);
  net.prepareInput(Float32Array.from(batch.images), n, input);
  const lossAndGrad = valueAndGrad(
    (p: np.Array) =>
      ppoLoss(net, config, p, {
        input: np.array(input).reshape([n, ...net.inputShape]),
        actions: np.array(batch.actions, { dtype: np.int32 }),
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
    `loss ${loss} vs float64 reference ${refLoss}`,
  );

  // Every coordinate, or a sample that covers every tensor.
  let coords = Array.from({ length: net.numParams }, (_, i) => i);
  if (opts.coordinates !== undefined) {
    const perTensor = Math.max(1, Math.floor(opts.coordinates / net.entries.length));
    coords = net.entries.flatMap((e) =>
      Array.from({ length: Math.min(perTensor, e.size) }, () => e.offset + rng.integer(e.size)),
    );
  }
  const h = 1e-6;
  let worst = 0;
  let gradScale = 0;
  for (const i of coords) gradScale = Math.max(gradScale, Math.abs(grad[i]));
  assert.ok(gradScale > 1e-3, "the gradient should not vanish on this batch");
  for (const i of coords) {
    const saved = params[i];
    params[i] = saved + h;
    const up = referenceLoss(net, config, params, batch);
    params[i] = saved - h;
    const down = referenceLoss(net, config, params, batch);
    params[i] = saved;
    const fd = (up - down) / (2 * h);
    const err = Math.abs(grad[i] - fd);
    worst = Math.max(worst, err / (1e-3 * gradScale + Math.abs(fd)));
    const entry = net.entries.find((e) => i >= e.offset && i < e.offset + e.size);
    assert.ok(
      err <= 2e-4 * gradScale + 1e-3 * Math.abs(fd),
      `d loss / d ${entry?.name}[${i - (entry?.offset ?? 0)}]: jax ${grad[i]}, float64 finite difference ${fd}`,
    );
  }
  return { worst, checked: coords.length };
}

const small: ActorCriticSpec = {
  inputShape: [7, 7, 3],
  numActions: 7,
  inputScale: 1,
  convs: [
    { out: 4, kernel: 2, stride: 1, pool: true },
    { out: 5, kernel: 2, stride: 1 },
    { out: 6, kernel: 2, stride: 1 },
  ],
  hidden: 5,
};

const lossConfig: LossConfig = {
  clipEps: PPO_DEFAULTS.clipEps,
  clipValueLoss: true,
  entropyCoef: PPO_DEFAULTS.entropyCoef,
  valueCoef: PPO_DEFAULTS.valueCoef,
  normalizeAdvantages: false,
};

test("PPO loss gradient = float64 finite differences, every parameter of a narrow MiniGrid-shaped net", async () => {
  const { checked } = await checkGradients(small, lossConfig, { seed: 3 });
  assert.equal(checked, new ActorCritic(small).numParams);
});

test("PPO loss gradient without value clipping and with advantage normalisation", async () => {
  await checkGradients(
    small,
    { ...lossConfig, clipValueLoss: false, normalizeAdvantages: true },
    { seed: 4 },
  );
});

test("PPO loss gradient on rl-starter-files' MiniGrid net (sampled coordinates in every tensor)", async () => {
  await checkGradients(minigridNet(7), lossConfig, { seed: 5, coordinates: 300 });
});

test("PPO loss gradient on the RGB patch net (sampled coordinates in every tensor)", async () => {
  await checkGradients(pixelNet(3, [24, 24, 3], 4), lossConfig, { seed: 6, coordinates: 150 });
});

test("PPO loss gradient with odd sizes before a max-pool (floor mode drops the last row and column)", async () => {
  // The pool right after the host-built first layer: 8×8 → conv 7×7 → pool 3×3.
  const firstLayerPool: ActorCriticSpec = { ...small, inputShape: [8, 8, 3] };
  await checkGradients(firstLayerPool, lossConfig, { seed: 8 });
  // A pool inside the graph: 16×16 → 2×2 patches 8×8 → conv 7×7 → pool 3×3 → conv 2×2.
  const innerPool: ActorCriticSpec = {
    inputShape: [16, 16, 3],
    numActions: 4,
    inputScale: 1 / 255,
    convs: [
      { out: 3, kernel: 2, stride: 2 },
      { out: 4, kernel: 2, stride: 1, pool: true },
      { out: 5, kernel: 2, stride: 1 },
    ],
    hidden: 6,
  };
  await checkGradients(innerPool, lossConfig, { seed: 9 });
});
