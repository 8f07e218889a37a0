/**
 * Continuous PPO training throughput with CleanRL's defaults (1 env × 2048 steps, 10 epochs, 32 minibatches
 * of 64, 64-64 tanh MLP) on the 2-D point-mass reacher of the tests (dict observation, Box(−1, 1, [2])
 * actions), on one core (jax-js's Wasm backend runs on the calling thread under Node). The env is nearly
 * free, so this measures the learner: the batch-1 forward per step during the rollout and 320 update steps.
 *
 *   npm run bench:ppo-continuous [-- --updates 4 --warmup 1 --envs 1 --steps 2048]
 *
 * Prints where each update's time goes, then, as its last line, {"bench":"ppo-continuous","metrics":{...}}.
 *
 *   npm run bench:ppo-continuous -- --learn 100000 [--seed 1]
 *
 * instead trains for that many frames with the defaults, evaluating every 20,480 frames over 20 greedy episodes,
 * and reports the success rate over 100 greedy episodes at the end.
 *
 *   --env <id>   any registered env with Box actions (e.g. PandaReachDense-v3) instead of the point mass
 */
import "../src/env/index.ts";
import type { Env } from "../src/env/core.ts";
import { make } from "../src/env/registry.ts";
import type { BoxArray } from "../src/env/spaces.ts";
import { ContinuousPpo } from "../src/rl/ppo-continuous.ts";
import { PointMassEnv } from "../test/rl/point-mass-env.ts";
import { timeUpdates } from "./timed-updates.ts";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const envFlag = process.argv.indexOf("--env");
const envId = envFlag >= 0 ? process.argv[envFlag + 1] : null;
const ENV = envId ?? "PointMass (test/rl/point-mass-env.ts)";
const KEY = envId ?? "PointMass";
const makeEnv = envId
  ? () => make(envId) as Env<unknown, BoxArray>
  : () => new PointMassEnv() as Env<unknown, BoxArray>;

const updates = arg("updates", 4);
const warmup = arg("warmup", 1);
const numEnvs = arg("envs", 1);
const numSteps = arg("steps", 2048);
const learnFrames = arg("learn", 0);

if (learnFrames > 0) {
  const started = performance.now();
  const ppo = await ContinuousPpo.create({
    makeEnv,
    name: `${KEY}.bench`,
    config: {
      seed: arg("seed", 1),
      totalFrames: learnFrames,
      numEnvs,
      numSteps,
      evalEvery: 20_480,
      evalEpisodes: 20,
      evalGreedy: true,
    },
    hooks: {
      onUpdate: (s) =>
        console.log(
          `update ${s.update} frames ${s.frames} train return ${s.returnMean?.toFixed(2) ?? "-"} std ${s.actionStd.map((x) => x.toFixed(2)).join(",")} fps ${s.fps.toFixed(0)}`,
        ),
      onEval: (e) =>
        console.log(
          `  eval at ${e.frames} frames: success ${e.successRate ?? "-"}, return ${e.returnMean.toFixed(2)} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
        ),
    },
  });
  ppo.train();
  const seconds = (performance.now() - started) / 1000;
  const final = ppo.evaluate(100, true);
  ppo.close();
  console.log(
    `final: return ${final.returnMean.toFixed(2)}, success ${final.successRate} over 100 greedy episodes after ${ppo.frames} frames, ${seconds.toFixed(0)} s`,
  );
  console.log(
    JSON.stringify({
      bench: "ppo-continuous",
      metrics: {
        [`${KEY}/success_rate`]: final.successRate,
        [`${KEY}/eval_return_mean`]: +final.returnMean.toFixed(3),
        [`${KEY}/frames`]: ppo.frames,
        [`${KEY}/train_s`]: Math.round(seconds),
      },
    }),
  );
  process.exit(0);
}

const ppo = await ContinuousPpo.create({
  makeEnv,
  config: { seed: 1, totalFrames: Number.POSITIVE_INFINITY, numEnvs, numSteps },
});
for (let i = 0; i < warmup; i++) ppo.step(); // compiles the jitted functions and warms the JIT
const framesPerUpdate = ppo.config.numEnvs * ppo.config.numSteps;
const { rows, seconds, cpuSeconds } = timeUpdates(() => ppo.step(), updates);
ppo.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const c = ppo.config;
const minibatch = Math.floor(framesPerUpdate / c.numMinibatches);
console.log(
  `continuous PPO on ${ENV}: ${c.numEnvs} env(s) × ${c.numSteps} steps, ${c.epochs} epochs × ${c.numMinibatches} minibatches of ${minibatch}`,
);
console.log("update   frames/s   env ms   policy ms   learn ms");
for (const r of rows) {
  console.log(
    `${String(r.update).padStart(6)} ${r.fps.toFixed(0).padStart(10)} ${r.time.env.toFixed(1).padStart(8)} ` +
      `${r.time.policy.toFixed(1).padStart(11)} ${r.time.learn.toFixed(1).padStart(10)}`,
  );
}
const framesPerSecond = (updates * framesPerUpdate) / seconds;
const updateSteps = c.epochs * Math.ceil(framesPerUpdate / minibatch);
const learnMs = median(rows.map((r) => r.time.learn));
console.log(
  `overall ${framesPerSecond.toFixed(0)} frames/s (${((updates * framesPerUpdate) / cpuSeconds).toFixed(0)} per CPU-second); ` +
    `learning ${(learnMs / updateSteps).toFixed(2)} ms per minibatch step; policy ${((1000 * median(rows.map((r) => r.time.policy))) / framesPerUpdate).toFixed(0)} µs per rollout step`,
);
console.log(
  JSON.stringify({
    bench: "ppo-continuous",
    metrics: {
      [`${KEY}/frames_per_s`]: Math.round(framesPerSecond),
      [`${KEY}/frames_per_cpu_s`]: Math.round((updates * framesPerUpdate) / cpuSeconds),
      [`${KEY}/env_ms_per_update`]: +median(rows.map((r) => r.time.env)).toFixed(1),
      [`${KEY}/policy_ms_per_update`]: +median(rows.map((r) => r.time.policy)).toFixed(1),
      [`${KEY}/learn_ms_per_update`]: +learnMs.toFixed(1),
      [`${KEY}/ms_per_minibatch_step`]: +(learnMs / updateSteps).toFixed(3),
    },
  }),
);
