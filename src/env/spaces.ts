/**
 * Spaces, after Gymnasium: they say what an env accepts and returns, check values, and sample.
 * Sampling takes a `() => number` uniform source in [0, 1) so spaces stay independent of any one RNG.
 */
export type Uniform = () => number;

export interface Space<T> {
  readonly kind: string;
  contains(value: unknown): value is T;
  sample(uniform: Uniform): T;
  describe(): string;
}

/**
 * Type tests by `kind` rather than `instanceof`: a plugin's env built on the installed package (dist/) has
 * spaces of another copy of these classes than a CLI running from the sources (docs/PLUGINS.md).
 */
export function isBox(space: unknown): space is Box {
  return (space as Space<unknown> | null)?.kind === "box";
}
export function isDiscrete(space: unknown): space is Discrete {
  return (space as Space<unknown> | null)?.kind === "discrete";
}
export function isDictSpace(space: unknown): space is DictSpace<Record<string, unknown>> {
  return (space as Space<unknown> | null)?.kind === "dict";
}

/** Integers 0..n-1 (plus `start`). MiniGrid's 7 actions, any discrete choice. */
export class Discrete implements Space<number> {
  readonly kind = "discrete";
  constructor(
    readonly n: number,
    readonly start = 0,
  ) {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Discrete needs n >= 1, got ${n}`);
  }
  contains(value: unknown): value is number {
    return (
      Number.isInteger(value) && (value as number) >= this.start && (value as number) < this.start + this.n
    );
  }
  sample(uniform: Uniform): number {
    return this.start + Math.min(this.n - 1, Math.floor(uniform() * this.n));
  }
  describe(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }
}

export type BoxDtype = "uint8" | "float32" | "float64" | "int32";
export type BoxArray = Uint8Array | Float32Array | Float64Array | Int32Array;

/** A tensor of fixed shape with element-wise bounds: images, joint torques, positions. */
export class Box implements Space<BoxArray> {
  readonly kind = "box";
  readonly size: number;
  constructor(
    readonly low: number,
    readonly high: number,
    readonly shape: readonly number[],
    readonly dtype: BoxDtype = "float32",
  ) {
    if (shape.some((d) => !Number.isInteger(d) || d <= 0)) throw new RangeError(`bad Box shape [${shape}]`);
    if (!(low <= high)) throw new RangeError(`Box needs low <= high, got ${low} > ${high}`);
    this.size = shape.reduce((a, b) => a * b, 1);
  }
  contains(value: unknown): value is BoxArray {
    if (!ArrayBuffer.isView(value)) return false;
    const arr = value as BoxArray;
    if (arr.length !== this.size) return false;
    for (let i = 0; i < arr.length; i++) if (!(arr[i] >= this.low && arr[i] <= this.high)) return false;
    return true;
  }
  sample(uniform: Uniform): BoxArray {
    const out = this.allocate();
    const span = this.high - this.low;
    const integer = this.dtype === "uint8" || this.dtype === "int32";
    for (let i = 0; i < out.length; i++) {
      out[i] = integer ? this.low + Math.floor(uniform() * (span + 1)) : this.low + uniform() * span;
    }
    return out;
  }
  allocate(): BoxArray {
    switch (this.dtype) {
      case "uint8":
        return new Uint8Array(this.size);
      case "int32":
        return new Int32Array(this.size);
      case "float64":
        return new Float64Array(this.size);
      default:
        return new Float32Array(this.size);
    }
  }
  describe(): string {
    return `Box(${this.low}, ${this.high}, [${this.shape.join(", ")}], ${this.dtype})`;
  }
}

/** A fixed set of named sub-spaces, like MiniGrid's { image, direction, mission }. */
export class DictSpace<T extends Record<string, unknown>> implements Space<T> {
  readonly kind = "dict";
  constructor(readonly spaces: { [K in keyof T]: Space<T[K]> }) {}
  contains(value: unknown): value is T {
    if (typeof value !== "object" || value === null) return false;
    const v = value as Record<string, unknown>;
    return Object.entries(this.spaces).every(([k, s]) => (s as Space<unknown>).contains(v[k]));
  }
  sample(uniform: Uniform): T {
    const out: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(this.spaces)) out[k] = (s as Space<unknown>).sample(uniform);
    return out as T;
  }
  describe(): string {
    const parts = Object.entries(this.spaces).map(([k, s]) => `${k}: ${(s as Space<unknown>).describe()}`);
    return `Dict(${parts.join(", ")})`;
  }
}

/** Free text such as a mission; sampling is not meaningful, so it returns a placeholder. */
export class TextSpace implements Space<string> {
  readonly kind = "text";
  constructor(readonly maxLength = 4096) {}
  contains(value: unknown): value is string {
    return typeof value === "string" && value.length <= this.maxLength;
  }
  sample(): string {
    return "";
  }
  describe(): string {
    return `Text(max ${this.maxLength})`;
  }
}
