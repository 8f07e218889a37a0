import { MujocoSim } from "../src/env/mujoco/sim.ts";
import { sceneMjcf } from "../src/env/panda/scene.ts";
import { TASKS } from "../src/env/panda/tasks.ts";
import { NEUTRAL_ARM } from "../src/env/panda/robot.ts";
const sim = MujocoSim.fromXml(sceneMjcf(TASKS.Push), "x");
sim.resetData();
for (let i=0;i<7;i++) sim.qpos[i]=NEUTRAL_ARM[i];
const oj = sim.jointQposAddress(sim.id("joint","object_joint"));
sim.qpos.set([0.05,0,0.02,1,0,0,0], oj);
sim.forward();
const vec = sim.data.contact;
for (let i=0;i<sim.data.ncon;i++){ const c = vec.get(i)!; console.log(c.geom1, c.geom2, Array.from(c.geom as Int32Array), c.dist, Array.from(c.pos as Float64Array)); }
console.log('object geom', sim.id("geom","object"), 'table', sim.id("geom","table"), 'floor', sim.id("geom","floor"));
