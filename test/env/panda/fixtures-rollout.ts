/**
 * Child-process half of the determinism test: makes an env, resets it with a seed, applies a fixed action
 * sequence and prints every observation's bytes as hex on one line (the parent compares them bit for bit).
 */
import { make } from "../../../src/env/index.ts";
import type { PandaObs } from "../../../src/env/panda/index.ts";
import type { Box } from "../../../src/env/spaces.ts";

export function rollout(id: string, seed: number, steps: number): string {
  const env = make<PandaObs, Float32Array>(id);
  const parts: string[] = [];
  const record = (obs: PandaObs) => {
    for (const a of [obs.observation, obs.achieved_goal, obs.desired_goal]) {
      parts.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex"));
    }
  };
  record(env.reset({ seed }).obs);
  const n = (env.actionSpace as unknown as Box).shape[0];
  for (let t = 0; t < steps; t++) {
    // A fixed, seed-free action pattern that sweeps every component.
    const action = Float32Array.from({ length: n }, (_, i) => Math.sin(0.7 * t + 1.3 * i));
    const r = env.step(action);
    record(r.obs);
    if (r.terminated || r.truncated) record(env.reset().obs);
  }
  env.close();
  return parts.join("|");
}

if (process.argv[2] === "--rollout") {
  process.stdout.write(rollout(process.argv[3], Number(process.argv[4]), Number(process.argv[5])));
}
