import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import type { RunConfig, RunResult } from "../../src/experiments/run.ts";
import { EVAL_DEFAULTS, runId } from "../../src/experiments/run.ts";
import { ResultsStore } from "../../src/experiments/store.ts";

const config: RunConfig = {
  envId: "MiniGrid-Empty-5x5-v0",
  reward: { kind: "sparse" },
  seed: 3,
  frames: 1000,
  ppo: { numEnvs: 4 },
  evaluation: EVAL_DEFAULTS,
  checkpointEvery: 5,
};

test("a run, its evaluations and its result survive a round trip through the store", () => {
  const path = join(mkdtempSync(join(tmpdir(), "vlmcar-store-")), "results.sqlite");
  const store = new ResultsStore(path);
  const id = runId(config);
  store.putExperiment("exp-1", "exp", { envs: [config.envId] });
  store.addRun("exp-1", {
    id,
    config,
    dir: "/runs/x",
    programHash: null,
    codeVersion: { commit: "abc", dirty: true },
  });
  assert.equal(store.run(id)?.status, "pending");

  store.markRunning(id);
  store.putEval(id, { frames: 512, update: 1, returnMean: 0.25, returnStd: 0.1, returns: [0.2, 0.3] });
  store.putEval(id, { frames: 1024, update: 2, returnMean: 0.5, returnStd: 0, returns: [0.5] });
  // A resumed run redoes an evaluation: it replaces the row rather than adding one.
  store.putEval(id, { frames: 1024, update: 2, returnMean: 0.75, returnStd: 0, returns: [0.75] });
  const result: RunResult = {
    runId: id,
    envId: config.envId,
    reward: "sparse",
    seed: 3,
    frames: 1024,
    updates: 2,
    wallSeconds: 12.5,
    finalEval: { frames: 1024, episodes: 2, returnMean: 0.8, returnStd: 0.05, returns: [0.75, 0.85] },
    programHash: null,
    codeVersion: { commit: "abc", dirty: true },
    finishedAt: "2024-05-01T12:00:00.000Z",
  };
  store.markDone(id, result);
  // Adding the same run again (a rerun of the spec) keeps its results.
  store.addRun("exp-1", {
    id,
    config,
    dir: "/runs/x",
    programHash: null,
    codeVersion: { commit: "abc", dirty: true },
  });
  store.close();

  const reader = new ResultsStore(path, { readOnly: true });
  const run = reader.run(id);
  assert.ok(run);
  assert.equal(run.status, "done");
  assert.equal(run.attempts, 1);
  assert.deepEqual(run.config, config);
  assert.deepEqual(run.codeVersion, { commit: "abc", dirty: true });
  assert.deepEqual(run.final, result);
  assert.equal(run.finalMean, 0.8);
  assert.deepEqual(
    reader.evals(id).map((e) => [e.frames, e.returnMean, e.returns]),
    [
      [512, 0.25, [0.2, 0.3]],
      [1024, 0.75, [0.75]],
    ],
  );
  assert.deepEqual(
    reader.runs({ status: "done" }).map((r) => r.id),
    [id],
  );
  assert.deepEqual(reader.runs({ status: "failed" }), []);
  assert.equal(reader.experiments()[0].name, "exp");
  reader.close();
});

test("a failed run keeps its error until it is started again", () => {
  const path = join(mkdtempSync(join(tmpdir(), "vlmcar-store-")), "results.sqlite");
  const store = new ResultsStore(path);
  const id = runId(config);
  store.putExperiment("exp-1", "exp", {});
  store.addRun("exp-1", {
    id,
    config,
    dir: "/runs/x",
    programHash: null,
    codeVersion: { commit: null, dirty: false },
  });
  store.markRunning(id);
  store.markFailed(id, "the worker process was killed by SIGKILL");
  assert.equal(store.run(id)?.error, "the worker process was killed by SIGKILL");
  store.markRunning(id);
  assert.equal(store.run(id)?.error, null);
  assert.equal(store.run(id)?.attempts, 2);
  store.close();
});

test("success rates are stored, and a store written before they existed gains their columns", () => {
  const path = join(mkdtempSync(join(tmpdir(), "vlmcar-store-")), "results.sqlite");
  // The tables as an earlier version wrote them: no success_rate, no final_success.
  const old = new Database(path);
  old.exec(`
    CREATE TABLE experiments (id TEXT PRIMARY KEY, name TEXT NOT NULL, spec TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE TABLE runs (id TEXT PRIMARY KEY, experiment_id TEXT NOT NULL, env_id TEXT NOT NULL, reward TEXT NOT NULL,
      seed INTEGER NOT NULL, frames INTEGER NOT NULL, config TEXT NOT NULL, program_hash TEXT, code_commit TEXT,
      code_dirty INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL, dir TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
      started_at TEXT, finished_at TEXT, wall_seconds REAL, final_mean REAL, final_std REAL, final TEXT, error TEXT);
    CREATE TABLE evals (run_id TEXT NOT NULL, frames INTEGER NOT NULL, updates INTEGER NOT NULL,
      return_mean REAL NOT NULL, return_std REAL NOT NULL, returns TEXT NOT NULL, PRIMARY KEY (run_id, frames));
    INSERT INTO experiments VALUES ('exp-0', 'old', '{}', '2026-01-01');
    INSERT INTO runs (id, experiment_id, env_id, reward, seed, frames, config, status, dir)
      VALUES ('old-run', 'exp-0', 'MiniGrid-Empty-5x5-v0', 'sparse', 0, 10, '{}', 'done', '/runs/old');
    INSERT INTO evals VALUES ('old-run', 5, 1, 0.5, 0, '[0.5]');
  `);
  old.close();

  const store = new ResultsStore(path);
  assert.deepEqual(
    store.evals("old-run").map((e) => e.successRate),
    [null],
  );
  const panda = { ...config, envId: "PandaPushJoints-v3", ppo: {} };
  const id = runId(panda);
  store.putExperiment("exp-1", "exp", {});
  store.addRun("exp-1", {
    id,
    config: panda,
    dir: "/runs/p",
    programHash: null,
    codeVersion: { commit: null, dirty: false },
  });
  store.putEval(id, {
    frames: 2048,
    update: 1,
    returnMean: -40,
    returnStd: 5,
    returns: [-35, -45],
    successRate: 0.5,
  });
  store.markDone(id, {
    runId: id,
    envId: panda.envId,
    reward: "sparse",
    seed: 3,
    frames: 2048,
    updates: 1,
    wallSeconds: 1,
    finalEval: {
      frames: 2048,
      episodes: 2,
      returnMean: -20,
      returnStd: 0,
      returns: [-20, -20],
      successRate: 0.25,
    },
    programHash: null,
    codeVersion: { commit: null, dirty: false },
    finishedAt: "2026-12-02T00:00:00Z",
  });
  assert.deepEqual(
    store.evals(id).map((e) => e.successRate),
    [0.5],
  );
  assert.equal(store.run(id)?.finalSuccess, 0.25);
  assert.equal(store.run("old-run")?.finalSuccess, null);
  store.close();
});
