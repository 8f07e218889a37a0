/**
 * Exact reproducibility, as a promise the tests keep: the same seed and config give the same metrics, line
 * for line (every update's statistics and every evaluation; only the timings may differ), whether the run
 * trains in this process, in worker processes side by side on a machine kept busy by CPU burners, or is
 * killed with SIGKILL at random points and resumed. The runs use a reward program (DoorKey's reference
 * program), so the sandbox's time limits are on the path: they once made a busy machine change the rewards.
 *
 * Budgets are tiny (8 updates of 256 frames), so the whole file takes well under a minute on an idle machine.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { executeRun, type RunConfig } from "../../src/experiments/run.ts";
import { EXPERIMENT_FILES, runExperiment } from "../../src/experiments/runner.ts";
import { expandSpec, parseExperimentSpec } from "../../src/experiments/spec.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const SPEC = {
  name: "determinism",
  envs: ["MiniGrid-DoorKey-5x5-v0"],
  rewards: ["reference"],
  seeds: [5, 6],
  frames: 2048,
  ppo: { numEnvs: 4, numSteps: 64, epochs: 2, batchSize: 128 },
  evaluation: { every: 512, episodes: 2, finalEpisodes: 3 },
  checkpointEvery: 2,
};

const spec = parseExperimentSpec(SPEC);
const [seed5] = expandSpec(spec) as [RunConfig, RunConfig];

/** A run's metrics log without what may differ between identical runs: the timings. */
function metrics(runDir: string): unknown[] {
  return readFileSync(join(runDir, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const { fps: _fps, time: _time, ...rest } = JSON.parse(line);
      return rest;
    });
}

function runDirs(experimentDir: string): string[] {
  const runs = join(experimentDir, EXPERIMENT_FILES.runs);
  return readdirSync(runs)
    .sort()
    .map((name) => join(runs, name));
}

/** Processes that only burn CPU, so the runs compete for the cores as on a busy machine. */
function burners(count: number): ChildProcess[] {
  return Array.from({ length: count }, () =>
    spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }),
  );
}

function stop(children: ChildProcess[]): void {
  for (const child of children) child.kill("SIGKILL");
}

let reference: unknown[];

test("the same seed and config give identical metrics twice in one process", async () => {
  const a = mkdtempSync(join(tmpdir(), "vlmcar-det-"));
  const b = mkdtempSync(join(tmpdir(), "vlmcar-det-"));
  const first = await executeRun(seed5, a);
  const second = await executeRun(seed5, b);
  reference = metrics(a);
  assert.equal(reference.length, 8 + 4, "8 updates and 4 evaluations");
  assert.deepEqual(metrics(b), reference);
  assert.deepEqual(second.finalEval.returns, first.finalEval.returns);
});

test("two experiments side by side in worker processes on a busy machine give the in-process metrics", async () => {
  assert.ok(reference, "runs after the in-process test");
  const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), "vlmcar-det-")));
  const busy = burners(2);
  try {
    await Promise.all(dirs.map((dir) => runExperiment(spec, { dir, workers: 2 })));
  } finally {
    stop(busy);
  }
  const [one, two] = dirs.map(runDirs);
  for (let i = 0; i < one.length; i++) assert.deepEqual(metrics(two[i]), metrics(one[i]), one[i]);
  assert.deepEqual(metrics(one[0]), reference, "seed 5 in a worker = seed 5 in this process");
});

/** Starts `vlmcar experiment` on the spec file; resolves when it exits. */
function experimentCli(specFile: string, out: string) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "experiment", "--spec", specFile, "--out", out, "--workers", "2"],
    { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

/** Lines written so far to every run's metrics log of the experiment. */
function linesWritten(out: string): number {
  const runs = join(out, EXPERIMENT_FILES.runs);
  if (!existsSync(runs)) return 0;
  let total = 0;
  for (const name of readdirSync(runs)) {
    const log = join(runs, name, "metrics.jsonl");
    if (existsSync(log)) total += readFileSync(log, "utf8").split("\n").length - 1;
  }
  return total;
}

test("an experiment killed with SIGKILL at random points and resumed ends with every update and evaluation of a clean run", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vlmcar-det-"));
  const specFile = join(dir, "spec.json");
  writeFileSync(specFile, JSON.stringify(SPEC));
  const clean = join(dir, "clean");
  const cleanRun = experimentCli(specFile, clean);
  assert.equal(await cleanRun.exited, 0, cleanRun.stderr());

  // Both runs write 12 lines each; kill the runner (not its workers: they notice, as after a real kill -9)
  // when the logs reach random points, and start it again at once, as a person would.
  const killPoints = [2, 9, 16].map((base) => base + Math.floor(Math.random() * 5));
  const resumed = join(dir, "resumed");
  for (const point of killPoints) {
    const session = experimentCli(specFile, resumed);
    while (linesWritten(resumed) < point && session.child.exitCode === null)
      await new Promise((r) => setTimeout(r, 20));
    session.child.kill("SIGKILL");
    await session.exited;
  }
  const last = experimentCli(specFile, resumed);
  assert.equal(await last.exited, 0, `killed at ${killPoints.join(", ")} log lines; ${last.stderr()}`);

  const [cleanDirs, resumedDirs] = [clean, resumed].map(runDirs);
  assert.equal(resumedDirs.length, 2);
  for (let i = 0; i < cleanDirs.length; i++) {
    assert.deepEqual(
      metrics(resumedDirs[i]),
      metrics(cleanDirs[i]),
      `${resumedDirs[i]} (killed at ${killPoints.join(", ")} log lines)`,
    );
    const final = (d: string) => JSON.parse(readFileSync(join(d, "final.json"), "utf8")).finalEval;
    assert.deepEqual(final(resumedDirs[i]), final(cleanDirs[i]));
  }
});
