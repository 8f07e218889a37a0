/**
 * Panda env throughput on one core: env steps/s without rendering (random actions in [−1, 1], auto-reset,
 * observations built every step) for PandaPushJoints-v3 (the paper's env; target ≥ 2,000) and a few others, and
 * render() frames/s at panda-gym's 720x480 and at 256x256 (shadows on, as panda-gym's default look): step + render,
 * and render alone (issue 10's targets: 1,500 frames/s at 256x256, 400 at 720x480).
 * Each figure is the best of several timed rounds, since other processes share the machine's cores.
 *   npm run bench:panda            (BENCH_SECONDS=<s per round>, default 1)
 */
import { make } from "../src/env/index.ts";
import type { PandaEnv } from "../src/env/panda/index.ts";

const ROUNDS = 3;
const SECONDS_PER_ROUND = Number(process.env.BENCH_SECONDS ?? 1);
const STEP_IDS = ["PandaPushJoints-v3", "PandaSlideJoints-v3", "PandaReach-v3", "PandaPickAndPlace-v3"];

/** A fixed pseudo-random action stream in [−1, 1], so every run replays the same episodes. */
function actionStream(size: number, seed: number): () => Float32Array {
  let s = seed >>> 0 || 1;
  const action = new Float32Array(size);
  return () => {
    for (let i = 0; i < size; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      action[i] = ((s >>> 0) / 4294967296) * 2 - 1;
    }
    return action;
  };
}

/** Best rate over the rounds, by wall clock and by this process's CPU time (less sensitive to a busy machine). */
function bestRate(run: (deadline: number) => number): { wall: number; cpu: number } {
  let wall = 0;
  let cpu = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const count = run(start + SECONDS_PER_ROUND * 1000);
    const used = process.cpuUsage(cpuStart);
    wall = Math.max(wall, count / ((performance.now() - start) / 1000));
    cpu = Math.max(cpu, count / ((used.user + used.system) / 1e6));
  }
  return { wall, cpu };
}

function stepsPerSecond(id: string): { wall: number; cpu: number } {
  const env = make(id) as unknown as PandaEnv;
  const next = actionStream(env.actionSpace.shape[0], 7);
  env.reset({ seed: 0 });
  // Warm up the JIT before timing.
  for (let i = 0; i < 200; i++) {
    const r = env.step(next());
    if (r.terminated || r.truncated) env.reset();
  }
  const rate = bestRate((deadline) => {
    let steps = 0;
    while (performance.now() < deadline) {
      for (let i = 0; i < 50; i++) {
        const r = env.step(next());
        if (r.terminated || r.truncated) env.reset();
      }
      steps += 50;
    }
    return steps;
  });
  env.close();
  return rate;
}

/**
 * Step + render rates (what a reward program's rollout pays), and render() alone: the same loop with only the
 * render calls timed (issue 10's target is on this one, "step + render minus the step").
 */
function framesPerSecond(
  width: number,
  height: number,
): { wall: number; cpu: number; renderWall: number; renderCpu: number } {
  const env = make("PandaPushJoints-v3", { renderWidth: width, renderHeight: height }) as unknown as PandaEnv;
  const next = actionStream(7, 11);
  env.reset({ seed: 0 });
  env.render();
  const rate = bestRate((deadline) => {
    let frames = 0;
    while (performance.now() < deadline) {
      const r = env.step(next());
      if (r.terminated || r.truncated) env.reset();
      env.render();
      frames++;
    }
    return frames;
  });
  let renderWall = 0;
  let renderCpu = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const deadline = performance.now() + SECONDS_PER_ROUND * 1000;
    let renderMs = 0;
    let renderCpuUs = 0;
    let rendered = 0;
    while (performance.now() < deadline) {
      const r = env.step(next());
      if (r.terminated || r.truncated) env.reset();
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      env.render();
      const used = process.cpuUsage(c0);
      renderMs += performance.now() - t0;
      renderCpuUs += used.user + used.system;
      rendered++;
    }
    renderWall = Math.max(renderWall, rendered / (renderMs / 1000));
    renderCpu = Math.max(renderCpu, rendered / (renderCpuUs / 1e6));
  }
  env.close();
  return { ...rate, renderWall, renderCpu };
}

const metrics: Record<string, number> = {};
console.log("env                     steps/s (no render): wall clock, per CPU second");
for (const id of STEP_IDS) {
  const rate = stepsPerSecond(id);
  metrics[`${id}/steps_per_s`] = Math.round(rate.wall);
  metrics[`${id}/steps_per_cpu_s`] = Math.round(rate.cpu);
  console.log(`${id.padEnd(24)}${Math.round(rate.wall)}  ${Math.round(rate.cpu)}`);
}
for (const [w, h] of [
  [720, 480],
  [256, 256],
]) {
  const rate = framesPerSecond(w, h);
  metrics[`PandaPushJoints-v3/step_and_render_${w}x${h}_per_s`] = Math.round(rate.wall);
  metrics[`PandaPushJoints-v3/step_and_render_${w}x${h}_per_cpu_s`] = Math.round(rate.cpu);
  metrics[`PandaPushJoints-v3/render_${w}x${h}_per_s`] = Math.round(rate.renderWall);
  metrics[`PandaPushJoints-v3/render_${w}x${h}_per_cpu_s`] = Math.round(rate.renderCpu);
  console.log(
    `PandaPushJoints-v3 step + render ${w}x${h}: ${Math.round(rate.wall)} /s, ${Math.round(rate.cpu)} per CPU s; ` +
      `render alone ${Math.round(rate.renderWall)} /s, ${Math.round(rate.renderCpu)} per CPU s`,
  );
}
console.log(JSON.stringify({ bench: "panda", metrics }));
