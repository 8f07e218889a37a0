import assert from "node:assert/strict";
import { test } from "node:test";
import type { Env } from "../../src/env/core.ts";
import "../../src/env/minigrid/index.ts";
import { make } from "../../src/env/registry.ts";
import { expertFor } from "../../src/policies/minigrid/expert.ts";
import { NOISE_PRESETS, NoisyPolicy } from "../../src/policies/noisy.ts";
import type { Policy } from "../../src/policies/policy.ts";

const ID = "MiniGrid-DoorKey-8x8-v0";

/** The actions of one episode (at most `limit`). */
function episode(
  env: Env<unknown, number>,
  policy: Policy<unknown, number>,
  seed: number,
  limit = 300,
): number[] {
  let { obs } = env.reset({ seed });
  policy.reset(env, seed);
  const out: number[] = [];
  for (let t = 0; t < limit; t++) {
    const action = policy.act(obs, env);
    out.push(action);
    const r = env.step(action);
    obs = r.obs;
    if (r.terminated || r.truncated) break;
  }
  return out;
}

test("with epsilon 0 the noisy expert is the expert", () => {
  const env = make<unknown, number>(ID);
  for (const seed of [0, 1, 2]) {
    assert.deepEqual(
      episode(env, new NoisyPolicy(expertFor(ID), 0, 99), seed),
      episode(env, expertFor(ID), seed),
    );
  }
});

test("the presets are novice 0.5 and suboptimal 0.3, and name the policy", () => {
  assert.deepEqual(NOISE_PRESETS, { novice: 0.5, suboptimal: 0.3 });
  const novice = new NoisyPolicy(expertFor(ID), "novice");
  assert.equal(novice.epsilon, 0.5);
  assert.equal(novice.name, "expert+novice");
  assert.equal(new NoisyPolicy(expertFor(ID), 0.25).name, "expert+eps0.25");
});

test("noise departs from the expert, reproducibly by seed, and the expert still gets there", () => {
  const env = make<unknown, number>(ID);
  const noisy = episode(env, new NoisyPolicy(expertFor(ID), "suboptimal"), 4);
  assert.deepEqual(episode(env, new NoisyPolicy(expertFor(ID), "suboptimal"), 4), noisy);
  assert.notDeepEqual(noisy, episode(env, expertFor(ID), 4));
  // Replaying the actions reaches the goal: the closed-loop expert recovered from every random step.
  env.reset({ seed: 4 });
  let last = { reward: 0, terminated: false };
  for (const a of noisy) last = env.step(a);
  assert.ok(last.terminated && last.reward > 0);
});

test("a bad epsilon is a clear error", () => {
  assert.throws(
    () => new NoisyPolicy(expertFor(ID), 1.5),
    /epsilon must be a number in \[0, 1\] or one of novice, suboptimal/,
  );
  assert.throws(() => new NoisyPolicy(expertFor(ID), "expert" as "novice"), /got expert/);
});
