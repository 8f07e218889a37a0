import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { EVAL_DEFAULTS, executeRun, type RunConfig, readEvaluations } from "../../src/experiments/run.ts";

const FIXTURE = fileURLToPath(new URL("./doorkey-fixture.json", import.meta.url));

const tiny = (overrides: Partial<RunConfig> = {}): RunConfig => ({
  envId: "MiniGrid-Empty-5x5-v0",
  reward: { kind: "sparse" },
  seed: 7,
  frames: 768,
  ppo: { numEnvs: 4, numSteps: 64, epochs: 1, batchSize: 128 },
  evaluation: { ...EVAL_DEFAULTS, every: 256, episodes: 2, finalEpisodes: 3 },
  checkpointEvery: 1,
  ...overrides,
});

test("a run killed after a checkpoint resumes there and ends exactly as an uninterrupted run", async () => {
  const whole = mkdtempSync(join(tmpdir(), "vlmcar-run-"));
  const expected = await executeRun(tiny(), whole);
  assert.equal(expected.frames, 768);
  assert.equal(expected.finalEval.episodes, 3);

  const cut = mkdtempSync(join(tmpdir(), "vlmcar-run-"));
  class Killed extends Error {}
  await assert.rejects(
    executeRun(tiny(), cut, {
      onUpdate: (s) => {
        if (s.update === 2) throw new Killed("killed at update 2");
      },
    }),
    Killed,
  );
  assert.ok(!existsSync(join(cut, "final.json")));
  let resumedAt: number | undefined;
  const resumed = await executeRun(tiny(), cut, { onStart: (s) => (resumedAt = s.resumed ? s.frames : -1) });
  assert.equal(resumedAt, 256, "resumed from the checkpoint of update 1");
  assert.deepEqual(resumed.finalEval.returns, expected.finalEval.returns);
  // The evaluations logged before the kill and redone after it are not duplicated.
  assert.deepEqual(
    readEvaluations(cut).map((e) => [e.frames, e.returns]),
    readEvaluations(whole).map((e) => [e.frames, e.returns]),
  );

  // A finished run is not trained again.
  let started = false;
  const again = await executeRun(tiny(), cut, { onStart: () => (started = true) });
  assert.equal(started, false);
  assert.deepEqual(again, resumed);
});

test("a folder holding another run is refused", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vlmcar-run-"));
  await executeRun(tiny({ frames: 256 }), dir);
  await assert.rejects(
    executeRun(tiny({ frames: 256, seed: 8 }), dir),
    /holds run \S+\.s7\.\S+ \(another config\)/,
  );
});

test("vlmcar training is paid the program's bonus while evaluation reports the env's own return", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vlmcar-run-"));
  const config = tiny({
    envId: "MiniGrid-DoorKey-5x5-v0",
    reward: { kind: "vlmcar", program: FIXTURE, shaping: "code", subtaskBonus: 5 },
    // 256 steps per env: every env ends at least one episode (DoorKey-5x5 cuts episodes at 250 steps).
    frames: 1024,
    // Saving a checkpoint restarts the envs' episodes (see Ppo.startEpisodes): none here, so episodes can end.
    checkpointEvery: 100,
  });
  const result = await executeRun(config, dir);
  assert.equal(result.reward, "vlmcar-code-bonus5");
  assert.equal(result.programHash?.length, 64);
  const lines = readFileSync(join(dir, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  // Training returns include bonuses of 5 (no env reward in "code" mode pays that much) ...
  const trainingReturns = lines
    .filter((l) => l.type === "update")
    .flatMap((l) => l.episodeReturns as number[]);
  assert.ok(
    trainingReturns.some((r) => r >= 5),
    `some training episode earned the 5-point bonus: ${trainingReturns}`,
  );
  // ... while every evaluation return is a MiniGrid return, at most 1.
  for (const e of readEvaluations(dir))
    for (const r of e.returns) assert.ok(r >= 0 && r <= 1, `eval return ${r}`);
  for (const r of result.finalEval.returns) assert.ok(r >= 0 && r <= 1, `final return ${r}`);
});
