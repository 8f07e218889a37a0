/**
 * numpy's `np.random.default_rng(seed)`, reproduced bit for bit: SeedSequence → PCG64 → Generator.
 *
 * Farama MiniGrid draws every random layout from this generator (Gymnasium seeds it with
 * `np.random.Generator(PCG64(SeedSequence(seed)))`), so matching it exactly is what makes our layouts,
 * observations and rewards identical to the reference for the same seed. The algorithms follow numpy 1.24
 * (`bit_generator.pyx`, `pcg64.h`, `distributions.c`); /work/shared/reference/minigrid/RNG.md spells them out.
 *
 * The 128-bit LCG state is kept as eight 16-bit limbs in plain number fields, so one step is a few dozen
 * exact double multiplications and no allocation; BigInt appears only at seeding and in inspection helpers.
 */

const MASK32 = 0xffffffff;
const TWO32 = 4294967296;

// SeedSequence constants (numpy/random/bit_generator.pyx).
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const POOL_SIZE = 4;

/** PCG64's default 128-bit LCG multiplier. */
const PCG_MULTIPLIER = 0x2360ed051fc65da44385df649fccf645n;
const MASK128 = (1n << 128n) - 1n;
const MULT_LIMBS = toLimbs(PCG_MULTIPLIER);

/**
 * `SeedSequence(seed).generate_state(nWords)` as uint32 words. `seed` is a non-negative safe integer;
 * its 32-bit words (least significant first, `[0]` for 0) are the entropy, with no spawn key.
 */
export function seedSequenceWords(seed: number, nWords: number): Uint32Array {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
  }
  const entropy: number[] = [];
  let rest = seed;
  do {
    entropy.push(rest % TWO32);
    rest = Math.floor(rest / TWO32);
  } while (rest > 0);

  let hashConst = INIT_A;
  const hashmix = (value: number): number => {
    let v = (value ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_A) >>> 0;
    v = Math.imul(v, hashConst) >>> 0;
    return (v ^ (v >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };

  const pool = new Uint32Array(POOL_SIZE);
  for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(i < entropy.length ? entropy[i] : 0);
  for (let src = 0; src < POOL_SIZE; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) {
      if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
    }
  }
  // Safe integers have at most two 32-bit words, so numpy's "entropy beyond the pool" step never applies.

  const out = new Uint32Array(nWords);
  let stateConst = INIT_B;
  for (let k = 0; k < nWords; k++) {
    let v = (pool[k % POOL_SIZE] ^ stateConst) >>> 0;
    stateConst = Math.imul(stateConst, MULT_B) >>> 0;
    v = Math.imul(v, stateConst) >>> 0;
    out[k] = (v ^ (v >>> 16)) >>> 0;
  }
  return out;
}

/** The PCG64 bit generator (XSL-RR 128/64), with numpy's cached upper half for 32-bit draws. */
export class PCG64 {
  // State and increment, least significant 16-bit limb first.
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private s4 = 0;
  private s5 = 0;
  private s6 = 0;
  private s7 = 0;
  private readonly inc = new Float64Array(8);
  /** numpy's `has_uint32` / `uinteger`: the high half of the last 64-bit output, owed to the next next32(). */
  private hasUint32 = false;
  private uinteger = 0;
  /** The last 64-bit output, split in halves (read by next64 callers without allocating). */
  hi = 0;
  lo = 0;
  /** How many 64-bit outputs have been drawn since seeding (diagnostics: traces count them). */
  draws = 0;

  /** Seeds like `PCG64(SeedSequence(seed))`. */
  static fromSeed(seed: number): PCG64 {
    const w = seedSequenceWords(seed, 8);
    const u64 = (k: number) => BigInt(w[2 * k]) | (BigInt(w[2 * k + 1]) << 32n);
    const initState = (u64(0) << 64n) | u64(1);
    const initSeq = (u64(2) << 64n) | u64(3);
    const inc = ((initSeq << 1n) | 1n) & MASK128;
    // pcg_setseq_128_srandom_r: state = 0; step; state += initstate; step.
    let state = inc;
    state = (state + initState) & MASK128;
    state = (state * PCG_MULTIPLIER + inc) & MASK128;
    const g = new PCG64();
    g.setState(state, inc);
    return g;
  }

  /** Sets the raw 128-bit state and increment and clears the 32-bit cache (as reseeding does). */
  setState(state: bigint, inc: bigint): void {
    const s = toLimbs(state);
    [this.s0, this.s1, this.s2, this.s3, this.s4, this.s5, this.s6, this.s7] = s;
    this.inc.set(toLimbs(inc));
    this.hasUint32 = false;
    this.uinteger = 0;
    this.draws = 0;
  }

  /** The raw state, as numpy's `PCG64().state["state"]` reports it. */
  get state(): { state: bigint; inc: bigint; hasUint32: boolean; uinteger: number } {
    const s = [this.s0, this.s1, this.s2, this.s3, this.s4, this.s5, this.s6, this.s7];
    return {
      state: fromLimbs(s),
      inc: fromLimbs(Array.from(this.inc)),
      hasUint32: this.hasUint32,
      uinteger: this.uinteger,
    };
  }

  /** An independent copy continuing the same stream (e.g. for a planner's look-ahead). */
  clone(): PCG64 {
    const g = new PCG64();
    g.s0 = this.s0;
    g.s1 = this.s1;
    g.s2 = this.s2;
    g.s3 = this.s3;
    g.s4 = this.s4;
    g.s5 = this.s5;
    g.s6 = this.s6;
    g.s7 = this.s7;
    g.inc.set(this.inc);
    g.hasUint32 = this.hasUint32;
    g.uinteger = this.uinteger;
    g.draws = this.draws;
    return g;
  }

  /** state = state * M + inc (mod 2^128), limb by limb; every partial sum stays below 2^53, so it is exact. */
  private step(): void {
    const { s0, s1, s2, s3, s4, s5, s6, s7, inc } = this;
    const m = MULT_LIMBS;
    let t = s0 * m[0] + inc[0];
    let c = Math.floor(t / 65536);
    this.s0 = t - c * 65536;
    t = c + s0 * m[1] + s1 * m[0] + inc[1];
    c = Math.floor(t / 65536);
    this.s1 = t - c * 65536;
    t = c + s0 * m[2] + s1 * m[1] + s2 * m[0] + inc[2];
    c = Math.floor(t / 65536);
    this.s2 = t - c * 65536;
    t = c + s0 * m[3] + s1 * m[2] + s2 * m[1] + s3 * m[0] + inc[3];
    c = Math.floor(t / 65536);
    this.s3 = t - c * 65536;
    t = c + s0 * m[4] + s1 * m[3] + s2 * m[2] + s3 * m[1] + s4 * m[0] + inc[4];
    c = Math.floor(t / 65536);
    this.s4 = t - c * 65536;
    t = c + s0 * m[5] + s1 * m[4] + s2 * m[3] + s3 * m[2] + s4 * m[1] + s5 * m[0] + inc[5];
    c = Math.floor(t / 65536);
    this.s5 = t - c * 65536;
    t = c + s0 * m[6] + s1 * m[5] + s2 * m[4] + s3 * m[3] + s4 * m[2] + s5 * m[1] + s6 * m[0] + inc[6];
    c = Math.floor(t / 65536);
    this.s6 = t - c * 65536;
    t =
      c +
      s0 * m[7] +
      s1 * m[6] +
      s2 * m[5] +
      s3 * m[4] +
      s4 * m[3] +
      s5 * m[2] +
      s6 * m[1] +
      s7 * m[0] +
      inc[7];
    this.s7 = t % 65536;
  }

  /** Advances and leaves the 64-bit output in `hi` / `lo` (unsigned 32-bit halves). Leaves the 32-bit cache alone. */
  next64Parts(): void {
    this.step();
    this.draws++;
    // XSL-RR: xor the two 64-bit halves of the state, rotate right by the top 6 bits.
    const xl = (((this.s1 << 16) | this.s0) ^ ((this.s5 << 16) | this.s4)) >>> 0;
    const xh = (((this.s3 << 16) | this.s2) ^ ((this.s7 << 16) | this.s6)) >>> 0;
    let rot = this.s7 >>> 10;
    let a = xl;
    let b = xh;
    if (rot >= 32) {
      a = xh;
      b = xl;
      rot -= 32;
    }
    if (rot === 0) {
      this.lo = a;
      this.hi = b;
    } else {
      this.lo = ((a >>> rot) | (b << (32 - rot))) >>> 0;
      this.hi = ((b >>> rot) | (a << (32 - rot))) >>> 0;
    }
  }

  /** The next raw 64-bit output (numpy's `random_raw`), as a BigInt; for tests and inspection. */
  next64(): bigint {
    this.next64Parts();
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** The next 32-bit output: the low half of a fresh 64-bit output first, then its cached high half. */
  next32(): number {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    this.next64Parts();
    this.hasUint32 = true;
    this.uinteger = this.hi;
    return this.lo;
  }

  /** A double in [0, 1) with 53 random bits: (next64 >> 11) * 2^-53. */
  nextDouble(): number {
    this.next64Parts();
    return (this.hi * 2097152 + (this.lo >>> 11)) / 9007199254740992;
  }
}

/**
 * numpy's `Generator`, limited to the methods MiniGrid calls. All bounds are safe integers and every range
 * MiniGrid uses fits in 32 bits; wider ranges are supported up to 2^53 through BigInt.
 */
export class NumpyGenerator {
  constructor(readonly bitGenerator: PCG64) {}

  /** `Generator.integers(low, high)`: a uniform integer in [low, high), by Lemire's method as numpy does it. */
  integers(low: number, high: number): number {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) {
      throw new RangeError(`integers(low, high) needs safe integers, got ${low}, ${high}`);
    }
    if (high <= low) throw new RangeError(`integers(low, high) needs low < high, got ${low} >= ${high}`);
    const rng = high - 1 - low;
    // A single value consumes nothing from the stream (numpy short-circuits rng == 0).
    if (rng === 0) return low;
    if (rng < MASK32) return low + this.lemire32(rng + 1);
    if (rng === MASK32) return low + this.bitGenerator.next32();
    return low + this.lemire64(BigInt(rng));
  }

  /** 32-bit Lemire with rejection; `n` = rng + 1 < 2^32. The 64-bit product is split so it stays exact. */
  private lemire32(n: number): number {
    const bg = this.bitGenerator;
    let x = bg.next32();
    let hi = mulHigh32(x, n);
    let leftover = Math.imul(x, n) >>> 0;
    if (leftover < n) {
      const threshold = (TWO32 - n) % n;
      while (leftover < threshold) {
        x = bg.next32();
        hi = mulHigh32(x, n);
        leftover = Math.imul(x, n) >>> 0;
      }
    }
    return hi;
  }

  /** 64-bit Lemire for ranges of 2^32 and more (never needed by MiniGrid; exact through BigInt). */
  private lemire64(rng: bigint): number {
    const n = rng + 1n;
    const mask64 = (1n << 64n) - 1n;
    let m = this.bitGenerator.next64() * n;
    let leftover = m & mask64;
    if (leftover < n) {
      const threshold = (mask64 - rng) % n;
      while (leftover < threshold) {
        m = this.bitGenerator.next64() * n;
        leftover = m & mask64;
      }
    }
    return Number(m >> 64n);
  }

  /**
   * `Generator.shuffle(list)` in place, for Python lists: Fisher-Yates from the end, each index drawn by
   * numpy's masked `random_interval` (not Lemire), so it consumes the stream exactly as numpy does.
   */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.randomInterval(i);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A uniform integer in [0, max] by masked rejection (numpy's `random_interval`); 0 consumes nothing. */
  randomInterval(max: number): number {
    if (max === 0) return 0;
    if (max > MASK32) throw new RangeError(`randomInterval supports max < 2^32, got ${max}`);
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do {
      v = (this.bitGenerator.next32() & mask) >>> 0;
    } while (v > max);
    return v;
  }

  /** `Generator.choice(range(start, stop))`: `start + integers(0, stop - start)`. */
  choiceRange(start: number, stop: number): number {
    if (stop <= start) throw new RangeError(`choice needs a non-empty range, got range(${start}, ${stop})`);
    return start + this.integers(0, stop - start);
  }

  /** `Generator.uniform(low, high)`: low + (high - low) * a 53-bit double in [0, 1). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.bitGenerator.nextDouble();
  }

  /** `Generator.random()`: a double in [0, 1). Handy as the `Uniform` source that spaces sample with. */
  random(): number {
    return this.bitGenerator.nextDouble();
  }

  /** An independent copy continuing the same stream. */
  clone(): NumpyGenerator {
    return new NumpyGenerator(this.bitGenerator.clone());
  }
}

/** `np.random.default_rng(seed)`. */
export function defaultRng(seed: number): NumpyGenerator {
  return new NumpyGenerator(PCG64.fromSeed(seed));
}

/** floor(x * n / 2^32) for x, n < 2^32, exactly (the product needs 64 bits; doubles hold 53). */
function mulHigh32(x: number, n: number): number {
  const xLo = x & 0xffff;
  const xHi = x >>> 16;
  const p2 = xHi * n; // < 2^48
  const p2Hi = Math.floor(p2 / 65536);
  const mid = (p2 - p2Hi * 65536) * 65536 + xLo * n; // < 2^49
  return p2Hi + Math.floor(mid / TWO32);
}

function toLimbs(value: bigint): number[] {
  const limbs: number[] = [];
  let v = value & MASK128;
  for (let i = 0; i < 8; i++) {
    limbs.push(Number(v & 0xffffn));
    v >>= 16n;
  }
  return limbs;
}

function fromLimbs(limbs: readonly number[]): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 16n) | BigInt(limbs[i]);
  return v;
}
