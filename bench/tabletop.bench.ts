/**
 * Tabletop (CLIPort / Ravens) throughput on one core, per task: pick-place (or push) primitives per second
 * (oracle actions, no rendering), rendered front-camera frames per second at 640x480 (shadows on, CLIPort's
 * look), and whole oracle episodes with a frame after the reset and after every step, against the issue's
 * targets: a put-block-in-bowl episode under 1 s and a separating-piles episode under 20 s on one core.
 *
 * Episode times are CPU seconds of this process (process.cpuUsage: user + system; the physics and the
 * rasteriser run on the main thread), the estimate of one free core on a shared machine; wall seconds are
 * printed beside them. A target is met when the worst episode's CPU time is under it. Defaults keep the whole
 * run to about a minute of CPU: 10 timed episodes per task (seeds 0-9; 3 for separating-piles, whose episodes
 * cost seconds), after one warm-up episode; the oracle's success on those seeds is printed as a sanity check
 * (its rate over 100 seeds is measured with BENCH_EPISODES=100).
 *   npm run bench:tabletop            (BENCH_EPISODES=<timed episodes per task>, BENCH_IDS=<ids, comma-separated>)
 */
import { make } from "../src/env/index.ts";
import type { TabletopEnv } from "../src/env/tabletop/index.ts";
import { tabletopPolicy } from "../src/policies/tabletop/index.ts";

const PILES = "Tabletop-separating-piles-seen-colors-v0";
const BOWL = "Tabletop-put-block-in-bowl-seen-colors-v0";

/** Timed oracle episodes per task (BENCH_EPISODES overrides; BENCH_IDS=a,b picks tasks). */
const TASKS: Record<string, number> = {
  [BOWL]: 10,
  "Tabletop-stack-block-pyramid-v0": 10,
  [PILES]: 3,
  "Tabletop-packing-shapes-v0": 10,
  "Tabletop-packing-boxes-pairs-seen-colors-v0": 10,
  "Tabletop-assembling-kits-v0": 10,
};
/** The targets for one oracle episode with its frames, CPU seconds on one core. */
const TARGETS: Record<string, number> = { [BOWL]: 1, [PILES]: 20 };
/** Episodes without frames for the primitive rate (seeds 0..n−1, a subset of the timed ones). */
const PRIMITIVE_EPISODES = 3;
const IDS = process.env.BENCH_IDS ? process.env.BENCH_IDS.split(",") : Object.keys(TASKS);

interface Rate {
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
  const episodes = Number(process.env.BENCH_EPISODES ?? TASKS[id] ?? 10);
  const env = make(id) as unknown as TabletopEnv;
  const blind = make(id, { renderObservations: false }) as unknown as TabletopEnv;
  const oracle = tabletopPolicy("oracle");
  // Warm-up episode with frames (JIT, the renderer's static layers), on a seed the timed ones do not use.
  runEpisode(env, oracle, 10_000);

  // Primitives without frames: the oracle's steps over a few episodes.
  const prim = timed(() => {
    let steps = 0;
    for (let seed = 0; seed < Math.min(PRIMITIVE_EPISODES, episodes); seed++)
      steps += runEpisode(blind, oracle, seed).steps;
    return steps;
  });
  const frames = timed(() => {
    env.reset({ seed: 1 });
    for (let i = 0; i < 20; i++) env.render();
    return 20;
  });
  // Whole episodes with a frame after the reset and after every step (renderObservations on).
  let successes = 0;
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let seed = 0; seed < episodes; seed++) {
    const t = timed(() => runEpisode(env, oracle, seed));
    if (t.value.total > 0.99) successes++;
    cpu.push(t.cpu);
    wall.push(t.wall);
  }
  env.close();
  blind.close();
  const rate = (n: number, t: { wall: number; cpu: number }): Rate => ({ wall: n / t.wall, cpu: n / t.cpu });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    primitivesPerSecond: rate(prim.value, prim),
    framesPerSecond: rate(frames.value, frames),
    episode: { cpu: mean(cpu), worstCpu: Math.max(...cpu), wall: mean(wall), worstWall: Math.max(...wall) },
    oracleSuccess: successes / episodes,
    episodes,
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
const verdicts: string[] = [];
for (const id of IDS) {
  const m = measure(id);
  const key = id.replace(/^Tabletop-|-v0$/g, "");
  const e = m.episode;
  console.log(`${id}:`);
  console.log(
    `  pick-place primitives/s (no frames): ${m.primitivesPerSecond.cpu.toFixed(2)} per CPU s (${m.primitivesPerSecond.wall.toFixed(2)} wall)`,
  );
  console.log(
    `  frames/s at 640x480 with shadows: ${m.framesPerSecond.cpu.toFixed(1)} per CPU s (${m.framesPerSecond.wall.toFixed(1)} wall)`,
  );
  console.log(
    `  oracle episode with frames, ${m.episodes} seeds: ${e.cpu.toFixed(3)} CPU s mean, ${e.worstCpu.toFixed(3)} worst (wall ${e.wall.toFixed(3)} mean, ${e.worstWall.toFixed(3)} worst)`,
  );
  console.log(`  oracle success: ${Math.round(m.oracleSuccess * m.episodes)} / ${m.episodes} seeds`);
  const target = TARGETS[id];
  if (target !== undefined) {
    verdicts.push(
      `  ${key}: oracle episode with frames ${e.cpu.toFixed(3)} CPU s mean, ${e.worstCpu.toFixed(3)} worst; target < ${target} s: ${e.worstCpu < target ? "met" : "NOT met"}`,
    );
    metrics[`${key}/episode_target_s`] = target;
  }
  metrics[`${key}/primitives_per_cpu_s`] = round(m.primitivesPerSecond.cpu);
  metrics[`${key}/primitives_per_s_wall`] = round(m.primitivesPerSecond.wall);
  metrics[`${key}/frames_per_cpu_s`] = round(m.framesPerSecond.cpu);
  metrics[`${key}/frames_per_s_wall`] = round(m.framesPerSecond.wall);
  metrics[`${key}/episode_cpu_s`] = round(e.cpu);
  metrics[`${key}/episode_worst_cpu_s`] = round(e.worstCpu);
  metrics[`${key}/episode_s_wall`] = round(e.wall);
  metrics[`${key}/oracle_success`] = m.oracleSuccess;
}
if (verdicts.length > 0) {
  console.log("Targets (CPU seconds of this process per oracle episode, frames included; worst episode):");
  for (const v of verdicts) console.log(v);
}
console.log(JSON.stringify({ bench: "tabletop", metrics }));

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
