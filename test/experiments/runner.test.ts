/**
 * End to end on a tiny budget: a 2-seed sparse experiment on MiniGrid-Empty-5x5-v0 with one run that fails,
 * run twice (the second time skips everything that finished), then reported; and what the runner refuses
 * before it starts anything (a program that does not compile, a folder holding another experiment).
 */
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { runId } from "../../src/experiments/run.ts";
import {
  EXPERIMENT_FILES,
  ExperimentError,
  type RunnerEvent,
  runExperiment,
} from "../../src/experiments/runner.ts";
import { expandSpec, parseExperimentSpec } from "../../src/experiments/spec.ts";
import { ResultsStore } from "../../src/experiments/store.ts";
import { codeVersion } from "../../src/experiments/version.ts";
import { writeReport } from "../../src/report/report.ts";
import { scratchGitDir } from "./git-scratch.ts";

const ENV = "MiniGrid-Empty-5x5-v0";

const tinySpec = (overrides: Record<string, unknown> = {}) =>
  parseExperimentSpec({
    name: "tiny",
    envs: [ENV],
    rewards: ["sparse"],
    seeds: 2,
    frames: 1024,
    // 256 frames per update: 4 updates per run, a few seconds each.
    ppo: { numEnvs: 4, numSteps: 64, epochs: 2, batchSize: 128 },
    evaluation: { every: 256, episodes: 3, finalEpisodes: 5 },
    checkpointEvery: 2,
    ...overrides,
  });

test("a program that does not compile stops the experiment before any run starts, naming the problem", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vlmcar-exp-"));
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
  const out = join(dir, "experiment");
  const events: RunnerEvent[] = [];
  await assert.rejects(
    runExperiment(tinySpec({ rewards: ["sparse", { kind: "vlmcar", program: broken }] }), {
      dir: out,
      onEvent: (e) => events.push(e),
    }),
    (error: Error) =>
      error instanceof ExperimentError &&
      /no run was started/.test(error.message) &&
      /broken-program\.json/.test(error.message) &&
      /"half" is not valid JavaScript/.test(error.message),
  );
  assert.equal(events.length, 0, "nothing started");
  assert.ok(!existsSync(out), "no folder was written");
});

test("an experiment runs, records every run, survives a failing run, skips finished runs, and reports", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vlmcar-exp-"));
  const spec = tinySpec();
  // Seed 1's folder holds another run: its worker refuses it, and the other run goes on.
  const [, seed1] = expandSpec(spec);
  const occupied = join(dir, EXPERIMENT_FILES.runs, runId(seed1));
  mkdirSync(occupied, { recursive: true });
  writeFileSync(join(occupied, "config.json"), JSON.stringify({ runId: "someone-else" }));

  const events: RunnerEvent[] = [];
  const first = await runExperiment(spec, { dir, workers: 2, onEvent: (e) => events.push(e) });
  assert.equal(first.runs, 2);
  assert.equal(first.done, 1, JSON.stringify(first.failed));
  assert.deepEqual(
    first.failed.map((f) => f.runId),
    [runId(seed1)],
  );
  assert.match(first.failed[0].error, /holds run someone-else/);
  assert.ok(events.some((e) => e.type === "eval"));

  const store = new ResultsStore(first.db, { readOnly: true });
  const [run] = store.runs({ status: "done" });
  assert.deepEqual([run.reward, run.seed], ["sparse", 0]);
  assert.equal(run.final?.frames, 1024);
  assert.equal(run.codeVersion.commit?.length, 40);
  // The store records the code the run's own process loaded, as its config.json does.
  const manifest = JSON.parse(readFileSync(join(run.dir, "config.json"), "utf8"));
  assert.deepEqual(run.codeVersion, manifest.codeVersion);
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
  assert.equal(store.runs({ status: "failed" }).length, 1);
  store.close();

  // Again, same spec, the obstacle gone: the finished run is skipped, the failed one is tried again.
  rmSync(occupied, { recursive: true });
  const again: RunnerEvent[] = [];
  const second = await runExperiment(spec, { dir, workers: 2, onEvent: (e) => again.push(e) });
  assert.equal(second.skipped, 1);
  assert.equal(second.done, 1);
  assert.equal(again.filter((e) => e.type === "skip").length, 1);
  assert.equal(again.filter((e) => e.type === "start").length, 1, "only the failed run trains again");
  const reread = new ResultsStore(second.db, { readOnly: true });
  assert.deepEqual(
    reread.runs({ status: "done" }).map((r) => [r.seed, r.attempts]),
    [
      [0, 1],
      [1, 2],
    ],
  );
  reread.close();

  const report = await writeReport({ db: first.db, out: join(dir, "report"), skipPrograms: true });
  assert.deepEqual(report.envs, [ENV]);
  const svg = readFileSync(report.curves[ENV], "utf8");
  assert.match(svg, /^<svg /);
  assert.match(svg, /data-series="sparse"/);
  const html = readFileSync(report.html, "utf8");
  assert.match(html, /<svg /);
  assert.match(html, /Final returns/);
  assert.equal(report.finals.find((f) => f.reward === "sparse")?.n, 2);

  // The same folder with other settings is refused, naming what differs; nothing of it is written.
  const before = readdirSync(join(dir, EXPERIMENT_FILES.runs)).sort();
  await assert.rejects(
    runExperiment(tinySpec({ frames: 2048 }), { dir }),
    (error: Error) =>
      error instanceof ExperimentError &&
      /holds experiment "tiny"/.test(error.message) &&
      /frames: 1024 → 2048/.test(error.message) &&
      /another folder/.test(error.message),
  );
  assert.deepEqual(readdirSync(join(dir, EXPERIMENT_FILES.runs)).sort(), before);
  const store3 = new ResultsStore(first.db, { readOnly: true });
  assert.equal(store3.experiments().length, 1, "the store still holds one experiment");
  store3.close();
});

test("the store records the code version of the run's own worker process, not the runner's", async (t) => {
  const runner = codeVersion(); // asked once per process: the runner keeps this one
  // Workers are forked with this environment, so theirs is the scratch directory's commit.
  const scratch = scratchGitDir(t, "docs/ARCHITECTURE.md");
  const saved = { GIT_DIR: process.env.GIT_DIR, GIT_WORK_TREE: process.env.GIT_WORK_TREE };
  process.env.GIT_DIR = scratch.gitDir;
  process.env.GIT_WORK_TREE = fileURLToPath(new URL("../..", import.meta.url));
  t.after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  const dir = mkdtempSync(join(tmpdir(), "vlmcar-exp-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const result = await runExperiment(tinySpec({ seeds: 1 }), { dir });
  assert.equal(result.done, 1, JSON.stringify(result.failed));
  const [run] = new ResultsStore(result.db, { readOnly: true }).runs({ status: "done" });
  assert.notEqual(runner.commit, scratch.commit);
  assert.deepEqual(run.codeVersion, { commit: scratch.commit, dirty: false });
  assert.deepEqual(
    JSON.parse(readFileSync(join(run.dir, "config.json"), "utf8")).codeVersion,
    run.codeVersion,
  );

  // A store rebuilt from the run folders, by a runner of other code, keeps the code that trained the run.
  delete process.env.GIT_DIR;
  delete process.env.GIT_WORK_TREE;
  rmSync(result.db);
  const again = await runExperiment(tinySpec({ seeds: 1 }), { dir });
  assert.equal(again.skipped, 1);
  const [rebuilt] = new ResultsStore(again.db, { readOnly: true }).runs({ status: "done" });
  assert.deepEqual(rebuilt.codeVersion, { commit: scratch.commit, dirty: false });
});
