import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function vlmcar(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
  });
}

test("vlmcar train --json ends with one JSON line holding the final evaluation and the run folder", () => {
  const out = join(mkdtempSync(join(tmpdir(), "vlmcar-train-")), "run");
  const args = [
    "train",
    "--env",
    "MiniGrid-Empty-5x5-v0",
    "--reward",
    "sparse",
    "--frames",
    "512",
    "--seed",
    "2",
  ];
  const flags = ["--num-envs", "4", "--eval-every", "0", "--final-episodes", "4", "--out", out, "--json"];
  const run = vlmcar(...args, ...flags);
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split("\n");
  const result = JSON.parse(lines[lines.length - 1]);
  assert.equal(result.env, "MiniGrid-Empty-5x5-v0");
  assert.equal(result.reward, "sparse");
  assert.equal(result.seed, 2);
  assert.equal(result.frames, 512);
  assert.equal(result.finalEval.episodes, 4);
  assert.equal(typeof result.finalEval.returnMean, "number");
  assert.equal(typeof result.finalEval.returnStd, "number");
  assert.ok(result.wallSeconds > 0);
  assert.equal(result.runDir, out);
  assert.ok(existsSync(join(out, "final.json")));
  assert.match(run.stderr, /final: env return/, "readable lines go to stderr under --json");
});

test("vlmcar train explains a bad env id or a missing program", () => {
  const badEnv = vlmcar("train", "--env", "MiniGrid-DoorKey-5x5", "--frames", "10", "--json");
  assert.equal(badEnv.status, 2);
  assert.match(badEnv.stderr, /unknown env id "MiniGrid-DoorKey-5x5".*Did you mean/);
  const noProgram = vlmcar(
    "train",
    "--env",
    "MiniGrid-DoorKey-5x5-v0",
    "--reward",
    "vlmcar",
    "--frames",
    "10",
  );
  assert.equal(noProgram.status, 2);
  assert.match(noProgram.stderr, /needs a program file: pass --program FILE/);
});

test("vlmcar train and vlmcar experiment train a Panda id with a program, dense-env and the continuous PPO", () => {
  const base = mkdtempSync(join(tmpdir(), "vlmcar-train-panda-"));
  const tinyPpo = ["--set", "ppo.numSteps=64", "--set", "ppo.numMinibatches=2", "--set", "ppo.epochs=1"];
  const program = join(ROOT, "test/experiments/panda-push-fixture.json");
  const train = vlmcar(
    ...["train", "--env", "PandaPushJoints-v3", "--reward", "vlmcar", "--program", program],
    ...["--frames", "64", "--eval-every", "0", "--final-episodes", "2", "--out", join(base, "run")],
    ...tinyPpo,
    "--json",
  );
  assert.equal(train.status, 0, train.stderr);
  const result = JSON.parse(train.stdout.trim().split("\n").at(-1) ?? "null");
  assert.equal(result.reward, "vlmcar");
  assert.equal(result.frames, 64);
  assert.equal(typeof result.finalEval.successRate, "number");
  assert.match(train.stderr, /final: env return -?[\d.]+ ± [\d.]+, success [\d.]+ over 2 episodes/);

  const experiment = vlmcar(
    ...["experiment", "--envs", "PandaPushJoints-v3", "--rewards", "sparse,dense-env", "--seeds", "1"],
    ...["--frames", "64", "--eval-every", "64", "--eval-episodes", "1", "--out", join(base, "exp")],
    ...tinyPpo,
    "--json",
  );
  assert.equal(experiment.status, 0, experiment.stderr);
  const summary = JSON.parse(experiment.stdout.trim().split("\n").at(-1) ?? "null");
  assert.equal(summary.runs, 2);
  assert.equal(summary.done, 2);
  const report = vlmcar("report", "--experiment", join(base, "exp"), "--json");
  assert.equal(report.status, 0, report.stderr);
  const written = JSON.parse(report.stdout.trim().split("\n").at(-1) ?? "null");
  assert.deepEqual(written.series, { "PandaPushJoints-v3": ["dense-env", "sparse"] });

  const wrong = vlmcar(
    ...["train", "--env", "PandaPushJoints-v3", "--frames", "64", "--set", "ppo.batchSize=32"],
    ...["--out", join(base, "wrong")],
  );
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /ppo\.batchSize is a setting of the discrete PPO/);
});
