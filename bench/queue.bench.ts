/**
 * What running an experiment through the job queue costs over running it locally.
 *
 *   npm run bench:queue [-- --frames 20480 --lines 2000]
 *
 * 1. End to end: one DoorKey-5x5 run (rl-starter-files' PPO defaults, 2,048 frames an update) trained by the
 *    local runner, then the same run through a Redis queue (a redis-server started here) with one worker slot
 *    in the coordinator's process. Both train in a child process, so the difference is what the queue adds:
 *    enqueueing, a worker taking the job, streaming every line and checkpoint, recording the result.
 * 2. Per streamed update: `--lines` realistic update lines written through the worker's gated write (one
 *    Lua call each, awaited in turn as the worker does) and read back and appended by a coordinator-style
 *    reader: the CPU time each line costs on each side. Neither side is the training process.
 * 3. Per checkpoint: one checkpoint of this run's size (params + Adam moments) plus its metrics log, stored.
 *
 * Training speed swings with the machine's load between the two runs, so the job overhead is the time spent
 * outside training (experiment wall time minus the run's own training time, from final.json), queued minus
 * local. The last line extrapolates to a 100k-frame run (49 updates, the default 20-update checkpoints, one
 * job) at the local run's frames/s: (job overhead + 49 × per-update + checkpoints) / its training time.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openRedis } from "../src/experiments/queue/connection.ts";
import { runExperimentOnQueue } from "../src/experiments/queue/coordinator.ts";
import { gatedWrite, parseEvents } from "../src/experiments/queue/protocol.ts";
import { RUN_FILES, runId } from "../src/experiments/run.ts";
import { runExperiment } from "../src/experiments/runner.ts";
import { expandSpec, parseExperimentSpec } from "../src/experiments/spec.ts";
import { startRedis } from "../test/experiments/queue/redis-server.ts";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const frames = arg("frames", 20_480);
const lines = arg("lines", 2000);
const TARGET_FRAMES = 100_000;

const redis = await startRedis();
const work = mkdtempSync(join(tmpdir(), "vlmcar-bench-queue-"));
try {
  const spec = (name: string) =>
    parseExperimentSpec({
      name,
      envs: ["MiniGrid-DoorKey-5x5-v0"],
      rewards: ["sparse"],
      seeds: [1],
      frames,
      checkpointEvery: 4,
    });
  const id = runId(expandSpec(spec("x"))[0]);

  let t = performance.now();
  const local = await runExperiment(spec("bench-local"), { dir: join(work, "local"), workers: 1 });
  const localWall = (performance.now() - t) / 1000;
  if (local.done !== 1) throw new Error(`local run failed: ${JSON.stringify(local.failed)}`);

  let enqueuedAt = 0;
  let startedAt = 0;
  let doneAt = 0;
  t = performance.now();
  const queued = await runExperimentOnQueue(spec("bench-queue"), {
    dir: join(work, "queue"),
    queue: redis.url,
    workers: 1,
    onNotice: (n) => {
      if (n.type === "queued") enqueuedAt = performance.now();
    },
    onEvent: (e) => {
      if (e.type === "start") startedAt = performance.now();
      if (e.type === "done") doneAt = performance.now();
    },
  });
  const returnedAt = performance.now();
  const queueWall = (returnedAt - t) / 1000;
  if (queued.done !== 1) throw new Error(`queued run failed: ${JSON.stringify(queued.failed)}`);
  const runLocal = JSON.parse(readFileSync(join(work, "local", "runs", id, RUN_FILES.final), "utf8"));
  const runQueued = JSON.parse(readFileSync(join(work, "queue", "runs", id, RUN_FILES.final), "utf8"));
  if (JSON.stringify(runQueued.finalEval) !== JSON.stringify(runLocal.finalEval))
    throw new Error("the queued run's final evaluation differs from the local run's");
  // Training speed swings with the machine's load; what the queue adds is the time outside training.
  const localOutside = localWall - runLocal.wallSeconds;
  const queuedOutside = queueWall - runQueued.wallSeconds;
  const updates = runLocal.updates as number;
  const localFps = frames / runLocal.wallSeconds;

  // Per streamed update, on a fresh stream.
  const writer = openRedis(redis.url);
  const reader = openRedis(redis.url);
  const metricsLines = readFileSync(join(work, "local", "runs", id, RUN_FILES.metrics), "utf8")
    .trim()
    .split("\n");
  const updateLine = metricsLines.find((l) => l.includes('"type":"update"')) as string;
  const keys = { owner: "bench:owner", events: "bench:events", checkpoint: "bench:ckpt" };
  await writer.set(keys.owner, "s");
  const cpu0 = process.cpuUsage();
  t = performance.now();
  for (let i = 0; i < lines; i++) {
    await gatedWrite(writer, keys, "s", { type: "update", run: "r", update: i + 1, data: updateLine });
  }
  const writeWallUs = ((performance.now() - t) * 1000) / lines;
  const writeCpuUs = (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / lines;
  const out = join(work, "lines.jsonl");
  const cpu1 = process.cpuUsage();
  t = performance.now();
  let last = "0";
  let read = 0;
  while (read < lines) {
    const reply = (await reader.xread("COUNT", 500, "STREAMS", keys.events, last)) as
      | [string, [string, string[]][]][]
      | null;
    if (!reply) break;
    for (const event of parseEvents(reply[0][1])) {
      JSON.parse(event.data);
      appendFileSync(out, `${event.data}\n`);
      last = event.id;
      read++;
    }
  }
  const readWallUs = ((performance.now() - t) * 1000) / lines;
  const readCpuUs = (process.cpuUsage(cpu1).user + process.cpuUsage(cpu1).system) / lines;

  // Per checkpoint: this run's checkpoint and metrics log.
  const checkpoint = readFileSync(join(work, "local", "runs", id, RUN_FILES.checkpoint));
  const log = readFileSync(join(work, "local", "runs", id, RUN_FILES.metrics));
  const reps = 20;
  t = performance.now();
  for (let i = 0; i < reps; i++) {
    await gatedWrite(
      writer,
      keys,
      "s",
      { type: "checkpoint", run: "r", update: i, data: "{}" },
      { checkpoint, log, update: i, frames: i, wallSeconds: 0 },
    );
    await reader.hgetBuffer(keys.checkpoint, "checkpoint");
  }
  const checkpointMs = (performance.now() - t) / reps;
  writer.disconnect();
  reader.disconnect();

  const jobOverhead = queuedOutside - localOutside;
  const targetUpdates = Math.ceil(TARGET_FRAMES / 2048);
  const targetCheckpoints = Math.floor(targetUpdates / 20) + 1;
  const targetSeconds = TARGET_FRAMES / localFps;
  const perUpdateS = (writeWallUs + readWallUs) / 1e6;
  const estimate =
    Math.max(0, jobOverhead) + targetUpdates * perUpdateS + targetCheckpoints * (checkpointMs / 1000);
  const rows: [string, string][] = [
    ["run", `${id}: ${frames} frames, ${updates} updates`],
    [
      "local: experiment / training",
      `${localWall.toFixed(2)} s / ${runLocal.wallSeconds.toFixed(2)} s (${localFps.toFixed(0)} frames/s)`,
    ],
    ["queued: experiment / training", `${queueWall.toFixed(2)} s / ${runQueued.wallSeconds.toFixed(2)} s`],
    [
      "outside training: local / queued",
      `${localOutside.toFixed(2)} s / ${queuedOutside.toFixed(2)} s: the queue adds ${jobOverhead.toFixed(2)} s a job`,
    ],
    [
      "enqueue → start event",
      `${((startedAt - enqueuedAt) / 1000).toFixed(2)} s (includes the child process start, as locally)`,
    ],
    ["done event → returned", `${((returnedAt - doneAt) / 1000).toFixed(2)} s`],
    ["per update: worker write", `${writeWallUs.toFixed(0)} µs wall, ${writeCpuUs.toFixed(0)} µs CPU`],
    [
      "per update: coordinator read+append",
      `${readWallUs.toFixed(0)} µs wall, ${readCpuUs.toFixed(0)} µs CPU`,
    ],
    [
      "per checkpoint (store + fetch)",
      `${checkpointMs.toFixed(1)} ms (${(checkpoint.length / 1024).toFixed(0)} KiB + log)`,
    ],
    [
      `estimate for a ${TARGET_FRAMES}-frame run`,
      `${estimate.toFixed(2)} s over ${targetSeconds.toFixed(0)} s = ${((100 * estimate) / targetSeconds).toFixed(2)}%`,
    ],
  ];
  for (const [k, v] of rows) console.log(`${k.padEnd(38)} ${v}`);
  console.log(
    JSON.stringify({
      bench: "queue",
      metrics: {
        "local_wall/s": localWall,
        "queued_wall/s": queueWall,
        "local_training/s": runLocal.wallSeconds,
        "queued_training/s": runQueued.wallSeconds,
        "job_overhead/s": jobOverhead,
        "update_stream_write/us": writeWallUs,
        "update_stream_read/us": readWallUs,
        "checkpoint_transfer/ms": checkpointMs,
        "overhead_100k_frames/percent": (100 * estimate) / targetSeconds,
      },
    }),
  );
} finally {
  await redis.stop();
  rmSync(work, { recursive: true, force: true });
}
