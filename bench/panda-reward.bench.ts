/**
 * What the Push reference program's reward costs per PandaPushJoints-v3 step, against the physics step, at
 * several frame sizes: the size a Panda reward program should render at (issue 11: "rendering + checks no more
 * expensive than the physics step").
 *
 *   npm run bench:panda-reward                    sizes 64x48, 96x72, 128x96, 160x120, 192x144
 *   npm run bench:panda-reward -- 128x96 160x120  only these
 *
 * A last case, "floor@160x120", runs a program of the same shape whose checks do nothing: the part of the
 * "checks" column that is the sandbox's and the wrapper's, whatever the checks compute.
 *
 * For each size the Push reference program is rebuilt for that size (the same camera; thresholds are in metres)
 * and trains' reward path runs: RewardWrapper (mode code+env, in-process sandbox, one frame per call, only the
 * checks that can latch and the current progress term) around the env, on a fixed stream of expert and 30%-noisy
 * expert episodes. Per step it times, in this process's CPU time (process.cpuUsage), the physics (env.step),
 * the render (env.render() at the size) and the rest of the wrapper's step (the checks and their bookkeeping).
 * Best of 3 rounds after a warm-up round; each size in a fresh process (cases.ts).
 */
import { loadavg } from "node:os";
import "../src/env/panda/index.ts";
import { make } from "../src/env/registry.ts";
import type { Frame } from "../src/image/frame.ts";
import { NoisyPolicy } from "../src/policies/noisy.ts";
import { parseRewardProgram, type RewardProgram } from "../src/program/program.ts";
import { objectToTargetProgram, PUSH_OPTIONS, PUSH_PROGRAM } from "../src/program/reference/panda.ts";
import { RewardWrapper } from "../src/program/reward-wrapper.ts";
import { envOptionsFor } from "../src/trajectories/collect.ts";
import { policyFor } from "../src/trajectories/policies.ts";
import { measureCases } from "./cases.ts";

const ENV_ID = "PandaPushJoints-v3";
const SIZES = ["64x48", "96x72", "128x96", "160x120", "192x144"];
const STEPS_PER_ROUND = Number(process.env.BENCH_STEPS ?? 400);
const ROUNDS = 3;

interface Costs {
  /** CPU µs per step. */
  physics: number;
  render: number;
  checks: number;
}

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * A program of the same shape whose checks do nothing (false; progress 0): what the sandbox and the wrapper
 * cost per frame whatever the checks do (copying the frame in, the call, the tracker).
 */
function floorProgram(render: RewardProgram["render"]): RewardProgram {
  return parseRewardProgram({
    ...PUSH_PROGRAM,
    helpers: "",
    subtasks: PUSH_PROGRAM.subtasks.map((t) => ({
      ...t,
      code: "() => false",
      ...(t.progress ? { progress: "() => 0" } : {}),
    })),
    goal: { ...PUSH_PROGRAM.goal, code: "() => false" },
    provenance: { source: "fixture", notes: "bench floor: checks that do nothing" },
    render,
  });
}

function measureSize(name: string): Costs {
  const floor = name.startsWith("floor@");
  const size = floor ? name.slice("floor@".length) : name;
  const [width, height] = size.split("x").map(Number);
  const render = { ...PUSH_OPTIONS.render, width, height };
  const program = floor ? floorProgram(render) : objectToTargetProgram({ ...PUSH_OPTIONS, render });
  const env = make<unknown, unknown>(ENV_ID, envOptionsFor(render));
  let physics = 0;
  let rendering = 0;
  const step = env.step.bind(env);
  env.step = (action) => {
    const t = cpuUs();
    const r = step(action);
    physics += cpuUs() - t;
    return r;
  };
  const frameOf = (e: typeof env): Frame => {
    const t = cpuUs();
    const frame = e.render();
    rendering += cpuUs() - t;
    return frame;
  };
  const wrapper = new RewardWrapper(env, program, { mode: "code+env", frameOf });
  const policies = [
    policyFor("expert", ENV_ID, 0),
    new NoisyPolicy(policyFor("expert", ENV_ID, 0), "suboptimal", 1),
  ];
  let best: Costs | null = null;
  for (let round = 0; round <= ROUNDS; round++) {
    physics = 0;
    rendering = 0;
    let total = 0;
    let steps = 0;
    for (let seed = 0; steps < STEPS_PER_ROUND; seed++) {
      const policy = policies[seed % 2];
      let obs = wrapper.reset({ seed }).obs;
      policy.reset(env, seed);
      for (let done = false; !done && steps < STEPS_PER_ROUND; steps++) {
        const action = policy.act(obs, env);
        const t = cpuUs();
        const r = wrapper.step(action);
        total += cpuUs() - t;
        obs = r.obs;
        done = r.terminated || r.truncated;
      }
    }
    if (round === 0) continue; // warm-up: the JIT, the renderer's static layer, the sandbox
    const costs = {
      physics: physics / steps,
      render: rendering / steps,
      checks: (total - physics - rendering) / steps,
    };
    if (best === null || costs.render + costs.checks < best.render + best.checks) best = costs;
  }
  wrapper.close();
  if (best === null) throw new Error("no round measured");
  return best;
}

const asked = process.argv.slice(2).filter((a) => /^\d+x\d+$/.test(a));
// Each size with the reference program, and the reference size again with checks that do nothing.
const sizes = [...(asked.length > 0 ? asked : SIZES), "floor@160x120"];
const results = measureCases(sizes, measureSize);

console.log(
  `PandaPushJoints-v3, Push reference program's reward (CPU µs per step; load ${loadavg()[0].toFixed(1)})`,
);
console.log("size           physics  render  checks  render+checks  (render+checks)/physics");
const metrics: Record<string, number> = {};
for (const size of sizes) {
  const c = results.get(size) as Costs;
  const reward = c.render + c.checks;
  console.log(
    `${size.padEnd(14)} ${c.physics.toFixed(0).padStart(7)} ${c.render.toFixed(0).padStart(7)} ${c.checks
      .toFixed(0)
      .padStart(7)} ${reward.toFixed(0).padStart(14)} ${(reward / c.physics).toFixed(2).padStart(24)}`,
  );
  metrics[`${ENV_ID}/${size}/physics_us_per_step`] = Math.round(c.physics);
  metrics[`${ENV_ID}/${size}/render_us_per_step`] = Math.round(c.render);
  metrics[`${ENV_ID}/${size}/checks_us_per_step`] = Math.round(c.checks);
  metrics[`${ENV_ID}/${size}/reward_to_physics_ratio`] = Number((reward / c.physics).toFixed(3));
}
console.log(JSON.stringify({ bench: "panda-reward", metrics }));
