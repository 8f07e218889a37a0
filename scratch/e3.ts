import { make } from "../src/env/index.ts";
import type { PandaEnv } from "../src/env/panda/index.ts";
import { PandaExpert } from "../src/policies/panda/expert.ts";
const id = process.argv[2]; const seed = Number(process.argv[3]);
const env = make(id) as unknown as PandaEnv;
const expert = new PandaExpert();
let { obs } = env.reset({ seed });
const f = (v: number[]) => v.map((x) => x.toFixed(3)).join(' ');
console.log('goal', f(Array.from(env.desiredGoal)));
for (let k = 0; k < 100; k++) {
  const a = expert.act(obs, env as any);
  const r = env.step(a); obs = r.obs;
  console.log(k, 'a', f(Array.from(a)), 'ee', f(env.eePosition()), 'b', f(env.objectPosition(0)), 'g', f(env.objectPosition(1)), 'w', env.fingerWidth.toFixed(3), r.terminated ? 'SUCCESS' : '');
  if (r.terminated || r.truncated) break;
}
