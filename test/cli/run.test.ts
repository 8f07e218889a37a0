/** `vlmcar run`, the main job, end to end as a user runs it: a child process, no key, no network. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadRewardProgram, programHash } from "../../src/program/program.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ENV = "MiniGrid-DoorKey-6x6-v0";

function vlmcar(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 180_000,
  });
}

function lastJsonLine(stdout: string) {
  const lines = stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

test("vlmcar run: replayed generation, sparse vs vlmcar, report; a second run resumes", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "vlmcar-run-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, "job");
  // A tiny budget: one PPO update per run, one seed. Verification with 4 experts and no random
  // trajectories (its random rule then holds trivially); the recording's first round needs no refinement, so
  // the replay asks the same five requests either way.
  const args = [
    "run",
    ...["--frames", "2048", "--seeds", "1", "--eval-every", "2048"],
    ...["--experts", "4", "--random", "0", "--out", out, "--json"],
  ];
  const first = vlmcar(...args);
  assert.equal(first.status, 0, first.stderr);
  const summary = lastJsonLine(first.stdout);

  // The replay reproduced the zoo's program exactly, without a paid call.
  const zooHash = programHash(loadRewardProgram(join(ROOT, "zoo", ENV, "program.json")));
  assert.equal(summary.generation.programHash, zooHash);
  assert.deepEqual(summary.generation.zoo.matches, true);
  assert.equal(summary.generation.verdict, "accepted");
  assert.equal(summary.generation.calls.paid, 0);
  assert.equal(summary.generation.calls.replayed, 5);
  assert.equal(summary.generation.cost.paidCalls, 5, "the recording's calls");
  assert.match(first.stderr, /same hash/);

  // Both reward modes trained, each run recorded with seed, config, code version and program hash.
  assert.equal(summary.status, "done");
  assert.deepEqual(summary.finals.map((f: { reward: string }) => f.reward).sort(), ["sparse", "vlmcar"]);
  assert.equal(summary.runs.length, 2);
  for (const run of summary.runs) {
    assert.equal(run.seed, 0);
    assert.equal(run.status, "done");
    assert.equal(run.frames, 2048);
    assert.equal(run.config.envId, ENV);
    assert.ok("commit" in run.codeVersion);
    assert.equal(run.programHash, run.reward === "vlmcar" ? zooHash : null);
    assert.ok(Number.isFinite(run.finalEval.returnMean));
  }

  // The report and the summary file are where the summary says.
  assert.equal(summary.report.html, join(out, "report", "index.html"));
  assert.ok(existsSync(summary.report.html));
  assert.match(readFileSync(summary.report.html, "utf8"), new RegExp(zooHash.slice(0, 12)));
  assert.deepEqual(JSON.parse(readFileSync(join(out, "summary.json"), "utf8")).finals, summary.finals);

  // Again on the same folder: nothing is generated or trained twice.
  const second = vlmcar(...args);
  assert.equal(second.status, 0, second.stderr);
  const again = lastJsonLine(second.stdout);
  assert.equal(again.resumed, true);
  assert.equal(again.experiment.trained, 0);
  assert.equal(again.experiment.skipped, 2);
  assert.equal(again.generation.programHash, zooHash);
  assert.match(second.stderr, /finished earlier/);
  assert.deepEqual(again.finals, summary.finals);

  // The same folder with another budget is refused, naming what changed.
  const changed = vlmcar(...args.map((a) => (a === "2048" ? "4096" : a)));
  assert.equal(changed.status, 2);
  assert.match(changed.stderr, /other settings \(frames: 2048 then, 4096 now/);
});

test("vlmcar run: an env with no recording and no --vlm is a clear error listing the recorded envs", () => {
  const result = vlmcar("run", "--env", "MiniGrid-Empty-5x5-v0", "--out", join(tmpdir(), "never-made"));
  assert.equal(result.status, 2);
  assert.match(result.stderr, /no recorded generation for MiniGrid-Empty-5x5-v0/);
  assert.match(result.stderr, new RegExp(ENV));
  assert.match(result.stderr, /--vlm provider:model/);
  assert.ok(!existsSync(join(tmpdir(), "never-made")), "nothing is written before the inputs are checked");
});

test("vlmcar run: bad flags fail before anything runs", () => {
  for (const [flags, message] of [
    [["--seeds", "0,x"], /--seeds has "x", which is neither a seed nor a range/],
    [["--rewards", "sparse,dense"], /unknown reward "dense"/],
    [["--frames", "0"], /--frames must be a whole number ≥ 1/],
    [["--vlm", "openai"], /names no model/],
  ] as const) {
    const result = vlmcar("run", ...flags, "--out", join(tmpdir(), "never-made"));
    assert.equal(result.status, 2, `${flags.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
});
