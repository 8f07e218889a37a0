/**
 * Experiments on a real job queue: a Debian redis-server on 127.0.0.1 (started here on a free port), BullMQ,
 * and real `vlmcar worker` processes. Nothing is mocked. The runs are tiny (16 PPO updates of 128 frames on
 * MiniGrid-Empty-5x5) and every queued experiment is compared with the same spec run locally: same seeds,
 * same metrics (everything but wall-clock figures), same evaluations in the store, same trained parameters.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { runExperimentOnQueue } from "../../../src/experiments/queue/coordinator.ts";
import { codeFingerprint } from "../../../src/experiments/queue/fingerprint.ts";
import { jobId, QUEUE_NAME, type RunJobData } from "../../../src/experiments/queue/protocol.ts";
import { queueStatus } from "../../../src/experiments/queue/status.ts";
import { RUN_FILES, runId } from "../../../src/experiments/run.ts";
import { type RunnerEvent, runExperiment } from "../../../src/experiments/runner.ts";
import { type ExperimentSpecInput, expandSpec, parseExperimentSpec } from "../../../src/experiments/spec.ts";
import { ResultsStore } from "../../../src/experiments/store.ts";
import { parseCheckpoint } from "../../../src/rl/checkpoint.ts";
import { freePort, type RedisServer, startRedis } from "./redis-server.ts";

const ROOT = join(import.meta.dirname, "../../..");
const CLI = join(ROOT, "src/cli/main.ts");

const SPEC: ExperimentSpecInput = {
  name: "queue-test",
  envs: ["MiniGrid-Empty-5x5-v0"],
  rewards: ["sparse"],
  seeds: 2,
  frames: 2048,
  // 128 frames per update: 16 updates per run, checkpoints every 2, evaluations every 2.
  ppo: { numEnvs: 4, numSteps: 32, epochs: 2, batchSize: 64 },
  evaluation: { every: 256, episodes: 2, finalEpisodes: 3 },
  checkpointEvery: 2,
};
const specNamed = (name: string) => parseExperimentSpec({ ...SPEC, name });

let redis: RedisServer;
let work: string;
let reference: string;

before(async () => {
  redis = await startRedis();
  work = mkdtempSync(join(tmpdir(), "vlmcar-queue-test-"));
  reference = join(work, "local");
  const local = await runExperiment(specNamed("local"), { dir: reference, workers: 2 });
  assert.equal(local.done, 2, JSON.stringify(local.failed));
});

after(async () => {
  await redis?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface WorkerProcess {
  child: ChildProcess;
  name: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `vlmcar worker` and resolves once it listens for jobs. */
async function startWorker(name: string, args: string[] = []): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", CLI, "worker", "--queue", redis.url, "--name", name, "--lock-seconds", "2", ...args],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TMPDIR: work } },
  );
  let output = "";
  child.stdout?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!output.includes("takes runs from")) {
    if (child.exitCode !== null) throw new Error(`worker ${name} exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`worker ${name} did not start:\n${output}`);
    await sleep(100);
  }
  return { child, name, output: () => output, exited };
}

async function stopWorker(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill("SIGTERM");
  await worker.exited;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The queue's view of an experiment once BullMQ has settled its jobs: the coordinator returns as soon as it
 * has the workers' done or failed events, a moment before BullMQ moves the jobs to completed or failed.
 */
async function settledStatus(experimentId: string) {
  let status = await queueStatus(redis.url, { experiment: experimentId });
  for (let i = 0; i < 100 && status.some((s) => s.state === "active" || s.state === "waiting"); i++) {
    await sleep(100);
    status = await queueStatus(redis.url, { experiment: experimentId });
  }
  return status;
}

/** A run folder's metrics log without its wall-clock figures (fps, time): what training determines. */
function metrics(dir: string): Record<string, unknown>[] {
  return readFileSync(join(dir, RUN_FILES.metrics), "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const { fps: _fps, time: _time, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return rest;
    });
}

/** Asserts that the queued experiment in `dir` holds exactly what the local reference holds. */
function assertSameAsLocal(dir: string): void {
  const ids = expandSpec(specNamed("x")).map(runId);
  const queued = new ResultsStore(join(dir, "results.sqlite"), { readOnly: true });
  const local = new ResultsStore(join(reference, "results.sqlite"), { readOnly: true });
  try {
    for (const id of ids) {
      const a = queued.run(id);
      const b = local.run(id);
      assert.equal(a?.status, "done", `${id}: ${a?.error}`);
      const got = metrics(join(dir, "runs", id));
      const want = metrics(join(reference, "runs", id));
      // Every update and evaluation once, in order: nothing missing, nothing twice.
      assert.deepEqual(
        got.filter((e) => e.type === "update").map((e) => e.update),
        Array.from({ length: 16 }, (_, i) => i + 1),
      );
      assert.deepEqual(
        got.filter((e) => e.type === "eval").map((e) => e.update),
        [2, 4, 6, 8, 10, 12, 14, 16],
      );
      assert.deepEqual(got, want, `${id}: the metrics log differs from the local run's`);
      assert.deepEqual(queued.evals(id), local.evals(id));
      assert.deepEqual(a?.final?.finalEval, b?.final?.finalEval);
      assert.equal(a?.final?.updates, 16);
      const params = (d: string) =>
        parseCheckpoint(readFileSync(join(d, "runs", id, RUN_FILES.checkpoint)), id).arrays.params;
      assert.deepEqual(params(dir), params(reference), `${id}: trained parameters differ`);
      assert.ok(existsSync(join(dir, "runs", id, RUN_FILES.config)));
    }
  } finally {
    queued.close();
    local.close();
  }
}

test("two workers on other processes give the same store as a local run", async () => {
  const a = await startWorker("wa");
  const b = await startWorker("wb");
  try {
    const dir = join(work, "two-workers");
    const events: RunnerEvent[] = [];
    const summary = await runExperimentOnQueue(specNamed("two-workers"), {
      dir,
      queue: redis.url,
      onEvent: (e) => events.push(e),
    });
    assert.equal(summary.done, 2, JSON.stringify(summary.failed));
    const workers = new Set(events.flatMap((e) => (e.type === "start" ? [e.worker] : [])));
    assert.deepEqual([...workers].sort(), ["wa", "wb"], "each worker trained one run");
    assert.ok(
      events.some((e) => e.type === "update"),
      "updates are streamed back as they happen",
    );
    assertSameAsLocal(dir);

    const status = await settledStatus(summary.experimentId);
    assert.deepEqual(
      status.map((s) => [s.state, s.worker !== null]),
      [
        ["finished", true],
        ["finished", true],
      ],
    );
  } finally {
    await stopWorker(a);
    await stopWorker(b);
  }
});

test("a worker killed with SIGKILL mid-run: the other resumes from its last checkpoint, nothing lost or doubled", async () => {
  const a = await startWorker("victim");
  const b = await startWorker("survivor");
  try {
    const dir = join(work, "sigkill");
    const events: RunnerEvent[] = [];
    const onVictim = new Set<string>();
    let killedRun: string | null = null;
    const summary = await runExperimentOnQueue(specNamed("sigkill"), {
      dir,
      queue: redis.url,
      onEvent: (e) => {
        events.push(e);
        if (e.type === "start" && e.worker === "victim") onVictim.add(e.runId);
      },
      onNotice: (n) => {
        // Kill the victim once it has sent a checkpoint past the first one, while it still trains.
        if (
          n.type === "checkpoint" &&
          n.update >= 4 &&
          n.update < 12 &&
          onVictim.has(n.runId) &&
          !killedRun
        ) {
          killedRun = n.runId;
          a.child.kill("SIGKILL");
        }
      },
    });
    assert.ok(killedRun, "the victim was killed mid-run");
    assert.equal(summary.done, 2, JSON.stringify(summary.failed));
    const resumed = events.find(
      (e) => e.type === "start" && e.runId === killedRun && e.worker === "survivor",
    );
    assert.ok(resumed?.type === "start" && resumed.resumed && resumed.frames >= 512, JSON.stringify(resumed));
    assertSameAsLocal(dir);
  } finally {
    await stopWorker(a);
    await stopWorker(b);
  }
});

test("a worker stopped with SIGTERM puts its run back at once and another resumes it", async () => {
  const first = await startWorker("leaving");
  let second: Promise<WorkerProcess> | undefined;
  try {
    const events: RunnerEvent[] = [];
    const spec = parseExperimentSpec({ ...SPEC, name: "sigterm", seeds: [0] });
    let returned: Awaited<ReturnType<typeof queueStatus>>[number] | undefined;
    const summary = await runExperimentOnQueue(spec, {
      dir: join(work, "sigterm"),
      queue: redis.url,
      onEvent: (e) => {
        events.push(e);
        if (e.type === "update" && e.frames >= 512 && !second) {
          first.child.kill("SIGTERM");
          second = first.exited.then(async () => {
            [returned] = await queueStatus(redis.url, { experiment: "sigterm" });
            return startWorker("arriving", ["--lock-seconds", "60"]);
          });
        }
      },
    });
    assert.equal(summary.done, 1, JSON.stringify(summary.failed));
    const starts = events.filter((e) => e.type === "start");
    assert.deepEqual(
      starts.map((e) => e.type === "start" && [e.worker, e.resumed]),
      [
        ["leaving", false],
        ["arriving", true],
      ],
    );
    assert.match(first.output(), /stopping/);
    assert.equal(returned?.state, "waiting", "the stopped worker put the job back before it exited");
    // The second worker's lock is 60 s: the job came back because the first one returned it, not by expiry.
    const [status] = await settledStatus(summary.experimentId);
    assert.equal(status.state, "finished");
    assert.equal(status.worker, "arriving");
  } finally {
    await stopWorker(first);
    if (second) await stopWorker(await second);
  }
});

test("a coordinator killed and started again records what finished meanwhile without training it again", async () => {
  const dir = join(work, "restart");
  const specFile = join(work, "restart-spec.json");
  writeFileSync(specFile, JSON.stringify({ ...SPEC, name: "restart" }));
  const worker = await startWorker("steady");
  const coordinate = () =>
    spawn(
      process.execPath,
      ["--import", "tsx", CLI, "experiment", "--spec", specFile, "--queue", redis.url, "--out", dir],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
  try {
    const first = coordinate();
    let log = "";
    first.stderr?.on("data", (c: Buffer) => {
      log += c.toString();
    });
    const firstExit = new Promise((resolve) => first.once("exit", resolve));
    const deadline = Date.now() + 120_000;
    while (!/^done /m.test(log)) {
      assert.ok(Date.now() < deadline && first.exitCode === null, `no run finished:\n${log}`);
      await sleep(100);
    }
    first.kill("SIGKILL");
    await firstExit;

    // The worker goes on with the second run while no coordinator listens.
    const experiment = JSON.parse(readFileSync(join(dir, "spec.json"), "utf8")).name as string;
    assert.equal(experiment, "restart");
    while ((await queueStatus(redis.url, { experiment: "restart" })).some((s) => s.state !== "finished")) {
      assert.ok(Date.now() < deadline + 120_000, "the queue never finished");
      await sleep(250);
    }

    const second = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        CLI,
        "experiment",
        "--spec",
        specFile,
        "--queue",
        redis.url,
        "--out",
        dir,
        "--json",
      ],
      { cwd: ROOT, encoding: "utf8", timeout: 120_000 },
    );
    assert.equal(second.status, 0, second.stderr);
    const summary = JSON.parse(second.stdout.trim().split("\n").at(-1) as string);
    assert.equal(summary.runs, 2);
    assert.equal(summary.failed.length, 0);
    // Each run was trained once, by one session: no restart, no resume.
    assert.equal(worker.output().match(/^start {2}/gm)?.length, 2, worker.output());
    assert.equal(worker.output().match(/^resume /gm), null, worker.output());
    assertSameAsLocal(dir);
  } finally {
    await stopWorker(worker);
  }
});

test("a broken program is refused before anything is queued; a run that throws fails once, with its error recorded, and is not retried", async () => {
  const broken = join(work, "broken-program.json");
  // Valid JSON, but its check does not compile: the coordinator checks every program before it queues a run.
  writeFileSync(
    broken,
    JSON.stringify({
      format: "vlmcar.program/1",
      task: {},
      helpers: "",
      subtasks: [{ name: "half", description: "cut short", code: "(frame, first) => {" }],
      goal: { description: "never", code: "(frame, first) => false" },
      provenance: { source: "fixture" },
    }),
  );
  const refused = parseExperimentSpec({
    ...SPEC,
    name: "broken",
    seeds: [0],
    rewards: [{ kind: "vlmcar", program: broken }],
  });
  await assert.rejects(
    runExperimentOnQueue(refused, { dir: join(work, "broken"), queue: redis.url }),
    (error: Error) => error.name === "ExperimentError" && /half/.test(error.message),
  );
  assert.equal(existsSync(join(work, "broken", "results.sqlite")), false, "nothing was written or queued");

  // A failure only the worker can meet: an env id no process has registered (the spec does not check ids).
  const worker = await startWorker("careful");
  try {
    const spec = parseExperimentSpec({ ...SPEC, name: "throws", seeds: [0], envs: ["MiniGrid-Nowhere-v0"] });
    const summary = await runExperimentOnQueue(spec, { dir: join(work, "throws"), queue: redis.url });
    assert.equal(summary.failed.length, 1);
    assert.match(summary.failed[0].error, /Nowhere/, "the error names what failed");
    const store = new ResultsStore(summary.db, { readOnly: true });
    const run = store.run(summary.failed[0].runId);
    store.close();
    assert.equal(run?.status, "failed");
    assert.match(String(run?.error), /Nowhere/);
    const [status] = await settledStatus(summary.experimentId);
    assert.equal(status.state, "failed");
    assert.equal(status.attempts, 1, "a deterministic failure is not retried");
    assert.equal(status.worker, "careful");
    assert.equal(worker.output().match(/^failed /gm)?.length, 1, worker.output());
  } finally {
    await stopWorker(worker);
  }
});

test("a worker refuses a job made with another code version or program hash, saying which", async () => {
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue<RunJobData>(QUEUE_NAME, { connection });
  try {
    const [config] = expandSpec(specNamed("refuse"));
    const id = runId(config);
    const code = { ...codeFingerprint(), source: "0".repeat(64), commit: "1".repeat(40) };
    await queue.add(
      id,
      { experimentId: "refuse-code", runId: id, config, programJson: null, programHash: null, code },
      {
        jobId: jobId("refuse-code", id),
      },
    );
    const stale = await startWorker("stale");
    assert.equal(await stale.exited, 2, stale.output());
    assert.match(stale.output(), /code version differs/);
    assert.match(stale.output(), /commit 111111111111/);
    const job = await queue.getJob(jobId("refuse-code", id));
    assert.ok(
      ["delayed", "waiting"].includes(String(await job?.getState())),
      "the job waits for another worker",
    );
    await job?.remove();

    const program = readFileSync(join(ROOT, "test/experiments/doorkey-fixture.json"), "utf8");
    const vlmcar = {
      ...config,
      envId: "MiniGrid-DoorKey-5x5-v0",
      reward: { kind: "vlmcar" as const, program: "/elsewhere/program.json" },
    };
    await queue.add(
      id,
      {
        experimentId: "refuse-program",
        runId: id,
        config: vlmcar,
        programJson: program,
        programHash: "ab".repeat(32),
        code: codeFingerprint(),
      },
      { jobId: jobId("refuse-program", id) },
    );
    const other = await startWorker("other");
    assert.equal(await other.exited, 2, other.output());
    assert.match(other.output(), /program hash differs/);
    assert.match(other.output(), /abababababab/);
    await (await queue.getJob(jobId("refuse-program", id)))?.remove();
  } finally {
    await queue.close();
    connection.disconnect();
  }
});

test("an unreachable Redis is a clear error naming its URL", async () => {
  const url = `redis://127.0.0.1:${await freePort()}`;
  for (const args of [
    ["worker", "--queue", url],
    ["queue", "status", "--queue", url],
    [
      "experiment",
      "--envs",
      "MiniGrid-Empty-5x5-v0",
      "--frames",
      "128",
      "--queue",
      url,
      "--out",
      join(work, "nowhere"),
    ],
  ]) {
    const run = spawnSync(process.execPath, ["--import", "tsx", CLI, ...args], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(run.status, 2, `${args[0]}: ${run.stderr}`);
    assert.match(run.stderr, new RegExp(`cannot reach the queue's Redis server at ${url}`));
  }
});
