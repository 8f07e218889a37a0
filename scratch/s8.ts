import { make } from "../src/env/index.ts";
import type { PandaEnv } from "../src/env/panda/index.ts";
const env = make("PandaPush-v3") as unknown as PandaEnv;
env.reset({ seed: 0 });
let t = performance.now(); for (let i = 0; i < 2000; i++) env.sim.warnings(); console.log('warnings us', (performance.now() - t) / 2);
const d: any = env.sim.data;
t = performance.now(); for (let i = 0; i < 2000; i++) d.time; console.log('time us', (performance.now() - t) / 2);
const env2 = make("PandaPickAndPlace-v3", { maxEpisodeSteps: 200 }) as unknown as PandaEnv;
env2.reset({ seed: 0 });
const ee = env2.eePosition();
env2.placeObject(0, [ee[0], ee[1], 0.02]);
const act = (a: number[], n: number) => { for (let i = 0; i < n; i++) { const r = env2.step(a); console.log(a.join(','), 'ee', env2.eePosition().map(x=>x.toFixed(3)).join(' '), 'w', env2.fingerWidth.toFixed(4), 'cube', env2.objectPosition().map(x=>x.toFixed(3)).join(' '), (r.info.events??[]).map(e=>e.type).join()); } };
act([0, 0, 0, 1], 3);
for (let i = 0; i < 10; i++) { const p = env2.eePosition(); act([0, 0, Math.max(-1, (0.02 - p[2]) / 0.05), 1], 1); }
act([0, 0, 0, -1], 5);
act([0, 0, 1, -1], 4);
