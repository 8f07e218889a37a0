import { make } from "../src/env/index.ts";
import { forwardKinematics, createArmPose, type PandaEnv } from "../src/env/panda/index.ts";
const env = make("PandaReach-v3") as unknown as PandaEnv;
env.reset({ seed: 1 });
const pose = createArmPose();
for (let i = 0; i < 5; i++) {
  const before = env.eePosition();
  env.step(new Float32Array([1, 0, 0]));
  const m = (env as any).motor.target;
  forwardKinematics(m, pose);
  const q = env.armJoints();
  console.log('target fk', Array.from(pose.ee).map((x,k)=>(x-before[k]).toFixed(4)).join(' '), 'ee', env.eePosition().map((x,k)=>(x-before[k]).toFixed(4)).join(' '), 'qerr', Array.from(q).map((x,k)=>(m[k]-x).toFixed(4)).join(' '));
}
