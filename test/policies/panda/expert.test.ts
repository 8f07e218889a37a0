/**
 * The scripted Panda experts solve Reach, Push, PickAndPlace and Slide under both control types on most seeds, and
 * play every task through wrappers-free envs without errors. Full rates on 100 seeds: npm run bench:panda-experts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { make } from "../../../src/env/index.ts";
import type { PandaEnv } from "../../../src/env/panda/index.ts";
import { NoisyPolicy } from "../../../src/policies/noisy.ts";
import { PandaExpert } from "../../../src/policies/panda/expert.ts";

function successRate(id: string, seeds: number, noisy = false): number {
  const env = make(id) as unknown as PandaEnv;
  const expert = noisy ? new NoisyPolicy(new PandaExpert(), 0.2, 3) : new PandaExpert();
  let successes = 0;
  try {
    for (let seed = 0; seed < seeds; seed++) {
      let { obs } = env.reset({ seed });
      expert.reset(env, seed);
      for (;;) {
        const r = env.step(expert.act(obs, env));
        obs = r.obs;
        if (r.terminated) successes++;
        if (r.terminated || r.truncated) break;
      }
    }
  } finally {
    env.close();
  }
  return successes / seeds;
}

for (const id of [
  "PandaReach-v3",
  "PandaReachJoints-v3",
  "PandaPush-v3",
  "PandaPushJoints-v3",
  "PandaPickAndPlace-v3",
  "PandaPickAndPlaceJoints-v3",
  "PandaSlide-v3",
  "PandaSlideJoints-v3",
]) {
  test(`the expert solves ${id} on at least 9 of 10 seeds`, () => {
    const rate = successRate(id, 10);
    assert.ok(rate >= 0.9, `${id}: ${rate}`);
  });
}

// Stack is below the 95% (83% / 77% on 100 seeds, docs/BENCHMARKS.md; 6 and 8 of seeds 0-9): this
// guards what it reaches.
for (const id of ["PandaStack-v3", "PandaStackJoints-v3"]) {
  test(`the expert solves ${id} on at least 5 of 10 seeds`, () => {
    const rate = successRate(id, 10);
    assert.ok(rate >= 0.5, `${id}: ${rate}`);
  });
}

test("a noisy expert (20% random actions) still recovers on Push", () => {
  assert.ok(successRate("PandaPush-v3", 6, true) >= 0.5);
});

test("the expert refuses envs that are not Panda", () => {
  const env = make("MiniGrid-Empty-5x5-v0");
  assert.throws(() => new PandaExpert().reset(env as never), /Panda\*-v3 envs only/);
});
