/**
 * `npm run bench:ppo -- --env <Box-action id>` (e.g. PandaPushJoints-v3): training throughput of the continuous
 * PPO (CleanRL's defaults, 1 env × 2048 steps) with the vlmcar reward, and where the time goes: the physics
 * step, rendering the program's frames (its render spec, as training renders them), the program's checks and
 * progress terms in the sandbox (with the tracker's bookkeeping), the policy's forwards and learning.
 *
 *   npm run bench:ppo -- --env PandaPushJoints-v3 [--program FILE] [--updates 3 --warmup 1 --steps 2048]
 *
 * The program: --program FILE, else the env's reference program (src/program/reference/), else the labelled
 * test fixture test/experiments/panda-push-fixture.json (hand-written, not a VLM's). Target (issue 11): the
 * reward, render + checks, costs no more than the physics step.
 */
import { fileURLToPath } from "node:url";
import { type Env, type ResetOptions, type ResetResult, type StepResult, Wrapper } from "../src/env/core.ts";
import { make } from "../src/env/registry.ts";
import type { Space } from "../src/env/spaces.ts";
import { checkReward, programRender } from "../src/experiments/reward-modes.ts";
import type { Frame } from "../src/image/frame.ts";
import { referenceFor } from "../src/program/reference/index.ts";
import { RewardWrapper } from "../src/program/reward-wrapper.ts";
import { ProgramSandbox } from "../src/program/sandbox.ts";
import { ContinuousPpo, type ContinuousUpdateStats } from "../src/rl/ppo-continuous.ts";
import { describeRender, renderOptions } from "../src/trajectories/render-spec.ts";
import { timeUpdates } from "./timed-updates.ts";

const FIXTURE = fileURLToPath(new URL("../test/experiments/panda-push-fixture.json", import.meta.url));

/**
 * Time spent in one part, summed: wall milliseconds and this process's CPU milliseconds. On a machine shared
 * with other jobs the wall clock also counts the time other processes held the core; CPU time does not.
 */
class Clock {
  ms = 0;
  cpuMs = 0;
  calls = 0;
  time<T>(f: () => T): T {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    try {
      return f();
    } finally {
      const c = process.cpuUsage(c0);
      this.cpuMs += (c.user + c.system) / 1000;
      this.ms += performance.now() - t0;
      this.calls += 1;
    }
  }
  clear(): void {
    this.ms = 0;
    this.cpuMs = 0;
    this.calls = 0;
  }
}

/** Times `step` and `render` of the env it wraps, and leaves everything else alone. */
class TimedEnv<Act> extends Wrapper<unknown, Act> {
  constructor(
    env: Env<unknown, Act>,
    private readonly stepClock: Clock,
    private readonly renderClock: Clock | null,
    private readonly resetClock: Clock,
  ) {
    super(env);
  }
  get observationSpace(): Space<unknown> {
    return this.env.observationSpace;
  }
  get actionSpace(): Space<Act> {
    return this.env.actionSpace;
  }
  reset(options?: ResetOptions): ResetResult<unknown> {
    return this.resetClock.time(() => this.env.reset(options));
  }
  step(action: Act): StepResult<unknown> {
    return this.stepClock.time(() => this.env.step(action));
  }
  override render(): Frame {
    const clock = this.renderClock;
    return clock ? clock.time(() => this.env.render()) : this.env.render();
  }
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function text(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export async function benchRewardTraining(envId: string): Promise<void> {
  const updates = arg("updates", 3);
  const warmup = arg("warmup", 1);
  const numSteps = arg("steps", 2048);
  const programFile = text("program");
  const source = programFile
    ? programFile
    : referenceFor(envId)
      ? `the reference program for ${envId}`
      : `${FIXTURE} (a hand-written test fixture, not a VLM's program)`;
  const reward = await checkReward(
    envId,
    programFile
      ? { kind: "vlmcar", program: programFile }
      : referenceFor(envId)
        ? { kind: "reference" }
        : { kind: "vlmcar", program: FIXTURE },
  );
  const program = reward.program;
  if (program === null) throw new Error("no program");
  const render = programRender(program, envId);
  const sandbox = new ProgramSandbox(program);

  const physics = new Clock();
  const rendering = new Clock();
  const wrapped = new Clock();
  const resets = new Clock();
  const innerResets = new Clock();
  const makeEnv = (index: number) => {
    if (index >= 1) return make(envId) as Env<unknown, Float32Array>; // evaluation: never used here
    const inner = new TimedEnv(
      make<unknown, Float32Array>(envId, renderOptions(render)),
      physics,
      rendering,
      innerResets,
    );
    const shaped = new RewardWrapper(inner, sandbox, {});
    return new TimedEnv(shaped, wrapped, null, resets);
  };
  const ppo = await ContinuousPpo.create({
    makeEnv,
    config: { seed: 1, totalFrames: Number.POSITIVE_INFINITY, numSteps },
  });
  for (let i = 0; i < warmup; i++) ppo.step();
  for (const clock of [physics, rendering, wrapped, resets, innerResets]) clock.clear();
  const { rows, seconds, cpuSeconds } = timeUpdates(() => ppo.step(), updates);
  ppo.close();
  sandbox.dispose();

  const frames = updates * numSteps;
  const sum = (f: (r: ContinuousUpdateStats) => number) => rows.reduce((a, r) => a + f(r), 0);
  // Per env step, in µs. The shaped step = physics + render + checks (+ the tracker, negligible); resets add
  // a render of the first frame and its progress term, counted with the checks.
  const perStep = (ms: number) => (1000 * ms) / frames;
  const part = (key: "ms" | "cpuMs") => {
    const physicsUs = perStep(physics[key] + innerResets[key]);
    const renderUs = perStep(rendering[key]);
    const checksUs = perStep(wrapped[key] + resets[key]) - physicsUs - renderUs;
    return { physicsUs, renderUs, checksUs };
  };
  const wall = part("ms");
  const cpuParts = part("cpuMs");
  const policyUs = (1000 * sum((r) => r.time.policy)) / frames;
  const learnUs = (1000 * sum((r) => r.time.learn)) / frames;
  const totalUs = (1e6 * seconds) / frames;
  const totalCpuUs = (1e6 * cpuSeconds) / frames;
  const restCpuUs = totalCpuUs - cpuParts.physicsUs - cpuParts.renderUs - cpuParts.checksUs;

  console.log(
    `continuous PPO with the vlmcar reward on ${envId}: 1 env × ${numSteps} steps, ${updates} updates`,
  );
  console.log(`program: ${source}; frames: ${describeRender(render)}`);
  console.log("part                        wall µs/step   CPU µs/step   share of CPU");
  const row = (name: string, us: number | null, cpuUs: number | null) =>
    console.log(
      `${name.padEnd(28)}${(us === null ? "-" : us.toFixed(0)).padStart(12)}  ${(cpuUs === null ? "-" : cpuUs.toFixed(0)).padStart(12)}` +
        `   ${cpuUs === null ? "" : `${((100 * cpuUs) / totalCpuUs).toFixed(0).padStart(5)}%`}`,
    );
  row("physics (env.step)", wall.physicsUs, cpuParts.physicsUs);
  row("render (program's spec)", wall.renderUs, cpuParts.renderUs);
  row("checks + progress terms", wall.checksUs, cpuParts.checksUs);
  row("policy forward", policyUs, null);
  row("learning", learnUs, null);
  row("policy + learning + rest", null, restCpuUs);
  row("total", totalUs, totalCpuUs);
  const physicsUs = cpuParts.physicsUs;
  const renderUs = cpuParts.renderUs;
  const checksUs = cpuParts.checksUs;
  const rewardUs = renderUs + checksUs;
  console.log(
    `${(frames / seconds).toFixed(0)} frames/s (${(frames / cpuSeconds).toFixed(0)} per CPU second); ` +
      `reward (render + checks) ${rewardUs.toFixed(0)} CPU µs vs physics ${physicsUs.toFixed(0)} CPU µs per step: ` +
      `${rewardUs <= physicsUs ? "within" : "over"} the target (reward ≤ physics)`,
  );
  console.log(
    JSON.stringify({
      bench: "ppo",
      metrics: {
        [`${envId}/vlmcar_frames_per_s`]: Math.round(frames / seconds),
        [`${envId}/vlmcar_frames_per_cpu_s`]: Math.round(frames / cpuSeconds),
        [`${envId}/physics_cpu_us_per_step`]: Math.round(physicsUs),
        [`${envId}/render_cpu_us_per_step`]: Math.round(renderUs),
        [`${envId}/checks_cpu_us_per_step`]: Math.round(checksUs),
        [`${envId}/policy_learning_rest_cpu_us_per_step`]: Math.round(restCpuUs),
        [`${envId}/reward_over_physics`]: +(rewardUs / physicsUs).toFixed(3),
      },
    }),
  );
}
