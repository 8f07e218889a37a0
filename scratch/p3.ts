import { MujocoSim } from "../src/env/mujoco/sim.ts";
import { sceneMjcf } from "../src/env/panda/scene.ts";
import { TASKS } from "../src/env/panda/tasks.ts";
import { NEUTRAL_ARM } from "../src/env/panda/robot.ts";
const base = sceneMjcf(TASKS.Push);
const variants: Record<string, string> = {
  base,
  noMulticcd: base.replace('<flag multiccd="enable"/>', ''),
  euler: base.replace('integrator="implicitfast"', 'integrator="Euler"'),
  eulerNoCcd: base.replace('integrator="implicitfast"', 'integrator="Euler"').replace('<flag multiccd="enable"/>', ''),
  noPairs: base.replace(/<contact>.*<\/contact>/s, '<contact></contact>'),
};
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system); };
for (let r = 0; r < 2; r++) for (const [k, xml] of Object.entries(variants)) {
  const sim = MujocoSim.fromXml(xml, k);
  sim.resetData();
  for (let i=0;i<7;i++) sim.qpos[i]=NEUTRAL_ARM[i];
  const oj = sim.jointQposAddress(sim.id("joint","object_joint"));
  sim.qpos.set([0.05,0,0.02,1,0,0,0], oj);
  sim.forward();
  for (let i=0;i<200;i++) sim.mj.mj_step(sim.model, sim.data);
  const t = cpu();
  for (let i=0;i<2000;i++) sim.mj.mj_step(sim.model, sim.data);
  console.log(k, ((cpu()-t)/2000).toFixed(1), 'us/substep (cpu)', 'ncon', sim.data.ncon);
  if (r===0 && k==='base') for (const c of sim.contacts()) console.log('  ', sim.mj.mj_id2name(sim.model, 5, c.geom1), sim.mj.mj_id2name(sim.model, 5, c.geom2), c.dist.toFixed(4));
  sim.close();
}
