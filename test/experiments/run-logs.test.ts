import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { EVAL_DEFAULTS, executeRun, type RunConfig, type RunManifest } from "../../src/experiments/run.ts";
import { LOG_FILES } from "../../src/experiments/run-logs.ts";
import { crc32c, EventFileWriter, maskedCrc32c } from "../../src/experiments/tensorboard.ts";
import { PPO_DEFAULTS } from "../../src/rl/ppo.ts";

const FIXTURE = fileURLToPath(new URL("./doorkey-fixture.json", import.meta.url));

// ── an independent reader of the TFRecord framing and the Event / Summary protos ──

interface ParsedEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  scalars: Record<string, number>;
}

function readVarint(bytes: Uint8Array, at: { i: number }): bigint {
  let value = 0n;
  for (let shift = 0n; ; shift += 7n) {
    const b = bytes[at.i++];
    value |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return value;
  }
}

/** Fields of one message: field number → raw values (Uint8Array for length-delimited, else numbers). */
function fields(bytes: Uint8Array): [number, number | bigint | Uint8Array][] {
  const out: [number, number | bigint | Uint8Array][] = [];
  const at = { i: 0 };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (at.i < bytes.length) {
    const key = Number(readVarint(bytes, at));
    const [field, wire] = [key >> 3, key & 7];
    if (wire === 0) out.push([field, readVarint(bytes, at)]);
    else if (wire === 1) {
      out.push([field, view.getFloat64(at.i, true)]);
      at.i += 8;
    } else if (wire === 5) {
      out.push([field, view.getFloat32(at.i, true)]);
      at.i += 4;
    } else if (wire === 2) {
      const n = Number(readVarint(bytes, at));
      out.push([field, bytes.subarray(at.i, at.i + n)]);
      at.i += n;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return out;
}

function readEventFile(path: string): ParsedEvent[] {
  const bytes = new Uint8Array(readFileSync(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const events: ParsedEvent[] = [];
  for (let i = 0; i < bytes.length; ) {
    const length = Number(view.getBigUint64(i, true));
    assert.equal(view.getUint32(i + 8, true), maskedCrc32c(bytes.subarray(i, i + 8)), "length CRC");
    const data = bytes.subarray(i + 12, i + 12 + length);
    assert.equal(view.getUint32(i + 12 + length, true), maskedCrc32c(data), "data CRC");
    i += 12 + length + 4;
    const event: ParsedEvent = { wallTime: 0, step: 0, scalars: {} };
    for (const [field, value] of fields(data)) {
      if (field === 1) event.wallTime = value as number;
      else if (field === 2) event.step = Number(value);
      else if (field === 3) event.fileVersion = new TextDecoder().decode(value as Uint8Array);
      else if (field === 5) {
        for (const [, v] of fields(value as Uint8Array)) {
          const parts = new Map(fields(v as Uint8Array));
          event.scalars[new TextDecoder().decode(parts.get(1) as Uint8Array)] = parts.get(2) as number;
        }
      }
    }
    events.push(event);
  }
  return events;
}

test("CRC-32C and TFRecord's mask match the published values", () => {
  assert.equal(crc32c(new TextEncoder().encode("123456789")), 0xe3069283); // the CRC-32C check value
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
  const crc = 0xe3069283;
  assert.equal(
    maskedCrc32c(new TextEncoder().encode("123456789")),
    ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0,
  );
});

test("an event file holds the version header and one event per step with its scalars", () => {
  const path = join(mkdtempSync(join(tmpdir(), "vlmcar-tb-")), "events.out.tfevents.0.test");
  const writer = new EventFileWriter(path);
  writer.create(1000.5);
  writer.scalars(2048, { "losses/policy_loss": -0.125, "charts/episodic_return": 0.75, skipped: null }, 1001);
  writer.scalars(4096, { "losses/policy_loss": Number.NaN }, 1002); // nothing finite: no event
  writer.scalars(10_000_000_000, { big: 3 }, 1003); // a step past 32 bits
  const events = readEventFile(path);
  assert.deepEqual(events, [
    { wallTime: 1000.5, step: 0, fileVersion: "brain.Event:2", scalars: {} },
    { wallTime: 1001, step: 2048, scalars: { "losses/policy_loss": -0.125, "charts/episodic_return": 0.75 } },
    { wallTime: 1003, step: 10_000_000_000, scalars: { big: 3 } },
  ]);
});

const tiny = (overrides: Partial<RunConfig> = {}): RunConfig => ({
  envId: "MiniGrid-DoorKey-5x5-v0",
  reward: { kind: "vlmcar", program: FIXTURE, shaping: "code", subtaskBonus: 5 },
  seed: 3,
  frames: 1024,
  ppo: { numEnvs: 4, numSteps: 64, epochs: 1, batchSize: 128, lr: 3e-4 },
  evaluation: { ...EVAL_DEFAULTS, every: 512, episodes: 2, finalEpisodes: 2 },
  checkpointEvery: 100,
  ...overrides,
});

/** metrics.csv without its timing columns (fps and milliseconds differ between two runs). */
function csvWithoutTimes(dir: string): string[][] {
  const [header, ...rows] = readFileSync(join(dir, LOG_FILES.updatesCsv), "utf8").trim().split("\n");
  const keep = header.split(",").map((c) => !/fps|_ms$/.test(c));
  return [header, ...rows].map((r) => r.split(",").filter((_, i) => keep[i]));
}

test("a run writes its full hyperparameters, metrics.csv, eval.csv and a TensorBoard file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vlmcar-logs-"));
  await executeRun(tiny(), dir);
  const manifest = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as RunManifest;
  assert.deepEqual(manifest.hyperparameters, {
    ...PPO_DEFAULTS,
    numEnvs: 4,
    numSteps: 64,
    epochs: 1,
    batchSize: 128,
    lr: 3e-4,
    seed: 3,
    totalFrames: 1024,
    evalEvery: 512,
    evalEpisodes: 2,
    evalGreedy: false,
    checkpointEvery: 100,
  });

  const updates = readFileSync(join(dir, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l))
    .filter((e) => e.type === "update");
  const csv = readFileSync(join(dir, LOG_FILES.updatesCsv), "utf8").trim().split("\n");
  const header = csv[0].split(",");
  assert.equal(csv.length, 1 + updates.length);
  const row = (i: number, column: string) => csv[1 + i].split(",")[header.indexOf(column)];
  updates.forEach((u, i) => {
    assert.equal(Number(row(i, "frames")), u.frames);
    assert.equal(Number(row(i, "policy_loss")), u.policyLoss);
    assert.equal(Number(row(i, "approx_kl")), u.approxKl);
  });
  const withBonus = updates.findIndex((u) => u.rewardComponents);
  assert.ok(withBonus >= 0, "episodes ended, so reward components were measured");
  assert.equal(
    Number(row(withBonus, "program_bonus_mean")),
    updates[withBonus].rewardComponents.programBonus,
  );
  assert.equal(readFileSync(join(dir, LOG_FILES.evalCsv), "utf8").trim().split("\n").length, 1 + 2);

  const events = readEventFile(join(dir, LOG_FILES.tensorboard));
  assert.equal(events[0].fileVersion, "brain.Event:2");
  const perUpdate = events.filter((e) => "losses/policy_loss" in e.scalars);
  assert.deepEqual(
    perUpdate.map((e) => e.step),
    updates.map((u) => u.frames),
  );
  assert.equal(perUpdate[0].scalars["losses/approx_kl"], Math.fround(updates[0].approxKl));
  assert.ok(perUpdate.some((e) => "reward/program_bonus" in e.scalars));
  assert.ok(events.some((e) => "eval/episodic_return" in e.scalars));
});

test("a resumed run's CSV and TensorBoard logs hold each update once, as an uninterrupted run's", async () => {
  const config = tiny({ checkpointEvery: 2, reward: { kind: "sparse" }, frames: 1280 });
  const whole = mkdtempSync(join(tmpdir(), "vlmcar-logs-"));
  await executeRun(config, whole);
  const cut = mkdtempSync(join(tmpdir(), "vlmcar-logs-"));
  class Killed extends Error {}
  await assert.rejects(
    executeRun(config, cut, {
      onUpdate: (s) => {
        if (s.update === 3) throw new Killed();
      },
    }),
    Killed,
  );
  assert.ok(existsSync(join(cut, LOG_FILES.tensorboard)));
  await executeRun(config, cut);
  assert.deepEqual(csvWithoutTimes(cut), csvWithoutTimes(whole));
  const steps = (dir: string) =>
    readEventFile(join(dir, LOG_FILES.tensorboard))
      .filter((e) => "losses/policy_loss" in e.scalars)
      .map((e) => [e.step, e.scalars["losses/policy_loss"]]);
  assert.deepEqual(steps(cut), steps(whole));
});
