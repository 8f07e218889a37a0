/**
 * The scripted Panda experts solve Reach, Push, PickAndPlace, Slide and Stack under both control types on most seeds, and
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
  "PandaStack-v3",
  "PandaStackJoints-v3",
]) {
  test(`the expert solves ${id} on at least 9 of 10 seeds`, () => {
    const rate = successRate(id, 10);
    assert.ok(rate >= 0.9, `${id}: ${rate}`);
  });
}

test("a cube held by the expert stays centred between the fingers while it is carried", () => {
  // The grip aims each finger 2 mm inside the cube's face, not at the closed stop: a cube that slides along
  // the grip axis meets one finger's target and is pushed back (with both at the stop it floats between them).
  const env = make("PandaStack-v3") as unknown as PandaEnv;
  const expert = new PandaExpert();
  try {
    let worst = 0;
    let carried = 0;
    for (const seed of [0, 1, 2]) {
      let { obs } = env.reset({ seed });
      expert.reset(env);
      for (;;) {
        const r = env.step(expert.act(obs, env));
        obs = r.obs;
        const ee = env.eePosition();
        const held = [0, 1].find((i) => {
          const p = env.objectPosition(i);
          return p[2] > 0.05 && Math.hypot(p[0] - ee[0], p[1] - ee[1]) < 0.03 && env.fingerWidth < 0.045;
        });
        if (held !== undefined) {
          carried++;
          worst = Math.max(worst, Math.abs(env.objectPosition(held)[1] - ee[1]));
        }
        if (r.terminated || r.truncated) break;
      }
    }
    assert.ok(carried > 20, `carried ${carried} steps`);
    assert.ok(worst < 0.004, `the cube strayed ${worst} m from the gripper's centre along the grip axis`);
  } finally {
    env.close();
  }
});

test("a noisy expert (20% random actions) still recovers on Push", () => {
  assert.ok(successRate("PandaPush-v3", 6, true) >= 0.5);
});

test("the expert refuses envs that are not Panda", () => {
  const env = make("MiniGrid-Empty-5x5-v0");
  assert.throws(() => new PandaExpert().reset(env as never), /Panda\*-v3 envs only/);
});
