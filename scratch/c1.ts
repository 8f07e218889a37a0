import { make } from "../src/env/index.ts";
import type { PandaEnv } from "../src/env/panda/index.ts";
const env = make("PandaSlide-v3", { maxEpisodeSteps: 500 }) as unknown as PandaEnv;
for (const m of [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]) {
  env.reset({ seed: 0 });
  // bring ee to (-0.1, 0, 0.015)
  for (let i = 0; i < 30; i++) { const p = env.eePosition(); const t = [-0.12, 0, i < 10 ? 0.1 : 0.015]; env.step([0,1,2].map(k=>Math.max(-1,Math.min(1,(t[k]-p[k])/0.05)))); env.placeObject(0, [-0.12 + 0.009 + 0.03 + 0.003, 0, 0.015]); }
  const speeds: string[] = [];
  for (let i = 0; i < 4; i++) { env.step(i === 0 ? [m, 0, 0] : [0, 0, 0.3]); speeds.push(Math.hypot(...env.objectVelocity()).toFixed(3)); }
  console.log('m', m, 'puck speed after', speeds.join(' '), 'dir', env.objectVelocity().map(x=>x.toFixed(3)).join(' '));
}
