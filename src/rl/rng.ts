/**
 * A small seeded random generator for the learner: parameter init, action sampling, minibatch order.
 *
 * xoshiro128** (Blackman & Vigna) on four 32-bit words: fast with Math.imul, and its whole state is four
 * numbers, so a checkpoint can store it and a resumed run draws exactly what the killed one would have.
 * Seeds go through splitmix32 so that nearby seeds (0, 1, 2…) give unrelated streams.
 */

/** The generator's complete state, as stored in checkpoints. */
export type RngState = [number, number, number, number];

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** A second normal from Box-Muller, kept so that normals come in the same order after a restore. */
  private spareNormal: number | null = null;

  /** `stream` separates independent generators made from one seed (e.g. init vs sampling). */
  constructor(seed: number, stream = 0) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`Rng seed must be an integer, got ${seed}`);
    let x = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
    // Mix in the high bits too, so seeds beyond 2^32 still differ.
    x = (x + Math.floor(seed / 2 ** 32)) >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  static fromState(state: RngState, spareNormal: number | null = null): Rng {
    const rng = new Rng(0);
    rng.setState(state, spareNormal);
    return rng;
  }

  state(): { words: RngState; spareNormal: number | null } {
    return { words: [this.s0, this.s1, this.s2, this.s3], spareNormal: this.spareNormal };
  }

  setState(words: RngState, spareNormal: number | null = null): void {
    [this.s0, this.s1, this.s2, this.s3] = words.map((w) => w >>> 0) as RngState;
    this.spareNormal = spareNormal;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution (plenty for sampling among a few actions). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  integer(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal by Box-Muller; the second value of each pair is kept for the next call. */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher-Yates shuffle of 0..n-1 into `out` (allocated when not given). */
  permutation(n: number, out: Int32Array = new Int32Array(n)): Int32Array {
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.integer(i + 1);
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
