import assert from "node:assert/strict";
import { test } from "node:test";
import { RunningMeanStd } from "../../src/rl/running-stats.ts";

test("running mean and variance merged batch by batch equal those of all samples (with Gymnasium's ε prior)", () => {
  const samples = [
    [1, 10],
    [2, 20],
    [4, -5],
    [8, 0],
    [-3, 7],
  ];
  const stats = new RunningMeanStd(2, 0);
  stats.update(samples.slice(0, 2).flat(), 2);
  stats.update(samples.slice(2, 3).flat(), 1);
  stats.update(samples.slice(3).flat(), 2);
  for (let j = 0; j < 2; j++) {
    const column = samples.map((s) => s[j]);
    const mean = column.reduce((a, b) => a + b, 0) / column.length;
    const variance = column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length;
    assert.ok(Math.abs(stats.mean[j] - mean) < 1e-12, `mean ${stats.mean[j]} vs ${mean}`);
    assert.ok(Math.abs(stats.var[j] - variance) < 1e-9, `var ${stats.var[j]} vs ${variance}`);
  }
  assert.equal(stats.count, 5);

  // The default prior (count 1e-4, mean 0, var 1) barely moves the estimate, and the state round-trips exactly.
  const prior = new RunningMeanStd(1);
  prior.update([3, 5], 2);
  assert.ok(Math.abs(prior.mean[0] - 4) < 1e-3 && Math.abs(prior.var[0] - 1) < 1e-3);
  const copy = new RunningMeanStd(1);
  copy.setState(JSON.parse(JSON.stringify(prior.state())));
  assert.deepEqual(copy.state(), prior.state());
  assert.throws(() => new RunningMeanStd(3).setState(prior.state()), /do not fit size 3/);
});
