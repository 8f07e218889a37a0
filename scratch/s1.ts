import { MujocoSim } from "../src/env/mujoco/sim.ts";
import { sceneMjcf } from "../src/env/panda/scene.ts";
import { TASKS } from "../src/env/panda/tasks.ts";
import { NEUTRAL_ARM } from "../src/env/panda/robot.ts";
for (const name of ["Push", "Slide", "Stack"] as const) {
  const sim = MujocoSim.fromXml(sceneMjcf(TASKS[name]), name);
  console.log(name, 'nq', sim.nq, 'nv', sim.nv, 'nu', sim.nu, 'ngeom', sim.ngeom);
  sim.resetData();
  for (let i=0;i<7;i++) { sim.qpos[i] = NEUTRAL_ARM[i]; sim.ctrl[i]=NEUTRAL_ARM[i]; }
  const oj = sim.jointQposAddress(sim.id("joint", "object"+(name==="Stack"?"1":"")+"_joint"));
  sim.qpos[oj]=0.05; sim.qpos[oj+1]=0; sim.qpos[oj+2]= name==="Slide"?0.03:0.02; sim.qpos[oj+3]=1; sim.qpos[oj+4]=0;sim.qpos[oj+5]=0;sim.qpos[oj+6]=0;
  sim.forward();
  const ee = sim.id("site","ee");
  console.log(' ee0', Array.from(sim.siteXpos.slice(3*ee,3*ee+3)));
  let t = performance.now();
  for (let s=0;s<50;s++) sim.step(20);
  const dt = performance.now()-t;
  console.log(' us/envstep', (dt/50*1000).toFixed(0), 'ee', Array.from(sim.siteXpos.slice(3*ee,3*ee+3)).map(x=>x.toFixed(4)), 'obj', Array.from(sim.qpos.slice(oj,oj+7)).map(x=>x.toFixed(5)), 'ncon', sim.data.ncon, sim.health(sim.time));
  // joints step
  const q0 = Array.from(sim.qpos.slice(0,7));
  for (let i=0;i<7;i++) sim.ctrl[i] = q0[i] + 0.05;
  sim.step(20);
  console.log(' frac', Array.from(sim.qpos.slice(0,7)).map((q,i)=>((q-q0[i])/0.05).toFixed(3)).join(' '));
  sim.step(20);
  console.log(' frac2', Array.from(sim.qpos.slice(0,7)).map((q,i)=>((q-q0[i])/0.05).toFixed(3)).join(' '));
  sim.close();
}
