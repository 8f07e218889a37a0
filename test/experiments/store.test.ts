import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
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
