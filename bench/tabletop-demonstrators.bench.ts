/**
 * The four demonstrators of VLM-CaR's Fig. 4 on a tabletop task, scored by the env's own (Ravens) reward:
 * random < novice (each step random with p 0.5) < suboptimal (p 0.3) < oracle, mean return ± SE and successes.
 *   npm run bench:tabletop-demonstrators   (BENCH_ID=<id>, default put-block-in-bowl-seen-colors; BENCH_EPISODES=20)
 */
import { make } from "../src/env/index.ts";
import type { TabletopEnv } from "../src/env/tabletop/index.ts";
import { tabletopPolicy } from "../src/policies/tabletop/index.ts";

const id = process.env.BENCH_ID ?? "Tabletop-put-block-in-bowl-seen-colors-v0";
const n = Number(process.env.BENCH_EPISODES ?? 20);
const env = make(id, { renderObservations: false }) as unknown as TabletopEnv;
const metrics: Record<string, number> = {};
for (const kind of ["random", "novice", "suboptimal", "oracle"] as const) {
  const policy = tabletopPolicy(kind);
  const returns: number[] = [];
  for (let seed = 1000; seed < 1000 + n; seed++) {
    let { obs } = env.reset({ seed });
    policy.reset(env as never, seed);
    let total = 0;
    for (;;) {
      const r = env.step(policy.act(obs, env as never));
      obs = r.obs;
      total += r.reward;
      if (r.terminated || r.truncated) break;
    }
    returns.push(total);
  }
  const mean = returns.reduce((a, b) => a + b, 0) / n;
  const se = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1) / n);
  const successes = returns.filter((r) => r > 0.99).length;
  console.log(
    `${id} ${kind}: mean return ${mean.toFixed(3)} ± ${se.toFixed(3)} (SE), success ${successes}/${n}`,
  );
  metrics[`${kind}.mean_return`] = Math.round(mean * 1000) / 1000;
  metrics[`${kind}.se`] = Math.round(se * 1000) / 1000;
  metrics[`${kind}.successes`] = successes;
}
env.close();
console.log(JSON.stringify({ bench: "tabletop-demonstrators", metrics }));
