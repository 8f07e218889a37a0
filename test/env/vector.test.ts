import assert from "node:assert/strict";
import { test } from "node:test";
import "../../src/env/minigrid/index.ts";
import type { MiniGridEnv, MiniGridObs } from "../../src/env/minigrid/minigrid-env.ts";
import { make } from "../../src/env/registry.ts";
import { SyncVectorEnv } from "../../src/env/vector.ts";

const makeEnv =
  (id: string, options: Record<string, unknown> = {}) =>
  () =>
    make<MiniGridObs>(id, options) as unknown as MiniGridEnv;

test("copies are seeded seed + i, like Gymnasium's vector envs", () => {
  const vec = new SyncVectorEnv<MiniGridObs>(makeEnv("MiniGrid-DoorKey-8x8-v0"), 3);
  const { obs } = vec.reset({ seed: 10 });
  for (let i = 0; i < 3; i++) {
    const single = make<MiniGridObs>("MiniGrid-DoorKey-8x8-v0");
    assert.deepEqual(obs[i].image, single.reset({ seed: 10 + i }).obs.image, `copy ${i}`);
  }
});

test("an ended copy keeps its final observation and restarts at once, seedless", () => {
  // maxSteps 2: every copy truncates on its second step.
  const vec = new SyncVectorEnv<MiniGridObs>(makeEnv("MiniGrid-DoorKey-8x8-v0", { maxSteps: 2 }), 2);
  vec.reset({ seed: 0 });
  const twin = make<MiniGridObs>("MiniGrid-DoorKey-8x8-v0", { maxSteps: 2 }) as unknown as MiniGridEnv;
  twin.reset({ seed: 0 });

  const s1 = vec.step([0, 1]);
  assert.deepEqual(s1.truncated, [false, false]);
  assert.deepEqual(s1.finalObs, [undefined, undefined]);
  twin.step(0);

  const s2 = vec.step([0, 1]);
  assert.deepEqual(s2.truncated, [true, true]);
  const twinEnd = twin.step(0);
  assert.deepEqual(s2.finalObs[0]?.image, twinEnd.obs.image, "final obs is the terminal observation");
  const twinReset = twin.reset();
  assert.deepEqual(
    s2.obs[0].image,
    twinReset.obs.image,
    "obs is the new episode's first, from the same stream",
  );

  // The restarted copy steps normally.
  const s3 = vec.step([2, 2]);
  assert.deepEqual(s3.truncated, [false, false]);
  assert.equal(s3.rewards.length, 2);
});

test("a wrong number of actions is an error", () => {
  const vec = new SyncVectorEnv<MiniGridObs>(makeEnv("MiniGrid-Empty-5x5-v0"), 2);
  vec.reset({ seed: 0 });
  assert.throws(() => vec.step([0]), /expected 2 actions, got 1/);
  assert.throws(() => new SyncVectorEnv(makeEnv("MiniGrid-Empty-5x5-v0"), 0), /numEnvs must be >= 1/);
});
