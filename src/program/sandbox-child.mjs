// The child process of SupervisedSandbox (supervised.ts): the second wall around the isolates.
//
// Plain JavaScript, so that the watchdog runs and the two FIFOs are open before anything else loads (the
// parent blocks in open() until this side has opened them). Then it loads the sandbox through tsx and
// answers requests one at a time. Whatever V8 does to this process (a fatal out-of-memory abort, a
// segfault, a deadlock the watchdog ends) the parent sees end-of-file, reports the check that was running,
// and starts a new child.
import { openSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { Worker } from "node:worker_threads";

// A thread of its own, so it runs while the main thread is blocked or deadlocked. It ends this process when
// the parent is gone (re-parented: nobody will read our answers), when a request runs past its deadline, or
// when a request makes no CPU progress for STALL_MS (V8 deadlocked after a fatal error; 0% CPU forever).
const WATCHDOG = `
const { workerData } = require("node:worker_threads");
const { rmSync, writeSync } = require("node:fs");
const state = new Float64Array(workerData.state);
const tick = new Int32Array(new SharedArrayBuffer(4));
const STALL_MS = 2000;
const die = (why) => {
  try { writeSync(2, "sandbox watchdog: " + why + "\\n"); } catch {}
  process.kill(process.pid, "SIGKILL");
};
let last = process.cpuUsage();
let stalledSince = 0;
for (;;) {
  Atomics.wait(tick, 0, 0, 250);
  if (process.ppid !== workerData.ppid) {
    // Nobody will clean up after us: the FIFOs and the frames file live in memory (/dev/shm).
    try { rmSync(workerData.dir, { recursive: true, force: true }); } catch {}
    die("the parent process is gone");
  }
  const now = Date.now();
  const cpu = process.cpuUsage();
  const usedMs = (cpu.user + cpu.system - last.user - last.system) / 1000;
  last = cpu;
  if (state[0] === 0) { stalledSince = 0; continue; }
  if (now > state[0]) die("a request ran past its deadline");
  if (usedMs > 2) stalledSince = 0;
  else if (stalledSince === 0) stalledSince = now;
  else if (now - stalledSince > STALL_MS) die("no CPU progress for " + STALL_MS / 1000 + " s during a request (V8 deadlocked)");
}
`;
const state = new Float64Array(new SharedArrayBuffer(8)); // [deadline of the request in flight (epoch ms), or 0]
const [requestPath, responsePath, framesPath] = process.argv.slice(2);
const dir = dirname(requestPath);
new Worker(WATCHDOG, { eval: true, workerData: { state: state.buffer, ppid: process.ppid, dir } }).unref();

const requests = openSync(requestPath, "r");
const responses = openSync(responsePath, "w");
const frames = openSync(framesPath, "r");

const { register } = await import("tsx/esm/api");
register();
const { serveSandboxes } = await import("./sandbox-server.ts");
serveSandboxes(requests, responses, frames, state);
// The parent closed its end: it is done, or dead and unable to remove the FIFOs and the frames file.
rmSync(dir, { recursive: true, force: true });
process.exit(0);
