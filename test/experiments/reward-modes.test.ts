import assert from "node:assert/strict";
import { test } from "node:test";
import "../../src/env/minigrid/index.ts";
import { resolveReward, trainingEnvs } from "../../src/experiments/reward-modes.ts";
import { RewardWrapper } from "../../src/program/reward-wrapper.ts";

test("training envs carry the setting's bonus form and the learner's discount; the evaluation env is bare", async () => {
  const reward = await resolveReward("MiniGrid-Unlock-v0", { kind: "reference", bonusForm: "potential" });
  const envs = trainingEnvs("MiniGrid-Unlock-v0", reward, 2, 0.97);
  const train = envs.makeEnv(0);
  const evaluation = envs.makeEnv(2);
  try {
    assert.ok(train instanceof RewardWrapper);
    assert.equal(train.bonusForm, "potential");
    assert.equal(train.gamma, 0.97);
    assert.ok(!(evaluation instanceof RewardWrapper));
    // One step after reset: nothing latched yet, so the potential shaping is 0 and so is Unlock's reward.
    train.reset({ seed: 1 });
    assert.equal(train.step(0).reward, 0);
  } finally {
    train.close();
    evaluation.close();
    envs.close();
  }
});
