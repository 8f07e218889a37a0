import { make } from "../src/env/index.ts";
import type { PandaEnv } from "../src/env/panda/index.ts";
const env = make("PandaPushJoints-v3") as unknown as PandaEnv;
env.reset({ seed: 0 });
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system); };
let s = 1;
const a = new Float32Array(7);
for (let r = 0; r < 3; r++) {
  const t = cpu(); const w = performance.now();
  for (let i = 0; i < 1000; i++) { for (let k = 0; k < 7; k++) { s = (s * 16807) % 2147483647; a[k] = s / 2147483647 * 2 - 1; } const res = env.step(a); if (res.terminated || res.truncated) env.reset(); }
  console.log('cpu us/step', ((cpu() - t) / 1000).toFixed(0), 'wall', ((performance.now() - w)).toFixed(0));
}
