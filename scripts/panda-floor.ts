/**
 * The success rate a Panda policy gets without learning anything, the floor under Fig. 3's curves: a policy
 * that never moves (zero action) succeeds exactly on the episodes that start solved, a uniform random one on
 * those plus whatever it knocks into place. Episodes are played to their end (success terminates a v3 episode,
 * the time limit truncates it) and judged by `info.is_success` at that end, as evaluation judges them.
 *
 *   npx tsx scripts/panda-floor.ts [--episodes 1000] [--envs PandaPushJoints-v3,PandaSlideJoints-v3]
 */
import { parseArgs } from "node:util";
import type { Env } from "../src/env/core.ts";
import "../src/env/panda/index.ts";
import { make } from "../src/env/registry.ts";
import { Box } from "../src/env/spaces.ts";
import type { Policy } from "../src/policies/policy.ts";
import { RandomPolicy } from "../src/policies/random.ts";

const { values } = parseArgs({
  options: {
    episodes: { type: "string", default: "1000" },
    envs: { type: "string", default: "PandaPushJoints-v3,PandaSlideJoints-v3" },
    seed: { type: "string", default: "0" },
  },
});
const episodes = Number(values.episodes);
const firstSeed = Number(values.seed);

class StillPolicy implements Policy<unknown, Float32Array> {
  readonly name = "still (zero action)";
  reset(): void {}
  act(_obs: unknown, env: Env<unknown, Float32Array>): Float32Array {
    const space = env.actionSpace;
    if (!(space instanceof Box)) throw new Error("a still policy needs a Box action space");
    return new Float32Array(space.size);
  }
}

function successRate(envId: string, policy: Policy<unknown, Float32Array>): number {
  const env = make<unknown, Float32Array>(envId);
  let solved = 0;
  for (let k = 0; k < episodes; k++) {
    let { obs } = env.reset({ seed: firstSeed + k });
    policy.reset(env, firstSeed + k);
    for (;;) {
      const step = env.step(policy.act(obs, env));
      obs = step.obs;
      if (step.terminated || step.truncated) {
        if (step.info.is_success === true) solved++;
        break;
      }
    }
  }
  env.close();
  return solved / episodes;
}

console.log(
  `| env | policy | success over ${episodes} episodes (seeds ${firstSeed}-${firstSeed + episodes - 1}) |`,
);
console.log("|---|---|---|");
for (const envId of values.envs.split(",")) {
  for (const policy of [new StillPolicy(), new RandomPolicy<unknown, Float32Array>(firstSeed)]) {
    const rate = successRate(envId, policy);
    console.log(`| ${envId} | ${policy.name} | ${rate.toFixed(3)} |`);
  }
}
