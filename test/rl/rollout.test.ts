import assert from "node:assert/strict";
import { test } from "node:test";
import { EpisodeTracker, RolloutBuffer } from "../../src/rl/rollout.ts";

test("a step both terminated and truncated counts as terminated; only truncated steps take V(final obs)", () => {
  const b = new RolloutBuffer(2, 3);
  assert.equal(b.recordEnd(1, 0, true, true), false, "termination wins");
  assert.equal(b.recordEnd(1, 1, false, true), true);
  assert.equal(b.recordEnd(1, 2, false, false), false);
  assert.deepEqual(Array.from(b.terminated.subarray(3)), [1, 0, 0]);
  assert.deepEqual(Array.from(b.truncated.subarray(3)), [0, 1, 0]);
  b.setFinalValues(1, (i) => 10 + i);
  assert.deepEqual(Array.from(b.finalValues.subarray(3)), [0, 11, 0]);
  b.setFinalValues(1, null);
  assert.deepEqual(Array.from(b.finalValues.subarray(3)), [0, 0, 0]);
});

test("the episode tracker files each finished episode once, in the order they end", () => {
  const episodes = new EpisodeTracker(2);
  episodes.add(0, 1, false);
  episodes.add(1, 0.5, true);
  episodes.add(0, 2, true);
  episodes.add(1, 4, false);
  assert.deepEqual(episodes.take(), { returns: [0.5, 3], lengths: [1, 2] });
  assert.deepEqual(episodes.take(), { returns: [], lengths: [] });
  episodes.restart();
  episodes.add(1, 1, true);
  assert.deepEqual(episodes.take(), { returns: [1], lengths: [1] }, "a restart drops the running episode");
});
