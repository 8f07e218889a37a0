/** stack-block-pyramid: Ravens' stand, six blocks and colours, three ordered goals; the oracle builds it. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { make } from "../../../src/env/index.ts";
import type { TabletopEnv } from "../../../src/env/tabletop/index.ts";
import { TabletopOracle } from "../../../src/policies/tabletop/index.ts";

test("a seed gives a stand and six 4 cm blocks in Ravens' colours, goals in order, 12 steps", () => {
  const env = make("Tabletop-stack-block-pyramid-v0", {
    renderObservations: false,
  }) as unknown as TabletopEnv;
  try {
    const { info } = env.reset({ seed: 0 });
    const states = env.objectStates();
    assert.equal(states.filter((s) => s.kind === "stand").length, 1);
    const blocks = states.filter((s) => s.kind === "block");
    assert.deepEqual(
      blocks.map((b) => b.color),
      ["purple", "blue", "green", "yellow", "orange", "red"],
    );
    for (const b of blocks) assert.ok(Math.abs(b.z - 0.019) < 1e-3);
    assert.equal(info.max_steps, 12);
    assert.equal(info.lang_goal, "make the bottom row with the green, blue and purple blocks");
    const goal = env.currentGoal();
    assert.ok(goal);
    assert.equal(goal.maxReward, 0.5);
    assert.equal(goal.posEps, 0.01);
  } finally {
    env.close();
  }
});

test("the oracle stacks the pyramid (2 seeds; the rate over 100 seeds is in docs/BENCHMARKS.md)", () => {
  const env = make("Tabletop-stack-block-pyramid-v0", {
    renderObservations: false,
  }) as unknown as TabletopEnv;
  const oracle = new TabletopOracle();
  try {
    for (const seed of [0, 1]) {
      let { obs } = env.reset({ seed });
      oracle.reset(env as never, seed);
      let total = 0;
      const goals: string[] = [];
      for (;;) {
        const r = env.step(oracle.act(obs, env as never));
        obs = r.obs;
        total += r.reward;
        goals.push(String(r.info.lang_goal));
        if (r.terminated || r.truncated) break;
      }
      assert.ok(total > 0.99, `seed ${seed}: return ${total}`);
      assert.equal(goals.at(-1), "done stacking block pyramid.");
      const top = env.objectStates().find((s) => s.color === "red");
      assert.ok(top && top.z > 0.1, "the red block tops the pyramid");
    }
  } finally {
    env.close();
  }
});
