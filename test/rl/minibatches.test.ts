import assert from "node:assert/strict";
import { test } from "node:test";
import { Minibatches } from "../../src/rl/minibatches.ts";
import { Rng } from "../../src/rl/rng.ts";

test("each pass visits every sample once, in a new order, with each column's rows kept together", () => {
  const total = 10;
  // Sample k: id k, a two-wide row [10k, 10k + 1].
  const rollout = {
    id: Int32Array.from({ length: total }, (_, k) => k),
    row: Float32Array.from({ length: 2 * total }, (_, i) => 10 * Math.floor(i / 2) + (i % 2)),
  };
  const batches = new Minibatches(rollout, { id: 1, row: 2 }, total, 4);
  const seen: number[][] = [[], []];
  const sizes: number[] = [];
  for (const { epoch, index, n, columns } of batches.passes(new Rng(3), 2)) {
    assert.equal(index, sizes.length % 3);
    sizes.push(n);
    for (let j = 0; j < n; j++) {
      const k = columns.id[j];
      seen[epoch].push(k);
      assert.deepEqual(Array.from(columns.row.subarray(2 * j, 2 * j + 2)), [10 * k, 10 * k + 1]);
    }
  }
  assert.deepEqual(sizes, [4, 4, 2, 4, 4, 2], "the last minibatch of a pass takes what is left");
  for (const order of seen)
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      [...Array(total).keys()],
    );
  assert.notDeepEqual(seen[0], seen[1], "each pass is shuffled anew");
});
