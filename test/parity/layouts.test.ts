/**
 * Layout parity with Farama MiniGrid 3.1.0: for every env file in the reference folder and every seed in it,
 * reset({ seed }) gives the same grid bytes, agent pose, mission and first observation.
 */
import assert from "node:assert/strict";
import { gridDiff, hex, makeMiniGrid, obsHash } from "../env/minigrid/parity-helpers.ts";
import { type ReferenceEnvFile, readReference } from "../env/minigrid/reference-data.ts";
import { testEachReferenceEnv } from "./each-reference-env.ts";

testEachReferenceEnv(
  (id) => `${id}: reset layouts match Farama`,
  (id) => {
    const ref = readReference<ReferenceEnvFile>(`${id}.json`);
    const env = makeMiniGrid(id);
    assert.equal(env.maxSteps, ref.max_steps, "max_steps");
    assert.equal(env.width, ref.width, "width");
    assert.equal(env.height, ref.height, "height");
    for (const r of ref.resets) {
      const { obs } = env.reset({ seed: r.seed });
      const where = `seed ${r.seed}`;
      const grid = hex(env.grid.cells);
      if (grid !== r.grid) assert.fail(`${where}: grid differs, ${gridDiff(grid, r.grid, env.height)}`);
      assert.deepEqual(env.agentPos, r.agent_pos, `${where}: agent_pos`);
      assert.equal(env.agentDir, r.agent_dir, `${where}: agent_dir`);
      assert.equal(env.mission, r.mission, `${where}: mission`);
      assert.equal(obs.mission, r.mission, `${where}: obs mission`);
      assert.equal(obs.direction, r.obs_direction, `${where}: obs direction`);
      assert.equal(obsHash(obs.image), r.obs, `${where}: obs image hash`);
    }
  },
);
