/**
 * How well the MiniGrid experts play: for every registered MiniGrid id, the expert's success rate (the
 * episode terminated with a positive reward), mean episode length and mean return over seeds 0..N-1; and,
 * for a few envs, the success rates of the noisy presets (novice = 0.5, suboptimal = 0.3) and of the uniform
 * random policy, which VLM-CaR's verification contrasts with the expert.
 *
 *   npm run bench:experts [-- --seeds 200 --filter DoorKey]
 *
 * The requirement is an expert success rate of at least 99% for every env; failing seeds are listed with
 * the sub-goal the expert was on, so each can be replayed. The last line is
 * {"bench":"experts","metrics":{"<env id>/expert_success_rate": ..., ...}}.
 */
import type { Env } from "../src/env/core.ts";
import "../src/env/minigrid/index.ts";
import { make, registeredIds } from "../src/env/registry.ts";
import { expertFor, type MiniGridExpert } from "../src/policies/minigrid/expert.ts";
import { type NoisePreset, NoisyPolicy } from "../src/policies/noisy.ts";
import type { Policy } from "../src/policies/policy.ts";
import { RandomPolicy } from "../src/policies/random.ts";

const REQUIRED_SUCCESS_RATE = 0.99;
const NOISY_ENVS = [
  "MiniGrid-DoorKey-8x8-v0",
  "MiniGrid-KeyCorridorS3R3-v0",
  "MiniGrid-UnlockPickup-v0",
  "MiniGrid-LavaCrossingS9N1-v0",
];

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const SEEDS = Number(argument("seeds", "200"));
const FILTER = argument("filter", "");

interface Summary {
  successRate: number;
  meanSteps: number;
  meanReturn: number;
  /** "seed: how it ended", for the failed episodes. */
  failures: string[];
  msPerEpisode: number;
}

/** Plays seeds 0..SEEDS-1 and summarises them. */
function evaluate(
  env: Env<unknown, number>,
  policy: Policy<unknown, number>,
  expert?: MiniGridExpert,
): Summary {
  let successes = 0;
  let steps = 0;
  let returns = 0;
  const failures: string[] = [];
  const start = performance.now();
  for (let seed = 0; seed < SEEDS; seed++) {
    let { obs } = env.reset({ seed });
    policy.reset(env, seed);
    for (;;) {
      const r = env.step(policy.act(obs, env));
      obs = r.obs;
      steps++;
      returns += r.reward;
      if (!(r.terminated || r.truncated)) continue;
      if (r.terminated && r.reward > 0) successes++;
      else {
        const how = r.truncated
          ? "time limit"
          : (r.info.events?.map((e) => e.type).join("+") ?? "terminated");
        const doing = expert?.lastSubgoal ? `, last sub-goal "${expert.lastSubgoal.why}"` : "";
        failures.push(`${seed}: ${how}${doing}${expert?.stuck ? " (no plan)" : ""}`);
      }
      break;
    }
  }
  return {
    successRate: successes / SEEDS,
    meanSteps: steps / SEEDS,
    meanReturn: returns / SEEDS,
    failures,
    msPerEpisode: (performance.now() - start) / SEEDS,
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const metrics: Record<string, number> = {};
const ids = registeredIds().filter((id) => id.startsWith("MiniGrid-") && id.includes(FILTER));
const belowRequirement: string[] = [];

console.log(`expert over seeds 0..${SEEDS - 1}`);
console.log(
  `${"env".padEnd(34)} ${"success".padStart(8)} ${"steps".padStart(7)} ${"return".padStart(7)} ${"ms/ep".padStart(7)}`,
);
for (const id of ids) {
  const env = make<unknown, number>(id);
  const expert = expertFor(env);
  const s = evaluate(env, expert, expert);
  metrics[`${id}/expert_success_rate`] = s.successRate;
  metrics[`${id}/expert_mean_steps`] = Number(s.meanSteps.toFixed(2));
  console.log(
    `${id.padEnd(34)} ${pct(s.successRate).padStart(8)} ${s.meanSteps.toFixed(1).padStart(7)} ${s.meanReturn.toFixed(3).padStart(7)} ${s.msPerEpisode.toFixed(2).padStart(7)}`,
  );
  for (const f of s.failures.slice(0, 5)) console.log(`    failed seed ${f}`);
  if (s.successRate < REQUIRED_SUCCESS_RATE) belowRequirement.push(id);
}

const noisyIds = NOISY_ENVS.filter((id) => ids.includes(id));
if (noisyIds.length > 0) {
  console.log(`\nsuccess rate of noisy experts and the random policy over seeds 0..${SEEDS - 1}`);
  console.log(
    `${"env".padEnd(34)} ${"suboptimal".padStart(10)} ${"novice".padStart(8)} ${"random".padStart(8)}`,
  );
  for (const id of noisyIds) {
    const env = make<unknown, number>(id);
    const row: string[] = [];
    for (const preset of ["suboptimal", "novice"] as NoisePreset[]) {
      const s = evaluate(env, new NoisyPolicy(expertFor(env), preset));
      metrics[`${id}/${preset}_success_rate`] = s.successRate;
      row.push(pct(s.successRate).padStart(preset === "suboptimal" ? 10 : 8));
    }
    const random = evaluate(env, new RandomPolicy());
    metrics[`${id}/random_success_rate`] = random.successRate;
    row.push(pct(random.successRate).padStart(8));
    console.log(`${id.padEnd(34)} ${row.join(" ")}`);
  }
}

console.log(
  belowRequirement.length === 0
    ? `\nevery env at or above ${pct(REQUIRED_SUCCESS_RATE)} expert success`
    : `\nBELOW ${pct(REQUIRED_SUCCESS_RATE)} expert success: ${belowRequirement.join(", ")}`,
);
console.log(JSON.stringify({ bench: "experts", metrics }));
