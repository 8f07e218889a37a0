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
