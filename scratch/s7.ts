import { make } from "../src/env/index.ts";
import type { PandaEnv } from "../src/env/panda/index.ts";
const env = make("PandaSlide-v3") as unknown as PandaEnv;
for (const v of [0.4, 0.6, 0.8]) {
  env.reset({ seed: 0 });
  env.placeObject(0, [-0.3, 0, 0.015]);
  for (let i=0;i<5;i++) env.step([0,0,1]);  // move away, settle
  const p0 = env.objectPosition();
  env.placeObject(0, [-0.3, 0, p0[2]], [v, 0, 0]);
  let last = env.objectPosition();
  for (let i = 0; i < 50 && env.running; i++) { env.step([0,0,0]); }
  const p = env.objectPosition();
  console.log('v', v, 'dist', (p[0] + 0.3).toFixed(4), 'pred', (v*v/(2*0.02*9.81)).toFixed(4), 'z', p[2].toFixed(5), 'vel', env.objectVelocity().map(x=>x.toFixed(4)));
}
const push = make("PandaPush-v3") as unknown as PandaEnv;
push.reset({ seed: 0 });
push.placeObject(0, [0.1, 0.1, 0.12]);
for (let i=0;i<25;i++) push.step([0,0,0]);
console.log('cube z', push.objectPosition(), push.elapsedSteps);
