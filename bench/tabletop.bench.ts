/**
 * Tabletop (CLIPort / Ravens) throughput on one core, per task: pick-place primitives per second (oracle
 * actions, no rendering), rendered front-camera frames per second at 640x480 (shadows on, CLIPort's look), and
 * whole oracle episodes with a frame after reset and after every step (the target: a put-block-in-bowl episode
 * under 1 s), plus the oracle's success rate over 100 seeds. Wall clock and per CPU second (the latter is the
 * better estimate of a free core on a shared machine).
 *   npm run bench:tabletop            (BENCH_EPISODES=<oracle episodes per task>, BENCH_IDS=<ids, comma-separated>)
 */
import { make } from "../src/env/index.ts";
import type { TabletopEnv } from "../src/env/tabletop/index.ts";
import { tabletopPolicy } from "../src/policies/tabletop/index.ts";

/** Oracle episodes per task for the success rate (BENCH_EPISODES overrides; BENCH_IDS=a,b picks tasks). */
const TASKS: Record<string, number> = {
  "Tabletop-put-block-in-bowl-seen-colors-v0": 100,
  "Tabletop-stack-block-pyramid-v0": 100,
  "Tabletop-separating-piles-seen-colors-v0": 20,
  "Tabletop-packing-shapes-v0": 100,
  "Tabletop-packing-boxes-pairs-seen-colors-v0": 100,
  "Tabletop-assembling-kits-v0": 100,
};
const IDS = process.env.BENCH_IDS ? process.env.BENCH_IDS.split(",") : Object.keys(TASKS);

interface Timing {
  wall: number;
  cpu: number;
}

function timed<T>(run: () => T): { value: T; wall: number; cpu: number } {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const value = run();
  const used = process.cpuUsage(cpuStart);
  return { value, wall: (performance.now() - start) / 1000, cpu: (used.user + used.system) / 1e6 };
}

function measure(id: string) {
  const EPISODES = Number(process.env.BENCH_EPISODES ?? TASKS[id] ?? 20);
  const env = make(id) as unknown as TabletopEnv;
  const blind = make(id, { renderObservations: false }) as unknown as TabletopEnv;
  const oracle = tabletopPolicy("oracle");
  // Warm-up episode (JIT, static layers).
  runEpisode(env, oracle, 10_000);
  runEpisode(blind, oracle, 10_000);

  // Primitives without frames: the oracle's steps, counted over episodes.
  const prim = timed(() => {
    let steps = 0;
    for (let seed = 0; seed < Math.min(10, EPISODES); seed++) steps += runEpisode(blind, oracle, seed).steps;
    return steps;
  });
  const frames = timed(() => {
    env.reset({ seed: 1 });
    for (let i = 0; i < 20; i++) env.render();
    return 20;
  });
  // Whole episodes with a frame after reset and every step, and the success rate.
  let successes = 0;
  let episodeWall = 0;
  let episodeCpu = 0;
  let worst = 0;
  for (let seed = 0; seed < EPISODES; seed++) {
    const t = timed(() => runEpisode(env, oracle, seed));
    if (t.value.total > 0.99) successes++;
    episodeWall += t.wall;
    episodeCpu += t.cpu;
    worst = Math.max(worst, t.wall);
  }
  env.close();
  blind.close();
  const rate = (n: number, t: { wall: number; cpu: number }): Timing => ({
    wall: n / t.wall,
    cpu: n / t.cpu,
  });
  return {
    primitivesPerSecond: rate(prim.value, prim),
    framesPerSecond: rate(frames.value, frames),
    episodeSeconds: { wall: episodeWall / EPISODES, cpu: episodeCpu / EPISODES, worstWall: worst },
    oracleSuccess: successes / EPISODES,
    episodes: EPISODES,
  };
}

function runEpisode(
  env: TabletopEnv,
  policy: ReturnType<typeof tabletopPolicy>,
  seed: number,
): { steps: number; total: number } {
  let { obs } = env.reset({ seed });
  policy.reset(env as never, seed);
  let total = 0;
  let steps = 0;
  for (;;) {
    const r = env.step(policy.act(obs, env as never));
    obs = r.obs;
    steps++;
    total += r.reward;
    if (r.terminated || r.truncated) return { steps, total };
  }
}

const metrics: Record<string, number> = {};
for (const id of IDS) {
  const m = measure(id);
  const key = id.replace(/^Tabletop-|-v0$/g, "");
  console.log(`${id}:`);
  console.log(
    `  pick-place primitives/s (no frames): ${m.primitivesPerSecond.wall.toFixed(2)} wall, ${m.primitivesPerSecond.cpu.toFixed(2)} per CPU s`,
  );
  console.log(
    `  frames/s at 640x480 with shadows: ${m.framesPerSecond.wall.toFixed(1)} wall, ${m.framesPerSecond.cpu.toFixed(1)} per CPU s`,
  );
  console.log(
    `  oracle episode with frames: ${m.episodeSeconds.wall.toFixed(3)} s wall (worst ${m.episodeSeconds.worstWall.toFixed(3)}), ${m.episodeSeconds.cpu.toFixed(3)} CPU s`,
  );
  console.log(`  oracle success: ${(100 * m.oracleSuccess).toFixed(0)}% of ${m.episodes} seeds`);
  metrics[`${key}.primitives_per_s_wall`] = round(m.primitivesPerSecond.wall);
  metrics[`${key}.primitives_per_cpu_s`] = round(m.primitivesPerSecond.cpu);
  metrics[`${key}.frames_per_s_wall`] = round(m.framesPerSecond.wall);
  metrics[`${key}.frames_per_cpu_s`] = round(m.framesPerSecond.cpu);
  metrics[`${key}.episode_s_wall`] = round(m.episodeSeconds.wall);
  metrics[`${key}.episode_cpu_s`] = round(m.episodeSeconds.cpu);
  metrics[`${key}.oracle_success`] = m.oracleSuccess;
}
console.log(JSON.stringify({ bench: "tabletop", metrics }));

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
