import { make } from "../src/env/index.ts";
import type { PandaEnv, PandaObs } from "../src/env/panda/index.ts";
import { PandaExpert } from "../src/policies/panda/expert.ts";
const tasks = (process.argv[2] ?? "Reach,Push,Slide,PickAndPlace,Stack").split(",");
const n = Number(process.argv[3] ?? 20);
const ctl = (process.argv[4] ?? ",Joints").split(",");
for (const t of tasks) for (const c of ctl) {
  const id = `Panda${t}${c}-v3`;
  const env = make(id) as unknown as PandaEnv;
  const expert = new PandaExpert();
  let ok = 0; let steps = 0; const fails: number[] = [];
  for (let seed = 0; seed < n; seed++) {
    let { obs } = env.reset({ seed });
    expert.reset(env as any);
    let done = false; let success = false; let k = 0;
    while (!done) { const r = env.step(expert.act(obs, env as any)); obs = r.obs; k++; done = r.terminated || r.truncated; success = r.terminated; }
    if (success) { ok++; steps += k; } else fails.push(seed);
  }
  console.log(id, `${ok}/${n}`, 'mean steps', (steps / Math.max(1, ok)).toFixed(1), 'fails', fails.slice(0, 10).join(','));
  env.close();
}
