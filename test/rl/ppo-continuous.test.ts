import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Wrapper } from "../../src/env/core.ts";
import { Box, type BoxArray, DictSpace } from "../../src/env/spaces.ts";
import { vectorObservationEncoder } from "../../src/rl/observations.ts";
import { Ppo } from "../../src/rl/ppo.ts";
import {
  ContinuousPpo,
  type ContinuousPpoConfig,
  TrainingDivergedError,
} from "../../src/rl/ppo-continuous.ts";
import { CorridorEnv } from "./corridor-env.ts";
import { PointMassEnv, type PointMassObs } from "./point-mass-env.ts";

/** 4 envs × 128 steps per update, 4 epochs of 8 minibatches: a fraction of a second per update. */
const small: Partial<ContinuousPpoConfig> = {
  numEnvs: 4,
  numSteps: 128,
  epochs: 4,
  numMinibatches: 8,
  seed: 1,
};

test("continuous PPO learns to reach the goal: return and success rate rise clearly from a random policy's", async () => {
  const ppo = await ContinuousPpo.create({
    makeEnv: () => new PointMassEnv(),
    config: { ...small, totalFrames: 512 * 25 },
  });
  const before = ppo.evaluate(20);
  ppo.train();
  const after = ppo.evaluate(20);
  ppo.close();
  // A random policy wanders for the 30 allowed steps at a mean distance near 1.
  assert.ok(before.returnMean < -15, `an untrained policy should do poorly, got ${before.returnMean}`);
  assert.ok(before.successRate !== null && before.successRate < 0.3, `before: success ${before.successRate}`);
  assert.ok(
    after.returnMean > -8,
    `after 12,800 frames the return should be near −3, got ${after.returnMean}`,
  );
  assert.ok(after.successRate !== null && after.successRate >= 0.7, `after: success ${after.successRate}`);
});

test("a continuous run resumed from its checkpoint continues bit for bit, with a log without duplicates", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ppo-cont-resume-"));
  const makeEnv = () => new PointMassEnv(12);
  const config: Partial<ContinuousPpoConfig> = {
    ...small,
    numSteps: 32,
    totalFrames: 128 * 5,
    evalEvery: 256,
    evalEpisodes: 2,
  };

  const straight = await ContinuousPpo.create({
    makeEnv,
    config: { ...config, logPath: join(dir, "a.jsonl") },
  });
  straight.step();
  straight.step();
  straight.saveCheckpoint(join(dir, "a.ckpt"));
  straight.train();
  const expected = straight.getParams();
  const expectedStats = straight.observationStats();
  straight.close();

  const killed = await ContinuousPpo.create({
    makeEnv,
    config: { ...config, logPath: join(dir, "b.jsonl") },
  });
  killed.step();
  killed.step();
  killed.saveCheckpoint(join(dir, "b.ckpt"));
  killed.step();
  killed.close();
  const resumed = await ContinuousPpo.resume(join(dir, "b.ckpt"), { makeEnv });
  assert.equal(resumed.updates, 2);
  resumed.train();
  const actual = resumed.getParams();
  assert.deepEqual(resumed.observationStats(), expectedStats, "the observation normaliser resumes exactly");
  resumed.close();

  assert.deepEqual(actual, expected, "parameters after resuming differ from the uninterrupted run");
  const entries = (file: string) =>
    readFileSync(join(dir, file), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
  const a = entries("a.jsonl");
  const b = entries("b.jsonl");
  assert.deepEqual(
    b.filter((e) => e.type === "update").map((e) => e.update),
    [1, 2, 3, 4, 5],
  );
  const strip = (e: Record<string, unknown>) => ({ ...e, fps: 0, time: 0 });
  assert.deepEqual(b.map(strip), a.map(strip), "the resumed log matches the uninterrupted one");
  assert.ok(a.some((e) => e.type === "eval" && e.successRate !== null));
  // lr anneals linearly over the 5 updates the run was created for: 3e-4 · (1 − u/5).
  assert.deepEqual(
    a.filter((e) => e.type === "update").map((e) => Number(e.lr.toFixed(10))),
    [3e-4, 2.4e-4, 1.8e-4, 1.2e-4, 0.6e-4],
  );
});

test("the policy reads observation + desired_goal of a dict observation, and a flattened Box", () => {
  const env = new PointMassEnv();
  const dict = vectorObservationEncoder(env.observationSpace);
  assert.equal(dict.size, 4);
  assert.equal(dict.layout, "observation[2] + desired_goal[2]");
  const out = new Float32Array(6);
  const obs: PointMassObs = {
    observation: Float32Array.of(0.5, -0.25),
    achieved_goal: Float32Array.of(9, 9),
    desired_goal: Float32Array.of(0.75, 1),
  };
  dict.encode(obs, out, 1);
  assert.deepEqual(Array.from(out), [0, 0.5, -0.25, 0.75, 1, 0]);
  const box = vectorObservationEncoder(new Box(-1, 1, [2, 3]));
  assert.equal(box.size, 6);
  assert.throws(
    () => vectorObservationEncoder(new DictSpace({ image: new Box(0, 255, [7, 7, 3], "uint8") })),
    /needs a vector observation.*"observation" Box/,
  );
  assert.throws(
    () => dict.encode({ observation: [1, 2] }, out, 0),
    /observation\.observation must be a typed array of 2/,
  );
});

/** Records every action the env receives. */
class RecordActions extends Wrapper<PointMassObs, BoxArray> {
  static seen: number[] = [];
  get observationSpace() {
    return this.env.observationSpace;
  }
  get actionSpace() {
    return this.env.actionSpace;
  }
  reset(options?: { seed?: number }) {
    return this.env.reset(options);
  }
  step(action: BoxArray) {
    RecordActions.seen.push(...action);
    return this.env.step(action);
  }
}

test("sampled actions are clipped to the Box before the env sees them", async () => {
  RecordActions.seen = [];
  // σ = e ≈ 2.7: most samples fall outside [−1, 1].
  const ppo = await ContinuousPpo.create({
    makeEnv: () => new RecordActions(new PointMassEnv()),
    config: { ...small, numSteps: 16, epochs: 1, initLogStd: 1, totalFrames: 64 },
  });
  ppo.step();
  ppo.close();
  const seen = RecordActions.seen;
  assert.equal(seen.length, 4 * 16 * 2);
  assert.ok(
    seen.every((a) => a >= -1 && a <= 1),
    "every action lies in the space",
  );
  assert.ok(
    seen.filter((a) => Math.abs(a) === 1).length > seen.length / 3,
    "wide samples land on the bounds",
  );
});

/** Reports NaN observations (or a huge reward) once `broken` is set: a diverging env or reward. */
class Breakable extends Wrapper<PointMassObs, BoxArray> {
  static broken: "no" | "nan-observation" | "huge-reward" = "no";
  get observationSpace() {
    return this.env.observationSpace;
  }
  get actionSpace() {
    return this.env.actionSpace;
  }
  reset(options?: { seed?: number }) {
    return this.env.reset(options);
  }
  step(action: BoxArray) {
    const r = this.env.step(action);
    if (Breakable.broken === "nan-observation") r.obs.observation[0] = Number.NaN;
    return Breakable.broken === "huge-reward" ? { ...r, reward: 1e38 } : r;
  }
}

test("a diverging policy stops with an error naming the run, the update and the checkpoint to resume from", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ppo-cont-nan-"));
  const makeEnv = () => new Breakable(new PointMassEnv());
  const checkpointPath = join(dir, "run.ckpt");
  Breakable.broken = "no";
  const ppo = await ContinuousPpo.create({
    makeEnv,
    name: "PointMass.sparse.s1",
    config: { ...small, numSteps: 16, epochs: 1, totalFrames: 64 * 4, checkpointPath, checkpointEvery: 1 },
  });
  ppo.step();
  ppo.step();
  Breakable.broken = "nan-observation";
  assert.throws(
    () => ppo.step(),
    (e: unknown) =>
      e instanceof TrainingDivergedError &&
      e.update === 3 &&
      /PPO run "PointMass\.sparse\.s1" diverged in update 3: the policy's action mean is NaN/.test(
        e.message,
      ) &&
      e.message.includes(`${checkpointPath} (update 2)`),
  );
  ppo.close();

  Breakable.broken = "no";
  const resumed = await ContinuousPpo.resume(checkpointPath, { makeEnv });
  assert.equal(resumed.updates, 2);
  resumed.train();
  assert.equal(resumed.updates, 4);
  assert.ok(resumed.getParams().every((x) => Number.isFinite(x)));
  resumed.close();

  // A loss that overflows float32 (values of 1e38 squared), with nothing normalised to absorb it.
  Breakable.broken = "huge-reward";
  const overflow = await ContinuousPpo.create({
    makeEnv,
    name: "huge",
    config: {
      ...small,
      numSteps: 16,
      epochs: 1,
      totalFrames: 64,
      normalizeReturns: false,
      normalizeAdvantages: false,
    },
  });
  assert.throws(
    () => overflow.step(),
    (e: unknown) =>
      e instanceof TrainingDivergedError &&
      /run "huge" diverged in update 1: the loss is not finite in epoch 1, minibatch 1/.test(e.message) &&
      /no checkpoint to resume from/.test(e.message),
  );
  overflow.close();
  Breakable.broken = "no";
});

test("Discrete actions are refused with a pointer to the discrete PPO, and so are its checkpoints", async () => {
  await assert.rejects(
    ContinuousPpo.create({ makeEnv: () => new CorridorEnv() as never }),
    /needs a Box action space; got Discrete\(7\) \(use Ppo for Discrete actions\)/,
  );
  const dir = mkdtempSync(join(tmpdir(), "ppo-cont-kind-"));
  const discrete = await Ppo.create({
    makeEnv: () => new CorridorEnv(),
    config: { numEnvs: 1, numSteps: 8, batchSize: 8 },
  });
  discrete.saveCheckpoint(join(dir, "d.ckpt"));
  discrete.close();
  await assert.rejects(
    ContinuousPpo.resume(join(dir, "d.ckpt"), { makeEnv: () => new PointMassEnv() }),
    /not a continuous PPO checkpoint.*Ppo\.resume/,
  );
  const continuous = await ContinuousPpo.create({ makeEnv: () => new PointMassEnv(), config: small });
  continuous.saveCheckpoint(join(dir, "c.ckpt"));
  continuous.close();
  await assert.rejects(
    Ppo.resume(join(dir, "c.ckpt"), { makeEnv: () => new CorridorEnv() }),
    /"ppo-continuous" checkpoint, not a discrete PPO one/,
  );
});

test("the discrete PPO points Box actions to the continuous one", async () => {
  await assert.rejects(
    Ppo.create({ makeEnv: () => new PointMassEnv() as never }),
    /Discrete\(n\) actions.*got Box\(-1, 1, \[2\], float32\) \(for Box actions use ContinuousPpo/,
  );
});
