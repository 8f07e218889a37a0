import assert from "node:assert/strict";
import { test } from "node:test";
import "../../src/env/minigrid/index.ts";
import { make } from "../../src/env/registry.ts";
import { RandomPolicy } from "../../src/policies/random.ts";

function actions(policy: RandomPolicy, seed: number | undefined, count: number): number[] {
  const env = make<unknown, number>("MiniGrid-Empty-8x8-v0");
  const { obs } = env.reset({ seed: 0 });
  policy.reset(env, seed);
  return Array.from({ length: count }, () => policy.act(obs, env));
}

test("the same seed gives the same actions, another seed others", () => {
  const a = actions(new RandomPolicy(), 7, 50);
  assert.deepEqual(actions(new RandomPolicy(), 7, 50), a);
  assert.deepEqual(
    actions(new RandomPolicy(7), undefined, 50),
    a,
    "the constructor's seed until reset gives one",
  );
  assert.notDeepEqual(actions(new RandomPolicy(), 8, 50), a);
});

test("a seedless reset continues the stream", () => {
  const policy = new RandomPolicy(3);
  const first = actions(policy, undefined, 20);
  const second = actions(policy, undefined, 20);
  assert.notDeepEqual(second, first);
  assert.deepEqual([...first, ...second], actions(new RandomPolicy(3), undefined, 40));
});

test("actions cover the action space uniformly", () => {
  const counts = new Array(7).fill(0);
  for (const a of actions(new RandomPolicy(1), 1, 7000)) counts[a]++;
  for (const c of counts) assert.ok(c > 850 && c < 1150, `each of 7 actions about 1000 times, got ${counts}`);
});
