import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkOrder, kendallTauB } from "../../src/rank/stats.ts";
import { meanAndSe } from "../../src/report/curves.ts";

describe("kendallTauB", () => {
  it("is 1 for the same order and -1 for the reverse", () => {
    assert.equal(kendallTauB([1, 2, 3, 4], [10, 20, 30, 40]).tau, 1);
    assert.equal(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1]).tau, -1);
  });

  it("handles ties in one list (counted by hand: C 4, D 0, one x-tie, one y-tie → 4/5)", () => {
    const k = kendallTauB([1, 2, 2, 3], [1, 2, 3, 3]);
    assert.equal(k.concordant, 4);
    assert.equal(k.discordant, 0);
    assert.equal(k.tiesX, 1);
    assert.equal(k.tiesY, 1);
    assert.ok(Math.abs((k.tau ?? Number.NaN) - 0.8) < 1e-12);
  });

  it("counts pairs tied in both lists in both denominators' tie terms", () => {
    // (1,2) tied in both, (1,3) and (2,3) concordant: 2 / sqrt((3-1)(3-1)) = 1.
    const k = kendallTauB([1, 1, 2], [3, 3, 4]);
    assert.equal(k.tiesBoth, 1);
    assert.equal(k.tau, 1);
  });

  it("matches scipy.stats.kendalltau's documented example (τ-b with ties)", () => {
    // scipy's docstring: kendalltau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]) → -0.47140452079103173.
    const k = kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]);
    assert.ok(Math.abs((k.tau ?? Number.NaN) + 0.47140452079103173) < 1e-12, String(k.tau));
  });

  it("is 0 when concordant and discordant pairs balance, null for a constant list", () => {
    assert.equal(kendallTauB([0, 0, 1, 1], [0, 1, 0, 1]).tau, 0);
    assert.equal(kendallTauB([1, 2, 3], [5, 5, 5]).tau, null);
    assert.equal(kendallTauB([1], [1]).tau, null);
  });

  it("refuses lists of different lengths and NaN", () => {
    assert.throws(() => kendallTauB([1, 2], [1]), /differ in length/);
    assert.throws(() => kendallTauB([1, Number.NaN], [1, 2]), /NaN/);
  });
});

describe("mean and standard error", () => {
  it("uses the sample standard deviation over √n", () => {
    // var = ((0-.5)² + (1-.5)²)/1 = 0.5; SE = √(0.5/2) = 0.5.
    assert.deepEqual(meanAndSe([0, 1]), { mean: 0.5, se: 0.5, std: Math.SQRT1_2 });
    const { mean, se } = meanAndSe([1, 2, 3, 4]);
    assert.equal(mean, 2.5);
    assert.ok(Math.abs(se - Math.sqrt(5 / 3 / 4)) < 1e-12);
  });
});

describe("checkOrder", () => {
  const named = (...means: number[]) =>
    means.map((mean, i) => ({ name: ["random", "novice", "suboptimal", "expert"][i], mean }));

  it("accepts strictly rising means", () => {
    assert.deepEqual(checkOrder(named(0, 0.5, 0.8, 1)), { strict: true, weak: true, violations: [] });
  });

  it("names each adjacent pair out of order; ties break the strict order only", () => {
    const tie = checkOrder(named(0, 0.5, 0.5, 1));
    assert.equal(tie.strict, false);
    assert.equal(tie.weak, true);
    assert.deepEqual(tie.violations, ["novice (0.500) ≥ suboptimal (0.500)"]);
    const swapped = checkOrder(named(0, 0.9, 0.5, 1));
    assert.equal(swapped.strict, false);
    assert.equal(swapped.weak, false);
    assert.equal(swapped.violations.length, 1);
  });
});
