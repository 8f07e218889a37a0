import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { algorithmFor } from "../../src/experiments/algorithm.ts";
import { checkReward, RewardSettingError } from "../../src/experiments/reward-modes.ts";
import {
  EVAL_DEFAULTS,
  executeRun,
  framesPerUpdate,
  type RunConfig,
  readEvaluations,
} from "../../src/experiments/run.ts";
import { referenceFor } from "../../src/program/reference/index.ts";

const FIXTURE = fileURLToPath(new URL("./panda-push-fixture.json", import.meta.url));

/** A Panda run small enough for a test: 3 updates of 64 steps, one env, 2 minibatches, 1 epoch. */
const tiny = (overrides: Partial<RunConfig> = {}): RunConfig => ({
  envId: "PandaPushJoints-v3",
  reward: { kind: "sparse" },
  seed: 3,
  frames: 192,
  ppo: { numSteps: 64, numMinibatches: 2, epochs: 1 },
  evaluation: { ...EVAL_DEFAULTS, every: 64, episodes: 1, finalEpisodes: 2 },
  checkpointEvery: 1,
  ...overrides,
});

/** The metrics log without wall-clock fields, which differ between any two runs. */
function metricsWithoutTimes(dir: string): unknown[] {
  return readFileSync(join(dir, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const { fps: _fps, time: _time, ...rest } = JSON.parse(line);
      return rest;
    });
}

test("Box-action envs train with the continuous PPO, discrete ones with the discrete PPO", () => {
  assert.equal(algorithmFor("PandaPushJoints-v3"), "ppo-continuous");
  assert.equal(algorithmFor("MiniGrid-Empty-5x5-v0"), "ppo");
  // CleanRL's continuous defaults: 1 env × 2048 steps per update.
  assert.equal(framesPerUpdate({ envId: "PandaSlideJoints-v3", ppo: {} }), 2048);
  assert.equal(framesPerUpdate({ envId: "MiniGrid-Empty-5x5-v0", ppo: {} }), 16 * 128);
});

test("a killed Panda run resumes from its checkpoint and ends bit-exactly as an uninterrupted one", async () => {
  const whole = mkdtempSync(join(tmpdir(), "vlmcar-panda-run-"));
  const expected = await executeRun(tiny(), whole);
  assert.equal(expected.frames, 192);
  assert.equal(typeof expected.finalEval.successRate, "number", "panda-gym reports is_success");

  const cut = mkdtempSync(join(tmpdir(), "vlmcar-panda-run-"));
  class Killed extends Error {}
  await assert.rejects(
    executeRun(tiny(), cut, {
      onUpdate: (s) => {
        if (s.update === 2) throw new Killed("killed at update 2");
      },
    }),
    Killed,
  );
  assert.ok(!existsSync(join(cut, "final.json")));
  let resumedAt: number | undefined;
  const resumed = await executeRun(tiny(), cut, { onStart: (s) => (resumedAt = s.resumed ? s.frames : -1) });
  assert.equal(resumedAt, 64, "resumed from the checkpoint of update 1");
  assert.deepEqual(resumed.finalEval, expected.finalEval);
  assert.deepEqual(metricsWithoutTimes(cut), metricsWithoutTimes(whole));
  const manifest = JSON.parse(readFileSync(join(cut, "config.json"), "utf8"));
  assert.equal(manifest.hyperparameters.numMinibatches, 2, "the continuous PPO's settings are recorded");

  // Every evaluation carries the success rate, in the log and in eval.csv.
  const evals = readEvaluations(cut);
  assert.equal(evals.length, 3);
  for (const e of evals) assert.ok(e.successRate === 0 || (e.successRate ?? -1) > 0);
  const csv = readFileSync(join(cut, "eval.csv"), "utf8").trim().split("\n");
  assert.match(csv[0], /,success_rate$/);
  assert.equal(csv.length, 4);
  assert.match(csv[1], /,(0|1|0\.\d+)$/);
});

test("dense-env trains on panda-gym's dense reward while evaluation measures the sparse env", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vlmcar-panda-run-"));
  const config = tiny({ reward: { kind: "dense-env" }, frames: 128, checkpointEvery: 100 });
  const result = await executeRun(config, dir);
  assert.equal(result.reward, "dense-env");
  assert.equal(result.programHash, null);
  const lines = metricsWithoutTimes(dir) as { type: string; episodeReturns?: number[]; returns?: number[] }[];
  const trained = lines.flatMap((l) => (l.type === "update" ? (l.episodeReturns ?? []) : []));
  const evaluated = lines.flatMap((l) => (l.type === "eval" ? (l.returns ?? []) : []));
  assert.ok(trained.length > 0);
  // −distance per step is fractional; the sparse reward is −1 or 0 per step, so its returns are whole.
  assert.ok(
    trained.some((r) => !Number.isInteger(r)),
    `training returns ${trained} should be dense`,
  );
  assert.ok(
    evaluated.every((r) => Number.isInteger(r)),
    `evaluation returns ${evaluated} should be sparse`,
  );
});

test("a vlmcar program trains on Panda, and settings or rewards that do not fit are clear errors", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vlmcar-panda-run-"));
  const result = await executeRun(
    tiny({ reward: { kind: "vlmcar", program: FIXTURE }, frames: 64, checkpointEvery: 100 }),
    dir,
  );
  assert.equal(result.reward, "vlmcar");
  assert.equal(result.programHash?.length, 64);

  await assert.rejects(
    executeRun(tiny({ ppo: { batchSize: 32 } }), mkdtempSync(join(tmpdir(), "vlmcar-panda-run-"))),
    /ppo\.batchSize is a setting of the discrete PPO; PandaPushJoints-v3 has Box actions.*numMinibatches/,
  );
  await assert.rejects(
    executeRun(
      { ...tiny({ envId: "MiniGrid-Empty-5x5-v0" }), ppo: { numMinibatches: 4 } },
      mkdtempSync(join(tmpdir(), "vlmcar-panda-run-")),
    ),
    /ppo\.numMinibatches is a setting of the continuous PPO; MiniGrid-Empty-5x5-v0 has discrete actions/,
  );
  await assert.rejects(
    checkReward("MiniGrid-DoorKey-5x5-v0", { kind: "dense-env" }),
    (error: Error) =>
      error instanceof RewardSettingError &&
      /needs an env with a dense variant.*MiniGrid-DoorKey-5x5-v0 has none/.test(error.message),
  );
  await assert.rejects(
    checkReward("PandaPushJointsDense-v3", { kind: "dense-env" }),
    /already the dense one: give the sparse id \(PandaPushJoints-v3\)/,
  );
  await assert.rejects(
    checkReward("PandaPushJoints-v3", { kind: "dense-env", subtaskBonus: 0.1 }),
    /runs no program; drop subtaskBonus/,
  );
  if (referenceFor("PandaSlideJoints-v3") === null) {
    await assert.rejects(
      checkReward("PandaSlideJoints-v3", { kind: "reference" }),
      /no reference program for "PandaSlideJoints-v3"/,
    );
  } else {
    const reference = await checkReward("PandaSlideJoints-v3", { kind: "reference" });
    assert.equal(reference.programHash?.length, 64);
  }
});
