/**
 * Reward program speed: how many frames per second the DoorKey reference program checks, and what the reward
 * costs per env step compared with the env's own step and render.
 *
 *   npm run bench:program            speed, in-process and in the supervised child process
 *   npm run bench:program -- --fuzz  10,000 garbled programs through compile and evaluate (the second wall)
 *   npm run bench:program -- --progress  the training reward with and without a progress term (Unlock)
 *
 * Frames are real 256x256 renders (MiniGrid-DoorKey-8x8-v0, tile 32, view highlight) from expert and random
 * episodes. Throughput evaluates whole episodes per call (as verification does: a new `first` per episode,
 * so each episode pays for finding its objects once). The per-step cost is the RewardWrapper's pattern: one
 * frame per call, right after the env rendered it, with the episode's `first` kept in the sandbox; it is what
 * the reward adds to a step (the same episodes with and without it), the median of several repetitions.
 * Everything runs on one thread.
 *
 * Times are CPU time of this process (process.cpuUsage), which is what "on one core" means on a shared
 * machine; wall-clock throughput is printed too, and equals CPU throughput only on an idle machine. The
 * supervised sandbox's throughput counts the child's CPU time as well (both processes work per frame).
 * Each case (throughput, supervised, per-step, each env's training reward) runs in a fresh process (cases.ts).
 */
import { loadavg } from "node:os";
import "../src/env/minigrid/index.ts";
import type { Env } from "../src/env/core.ts";
import { make } from "../src/env/registry.ts";
import { cloneFrame, type Frame } from "../src/image/frame.ts";
import { expertFor } from "../src/policies/minigrid/expert.ts";
import { NoisyPolicy } from "../src/policies/noisy.ts";
import type { Policy } from "../src/policies/policy.ts";
import { RandomPolicy } from "../src/policies/random.ts";
import { fuzzFrames, fuzzSandbox } from "../src/program/garble.ts";
import { loadRewardProgram, type RewardProgram } from "../src/program/program.ts";
import { DOORKEY_REFERENCE } from "../src/program/reference/doorkey.ts";
import { REFERENCE_PROGRAMS } from "../src/program/reference/index.ts";
import { UNLOCK_WITH_PROGRESS } from "../src/program/reference/progress.ts";
import { UNLOCK_PROGRAM } from "../src/program/reference/unlock.ts";
import { RewardWrapper } from "../src/program/reward-wrapper.ts";
import { ProgramSandbox, type Sandbox } from "../src/program/sandbox.ts";
import { SupervisedSandbox, sandboxChildCpuMs } from "../src/program/supervised.ts";
import { SubtaskTracker } from "../src/program/tracker.ts";
import { measureCases } from "./cases.ts";

const ENV_ID = "MiniGrid-DoorKey-8x8-v0";
const EPISODES = 12;
/** The per-step case: repetitions over the planned episodes (the ratio is their median) and env steps in them. */
const PER_STEP_REPETITIONS = 7;
const PER_STEP_STEPS = 2000;

function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** CPU time of this process in ms. */
function cpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Episode {
  first: Frame;
  frames: Frame[];
}

function collect(): Episode[] {
  const episodes: Episode[] = [];
  for (let seed = 0; seed < EPISODES; seed++) {
    const env: Env<unknown, number> = make(ENV_ID);
    const policy: Policy<unknown, number> = seed % 2 === 0 ? expertFor(env) : new RandomPolicy(seed);
    let { obs } = env.reset({ seed });
    policy.reset(env, seed);
    const episode: Episode = { first: env.render(), frames: [] };
    for (let t = 0; t < 120; t++) {
      const r = env.step(policy.act(obs, env));
      obs = r.obs;
      episode.frames.push(env.render());
      if (r.terminated || r.truncated) break;
    }
    episodes.push(episode);
  }
  return episodes;
}

/** Frames per CPU second and per wall-clock second over whole-episode batches, for about `seconds`. */
function throughput(sandbox: Sandbox, episodes: Episode[], seconds: number): { cpu: number; wall: number } {
  let frames = 0;
  const start = now();
  const startCpu = cpu() + sandboxChildCpuMs();
  while (now() - start < seconds * 1000) {
    for (const e of episodes) {
      // A fresh `first` object per episode and pass: nothing carries over between episodes.
      const first = { width: e.first.width, height: e.first.height, data: e.first.data };
      const r = sandbox.evaluate(e.frames, first);
      if (!r.ok) throw new Error(`the reference program failed: ${JSON.stringify(r.errors)}`);
      frames += e.frames.length;
    }
  }
  return {
    cpu: frames / ((cpu() + sandboxChildCpuMs() - startCpu) / 1000),
    wall: frames / ((now() - start) / 1000),
  };
}

/** One episode of the per-step measurement: its seed and the random actions drawn for it. */
interface PlannedEpisode {
  seed: number;
  actions: number[];
}

/**
 * Episodes of random actions adding up to `steps` env steps (at most 200 per episode). Random actions do not
 * depend on the state, so drawing them first keeps the policy out of the timing and lets an episode be played
 * with and without the reward on exactly the same steps.
 */
function planEpisodes(steps: number): PlannedEpisode[] {
  const env: Env<unknown, number> = make(ENV_ID);
  const policy = new RandomPolicy(7);
  const plan: PlannedEpisode[] = [];
  let planned = 0;
  for (let seed = 0; planned < steps; seed++) {
    const { obs } = env.reset({ seed });
    policy.reset(env, seed);
    const actions = Array.from({ length: Math.min(200, steps - planned) }, () => policy.act(obs, env));
    // Replay once to know where the episode ends, so both passes count the same steps.
    let length = 0;
    for (const action of actions) {
      const r = env.step(action);
      length++;
      if (r.terminated || r.truncated) break;
    }
    plan.push({ seed, actions: actions.slice(0, length) });
    planned += length;
  }
  return plan;
}

/**
 * CPU ms of playing one planned episode: env.step + env.render, and with `sandbox` the reward too, evaluated
 * on each frame right after it is rendered (one frame per call, as the RewardWrapper does) and fed to the
 * tracker. Timed in bulk over the episode (two process.cpuUsage calls, none per step).
 */
function playEpisode(
  env: Env<unknown, number>,
  episode: PlannedEpisode,
  sandbox: ProgramSandbox | null,
  tracker: SubtaskTracker,
): number {
  env.reset({ seed: episode.seed });
  const first = env.render();
  tracker.reset();
  const { actions } = episode;
  const start = cpu();
  for (let t = 0; t < actions.length; t++) {
    env.step(actions[t]);
    const frame = env.render();
    if (sandbox) tracker.update(sandbox.evaluate([frame], first).row(0), t + 1);
  }
  return cpu() - start;
}

/**
 * One repetition over the plan: each episode played without and with the reward, one right after the other
 * (in alternating order), so a burst of load from other processes falls on both. CPU µs per step of each.
 */
function stepRepetition(
  plan: readonly PlannedEpisode[],
  sandbox: ProgramSandbox,
  flip: number,
): { envUs: number; withRewardUs: number } {
  const env: Env<unknown, number> = make(ENV_ID);
  const tracker = new SubtaskTracker(sandbox.checkNames.slice(0, -1));
  let steps = 0;
  let envMs = 0;
  let withRewardMs = 0;
  plan.forEach((episode, i) => {
    if ((i + flip) % 2 === 0) {
      envMs += playEpisode(env, episode, null, tracker);
      withRewardMs += playEpisode(env, episode, sandbox, tracker);
    } else {
      withRewardMs += playEpisode(env, episode, sandbox, tracker);
      envMs += playEpisode(env, episode, null, tracker);
    }
    steps += episode.actions.length;
  });
  return { envUs: (envMs * 1000) / steps, withRewardUs: (withRewardMs * 1000) / steps };
}

/** The median of `values` (the mean of the two middle ones for an even count). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The reward's cost per env step against the env's own (case "per-step"), in CPU µs of this process (user +
 * system, all threads: V8's GC and isolated-vm's timer threads included).
 *
 * The reward's cost is what it adds to a training step: every episode is played twice, once with env.step +
 * env.render alone and once with the reward evaluated on each frame right after its render, and the cost is
 * the difference. Whatever the reward makes the process do (its GC, the caches it evicts, the copy of a frame
 * that was just drawn) is counted, and the env's own work (and the garbage collection of its frames) is not.
 * The figures are medians over the repetitions, so one burst of load on a shared machine does not decide them.
 */
function measurePerStep(repetitions: number, steps: number) {
  const sandbox = new ProgramSandbox(DOORKEY_REFERENCE);
  const plan = planEpisodes(steps);
  stepRepetition(planEpisodes(400), sandbox, 0); // warm-up: the env's and the sandbox's hot paths compiled
  const env: number[] = [];
  const withReward: number[] = [];
  for (let r = 0; r < repetitions; r++) {
    const { envUs, withRewardUs } = stepRepetition(plan, sandbox, r);
    env.push(envUs);
    withReward.push(withRewardUs);
  }
  sandbox.dispose();
  const reward = withReward.map((w, r) => w - env[r]);
  const ratios = reward.map((x, r) => x / env[r]);
  return {
    envUs: median(env),
    rewardUs: median(reward),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    repetitions,
    steps: plan.reduce((n, e) => n + e.actions.length, 0),
  };
}

if (process.argv.includes("--fuzz")) {
  fuzz();
  process.exit(0);
}

if (process.argv.includes("--progress")) {
  progressCost();
  process.exit(0);
}

/**
 * What a progress term adds to the reward as training pays for it: the Unlock reference program without and
 * with its progress term (reference/progress.ts), through the RewardWrapper, per env step in CPU µs.
 */
function progressCost(): void {
  const envId = "MiniGrid-Unlock-v0";
  trainingReward(envId, UNLOCK_PROGRAM, 500); // warm-up
  const without = trainingReward(envId, UNLOCK_PROGRAM, 3000).wrapper;
  const withTerm = trainingReward(envId, UNLOCK_WITH_PROGRESS, 3000).wrapper;
  console.log(`progress term cost: ${envId}, novice policy, CPU us per step incl. env step + render`);
  console.log(`  wrapper, checks only        ${without.toFixed(1)}`);
  console.log(`  wrapper, with progress term ${withTerm.toFixed(1)}  (+${(withTerm - without).toFixed(1)})`);
  console.log(
    JSON.stringify({
      bench: "program-progress",
      metrics: {
        "reward_us_per_step/us": Number(without.toFixed(1)),
        "reward_with_progress_us_per_step/us": Number(withTerm.toFixed(1)),
      },
    }),
  );
}

/** 10,000 garbled programs (or --count N) through the supervised sandbox, in this one process. */
function fuzz(): void {
  const countAt = process.argv.indexOf("--count");
  const count = countAt > 0 ? Number(process.argv[countAt + 1]) : 10_000;
  const { first, frames } = fuzzFrames();
  const programs = [
    ...REFERENCE_PROGRAMS.map((r) => r.program),
    ...[
      "MiniGrid-DoorKey-6x6-v0",
      "MiniGrid-DoorKey-8x8-v0",
      "MiniGrid-Unlock-v0",
      "MiniGrid-UnlockPickup-v0",
    ].map((id) => loadRewardProgram(`zoo/${id}/program.json`)),
  ];
  const started = now();
  const summary = fuzzSandbox({
    programs,
    count,
    seed: 16,
    frames,
    first,
    sandbox: { isolation: "process", timeLimitMs: 20, warmupMs: 200, compileTimeLimitMs: 200 },
    onProgress: (done) => {
      if (done % 500 === 0)
        console.error(`  ${done} of ${count} (${((now() - started) / 1000).toFixed(0)} s)`);
    },
  });
  console.log(`sandbox fuzz: ${count} garbled programs, ${frames.length} frames each, one host process`);
  console.log(
    `  clean ${summary.clean}, compile errors ${summary.compileErrors}, run-time errors ${summary.runErrors}`,
  );
  console.log(`  sandbox process crashes survived ${summary.crashes}`);
  console.log(
    `  host failures ${summary.hostFailures.length}, hangs ${summary.hangs}, slowest ${summary.slowestMs.toFixed(0)} ms`,
  );
  for (const failure of summary.hostFailures.slice(0, 5)) console.log(`  ${failure}`);
  console.log(
    JSON.stringify({
      bench: "program-fuzz",
      metrics: {
        programs: summary.programs,
        clean: summary.clean,
        compile_errors: summary.compileErrors,
        run_errors: summary.runErrors,
        crashes_survived: summary.crashes,
        host_failures: summary.hostFailures.length,
        hangs: summary.hangs,
        "slowest_program_ms/ms": Math.round(summary.slowestMs),
        "wall_s/s": Math.round((now() - started) / 1000),
      },
    }),
  );
}

/** Batched throughput over the collected episodes (case "throughput"). */
function measureThroughput() {
  const episodes = collect();
  const sandbox = new ProgramSandbox(DOORKEY_REFERENCE);
  throughput(sandbox, episodes, 0.5); // warm-up: compile the prelude's hot loops
  const rate = throughput(sandbox, episodes, 3);
  sandbox.dispose();
  return {
    ...rate,
    frameCount: episodes.reduce((n, e) => n + e.frames.length, 0),
    episodes: episodes.length,
    size: `${episodes[0].first.width}x${episodes[0].first.height}`,
  };
}

/** The same batches through the second wall: the sandbox in the supervised child process (case "supervised"). */
function measureSupervised() {
  const episodes = collect();
  const supervised = new SupervisedSandbox(DOORKEY_REFERENCE);
  throughput(supervised, episodes, 0.5);
  const rate = throughput(supervised, episodes, 3);
  supervised.dispose();
  return rate;
}

/**
 * The reward as training pays for it, per env step in CPU µs: the RewardWrapper (which runs only the checks
 * that can latch and skips a frame that repeats the last one checked) against running every check on every
 * frame, for each task's zoo program (the generated code, not a hand-tuned one). The policy is the novice
 * demonstrator (half random actions, half expert): it wanders and makes progress, like an agent in training.
 * Both sides include the env's render of the frame the program reads; the env step itself is the same in both.
 */
function trainingReward(envId: string, program: RewardProgram, steps: number) {
  const sandbox = new ProgramSandbox(program);
  const measure = (wrapped: boolean): number => {
    const env: Env<unknown, number> = make(envId);
    const wrapper = new RewardWrapper<unknown, number>(env, sandbox);
    const policy = new NoisyPolicy(expertFor(env), "novice", 3);
    let cpuMs = 0;
    let done = 0;
    for (let seed = 0; done < steps; seed++) {
      let { obs } = wrapped ? wrapper.reset({ seed }) : env.reset({ seed });
      const first = cloneFrame(env.render());
      policy.reset(env, seed);
      for (let t = 0; t < 300 && done < steps; t++) {
        const action = policy.act(obs, env);
        const start = cpu();
        const r = wrapped ? wrapper.step(action) : env.step(action);
        if (!wrapped) sandbox.evaluate([env.render()], first);
        cpuMs += cpu() - start;
        obs = r.obs;
        done++;
        if (r.terminated || r.truncated) break;
      }
    }
    return (cpuMs * 1000) / done;
  };
  measure(true); // warm-up
  const all = measure(false);
  const wrapper = measure(true);
  sandbox.dispose();
  return { all, wrapper };
}

const TRAINING_ENVS = [
  "MiniGrid-DoorKey-6x6-v0",
  "MiniGrid-DoorKey-8x8-v0",
  "MiniGrid-Unlock-v0",
  "MiniGrid-UnlockPickup-v0",
];

// Every case in a fresh process of its own (cases.ts): no case's figure depends on what ran before it.
const results = measureCases(
  ["throughput", "supervised", "per-step", ...TRAINING_ENVS.map((e) => `training:${e}`)],
  (name) => {
    if (name === "throughput") return measureThroughput();
    if (name === "supervised") return measureSupervised();
    if (name === "per-step") return measurePerStep(PER_STEP_REPETITIONS, PER_STEP_STEPS);
    const envId = name.slice("training:".length);
    return trainingReward(envId, loadRewardProgram(`zoo/${envId}/program.json`), 3000);
  },
);
const framesPerS = results.get("throughput") as ReturnType<typeof measureThroughput>;
const supervisedPerS = results.get("supervised") as ReturnType<typeof measureSupervised>;
const perStepCost = results.get("per-step") as ReturnType<typeof measurePerStep>;
const training = TRAINING_ENVS.map((envId) => ({
  envId,
  ...(results.get(`training:${envId}`) as ReturnType<typeof trainingReward>),
}));

const { envUs, rewardUs, ratio } = perStepCost;
console.log(`reward program bench: ${ENV_ID}, ${framesPerS.size} frames`);
console.log(`  frames collected            ${framesPerS.frameCount} in ${framesPerS.episodes} episodes`);
console.log(`  batched throughput          ${Math.round(framesPerS.cpu)} frames/CPU-s  (target >= 20000)`);
console.log(
  `    wall clock                ${Math.round(framesPerS.wall)} frames/s (load average ${loadavg()[0].toFixed(1)})`,
);
console.log(
  `  supervised (child process)  ${Math.round(supervisedPerS.cpu)} frames/CPU-s of both processes, ${Math.round(supervisedPerS.wall)} frames/s wall`,
);
console.log(
  `  per env step (process CPU time, median of ${perStepCost.repetitions} repetitions of ${perStepCost.steps} steps):`,
);
console.log(`    env step + render         ${envUs.toFixed(1)} us CPU/step`);
console.log(`    reward (1 frame per call) ${rewardUs.toFixed(1)} us CPU/step (what it adds to the step)`);
console.log(
  `    reward / env cost         ${ratio.toFixed(3)}  (target <= 1; repetitions ${perStepCost.ratioMin.toFixed(3)}-${perStepCost.ratioMax.toFixed(3)})`,
);
console.log("  training reward per step (zoo programs, novice policy; CPU us incl. env step + render):");
for (const t of training) {
  console.log(
    `    ${t.envId.padEnd(26)} every check ${t.all.toFixed(0).padStart(5)}   wrapper ${t.wrapper.toFixed(0).padStart(5)}   (${(t.all / t.wrapper).toFixed(1)}x)`,
  );
}
console.log(
  JSON.stringify({
    bench: "program",
    metrics: {
      frames_per_s: Math.round(framesPerS.cpu),
      wall_frames_per_s: Math.round(framesPerS.wall),
      supervised_frames_per_s: Math.round(supervisedPerS.cpu),
      supervised_wall_frames_per_s: Math.round(supervisedPerS.wall),
      reward_to_env_cost_ratio: Number(ratio.toFixed(4)),
      reward_to_env_cost_ratio_min: Number(perStepCost.ratioMin.toFixed(4)),
      reward_to_env_cost_ratio_max: Number(perStepCost.ratioMax.toFixed(4)),
      "reward_us_per_step/us": Number(rewardUs.toFixed(2)),
      "env_step_render_us_per_step/us": Number(envUs.toFixed(2)),
      ...Object.fromEntries(
        training.map((t) => [`training_reward_us_per_step_${t.envId}/us`, Number(t.wrapper.toFixed(1))]),
      ),
    },
  }),
);
