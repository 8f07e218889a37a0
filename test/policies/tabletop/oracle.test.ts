/**
 * Ravens' oracle solves put-block-in-bowl (100 of 100 seeds measured with `npm run bench:tabletop`; here a
 * sample of seeds), and the degraded demonstrators of VLM-CaR's Fig. 4 score below it on average.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { make } from "../../../src/env/index.ts";
import type { TabletopEnv } from "../../../src/env/tabletop/index.ts";
import { tabletopPolicy } from "../../../src/policies/tabletop/index.ts";

function episodeReturn(env: TabletopEnv, kind: Parameters<typeof tabletopPolicy>[0], seed: number): number {
  const policy = tabletopPolicy(kind);
  let { obs } = env.reset({ seed });
  policy.reset(env as never, seed);
  let total = 0;
  for (;;) {
    const r = env.step(policy.act(obs, env as never));
    total += r.reward;
    obs = r.obs;
    if (r.terminated || r.truncated) return total;
  }
}

test("the oracle succeeds on put-block-in-bowl (8 seeds) and random scores below it", () => {
  const env = make("Tabletop-put-block-in-bowl-seen-colors-v0", {
    renderShadows: false,
  }) as unknown as TabletopEnv;
  try {
    let oracle = 0;
    let random = 0;
    for (let seed = 100; seed < 108; seed++) {
      const r = episodeReturn(env, "oracle", seed);
      assert.ok(r > 0.99, `oracle return ${r} on seed ${seed}`);
      oracle += r;
      random += episodeReturn(env, "random", seed);
    }
    assert.ok(random < oracle, `random ${random} vs oracle ${oracle}`);
  } finally {
    env.close();
  }
});

test("policy names and noise levels are the paper's", () => {
  assert.equal(tabletopPolicy("suboptimal").name, "suboptimal");
  assert.equal((tabletopPolicy("suboptimal") as unknown as { epsilon: number }).epsilon, 0.3);
  assert.equal((tabletopPolicy("novice") as unknown as { epsilon: number }).epsilon, 0.5);
  assert.throws(() => tabletopPolicy("expert" as never), /oracle, suboptimal, novice or random/);
});
