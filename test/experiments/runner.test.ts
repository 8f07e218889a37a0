/**
 * End to end on a tiny budget: a 2-seed sparse experiment on MiniGrid-Empty-5x5-v0 plus one run whose
 * program is broken, run twice (the second time skips everything that finished), then reported.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type RunnerEvent, runExperiment } from "../../src/experiments/runner.ts";
import { parseExperimentSpec } from "../../src/experiments/spec.ts";
import { ResultsStore } from "../../src/experiments/store.ts";
import { writeReport } from "../../src/report/report.ts";

const ENV = "MiniGrid-Empty-5x5-v0";

test("an experiment runs, records every run, survives a crashing run, skips finished runs, and reports", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vlmcar-exp-"));
  // Valid JSON, but its check does not compile: the worker fails when it builds the training envs.
  const broken = join(dir, "broken-program.json");
  writeFileSync(
    broken,
    JSON.stringify({
      format: "vlmcar.program/1",
      task: {},
      helpers: "",
      subtasks: [{ name: "half", description: "cut short", code: "(frame, first) => {" }],
      goal: { description: "never", code: "(frame, first) => false" },
      provenance: { source: "fixture" },
    }),
  );
  const spec = parseExperimentSpec({
    name: "tiny",
    envs: [ENV],
    rewards: ["sparse", { kind: "vlmcar", program: broken }],
    seeds: 2,
    frames: 1024,
    // 256 frames per update: 4 updates per run, a few seconds each.
    ppo: { numEnvs: 4, numSteps: 64, epochs: 2, batchSize: 128 },
    evaluation: { every: 256, episodes: 3, finalEpisodes: 5 },
    checkpointEvery: 2,
  });

  const events: RunnerEvent[] = [];
  const first = await runExperiment(spec, { dir, workers: 2, onEvent: (e) => events.push(e) });
  assert.equal(first.runs, 4);
  assert.equal(first.done, 2, JSON.stringify(first.failed));
  assert.equal(first.failed.length, 2);
  for (const f of first.failed) assert.match(f.error, /half/, "the error names the check that failed");
  assert.ok(events.some((e) => e.type === "eval"));

  const store = new ResultsStore(first.db, { readOnly: true });
  const sparse = store.runs({ status: "done" });
  assert.deepEqual(
    sparse.map((r) => [r.reward, r.seed]),
    [
      ["sparse", 0],
      ["sparse", 1],
    ],
  );
  for (const run of sparse) {
    assert.equal(run.final?.frames, 1024);
    assert.equal(run.codeVersion.commit?.length, 40);
    for (const file of ["config.json", "metrics.jsonl", "checkpoint.bin", "final.json"])
      assert.ok(existsSync(join(run.dir, file)), `${file} in ${run.dir}`);
    // Evaluations every 256 frames: 4 of them, the same as in the run's metrics log.
    const evals = store.evals(run.id);
    assert.deepEqual(
      evals.map((e) => e.frames),
      [256, 512, 768, 1024],
    );
    const logged = readFileSync(join(run.dir, "metrics.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .filter((e) => e.type === "eval");
    assert.deepEqual(
      logged.map((e) => e.returnMean),
      evals.map((e) => e.returnMean),
    );
  }
  assert.equal(store.runs({ status: "failed" }).length, 2);
  store.close();

  // Again, same spec: the finished runs are skipped, the failed ones are tried again (and fail again).
  const again: RunnerEvent[] = [];
  const second = await runExperiment(spec, { dir, workers: 2, onEvent: (e) => again.push(e) });
  assert.equal(second.skipped, 2);
  assert.equal(second.done, 0);
  assert.equal(again.filter((e) => e.type === "skip").length, 2);
  assert.equal(again.filter((e) => e.type === "failed").length, 2, "the failed runs were tried again");
  assert.equal(again.filter((e) => e.type === "start").length, 0, "no finished run trains again");
  const reread = new ResultsStore(second.db, { readOnly: true });
  for (const run of reread.runs({ status: "done" })) assert.equal(run.attempts, 1);
  for (const run of reread.runs({ status: "failed" })) assert.equal(run.attempts, 2);
  reread.close();

  const report = await writeReport({ db: first.db, out: join(dir, "report"), skipPrograms: true });
  assert.deepEqual(report.envs, [ENV]);
  const svg = readFileSync(report.curves[ENV], "utf8");
  assert.match(svg, /^<svg /);
  assert.match(svg, /data-series="sparse"/);
  assert.doesNotMatch(svg, /data-series="vlmcar"/, "failed runs have no curve");
  const html = readFileSync(report.html, "utf8");
  assert.match(html, /<svg /);
  assert.match(html, /Final returns/);
  const sparseRow = report.finals.find((f) => f.reward === "sparse");
  assert.equal(sparseRow?.n, 2);
  assert.equal(report.finals.find((f) => f.reward === "vlmcar")?.failed, 2);
});
