import { make } from "../src/env/index.ts";
import type { PandaEnv } from "../src/env/panda/index.ts";
import { readFileSync } from "node:fs";
const ref = JSON.parse(readFileSync("../shared/reference/panda/sampling.json","utf8"));
let bad = 0;
for (const [task, list] of Object.entries<any>(ref.tasks)) {
  const env = make(`Panda${task}-v3`) as unknown as PandaEnv;
  for (const item of list) {
    const r = env.reset({ seed: item.seed });
    const check = (exp: any, i: number) => {
      const g = Array.from(env.desiredGoal);
      const expGoal = exp.goal;
      const objs = task === "Stack" ? [exp.object1, exp.object2] : exp.object ? [exp.object] : [];
      const ok = expGoal.every((v: number, k: number) => v === g[k]);
      const objOk = objs.every((o: number[], j: number) => o.every((v, k) => v === (env as any).objectStart[j][k]));
      if (!ok || !objOk) { bad++; if (bad < 5) console.log(task, item.seed, i, g, expGoal, objs, (env as any).objectStart); }
    };
    check(item.first, -1);
    item.continued.forEach((c: any, i: number) => { env.reset(); check(c, i); });
  }
  env.close();
}
console.log('mismatches', bad);
// ee motion
const env = make("PandaReach-v3") as unknown as PandaEnv;
env.reset({ seed: 1 });
let prev = env.eePosition();
for (let i = 0; i < 5; i++) { env.step(new Float32Array([1, 0, 0])); const p = env.eePosition(); console.log('dx', (p[0]-prev[0]).toFixed(4), (p[1]-prev[1]).toFixed(4), (p[2]-prev[2]).toFixed(4)); prev = p; }
for (let i = 0; i < 4; i++) { env.step(new Float32Array([0, 0, -1])); const p = env.eePosition(); console.log('dz', (p[0]-prev[0]).toFixed(4), (p[1]-prev[1]).toFixed(4), (p[2]-prev[2]).toFixed(4)); prev = p; }
const push = make("PandaPush-v3") as unknown as PandaEnv;
const r = push.reset({ seed: 0 });
console.log(r.obs.observation, r.info);
for (let i=0;i<20;i++) push.step([0,0,0]);
console.log('cube z', push.objectPosition()[2]);
