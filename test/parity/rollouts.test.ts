/**
 * Rollout parity with Farama MiniGrid 3.1.0: every step of every reference rollout (the 600 actions of
 * meta.json from each seed, with seedless resets after each episode end) gives the same reward, flags, pose,
 * carried object and observation, and every seedless reset the same layout.
 */
import assert from "node:assert/strict";
import { carryingLabel, gridDiff, hex, makeMiniGrid, obsHash } from "../env/minigrid/parity-helpers.ts";
import { type ReferenceEnvFile, type ReferenceMeta, readReference } from "../env/minigrid/reference-data.ts";
import { testEachReferenceEnv } from "./each-reference-env.ts";

testEachReferenceEnv(
  (id) => `${id}: rollouts match Farama step by step`,
  (id) => {
    const meta = readReference<ReferenceMeta>("meta.json");
    const ref = readReference<ReferenceEnvFile>(`${id}.json`);
    const env = makeMiniGrid(id);
    let steps = 0;
    for (const rollout of ref.rollouts) {
      env.reset({ seed: rollout.seed });
      for (const [
        t,
        action,
        reward,
        terminated,
        truncated,
        x,
        y,
        dir,
        carrying,
        hash,
        after,
      ] of rollout.steps) {
        const where = `seed ${rollout.seed} t ${t} action ${action}`;
        assert.equal(action, meta.actions[t], `${where}: the reference's action differs from meta.json`);
        const r = env.step(action);
        if (Math.abs(r.reward - reward) > 1e-6)
          assert.fail(`${where}: reward ${r.reward}, expected ${reward}`);
        if (r.terminated !== terminated)
          assert.fail(`${where}: terminated ${r.terminated}, expected ${terminated}`);
        if (r.truncated !== truncated)
          assert.fail(`${where}: truncated ${r.truncated}, expected ${truncated}`);
        if (env.agentX !== x || env.agentY !== y || env.agentDir !== dir) {
          assert.fail(
            `${where}: pose (${env.agentX}, ${env.agentY}, ${env.agentDir}), expected (${x}, ${y}, ${dir})`,
          );
        }
        if (carryingLabel(env) !== carrying)
          assert.fail(`${where}: carrying ${carryingLabel(env)}, expected ${carrying}`);
        if (obsHash(r.obs.image) !== hash) assert.fail(`${where}: observation differs`);
        if (r.terminated || r.truncated) {
          assert.ok(after, `${where}: episode ended here but the reference has no reset state`);
          env.reset();
          const grid = hex(env.grid.cells);
          if (grid !== after.grid)
            assert.fail(`${where}: seedless reset grid, ${gridDiff(grid, after.grid, env.height)}`);
          assert.deepEqual(env.agentPos, after.agent_pos, `${where}: seedless reset agent_pos`);
          assert.equal(env.agentDir, after.agent_dir, `${where}: seedless reset agent_dir`);
          assert.equal(env.mission, after.mission, `${where}: seedless reset mission`);
        } else {
          assert.equal(after, undefined, `${where}: the reference reset here but the episode did not end`);
        }
        steps++;
      }
    }
    assert.ok(steps > 0, "the reference file has no rollout steps");
  },
);
