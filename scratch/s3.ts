import { mujoco } from "../src/env/mujoco/module.ts";
const mj = mujoco();
const m = mj.MjModel.from_xml_string(`<mujoco><worldbody><body><joint type="hinge"/><geom type="box" size=".1 .2 .3" mass="2"/></body><body pos="1 0 0"><joint type="slide"/><geom type="sphere" size=".1" mass="3"/></body></worldbody></mujoco>`);
const d = new mj.MjData(m);
mj.mj_forward(m,d);
const res = new mj.DoubleBuffer(2);
mj.mj_mulM(m,d,res,[1,1]); console.log(Array.from(res.GetView() as Float64Array));
try { mj.mj_mulM(m,d,res,new Float64Array([2,2]) as any); console.log('typed ok', Array.from(res.GetView() as Float64Array)); } catch(e){ console.log('typed err', (e as Error).message); }
const arr=[1,1]; let t=performance.now(); for(let i=0;i<10000;i++) mj.mj_mulM(m,d,res,arr); console.log('mulM us', (performance.now()-t)/10);
t=performance.now(); for(let i=0;i<10000;i++) mj.mj_step1(m,d); console.log('step1 us', (performance.now()-t)/10);
