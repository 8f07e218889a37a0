import { MujocoSim } from "../src/env/mujoco/sim.ts";
import { sceneMjcf } from "../src/env/panda/scene.ts";
import { TASKS } from "../src/env/panda/tasks.ts";
import { NEUTRAL_ARM } from "../src/env/panda/robot.ts";
const base = sceneMjcf(TASKS.Push);
const variants: Record<string, string> = {
  base,
  noMulticcd: base.replace('<flag multiccd="enable"/>', ''),
  euler: base.replace('integrator="implicitfast"', 'integrator="Euler"'),
  noPairs: base.replace(/<contact>.*<\/contact>/s, '<contact></contact>'),
  noPairsEuler: base.replace(/<contact>.*<\/contact>/s, '<contact></contact>').replace('integrator="implicitfast"', 'integrator="Euler"'),
};
for (let r = 0; r < 2; r++) for (const [k, xml] of Object.entries(variants)) {
  const sim = MujocoSim.fromXml(xml, k);
  sim.resetData();
  for (let i=0;i<7;i++) sim.qpos[i]=NEUTRAL_ARM[i];
  const oj = sim.jointQposAddress(sim.id("joint","object_joint"));
  sim.qpos.set([0.05,0,0.02,1,0,0,0], oj);
  sim.forward();
  for (let i=0;i<200;i++) sim.mj.mj_step(sim.model, sim.data);
  const t = performance.now();
  for (let i=0;i<2000;i++) sim.mj.mj_step(sim.model, sim.data);
  console.log(k, ((performance.now()-t)/2000*1000).toFixed(1), 'us/substep', 'ncon', sim.data.ncon, 'nefc', sim.data.nefc);
  sim.close();
}
