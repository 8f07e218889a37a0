import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultRng, type NumpyGenerator, PCG64, seedSequenceWords } from "../../../src/env/minigrid/rng.ts";
import { hasReference, readReference, referenceDir } from "./reference-data.ts";

interface SeedVectors {
  seed_sequence_uint32: number[];
  pcg64_state: { state: string; inc: string };
  next64: string[];
  next32: number[];
  integers_0_7: number[];
  integers_mixed: [number, number, number][];
  shuffle_8: number[];
  uniform: string[];
}

/** Tests against numpy's vectors skip, saying why, when the reference folder is absent. */
const skip = hasReference() ? false : `no reference data in ${referenceDir()}; set MINIGRID_REFERENCE`;
const vectors: Record<string, SeedVectors> = skip
  ? {}
  : readReference<{ seeds: Record<string, SeedVectors> }>("numpy_pcg64_test_vectors.json").seeds;

test("SeedSequence words and PCG64 seeded state match numpy", { skip }, () => {
  for (const [seed, v] of Object.entries(vectors)) {
    assert.deepEqual(Array.from(seedSequenceWords(Number(seed), 8)), v.seed_sequence_uint32, `seed ${seed}`);
    const { state, inc } = PCG64.fromSeed(Number(seed)).state;
    assert.equal(state, BigInt(v.pcg64_state.state), `state, seed ${seed}`);
    assert.equal(inc, BigInt(v.pcg64_state.inc), `inc, seed ${seed}`);
  }
});

test("raw 64-bit and 32-bit streams match numpy (low half first, high half cached)", { skip }, () => {
  for (const [seed, v] of Object.entries(vectors)) {
    const g64 = PCG64.fromSeed(Number(seed));
    assert.deepEqual(
      v.next64.map(() => g64.next64()),
      v.next64.map((x) => BigInt(x)),
      `next64, seed ${seed}`,
    );
    const g32 = PCG64.fromSeed(Number(seed));
    assert.deepEqual(
      v.next32.map(() => g32.next32()),
      v.next32,
      `next32, seed ${seed}`,
    );
  }
});

test("integers, shuffle and uniform match numpy's Generator", { skip }, () => {
  for (const [seed, v] of Object.entries(vectors)) {
    const a = defaultRng(Number(seed));
    assert.deepEqual(
      v.integers_0_7.map(() => a.integers(0, 7)),
      v.integers_0_7,
      `integers(0, 7), seed ${seed}`,
    );
    const b = defaultRng(Number(seed));
    for (const [low, high, value] of v.integers_mixed) {
      assert.equal(b.integers(low, high), value, `integers(${low}, ${high}), seed ${seed}`);
    }
    const c = defaultRng(Number(seed));
    assert.deepEqual(c.shuffle([0, 1, 2, 3, 4, 5, 6, 7]), v.shuffle_8, `shuffle, seed ${seed}`);
    const d = defaultRng(Number(seed));
    assert.deepEqual(
      v.uniform.map(() => d.uniform(0, 1)),
      v.uniform.map(Number),
      `uniform, seed ${seed}`,
    );
  }
});

test("a single-value range consumes nothing, and the 32-bit cache survives across methods", () => {
  const a = defaultRng(7);
  const b = defaultRng(7);
  assert.equal(a.integers(5, 6), 5);
  assert.equal(a.bitGenerator.draws, 0);
  assert.equal(a.integers(0, 10), b.integers(0, 10));
  // The next 32-bit draw comes from the cached high half: no new 64-bit output.
  a.integers(0, 3);
  assert.equal(a.bitGenerator.draws, 1);
  assert.equal(a.shuffle([1]).length, 1);
  assert.equal(a.bitGenerator.draws, 1);
});

test("clone continues the same stream independently", () => {
  const a = defaultRng(3);
  a.integers(0, 100);
  const b = a.clone();
  const fromA = [a.integers(0, 1000), a.integers(0, 1000), a.uniform()];
  const fromB = [b.integers(0, 1000), b.integers(0, 1000), b.uniform()];
  assert.deepEqual(fromA, fromB);
});

test("bad ranges are errors that name the problem", () => {
  const g = defaultRng(0);
  assert.throws(() => g.integers(3, 3), /low < high/);
  assert.throws(() => g.integers(0.5, 3), /safe integers/);
  assert.throws(() => g.choiceRange(2, 2), /non-empty/);
  assert.throws(() => defaultRng(-1), /non-negative/);
});

interface TraceCall {
  call: string;
  args: number[];
  result: number | number[];
  pcg64_outputs_consumed: number;
}

test("MiniGrid reset traces: every call's result and stream consumption match", { skip }, () => {
  const traces = readReference<{ envs: Record<string, { seed: number; calls: TraceCall[] }[]> }>(
    "minigrid_rng_traces.json",
  ).envs;
  let checked = 0;
  for (const [envId, runs] of Object.entries(traces)) {
    for (const { seed, calls } of runs) {
      const g: NumpyGenerator = defaultRng(seed);
      calls.forEach((c, n) => {
        const before = g.bitGenerator.draws;
        let result: number | number[];
        if (c.call === "integers") result = g.integers(c.args[0], c.args[1]);
        else if (c.call === "choice(range)") result = g.choiceRange(c.args[0], c.args[1]);
        else if (c.call.startsWith("shuffle"))
          result = g.shuffle(Array.from({ length: c.args[0] }, (_, i) => i));
        else if (c.call === "uniform") result = g.uniform(c.args[0], c.args[1]);
        else throw new Error(`unknown traced call ${c.call}; teach this test how to replay it`);
        const where = `${envId} seed ${seed} call ${n} ${c.call}(${c.args})`;
        assert.deepEqual(result, c.result, where);
        assert.equal(g.bitGenerator.draws - before, c.pcg64_outputs_consumed, `${where}: outputs consumed`);
        checked++;
      });
    }
  }
  assert.ok(checked > 100, `only ${checked} traced calls replayed`);
});
