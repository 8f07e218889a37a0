/**
 * Success rates of the scripted Panda experts (src/policies/panda/) over seeds 0..N-1 for every task and both
 * control types, with the mean episode length of the successes.
 *   npm run bench:panda-experts            (PANDA_EXPERT_SEEDS=<n>, default 100; PANDA_TASKS=Push,Slide to filter)
 */
import { make } from "../src/env/index.ts";
import { PANDA_TASKS, type PandaEnv } from "../src/env/panda/index.ts";
import { PandaExpert } from "../src/policies/panda/expert.ts";

const seeds = Number(process.env.PANDA_EXPERT_SEEDS ?? 100);
const tasks = process.env.PANDA_TASKS ? process.env.PANDA_TASKS.split(",") : [...PANDA_TASKS];
const metrics: Record<string, number> = {};
console.log(`env                        success (${seeds} seeds)   mean steps of successes`);
for (const task of tasks) {
  for (const control of ["", "Joints"]) {
    const id = `Panda${task}${control}-v3`;
    const env = make(id) as unknown as PandaEnv;
    const expert = new PandaExpert();
    let successes = 0;
    let steps = 0;
    for (let seed = 0; seed < seeds; seed++) {
      let { obs } = env.reset({ seed });
      expert.reset(env);
      for (let t = 0; ; t++) {
        const r = env.step(expert.act(obs, env));
        obs = r.obs;
        if (r.terminated) {
          successes++;
          steps += t + 1;
        }
        if (r.terminated || r.truncated) break;
      }
    }
    env.close();
    const rate = successes / seeds;
    metrics[`${id}/success_rate`] = rate;
    console.log(
      `${id.padEnd(27)}${(100 * rate).toFixed(0).padStart(5)}%   ${successes ? (steps / successes).toFixed(1) : "-"}`,
    );
  }
}
console.log(JSON.stringify({ bench: "panda-experts", metrics }));
