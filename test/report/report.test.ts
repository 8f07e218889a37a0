/**
 * The report from a store filled by hand (no training): a vlmcar run whose program sits in a generation
 * folder with a transcript and a verification report, and a sparse run.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { EVAL_DEFAULTS, type RunConfig, type RunResult, runId } from "../../src/experiments/run.ts";
import { ResultsStore } from "../../src/experiments/store.ts";
import { loadRewardProgram, programHash } from "../../src/program/program.ts";
import { writeReport } from "../../src/report/report.ts";
import { transcriptEntry } from "./transcript-entry.ts";

const FIXTURE = fileURLToPath(new URL("../experiments/doorkey-fixture.json", import.meta.url));
const ENV = "MiniGrid-DoorKey-5x5-v0";

test("the HTML report shows curves, finals, the program with its verification and frames, and costs", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vlmcar-report-"));
  const generation = join(dir, "generation");
  mkdirSync(generation);
  const programFile = join(generation, "program.json");
  copyFileSync(FIXTURE, programFile);
  const hash = programHash(loadRewardProgram(programFile));
  writeFileSync(
    join(generation, "transcript.jsonl"),
    `${JSON.stringify(
      transcriptEntry({
        reply: { text: "fixture reply", provider: "openai", model: "gpt-4o", finishReason: "stop" },
        usage: { inputTokens: 2000, outputTokens: 500 },
        costUsd: 0.01,
        latencyMs: 5000,
        finishedAt: "2024-05-01T12:00:05Z",
        fixture: true,
      }),
    )}\n`,
  );
  writeFileSync(
    join(generation, "verification-1.json"),
    JSON.stringify({ accepted: false, checks: [{ check: "pick up key", expertRate: 1, randomRate: 0.93 }] }),
  );

  // A report in the verifier's own format gets its verdict and per-check table.
  const stats = (fireRate: number) => ({
    trajectories: 20,
    fireRate,
    firstFrameRate: 0,
    latchRate: fireRate,
    meanFirstFire: 3.25,
    meanFirstFireFraction: 0.25,
    firstFire: [],
  });
  mkdirSync(join(generation, "verify_round2"));
  writeFileSync(
    join(generation, "verify_round2", "report.json"),
    JSON.stringify({
      format: "vlmcar.verification/1",
      settings: { experts: 20, random: 100, seed: 0 },
      verdict: {
        accepted: false,
        rules: [
          {
            rule: "random-goal",
            passed: false,
            message: "31 of 100 random trajectories (31%) reach the goal",
          },
        ],
      },
      checks: [
        {
          name: "pick up key",
          role: "subtask",
          position: 1,
          description: "",
          expert: stats(1),
          random: stats(0.62),
          groundTruth: { event: "pickup key", precision: 0.875, recall: 0.5 },
          expertGroundTruth: null,
          errorFrames: 0,
        },
      ],
      feedback: { text: "The goal check fires for random agents." },
    }),
  );

  const store = new ResultsStore(join(dir, "results.sqlite"));
  store.putExperiment("e", "report-test", {});
  const add = (reward: RunConfig["reward"], seed: number, curve: number[]) => {
    const config: RunConfig = {
      envId: ENV,
      reward,
      seed,
      frames: 2048,
      ppo: {},
      evaluation: EVAL_DEFAULTS,
      checkpointEvery: 20,
    };
    const id = runId(config);
    const programHashOrNull = reward.program ? hash : null;
    store.addRun("e", {
      id,
      config,
      dir: join(dir, id),
      programHash: programHashOrNull,
      codeVersion: { commit: "c0ffee", dirty: false },
    });
    curve.forEach((r, k) => {
      store.putEval(id, { frames: (k + 1) * 1024, update: k + 1, returnMean: r, returnStd: 0, returns: [r] });
    });
    const result: RunResult = {
      runId: id,
      envId: ENV,
      reward: reward.kind,
      seed,
      frames: 2048,
      updates: 1,
      wallSeconds: 10,
      finalEval: {
        frames: 2048,
        episodes: 1,
        returnMean: curve[curve.length - 1],
        returnStd: 0,
        returns: [],
      },
      programHash: programHashOrNull,
      codeVersion: { commit: "c0ffee", dirty: false },
      finishedAt: "2024-05-01T12:00:00Z",
    };
    store.markDone(id, result);
  };
  add({ kind: "sparse" }, 0, [0.1, 0.2]);
  add({ kind: "sparse" }, 1, [0.3, 0.4]);
  add({ kind: "vlmcar", program: programFile }, 0, [0.5, 0.9]);
  store.close();

  const report = await writeReport({ db: join(dir, "results.sqlite"), out: join(dir, "report") });
  assert.deepEqual(report.series[ENV].sort(), ["sparse", "vlmcar"]);
  const html = readFileSync(report.html, "utf8");
  assert.match(html, /data-series="sparse"/);
  assert.match(html, /data-series="vlmcar"/);
  assert.match(html, /0\.300 ± 0\.100/, "final sparse return: mean 0.3, SE 0.1 over two seeds");
  assert.match(html, /yellow\(first\) - yellow\(frame\) &gt; 150/, "the program's source, escaped");
  assert.match(html, /verification-1\.json/);
  assert.match(html, /0\.93/, "the verification table's numbers");
  assert.match(html, /verify_round2\/report\.json/);
  assert.match(html, /<strong>rejected<\/strong> on 20 expert and 100 random trajectories/);
  assert.match(html, /31 of 100 random trajectories/);
  assert.match(html, />62%</, "random fire rate of the check");
  assert.match(html, />0\.875</, "precision against the true event");
  assert.match(html, /The goal check fires for random agents\./);
  assert.match(html, /data:image\/png;base64,/, "example frames inline");
  assert.match(html, /pick up key latched/);
  assert.match(html, /µs per reward call/);
  // Every PPO setting, defaults included (these run folders predate recorded hyperparameters: rebuilt, marked *).
  assert.match(html, /<h2>Hyperparameters<\/h2>/);
  assert.match(html, /<code>lr<\/code><\/td><td class="num">0\.001<\/td>/);
  assert.match(html, /<code>clipEps<\/code><\/td><td class="num">0\.2<\/td>/);
  assert.match(html, /\$0\.0100/, "the generation's dollars from the transcript");
  assert.match(html, /estimate: 2,048 steps/);
  const json = JSON.parse(readFileSync(report.json, "utf8"));
  assert.equal(json.programs.length, 1);
  assert.ok(json.programs[0].timing.microsPerCall > 0);
  assert.equal(json.programs[0].generation.paidCalls, 1);
});
