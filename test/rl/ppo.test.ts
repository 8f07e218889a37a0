import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type ResetOptions, Wrapper } from "../../src/env/core.ts";
import { Ppo, type PpoConfig } from "../../src/rl/ppo.ts";
import { CorridorEnv, type CorridorObs, CorridorPixels } from "./corridor-env.ts";

/** Small enough for a few seconds of CPU: 8 envs × 32 steps per update, minibatch 64. */
const small: Partial<PpoConfig> = { numEnvs: 8, numSteps: 32, batchSize: 64, seed: 7 };

test("PPO learns the corridor: evaluation return rises from a random policy's to near the optimum", async () => {
  // Random play finishes the 5-cell corridor rarely and late; the optimum (4 forward steps) returns 0.82.
  const ppo = await Ppo.create({
    makeEnv: () => new CorridorEnv(5, 20),
    config: { ...small, totalFrames: 256 * 20 },
  });
  const before = ppo.evaluate(20);
  ppo.train();
  const after = ppo.evaluate(20);
  ppo.close();
  assert.ok(before.returnMean < 0.35, `an untrained policy should do poorly, got ${before.returnMean}`);
  assert.ok(
    after.returnMean > 0.7,
    `after 5,120 frames the return should be near 0.82, got ${after.returnMean}`,
  );
});

test("a run resumed from its checkpoint continues with identical parameters and a log without duplicates", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ppo-resume-"));
  const makeEnv = () => new CorridorEnv(6, 15);
  const config: Partial<PpoConfig> = { ...small, totalFrames: 256 * 5, evalEvery: 512, evalEpisodes: 2 };

  // Uninterrupted: 2 updates, checkpoint, 3 more.
  const straight = await Ppo.create({ makeEnv, config: { ...config, logPath: join(dir, "a.jsonl") } });
  straight.step();
  straight.step();
  straight.saveCheckpoint(join(dir, "a.ckpt"));
  straight.train();
  const expected = straight.getParams();
  straight.close();

  // Interrupted: the same until the checkpoint, one more update that is lost when the run is "killed" ...
  const killed = await Ppo.create({ makeEnv, config: { ...config, logPath: join(dir, "b.jsonl") } });
  killed.step();
  killed.step();
  killed.saveCheckpoint(join(dir, "b.ckpt"));
  killed.step();
  killed.close();
  // ... then resumed from the checkpoint.
  const resumed = await Ppo.resume(join(dir, "b.ckpt"), { makeEnv });
  assert.equal(resumed.updates, 2);
  resumed.train();
  const actual = resumed.getParams();
  resumed.close();

  assert.equal(actual.length, expected.length);
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
    "each update is logged once",
  );
  const strip = (e: Record<string, unknown>) => ({ ...e, fps: 0, time: 0 });
  assert.deepEqual(b.map(strip), a.map(strip), "the resumed log matches the uninterrupted one");
  assert.ok(
    a.some((e) => e.type === "eval"),
    "evaluations are logged",
  );
});

test("RGB observations get the patch net, whose input size follows the image", async () => {
  const ppo = await Ppo.create({
    makeEnv: () => new CorridorPixels(new CorridorEnv(5, 20)),
    config: { ...small, numEnvs: 2, numSteps: 16, batchSize: 16, epochs: 1, totalFrames: 32 },
  });
  assert.equal(ppo.encoder.kind, "pixels");
  assert.equal(ppo.net.spec.inputScale, 1 / 255);
  assert.deepEqual(ppo.net.inputShape, [7, 7, 8 * 8 * 3]); // 56 px / 8 px patches = 7×7 cells
  const stats = ppo.step();
  ppo.close();
  for (const key of ["policyLoss", "valueLoss", "entropy", "gradNorm"] as const) {
    assert.ok(Number.isFinite(stats[key]), `${key} should be finite, got ${stats[key]}`);
  }
  assert.ok(stats.entropy > 1.9, "an untrained policy over 7 actions is near-uniform (entropy ≈ ln 7)");
});

test("with checkpointing on, a run can be resumed however early it stops, and a new run starts a new log", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ppo-early-"));
  const makeEnv = () => new CorridorEnv(5, 20);
  const config: Partial<PpoConfig> = {
    ...small,
    totalFrames: 256 * 2,
    logPath: join(dir, "log.jsonl"),
    checkpointPath: join(dir, "run.ckpt"),
    checkpointEvery: 10,
  };
  const straight = await Ppo.create({ makeEnv, config });
  straight.train();
  const expected = straight.getParams();
  straight.close();

  // Killed during its first update, before any periodic checkpoint: the one written at creation remains.
  const fresh = await Ppo.create({ makeEnv, config });
  assert.equal(readFileSync(join(dir, "log.jsonl"), "utf8"), "", "a new run empties its log");
  fresh.close();
  const resumed = await Ppo.resume(join(dir, "run.ckpt"), { makeEnv });
  assert.equal(resumed.updates, 0);
  resumed.train();
  assert.deepEqual(resumed.getParams(), expected);
  resumed.close();
});

test("evaluation reports the return of the evaluation env, not the shaped training reward", async () => {
  /** Pays ten times the corridor's reward: a stand-in for a shaped training reward. */
  class TenfoldReward extends Wrapper<CorridorObs, number> {
    get observationSpace() {
      return this.env.observationSpace;
    }
    get actionSpace() {
      return this.env.actionSpace;
    }
    reset(options?: ResetOptions) {
      return this.env.reset(options);
    }
    step(action: number) {
      const r = this.env.step(action);
      return { ...r, reward: 10 * r.reward };
    }
  }
  const ppo = await Ppo.create({
    makeEnv: () => new TenfoldReward(new CorridorEnv(2, 20)),
    makeEvalEnv: () => new CorridorEnv(2, 20),
    config: { ...small, numEnvs: 2, numSteps: 32, batchSize: 32, totalFrames: 64 },
  });
  const stats = ppo.step();
  const evaluation = ppo.evaluate(4);
  ppo.close();
  assert.ok(Math.max(...stats.episodeReturns) > 1, "training sees the shaped reward");
  assert.ok(Math.max(...evaluation.returns) <= 1, "evaluation sees the env's own reward");
});

test("a loss that turns non-finite stops the run with a TrainingDivergedError naming the run, the update and its checkpoint", async () => {
  /** Pays NaN: the returns, the value loss and so the whole update turn non-finite. */
  class NaNReward extends Wrapper<CorridorObs, number> {
    get observationSpace() {
      return this.env.observationSpace;
    }
    get actionSpace() {
      return this.env.actionSpace;
    }
    reset(options?: ResetOptions) {
      return this.env.reset(options);
    }
    step(action: number) {
      return { ...this.env.step(action), reward: Number.NaN };
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "vlmcar-ppo-nan-"));
  const checkpoint = join(dir, "run.ckpt");
  const ppo = await Ppo.create({
    makeEnv: () => new NaNReward(new CorridorEnv(2, 20)),
    name: "nan-run",
    config: { ...small, numEnvs: 2, numSteps: 32, batchSize: 32, totalFrames: 640 },
  });
  ppo.saveCheckpoint(checkpoint);
  assert.throws(
    () => ppo.step(),
    (error: Error) =>
      error.name === "TrainingDivergedError" &&
      /"nan-run" diverged in update 1: the loss is not finite/.test(error.message) &&
      error.message.includes(checkpoint),
  );
  ppo.close();
});
