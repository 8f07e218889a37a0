import { make } from "../src/env/index.ts";
import type { PandaEnv } from "../src/env/panda/index.ts";
const env = make("PandaPushJoints-v3") as unknown as PandaEnv;
env.reset({ seed: 0 });
const sim = env.sim;
const motor = (env as any).motor;
const time = (label: string, n: number, f: () => void) => { for (let i=0;i<50;i++) f(); const t = performance.now(); for (let i = 0; i < n; i++) f(); console.log(label, ((performance.now() - t) / n * 1000).toFixed(1), 'us'); };
for (let r=0;r<2;r++){
time('20x mj_step', 300, () => { for (let i = 0; i < 20; i++) sim.mj.mj_step(sim.model, sim.data); });
time('stepControlled noop', 300, () => sim.stepControlled(20, () => {}));
time('stepControlled motor', 300, () => sim.stepControlled(20, motor.control));
time('motor.control x20', 300, () => { for (let i = 0; i < 20; i++) motor.control(sim); });
time('env.step', 300, () => { const r = env.step([0.1,0,0,0,0,0,0]); if (r.terminated||r.truncated) env.reset(); });
time('observe', 300, () => (env as any).observe());
time('health', 300, () => sim.health(sim.time));
console.log('ncon', sim.data.ncon);
}
