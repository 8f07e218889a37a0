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
      env: { id: ENV },
      program: { hash },
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
  assert.match(
    html,
    /Not shown, as they are not this program's: verification-1\.json \(not a verification report\)/,
  );
  assert.match(html, /verify_round2\/report\.json/);
  assert.match(html, /<strong>rejected<\/strong> on 20 expert and 100 random trajectories/);
  assert.match(html, /31 of 100 random trajectories/);
  assert.match(html, />62%</, "random fire rate of the check");
  assert.match(html, />0\.875</, "precision against the true event");
  assert.match(html, /The goal check fires for random agents\./);
  assert.match(html, /data:image\/png;base64,/, "example frames inline");
  assert.match(html, /pick up key latched/);
  assert.match(html, /µs per reward call/);
  assert.match(html, /\$0\.0100/, "the generation's dollars from the transcript");
  assert.match(html, /estimate: 2,048 steps/);
  const json = JSON.parse(readFileSync(report.json, "utf8"));
  assert.equal(json.programs.length, 1);
  assert.ok(json.programs[0].timing.microsPerCall > 0);
  assert.equal(json.programs[0].generation.paidCalls, 1);
});

test("a report shows only the program's own verification, and never calls a program that does not compile accepted", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vlmcar-report-"));
  const fixture = loadRewardProgram(FIXTURE);
  // Another program's accepted verification sits in the folder of each program below.
  const other = { ...fixture, goal: { ...fixture.goal, code: "(frame, first) => false" } };
  const accepted = (programHashValue: string) =>
    JSON.stringify({
      format: "vlmcar.verification/1",
      env: { id: "MiniGrid-Unlock-v0" },
      program: { hash: programHashValue },
      settings: { experts: 20, random: 100, seed: 0 },
      verdict: { accepted: true, rules: [{ rule: "compiles", passed: true, message: "No problems found." }] },
      checks: [],
    });
  const folder = (name: string, program: unknown) => {
    const d = join(dir, name);
    mkdirSync(d);
    writeFileSync(join(d, "program.json"), JSON.stringify(program));
    return join(d, "program.json");
  };
  const placed = folder("placed", fixture);
  writeFileSync(join(dir, "placed", "report.json"), accepted(programHash(other)));
  const broken = { ...fixture, goal: { ...fixture.goal, code: "(frame, first) => {" } };
  const brokenFile = folder("broken", broken);
  // Even a verification that names the broken program's own hash cannot make it "accepted".
  writeFileSync(join(dir, "broken", "report.json"), accepted(programHash(broken)));

  const store = new ResultsStore(join(dir, "results.sqlite"));
  store.putExperiment("e", "report-test", {});
  for (const [label, program] of [
    ["placed", placed],
    ["broken", brokenFile],
  ] as const) {
    const config: RunConfig = {
      envId: ENV,
      reward: { kind: "vlmcar", program, label },
      seed: 0,
      frames: 2048,
      ppo: {},
      evaluation: EVAL_DEFAULTS,
      checkpointEvery: 20,
    };
    const id = runId(config);
    const h = programHash(loadRewardProgram(program));
    store.addRun("e", {
      id,
      config,
      dir: join(dir, id),
      programHash: h,
      codeVersion: { commit: null, dirty: false },
    });
    store.putEval(id, { frames: 1024, update: 1, returnMean: 0.5, returnStd: 0, returns: [0.5] });
  }
  store.close();

  const report = await writeReport({ db: join(dir, "results.sqlite"), out: join(dir, "report") });
  const html = readFileSync(report.html, "utf8");
  assert.doesNotMatch(html, /<strong>accepted<\/strong>/, "no program is shown as accepted");
  assert.match(html, /report\.json \(verifies program [0-9a-f]{12}, another program\)/);
  assert.match(html, /the program does not compile/);
  assert.match(html, /report\.json \(it says accepted, but the program does not compile\)/);
  const json = JSON.parse(readFileSync(report.json, "utf8"));
  for (const p of json.programs) assert.deepEqual(p.verification, []);
});

test("a store holding runs of two settings under one label is reported as two series, never averaged", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vlmcar-report-"));
  const store = new ResultsStore(join(dir, "results.sqlite"));
  const add = (experiment: string, frames: number, seed: number, final: number) => {
    store.putExperiment(experiment, "pooled", { frames });
    const config: RunConfig = {
      envId: ENV,
      reward: { kind: "sparse" },
      seed,
      frames,
      ppo: {},
      evaluation: EVAL_DEFAULTS,
      checkpointEvery: 20,
    };
    const id = runId(config);
    store.addRun(experiment, {
      id,
      config,
      dir: join(dir, id),
      programHash: null,
      codeVersion: { commit: null, dirty: false },
    });
    store.putEval(id, { frames, update: 1, returnMean: final, returnStd: 0, returns: [final] });
    store.markDone(id, {
      runId: id,
      envId: ENV,
      reward: "sparse",
      seed,
      frames,
      updates: 1,
      wallSeconds: 1,
      finalEval: { frames, episodes: 1, returnMean: final, returnStd: 0, returns: [final] },
      programHash: null,
      codeVersion: { commit: null, dirty: false },
      finishedAt: "2024-05-01T12:00:00Z",
    });
  };
  add("short", 2048, 0, 0.2);
  add("short", 2048, 1, 0.4);
  add("long", 4096, 0, 0.9);
  store.close();
  const report = await writeReport({
    db: join(dir, "results.sqlite"),
    out: join(dir, "report"),
    skipPrograms: true,
  });
  const rows = report.finals.map((f) => [f.reward, f.n, f.mean?.toFixed(3)]).sort();
  assert.deepEqual(rows, [
    ["sparse (frames=2048)", 2, "0.300"],
    ["sparse (frames=4096)", 1, "0.900"],
  ]);
  assert.deepEqual(report.series[ENV].sort(), ["sparse (frames=2048)", "sparse (frames=4096)"]);
});
