import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { EVAL_DEFAULTS, executeRun, type RunConfig } from "../../src/experiments/run.ts";
import { lockRunFolder, RUN_LOCK_FILE, RunLockedError } from "../../src/experiments/run-lock.ts";

/** A live process that is not us, ending after `ms`. */
function liveProcess(ms: number) {
  const child = spawn(process.execPath, ["-e", `setTimeout(() => {}, ${ms})`], { stdio: "ignore" });
  const exited = new Promise<number>((resolve) => child.on("exit", () => resolve(Date.now())));
  return { pid: child.pid as number, exited };
}

test("a run folder held by a live process is waited for, then trained; a dead holder's lock is taken over", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vlmcar-lock-"));
  // As after a kill -9 of the runner: its orphan worker still holds the folder for a moment.
  const orphan = liveProcess(1500);
  writeFileSync(join(dir, RUN_LOCK_FILE), `${orphan.pid}\n`);
  const config: RunConfig = {
    envId: "MiniGrid-Empty-5x5-v0",
    reward: { kind: "sparse" },
    seed: 1,
    frames: 256,
    ppo: { numEnvs: 4, numSteps: 64, epochs: 1, batchSize: 128 },
    evaluation: { ...EVAL_DEFAULTS, every: 0, finalEpisodes: 1 },
    checkpointEvery: 1,
  };
  let startedAt = 0;
  await executeRun(config, dir, { onStart: () => (startedAt = Date.now()) });
  assert.ok(startedAt >= (await orphan.exited), "training started only after the holder was gone");
  assert.ok(!existsSync(join(dir, RUN_LOCK_FILE)), "the lock is released at the end");

  // A lock left by a process that no longer exists does not block anything.
  const dead = liveProcess(0);
  await dead.exited;
  const other = mkdtempSync(join(tmpdir(), "vlmcar-lock-"));
  writeFileSync(join(other, RUN_LOCK_FILE), `${dead.pid}\n`);
  const release = await lockRunFolder(other, 0);
  release();
});

test("a folder held longer than the wait is a clear error naming the process", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vlmcar-lock-"));
  mkdirSync(dir, { recursive: true });
  const holder = liveProcess(5000);
  writeFileSync(join(dir, RUN_LOCK_FILE), `${holder.pid}\n`);
  await assert.rejects(
    lockRunFolder(dir, 200),
    (e: Error) => e instanceof RunLockedError && e.message.includes(`process ${holder.pid}`),
  );
  process.kill(holder.pid);
});
