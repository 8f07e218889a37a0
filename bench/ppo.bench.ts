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
 *
 *   npm run bench:ppo -- --learn 100000 [--seed 1]
 *
 * instead trains with the sparse env reward for that many frames, evaluating every 10,240 frames over 20
 * episodes and at the end over 100, and reports the returns (the learning check of issue 5: DoorKey-5x5
 * should reach a mean return of 0.9 within 100k frames).
 *
 *   npm run bench:ppo -- --env PandaPushJoints-v3 [--program FILE]
 *
 * instead trains the continuous PPO with the vlmcar reward on that env and says where the time goes
 * (physics, render, checks, policy, learning); see ppo-reward.ts.
 *
 *   npm run bench:ppo -- --kernels 3 [--top 15]
 *
 * instead traces every Wasm kernel jax-js launches during 3 updates (after the warm-up) and prints the
 * kernels by time spent, and the "kernel floor": the sum over launches of each kernel's fastest run, i.e.
 * how long an update would take if nothing but the kernels ran, each at its best.
 */
import "../src/env/minigrid/index.ts";
import "../src/env/panda/index.ts";
import { profiler } from "@jax-js/jax";
import type { Env } from "../src/env/core.ts";
import { make } from "../src/env/registry.ts";
import { algorithmFor } from "../src/experiments/algorithm.ts";
import { Ppo, type UpdateStats } from "../src/rl/ppo.ts";
import { benchRewardTraining } from "./ppo-reward.ts";
import { timeUpdates } from "./timed-updates.ts";

const ENV_ID = "MiniGrid-DoorKey-5x5-v0";

// `--env <Box-action id>`: the continuous PPO with the vlmcar reward and where its time goes (ppo-reward.ts).
const envFlag = process.argv.indexOf("--env");
if (envFlag >= 0) {
  const envId = process.argv[envFlag + 1];
  if (algorithmFor(envId) !== "ppo-continuous") {
    console.error(
      `--env takes an env with Box actions (e.g. PandaPushJoints-v3); ${envId} has discrete ones`,
    );
    process.exit(2);
  }
  await benchRewardTraining(envId);
  process.exit(0);
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const updates = arg("updates", 8);
const warmup = arg("warmup", 2);
const learnFrames = arg("learn", 0);
const kernelUpdates = arg("kernels", 0);

if (learnFrames > 0) {
  const seed = arg("seed", 1);
  const ppo = await Ppo.create({
    makeEnv: () => make(ENV_ID) as Env<unknown, number>,
    config: { seed, totalFrames: learnFrames, evalEvery: 10_240, evalEpisodes: 20 },
    hooks: {
      onUpdate: (s) => {
        if (s.update % 5 === 0) {
          const r = s.returnMean === null ? "   -" : s.returnMean.toFixed(3);
          console.log(
            `update ${s.update} frames ${s.frames} train return ${r} entropy ${s.entropy.toFixed(3)} fps ${s.fps.toFixed(0)}`,
          );
        }
      },
      onEval: (e) =>
        console.log(
          `  eval at ${e.frames} frames: return ${e.returnMean.toFixed(3)} ± ${e.returnStd.toFixed(3)}`,
        ),
    },
  });
  const started = performance.now();
  ppo.train();
  const seconds = (performance.now() - started) / 1000;
  const final = ppo.evaluate(100);
  ppo.close();
  console.log(
    `final evaluation over 100 episodes: ${final.returnMean.toFixed(3)} ± ${final.returnStd.toFixed(3)} after ${ppo.frames} frames, ${seconds.toFixed(0)} s`,
  );
  console.log(
    JSON.stringify({
      bench: "ppo",
      metrics: {
        [`${ENV_ID}/eval_return_mean`]: +final.returnMean.toFixed(4),
        [`${ENV_ID}/frames`]: ppo.frames,
        [`${ENV_ID}/train_s`]: Math.round(seconds),
      },
    }),
  );
  process.exit(0);
}

const ppo = await Ppo.create({
  makeEnv: () => make(ENV_ID) as Env<unknown, number>,
  config: { seed: 1, totalFrames: Number.POSITIVE_INFINITY },
});
for (let i = 0; i < warmup; i++) ppo.step(); // compiles the jitted functions and warms the JIT
const framesPerUpdate = ppo.config.numEnvs * ppo.config.numSteps;

if (kernelUpdates > 0) {
  // jax-js reports each kernel launch as a performance.measure entry while tracing is on.
  performance.clearMeasures();
  profiler.startTrace();
  for (let i = 0; i < kernelUpdates; i++) ppo.step();
  profiler.stopTrace();
  ppo.close();
  type Kernel = { label: string; exp: string; durations: number[] };
  const kernels = new Map<string, Kernel>();
  const entries = performance.getEntriesByType("measure");
  for (const entry of entries) {
    const detail = (entry as { detail?: unknown }).detail as {
      devtools?: { properties?: [string, string][] };
    } | null;
    const props = Object.fromEntries(detail?.devtools?.properties ?? []);
    const exp = `${props.reduction ? `reduce ${props.reduction}: ` : ""}${props.exp ?? props.inputShapes ?? ""}`;
    const key = `${entry.name} ${exp}`;
    const kernel = kernels.get(key) ?? { label: entry.name, exp, durations: [] };
    kernel.durations.push(entry.duration);
    kernels.set(key, kernel);
  }
  const rows = [...kernels.values()].map((k) => {
    const fastest = Math.min(...k.durations);
    return {
      ...k,
      fastest,
      total: k.durations.reduce((a, b) => a + b, 0) / kernelUpdates,
      floor: (fastest * k.durations.length) / kernelUpdates,
      launches: k.durations.length / kernelUpdates,
    };
  });
  rows.sort((a, b) => b.total - a.total);
  console.log("ms/update  floor ms  launches/update  fastest µs  kernel");
  for (const r of rows.slice(0, arg("top", 15))) {
    console.log(
      `${r.total.toFixed(2).padStart(9)} ${r.floor.toFixed(2).padStart(9)} ${r.launches.toFixed(1).padStart(16)} ` +
        `${(r.fastest * 1000).toFixed(0).padStart(11)}  ${r.label} ${r.exp.slice(0, 110)}`,
    );
  }
  const floor = rows.reduce((a, r) => a + r.floor, 0);
  const traced = rows.reduce((a, r) => a + r.total, 0);
  const launches = entries.length / kernelUpdates;
  const ceiling = Math.round(framesPerUpdate / (floor / 1000));
  console.log(
    `${launches.toFixed(0)} kernel launches per update; kernel time ${traced.toFixed(1)} ms per update as traced, ` +
      `floor ${floor.toFixed(1)} ms: at most ${ceiling} frames/s if nothing else ran`,
  );
  console.log(
    JSON.stringify({
      bench: "ppo",
      metrics: {
        kernel_launches_per_update: Math.round(launches),
        kernel_ms_per_update: +traced.toFixed(1),
        kernel_floor_ms_per_update: +floor.toFixed(1),
        kernel_floor_frames_per_s: ceiling,
      },
    }),
  );
  process.exit(0);
}

const { rows, seconds, cpuSeconds } = timeUpdates(() => ppo.step(), updates);
ppo.close();

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
const framesPerCpuSecond = (updates * framesPerUpdate) / cpuSeconds;
const share = (key: keyof UpdateStats["time"]) => sum(rows.map((r) => r.time[key])) / (seconds * 1000);
console.log(
  `overall ${framesPerSecond.toFixed(0)} frames/s (${framesPerCpuSecond.toFixed(0)} per CPU-second); median update ${median(rows.map((r) => r.fps)).toFixed(0)} frames/s; ` +
    `time: env ${(100 * share("env")).toFixed(0)}%, policy ${(100 * share("policy")).toFixed(0)}%, learn ${(100 * share("learn")).toFixed(0)}%`,
);
console.log(
  JSON.stringify({
    bench: "ppo",
    metrics: {
      frames_per_s: Math.round(framesPerSecond),
      median_update_frames_per_s: Math.round(median(rows.map((r) => r.fps))),
      frames_per_cpu_s: Math.round(framesPerCpuSecond),
      env_ms_per_update: +median(rows.map((r) => r.time.env)).toFixed(2),
      policy_ms_per_update: +median(rows.map((r) => r.time.policy)).toFixed(2),
      learn_ms_per_update: +median(rows.map((r) => r.time.learn)).toFixed(2),
    },
  }),
);
