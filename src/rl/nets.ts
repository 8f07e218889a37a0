/**
 * The actor-critic network, as in rl-starter-files' ACModel for MiniGrid:
 *
 *   image H×W×C → conv2x2(16) ReLU → maxpool 2x2 → conv2x2(32) ReLU → conv2x2(64) ReLU → flatten
 *     ├─ actor:  Linear(64) tanh → Linear(numActions) → log-softmax
 *     └─ critic: Linear(64) tanh → Linear(1)
 *
 * and a variant for RGB observations whose first layer cuts the image into patches (a convolution with
 * kernel = stride = patch size, 8 px = one MiniGrid tile of an agent-view render), followed by the same trunk.
 *
 * All parameters live in ONE flat float32 vector, sliced into tensors inside the traced function. That keeps
 * the jitted update to a handful of kernels (Adam, clipping and the global norm act on one array instead of
 * fourteen), and a checkpoint is just that vector. Images are NHWC: for MiniGrid's `image[i][j][k]`, H is i
 * (the column) and W is j, exactly the axes rl-starter-files' `transpose(1, 3).transpose(2, 3)` convolves.
 */
import { nn, numpy as np } from "@jax-js/jax";
import type { Rng } from "./rng.ts";

export type ImageShape = readonly [height: number, width: number, channels: number];

export interface ConvSpec {
  out: number;
  kernel: number;
  /** 1, or equal to `kernel` (non-overlapping patches); those are the two cases these nets need. */
  stride: number;
  /** A 2x2 max-pool (floor mode, like torch's default) after the ReLU. */
  pool?: boolean;
}

export interface ActorCriticSpec {
  inputShape: ImageShape;
  numActions: number;
  /**
   * Multiplies the input first. rl-starter-files feeds MiniGrid's symbolic codes as raw floats (its
   * preprocess_images is `torch.tensor(images, dtype=torch.float)`, no /255), so that net uses 1; RGB uses 1/255.
   */
  inputScale: number;
  convs: ConvSpec[];
  /** Width of the actor and critic hidden layers. */
  hidden: number;
}

/** rl-starter-files' ACModel (without memory or text) for a symbolic MiniGrid view, 7×7×3 by default. */
export function minigridNet(numActions: number, inputShape: ImageShape = [7, 7, 3]): ActorCriticSpec {
  return {
    inputShape,
    numActions,
    inputScale: 1,
    convs: [
      { out: 16, kernel: 2, stride: 1, pool: true },
      { out: 32, kernel: 2, stride: 1 },
      { out: 64, kernel: 2, stride: 1 },
    ],
    hidden: 64,
  };
}

/**
 * A small net for RGB observations (e.g. a 56×56 agent-view render): patches of `patch`×`patch` pixels are
 * embedded by one strided convolution into a grid of 16-channel cells, then the MiniGrid trunk follows
 * (without its max-pool when the grid is too small for it). Sizes are derived from the input shape.
 */
export function pixelNet(numActions: number, inputShape: ImageShape, patch = 8): ActorCriticSpec {
  const cells = Math.min(Math.floor(inputShape[0] / patch), Math.floor(inputShape[1] / patch));
  return {
    inputShape,
    numActions,
    inputScale: 1 / 255,
    convs: [
      { out: 16, kernel: patch, stride: patch },
      { out: 16, kernel: 2, stride: 1, pool: cells >= 7 },
      { out: 32, kernel: 2, stride: 1 },
      { out: 64, kernel: 2, stride: 1 },
    ],
    hidden: 64,
  };
}

/** Where one tensor sits in the flat parameter vector, and how it is initialised. */
export interface ParamEntry {
  name: string;
  offset: number;
  shape: number[];
  size: number;
  /** torch's defaults: conv weights and biases U(±1/√fan_in); rl-starter-files' Linear init otherwise. */
  init: "uniform-fan-in" | "normal-unit-columns" | "zeros";
  fanIn: number;
}

interface ConvLayer extends ConvSpec {
  inChannels: number;
  /** Output height and width before pooling. */
  outH: number;
  outW: number;
  w: ParamEntry;
  b: ParamEntry;
}

export class ActorCritic {
  readonly entries: ParamEntry[] = [];
  readonly numParams: number;
  /** Size of the flattened trunk output that both heads read. */
  readonly embeddingSize: number;
  private readonly convs: ConvLayer[] = [];
  private readonly heads: { actor: ParamEntry[]; critic: ParamEntry[] };
  private gatherTable: Int32Array | undefined;

  constructor(readonly spec: ActorCriticSpec) {
    let offset = 0;
    const add = (name: string, shape: number[], init: ParamEntry["init"], fanIn: number): ParamEntry => {
      const size = shape.reduce((a, b) => a * b, 1);
      const entry = { name, offset, shape, size, init, fanIn };
      offset += size;
      this.entries.push(entry);
      return entry;
    };

    let [h, w, c] = spec.inputShape;
    spec.convs.forEach((conv, i) => {
      if (conv.stride !== 1 && conv.stride !== conv.kernel) {
        throw new RangeError(
          `conv ${i}: stride must be 1 or equal to the kernel (${conv.kernel}), got ${conv.stride}`,
        );
      }
      const outH = Math.floor((h - conv.kernel) / conv.stride) + 1;
      const outW = Math.floor((w - conv.kernel) / conv.stride) + 1;
      const pooledH = conv.pool ? Math.floor(outH / 2) : outH;
      const pooledW = conv.pool ? Math.floor(outW / 2) : outW;
      if (pooledH < 1 || pooledW < 1) {
        throw new RangeError(
          `input ${spec.inputShape.join("×")} is too small for the net: conv ${i} (kernel ${conv.kernel}, ` +
            `stride ${conv.stride}${conv.pool ? ", then 2x2 pool" : ""}) gets ${h}×${w}; use a larger image or fewer layers`,
        );
      }
      const fanIn = conv.kernel * conv.kernel * c;
      const layer: ConvLayer = {
        ...conv,
        inChannels: c,
        outH,
        outW,
        w: add(`conv${i}.weight`, [fanIn, conv.out], "uniform-fan-in", fanIn),
        b: add(`conv${i}.bias`, [conv.out], "uniform-fan-in", fanIn),
      };
      this.convs.push(layer);
      [h, w, c] = [pooledH, pooledW, conv.out];
    });
    this.embeddingSize = h * w * c;

    const head = (name: string, outputs: number) => [
      add(`${name}.0.weight`, [this.embeddingSize, spec.hidden], "normal-unit-columns", this.embeddingSize),
      add(`${name}.0.bias`, [spec.hidden], "zeros", this.embeddingSize),
      add(`${name}.2.weight`, [spec.hidden, outputs], "normal-unit-columns", spec.hidden),
      add(`${name}.2.bias`, [outputs], "zeros", spec.hidden),
    ];
    this.heads = { actor: head("actor", spec.numActions), critic: head("critic", 1) };
    this.numParams = offset;
  }

  /** Fresh parameters, drawn as torch + rl-starter-files would (same distributions, not the same numbers). */
  initParams(rng: Rng): Float32Array {
    const flat = new Float32Array(this.numParams);
    for (const e of this.entries) {
      const view = flat.subarray(e.offset, e.offset + e.size);
      if (e.init === "uniform-fan-in") {
        // torch's kaiming_uniform_(a=√5) for weights and its bias rule both reduce to U(-1/√fan_in, 1/√fan_in).
        const bound = 1 / Math.sqrt(e.fanIn);
        for (let i = 0; i < e.size; i++) view[i] = (2 * rng.uniform() - 1) * bound;
      } else if (e.init === "normal-unit-columns") {
        // rl-starter-files: N(0, 1), then each output unit's incoming weights scaled to unit L2 norm.
        // Our weights are [in, out], so an output unit is a column.
        const [rows, cols] = e.shape;
        for (let i = 0; i < e.size; i++) view[i] = rng.normal();
        for (let col = 0; col < cols; col++) {
          let sq = 0;
          for (let r = 0; r < rows; r++) sq += view[r * cols + col] ** 2;
          const scale = 1 / Math.sqrt(sq);
          for (let r = 0; r < rows; r++) view[r * cols + col] *= scale;
        }
      }
    }
    return flat;
  }

  /**
   * The shape `apply` reads per sample: the first layer's im2col patches, already scaled, cut on the host by
   * `prepareInput`. The input needs no gradient, so building its patches outside the compiled graph takes
   * the costliest index-shuffling kernels out of every update step.
   *
   * When a 2x2 max-pool follows the first layer, the patches come grouped by their place in the pooling
   * window, [4, outH/2, outW/2, k·k·C], so the pool is a plain max over the leading axis instead of a
   * strided gather (about 7% off an update step). Conv outputs outside every window (odd sizes, floor mode)
   * are never computed, as torch's floor-mode pool never reads them.
   */
  get inputShape(): number[] {
    const first = this.convs[0];
    const features = first.kernel * first.kernel * first.inChannels;
    if (first.pool) return [4, Math.floor(first.outH / 2), Math.floor(first.outW / 2), features];
    return [first.outH, first.outW, features];
  }

  get inputSize(): number {
    return this.inputShape.reduce((a, b) => a * b, 1);
  }

  /** Turns `batch` images [H, W, C] (row-major floats) into the first layer's scaled patches, into `out`. */
  prepareInput(images: Float32Array, batch: number, out: Float32Array): void {
    const gather = this.inputGather;
    const size = gather.length;
    const imageSize = this.spec.inputShape[0] * this.spec.inputShape[1] * this.spec.inputShape[2];
    const scale = this.spec.inputScale;
    for (let b = 0; b < batch; b++) {
      const base = b * imageSize;
      const o = b * size;
      for (let j = 0; j < size; j++) out[o + j] = images[base + gather[j]] * scale;
    }
  }

  /** For each value of one sample's input, its index in the image: im2col as a table, built once. */
  private get inputGather(): Int32Array {
    if (this.gatherTable) return this.gatherTable;
    const [, w, c] = this.spec.inputShape;
    const { kernel: k, stride, outH, outW, pool } = this.convs[0];
    // Conv output positions in the order apply() reads them.
    const positions: [number, number][] = [];
    if (pool) {
      const [ph, pw] = [Math.floor(outH / 2), Math.floor(outW / 2)];
      for (let wy = 0; wy < 2; wy++) {
        for (let wx = 0; wx < 2; wx++) {
          for (let y = 0; y < ph; y++) for (let x = 0; x < pw; x++) positions.push([2 * y + wy, 2 * x + wx]);
        }
      }
    } else {
      for (let y = 0; y < outH; y++) for (let x = 0; x < outW; x++) positions.push([y, x]);
    }
    const table = new Int32Array(this.inputSize);
    let o = 0;
    for (const [y, x] of positions) {
      // Patch features in (di, dj, channel) order.
      for (let di = 0; di < k; di++) {
        for (let dj = 0; dj < k; dj++) {
          for (let ch = 0; ch < c; ch++) table[o++] = ((y * stride + di) * w + x * stride + dj) * c + ch;
        }
      }
    }
    this.gatherTable = table;
    return table;
  }

  /**
   * The forward pass, for use inside `jit`/`grad`: `params` is the flat vector, `input` a float32 batch
   * [B, ...inputShape] from `prepareInput`. Returns action logits [B, numActions] and values [B].
   * Consumes both arguments.
   */
  apply(params: np.Array, input: np.Array): [logits: np.Array, values: np.Array] {
    const take = (e: ParamEntry) => params.ref.slice([e.offset, e.offset + e.size]).reshape(e.shape);
    const batch = input.shape[0];
    let x = input;
    this.convs.forEach((layer, i) => {
      const features = layer.kernel * layer.kernel * layer.inChannels;
      if (i === 0 && layer.pool) {
        const [, , ph, pw] = x.shape;
        const z = np.matmul(x.reshape([batch * 4 * ph * pw, features]), take(layer.w)).add(take(layer.b));
        x = nn
          .relu(z)
          .reshape([batch, 4, ph * pw * layer.out])
          .max(1)
          .reshape([batch, ph, pw, layer.out]);
        return;
      }
      const patches = i === 0 ? x : im2col(x, layer);
      const cols = patches.reshape([batch * layer.outH * layer.outW, features]);
      const out = np.matmul(cols, take(layer.w)).add(take(layer.b));
      x = nn.relu(out.reshape([batch, layer.outH, layer.outW, layer.out]));
      if (layer.pool) x = maxPool2x2(x);
    });
    const embedding = x.reshape([batch, this.embeddingSize]);
    const mlp = (e: ParamEntry[], hiddenInput: np.Array) => {
      const hidden = np.tanh(np.matmul(hiddenInput, take(e[0])).add(take(e[1])));
      return np.matmul(hidden, take(e[2])).add(take(e[3]));
    };
    const logits = mlp(this.heads.actor, embedding.ref);
    const values = mlp(this.heads.critic, embedding).reshape([batch]);
    params.dispose();
    return [logits, values];
  }
}

/**
 * im2col for a convolution with no padding: [B, outH, outW, k·k·C] patches with features in (di, dj, channel)
 * order, matching the weight's rows, built from shifted slices (stride 1) or tiles (stride = kernel). When
 * the kernel covers the whole input (the MiniGrid net's last layer) the input already is the patch.
 */
function im2col(x: np.Array, layer: ConvLayer): np.Array {
  const [batch, h, w, c] = x.shape;
  const { kernel: k, stride, outH, outW } = layer;
  if (k === h && k === w) return x.reshape([batch, 1, 1, k * k * c]);
  if (stride === 1) {
    const shifted: np.Array[] = [];
    for (let di = 0; di < k; di++) {
      for (let dj = 0; dj < k; dj++) shifted.push(x.ref.slice([], [di, di + outH], [dj, dj + outW]));
    }
    x.dispose();
    return k === 1 ? shifted[0] : np.concatenate(shifted, -1);
  }
  return x
    .slice([], [0, outH * k], [0, outW * k])
    .reshape([batch, outH, k, outW, k, c])
    .transpose([0, 1, 3, 2, 4, 5])
    .reshape([batch, outH, outW, k * k * c]);
}

function maxPool2x2(x: np.Array): np.Array {
  const [batch, h, w, c] = x.shape;
  const ph = Math.floor(h / 2);
  const pw = Math.floor(w / 2);
  const cropped = h === 2 * ph && w === 2 * pw ? x : x.slice([], [0, 2 * ph], [0, 2 * pw]);
  return cropped.reshape([batch, ph, 2, pw, 2, c]).max([2, 4]);
}
