/**
 * What running an experiment through the job queue costs over running it locally.
 *
 *   npm run bench:queue [-- --frames 20480 --repeat 2 --lines 2000]
 *
 * 1. End to end, `--repeat` times in alternating order: one DoorKey-5x5 run (rl-starter-files' PPO defaults,
 *    2,048 frames an update) trained by the local runner, and the same run through a Redis queue (a redis-server started here) with one worker slot
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
import { type RunnerEvent, runExperiment } from "../src/experiments/runner.ts";
import { expandSpec, parseExperimentSpec } from "../src/experiments/spec.ts";
import { startRedis } from "../test/experiments/queue/redis-server.ts";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const frames = arg("frames", 20_480);
const lines = arg("lines", 2000);
const repeat = arg("repeat", 2);
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

  interface Trial {
    /** Experiment wall time, the run's own training time (final.json), and the time to the run's start. */
    wall: number;
    training: number;
    toStart: number;
    /** From the run's done event to the experiment's return. */
    tail: number;
    finalEval: unknown;
  }
  const trial = async (mode: "local" | "queued", n: number): Promise<Trial> => {
    const dir = join(work, `${mode}-${n}`);
    const t = performance.now();
    let startAt = 0;
    let doneAt = 0;
    const onEvent = (e: RunnerEvent) => {
      if (e.type === "start") startAt = performance.now();
      if (e.type === "done") doneAt = performance.now();
    };
    const summary =
      mode === "local"
        ? await runExperiment(spec(`bench-${mode}-${n}`), { dir, workers: 1, onEvent })
        : await runExperimentOnQueue(spec(`bench-${mode}-${n}`), {
            dir,
            queue: redis.url,
            workers: 1,
            onEvent,
          });
    const end = performance.now();
    if (summary.done !== 1) throw new Error(`${mode} run failed: ${JSON.stringify(summary.failed)}`);
    const result = JSON.parse(readFileSync(join(dir, "runs", id, RUN_FILES.final), "utf8"));
    return {
      wall: (end - t) / 1000,
      training: result.wallSeconds,
      toStart: (startAt - t) / 1000,
      tail: (end - doneAt) / 1000,
      finalEval: result.finalEval,
    };
  };
  // Alternating (local, queued, queued, local, ...) so that neither mode always runs first, on colder caches.
  const trials: Record<"local" | "queued", Trial[]> = { local: [], queued: [] };
  for (let n = 0; n < repeat; n++) {
    const order: ("local" | "queued")[] = n % 2 === 0 ? ["local", "queued"] : ["queued", "local"];
    for (const mode of order) trials[mode].push(await trial(mode, n));
  }
  for (const q of trials.queued) {
    if (JSON.stringify(q.finalEval) !== JSON.stringify(trials.local[0].finalEval))
      throw new Error("a queued run's final evaluation differs from the local run's");
  }
  // Training speed swings with the machine's load; what the queue adds is the time outside training.
  const outside = (x: Trial) => x.wall - x.training;
  const best = (list: Trial[]) => list.reduce((a, b) => (outside(b) < outside(a) ? b : a));
  const localBest = best(trials.local);
  const queuedBest = best(trials.queued);
  const localOutside = outside(localBest);
  const queuedOutside = outside(queuedBest);
  const localTraining = Math.min(...trials.local.map((x) => x.training));
  const localFps = frames / localTraining;
  const updates = Math.ceil(frames / 2048);
  const localRunDir = join(work, "local-0", "runs", id);

  // Per streamed update, on a fresh stream.
  const writer = openRedis(redis.url);
  const reader = openRedis(redis.url);
  const metricsLines = readFileSync(join(localRunDir, RUN_FILES.metrics), "utf8").trim().split("\n");
  const updateLine = metricsLines.find((l) => l.includes('"type":"update"')) as string;
  const keys = { owner: "bench:owner", events: "bench:events", checkpoint: "bench:ckpt" };
  await writer.set(keys.owner, "s");
  const cpu0 = process.cpuUsage();
  let t = performance.now();
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
  const checkpoint = readFileSync(join(localRunDir, RUN_FILES.checkpoint));
  const log = readFileSync(join(localRunDir, RUN_FILES.metrics));
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
  const fmt = (x: Trial) => `${x.wall.toFixed(2)} s / ${x.training.toFixed(2)} s`;
  const rows: [string, string][] = [
    ["run", `${id}: ${frames} frames, ${updates} updates, best of ${repeat} by time outside training`],
    ["local: experiment / training", `${fmt(localBest)} (${localFps.toFixed(0)} frames/s at best)`],
    ["queued: experiment / training", fmt(queuedBest)],
    [
      "outside training: local / queued",
      `${localOutside.toFixed(2)} s / ${queuedOutside.toFixed(2)} s: the queue adds ${jobOverhead.toFixed(2)} s a job`,
    ],
    [
      "to the run's start: local / queued",
      `${localBest.toStart.toFixed(2)} s / ${queuedBest.toStart.toFixed(2)} s (both start a child process)`,
    ],
    [
      "from done to returned: local / queued",
      `${localBest.tail.toFixed(2)} s / ${queuedBest.tail.toFixed(2)} s`,
    ],
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
        "local_wall/s": localBest.wall,
        "queued_wall/s": queuedBest.wall,
        "local_training/s": localBest.training,
        "queued_training/s": queuedBest.training,
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
