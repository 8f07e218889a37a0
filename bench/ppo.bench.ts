/**
 * PPO training throughput on MiniGrid-DoorKey-5x5-v0 with rl-starter-files' defaults (16 envs × 128 steps,
 * 4 epochs, minibatch 256), on one core (jax-js's Wasm backend runs on the calling thread under Node).
 *
 *   npm run bench:ppo [-- --updates 8 --warmup 2]
 *
 * Prints a table of where each update's time goes (env stepping, policy forward during the rollout,
 * learning), then, as its last line, {"bench":"ppo","metrics":{...}}. frames_per_s is total frames over
 * total wall time of the measured updates; the median update is printed too, since other processes on
 * a shared machine disturb single updates.
 */
import "../src/env/minigrid/index.ts";
import type { Env } from "../src/env/core.ts";
import { make } from "../src/env/registry.ts";
import { Ppo, type UpdateStats } from "../src/rl/ppo.ts";

const ENV_ID = "MiniGrid-DoorKey-5x5-v0";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const updates = arg("updates", 8);
const warmup = arg("warmup", 2);

const ppo = await Ppo.create({
  makeEnv: () => make(ENV_ID) as Env<unknown, number>,
  config: { seed: 1, totalFrames: Number.POSITIVE_INFINITY },
});
for (let i = 0; i < warmup; i++) ppo.step(); // compiles the jitted functions and warms the JIT

const rows: UpdateStats[] = [];
const started = performance.now();
for (let i = 0; i < updates; i++) rows.push(ppo.step());
const seconds = (performance.now() - started) / 1000;
ppo.close();

const framesPerUpdate = ppo.config.numEnvs * ppo.config.numSteps;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

console.log(
  `PPO on ${ENV_ID}: ${ppo.config.numEnvs} envs × ${ppo.config.numSteps} steps, ${ppo.config.epochs} epochs, minibatch ${ppo.config.batchSize}`,
);
console.log("update   frames/s   env ms   policy ms   learn ms");
for (const r of rows) {
  console.log(
    `${String(r.update).padStart(6)} ${r.fps.toFixed(0).padStart(10)} ${r.time.env.toFixed(1).padStart(8)} ` +
      `${r.time.policy.toFixed(1).padStart(11)} ${r.time.learn.toFixed(1).padStart(10)}`,
  );
}
const framesPerSecond = (updates * framesPerUpdate) / seconds;
const share = (key: keyof UpdateStats["time"]) => sum(rows.map((r) => r.time[key])) / (seconds * 1000);
console.log(
  `overall ${framesPerSecond.toFixed(0)} frames/s; median update ${median(rows.map((r) => r.fps)).toFixed(0)} frames/s; ` +
    `time: env ${(100 * share("env")).toFixed(0)}%, policy ${(100 * share("policy")).toFixed(0)}%, learn ${(100 * share("learn")).toFixed(0)}%`,
);
console.log(
  JSON.stringify({
    bench: "ppo",
    metrics: {
      frames_per_s: Math.round(framesPerSecond),
      median_update_frames_per_s: Math.round(median(rows.map((r) => r.fps))),
      env_ms_per_update: +median(rows.map((r) => r.time.env)).toFixed(2),
      policy_ms_per_update: +median(rows.map((r) => r.time.policy)).toFixed(2),
      learn_ms_per_update: +median(rows.map((r) => r.time.learn)).toFixed(2),
    },
  }),
);
