import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { Env } from "../../src/env/core.ts";
import "../../src/env/minigrid/index.ts";
import "../../src/env/panda/index.ts";
import {
  checkReward,
  RewardSettingError,
  resolveReward,
  trainingEnvs,
} from "../../src/experiments/reward-modes.ts";
import { programHash, type RewardProgram } from "../../src/program/program.ts";
import { RewardWrapper, type SubtaskInfo } from "../../src/program/reward-wrapper.ts";
import type { RenderSpec } from "../../src/trajectories/render-spec.ts";

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

/** A program whose only sub-task fires when the frame it reads is `width` x `height` pixels. */
function sizeProbe(envId: string, width: number, height: number, render?: RenderSpec): RewardProgram {
  return {
    format: "vlmcar.program/1",
    task: { envId },
    helpers: "",
    subtasks: [
      {
        name: "frame size",
        description: `the frame is ${width}x${height}`,
        code: `(frame, first) => frame.width === ${width} && frame.height === ${height} && first.width === ${width}`,
      },
    ],
    goal: { description: "never", code: "(frame, first) => false" },
    provenance: { source: "fixture", notes: "test probe of the frames training renders" },
    ...(render ? { render } : {}),
  };
}

/** Whether the wrapped training env's program saw frames of the probe's size on its first step. */
async function sawSize(envId: string, program: RewardProgram, action: unknown): Promise<boolean> {
  const reward = { setting: { kind: "vlmcar" as const }, program, programHash: programHash(program) };
  const envs = trainingEnvs(envId, reward, 1);
  const env = envs.makeEnv(0) as Env<unknown, unknown>;
  try {
    env.reset({ seed: 0 });
    const info = env.step(action).info.subtasks as SubtaskInfo;
    assert.deepEqual(info.errors ?? [], []);
    return info.completed.length === 1;
  } finally {
    env.close();
    envs.close();
  }
}

test("training renders the frames of the program's render spec, or the env's default without one", async () => {
  const still = new Float32Array(7);
  const panda = "PandaPushJoints-v3";
  const scene: RenderSpec = { mode: "scene", width: 64, height: 48, shadows: false };
  assert.equal(await sawSize(panda, sizeProbe(panda, 64, 48, scene), still), true);
  assert.equal(await sawSize(panda, sizeProbe(panda, 160, 120, scene), still), false);
  // Without a spec: defaultRenderFor, panda-gym's camera at 160x120 (not the env's own 720x480 render()).
  assert.equal(await sawSize(panda, sizeProbe(panda, 160, 120), still), true);
  // MiniGrid: the full render at the spec's tile size (Empty-5x5 is 5 cells wide).
  const grid = "MiniGrid-Empty-5x5-v0";
  assert.equal(await sawSize(grid, sizeProbe(grid, 40, 40, { mode: "full", tileSize: 8 }), 2), true);
  assert.equal(await sawSize(grid, sizeProbe(grid, 160, 160), 2), true);
});

test("a program reading custom frames, which training cannot render, is refused before training", async () => {
  const grid = "MiniGrid-Empty-5x5-v0";
  const program = sizeProbe(grid, 160, 160, { mode: "custom", name: "crops" });
  const dir = mkdtempSync(join(tmpdir(), "vlmcar-render-"));
  const file = join(dir, "program.json");
  writeFileSync(file, JSON.stringify(program));
  await assert.rejects(
    checkReward(grid, { kind: "vlmcar", program: file }),
    (error: Error) => error instanceof RewardSettingError && /custom frames "crops"/.test(error.message),
  );
});
