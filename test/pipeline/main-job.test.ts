/** runMainJob as a library: live generation through a fixture server, and the zoo lookup. */
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { MainJobError, runMainJob } from "../../src/pipeline/main-job.ts";
import { listZoo, ZOO_DIR, ZooError, zooEntryFor } from "../../src/pipeline/zoo.ts";
import { ACCEPTED_CHAIN, FIXTURE_MODEL, SMALL, tempDir } from "../generate/fixtures.ts";
import { startFixtureServer } from "../vlm/fixture-server.ts";

test("zoo: entries are found by the env id in task.json; incomplete folders are left out", (t) => {
  const zoo = tempDir(t);
  cpSync(join(ZOO_DIR, "MiniGrid-DoorKey-6x6-v0"), join(zoo, "doorkey-six"), { recursive: true });
  mkdirSync(join(zoo, "recording-in-progress"));
  const entries = listZoo(zoo);
  assert.deepEqual(
    entries.map((e) => e.envId),
    ["MiniGrid-DoorKey-6x6-v0"],
  );
  assert.equal(zooEntryFor("MiniGrid-DoorKey-6x6-v0", zoo).dir, join(zoo, "doorkey-six"));
  assert.match(entries[0].programHash, /^[0-9a-f]{64}$/);
  assert.throws(
    () => zooEntryFor("MiniGrid-Unlock-v0", zoo),
    (e: unknown) => e instanceof ZooError && /recorded: MiniGrid-DoorKey-6x6-v0/.test(e.message),
  );
});

test("runMainJob with a live VLM: generates through the provider, trains, reports; no zoo comparison", async (t) => {
  const server = await startFixtureServer("openai", ACCEPTED_CHAIN);
  const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
  process.env.OPENAI_API_KEY = "test-key-not-a-secret";
  process.env.OPENAI_BASE_URL = server.url;
  t.after(async () => {
    await server.close();
    for (const [name, value] of [
      ["OPENAI_API_KEY", saved.key],
      ["OPENAI_BASE_URL", saved.url],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  const out = join(tempDir(t), "job");
  const lines: string[] = [];
  const summary = await runMainJob({
    envId: SMALL.envId, // no zoo entry: only --vlm can make its program
    vlm: `openai:${FIXTURE_MODEL}`,
    rewards: ["vlmcar"],
    seeds: [3],
    frames: 2048,
    evalEvery: 0,
    experts: SMALL.experts,
    random: SMALL.random,
    out,
    log: (line) => lines.push(line),
  });
  assert.equal(server.hits.length, 5);
  assert.equal(summary.generation?.verdict, "accepted");
  assert.equal(summary.generation?.zoo, null);
  assert.equal(summary.generation?.calls.paid, 5);
  assert.equal(summary.generation?.cost.paidCalls, 5);
  assert.equal(summary.runs.length, 1);
  assert.equal(summary.runs[0].seed, 3);
  assert.equal(summary.runs[0].programHash, summary.generation?.programHash);
  assert.ok(existsSync(summary.report.html));
  assert.ok(existsSync(join(out, "summary.json")));
  assert.ok(lines.some((l) => l.includes("[1/3] generation: asking openai:")));
  assert.ok(lines.some((l) => l.startsWith("[3/3] report")));

  // A job folder holds one job: the same folder with another env is refused before anything runs.
  await assert.rejects(
    runMainJob({ envId: "MiniGrid-DoorKey-6x6-v0", out, rewards: ["sparse"] }),
    (e: unknown) =>
      e instanceof MainJobError && /holds a main job with other settings \(env:/.test(e.message),
  );
});

test("runMainJob trains a Panda id with the continuous PPO and reports its success rate", async (t) => {
  const out = join(tempDir(t), "panda-job");
  const summary = await runMainJob({
    envId: "PandaPushJoints-v3",
    rewards: ["sparse"], // the vlmcar path replays zoo/PandaPushJoints-v3 once it is recorded
    seeds: [0],
    frames: 2048, // one update of the continuous PPO (1 env × 2048 steps)
    evalEvery: 0,
    out,
  });
  assert.equal(summary.status, "done");
  assert.equal(summary.generation, null);
  assert.equal(summary.runs.length, 1);
  assert.equal(summary.runs[0].frames, 2048);
  assert.equal(typeof summary.runs[0].finalEval?.successRate, "number");
  assert.equal(summary.finals[0].reward, "sparse");
  assert.equal(typeof summary.finals[0].success?.mean, "number");
  assert.ok(existsSync(summary.report.html));
});
