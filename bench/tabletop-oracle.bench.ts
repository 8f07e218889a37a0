/**
 * Ravens' oracle success rate per tabletop task (return > 0.99, Ravens' success), with no images rendered.
 *   npm run bench:tabletop-oracle   (BENCH_IDS=comma-separated ids, default the three kitting/packing tasks;
 *   BENCH_EPISODES=100; BENCH_SEED=first seed, default 0)
 */
import { make } from "../src/env/index.ts";
import type { TabletopEnv } from "../src/env/tabletop/index.ts";
import { TabletopOracle } from "../src/policies/tabletop/index.ts";

const ids = (
  process.env.BENCH_IDS ??
  "Tabletop-packing-shapes-v0,Tabletop-packing-boxes-pairs-seen-colors-v0,Tabletop-assembling-kits-v0"
).split(",");
const n = Number(process.env.BENCH_EPISODES ?? 100);
const first = Number(process.env.BENCH_SEED ?? 0);
const metrics: Record<string, number> = {};
for (const id of ids) {
  const env = make(id, { renderObservations: false }) as unknown as TabletopEnv;
  const oracle = new TabletopOracle();
  let successes = 0;
  let returns = 0;
  const failures: number[] = [];
  const started = performance.now();
  for (let seed = first; seed < first + n; seed++) {
    let { obs } = env.reset({ seed });
    oracle.reset(env as never, seed);
    let total = 0;
    for (;;) {
      const r = env.step(oracle.act(obs, env as never));
      obs = r.obs;
      total += r.reward;
      if (r.terminated || r.truncated) break;
    }
    returns += total;
    if (total > 0.99) successes++;
    else failures.push(seed);
  }
  const seconds = (performance.now() - started) / 1000;
  env.close();
  const name = id.replace(/^Tabletop-/, "").replace(/-v0$/, "");
  console.log(
    `${id}: oracle success ${successes}/${n}, mean return ${(returns / n).toFixed(3)}, ` +
      `${(seconds / n).toFixed(2)} s/episode; failed seeds ${failures.slice(0, 20).join(" ") || "none"}`,
  );
  metrics[`${name}.success_rate`] = successes / n;
  metrics[`${name}.mean_return`] = Math.round((returns / n) * 1000) / 1000;
  metrics[`${name}.seconds_per_episode`] = Math.round((seconds / n) * 100) / 100;
}
console.log(JSON.stringify({ bench: "tabletop-oracle", metrics }));
