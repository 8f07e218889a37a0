/**
 * The second wall: ProgramSandboxes in a supervised child process, behind the same synchronous API.
 *
 * An isolate cannot protect its host from everything V8 does: a fatal out-of-memory (a Map or an array grown
 * past V8's own size limits) aborts the whole process, whatever isolated-vm's memory limit says. So the
 * programs that are not yet trusted (verification, the probes of generation) run in one child process
 * (sandbox-child.mjs) that holds their sandboxes. The host talks to it over two FIFOs with blocking reads
 * and writes, one request per batch of frames, so batching keeps its speed. When the child dies, the call
 * in flight becomes a ProgramError-shaped fatal error naming the check and the cause (narrowed down by
 * re-running the batch frame by frame and check by check in fresh children), and the next call starts a new
 * child; other programs' sandboxes reopen in it on their next call.
 *
 * Training keeps the in-process ProgramSandbox: each training run already is a worker process whose death
 * the experiment runner reports, and one frame per call is the case where the extra copy would cost most.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writevSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Frame } from "../image/frame.ts";
import { type CheckError, checkErrors, ProgramError, progressTerm } from "./errors.ts";
import { checkNames, programHash, type RewardProgram } from "./program.ts";
import { CHECK_ERROR, CHECK_NOT_RUN, CheckResults } from "./results.ts";
import {
  type EvaluateOptions,
  ProgramSandbox,
  type Sandbox,
  SandboxError,
  type SandboxOptions,
} from "./sandbox.ts";
import { readMessage, writeMessage } from "./sandbox-server.ts";

const CHILD = fileURLToPath(new URL("./sandbox-child.mjs", import.meta.url));

/** Where programs run: in a supervised child process (the default for untrusted programs) or in this one. */
export type Isolation = "process" | "in-process";

/** A running child and its two FIFOs. */
interface Child {
  process: ChildProcess;
  requests: number;
  responses: number;
  /** The frames of the request in flight: a file in memory (tmpfs), written with one call, read with one. */
  frames: number;
  dir: string;
  stderrPath: string;
  /** Incremented for every new child, so sandboxes know when they must reopen. */
  generation: number;
}

let child: Child | null = null;
let generations = 0;
let nextId = 1;

function startChild(): Child {
  // /dev/shm is memory on Linux: the frames file never touches a disk.
  const dir = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "vlmcar-sandbox-"));
  const requestPath = join(dir, "requests");
  const responsePath = join(dir, "responses");
  const framesPath = join(dir, "frames");
  execFileSync("mkfifo", [requestPath, responsePath]);
  const frames = openSync(framesPath, "w+");
  const stderrPath = join(dir, "stderr");
  const stderr = openSync(stderrPath, "w");
  const proc = spawn(process.execPath, [CHILD, requestPath, responsePath, framesPath], {
    stdio: ["ignore", "ignore", stderr],
  });
  closeSync(stderr);
  proc.unref();
  // Opening a FIFO blocks until the other side opens it; the child opens both first thing.
  const requests = openSync(requestPath, "w");
  const responses = openSync(responsePath, "r");
  generations++;
  return { process: proc, requests, responses, frames, dir, stderrPath, generation: generations };
}

function stopChild(c: Child): string {
  if (child === c) child = null;
  for (const fd of [c.requests, c.responses, c.frames]) {
    try {
      closeSync(fd);
    } catch {}
  }
  try {
    c.process.kill("SIGKILL");
  } catch {}
  let last = "";
  try {
    last = readFileSync(c.stderrPath, "utf8").slice(-4000);
  } catch {}
  rmSync(c.dir, { recursive: true, force: true });
  return last;
}

process.once("exit", () => {
  if (child) stopChild(child);
});

/** One request to the child; null when the child died before answering (it is then stopped). */
function request(
  header: Record<string, unknown>,
  payload: readonly Uint8Array[] = [],
): { header: Record<string, unknown>; payload: Buffer; cpuMs: number } | { died: string } {
  child ??= startChild();
  const c = child;
  try {
    let bytes = 0;
    if (payload.length > 0) {
      // writev takes at most 1024 buffers at a time (IOV_MAX).
      for (let at = 0; at < payload.length; at += 1024)
        bytes += writevSync(c.frames, payload.slice(at, at + 1024), bytes);
    }
    writeMessage(c.requests, { ...header, frameBytes: bytes });
    const answer = readMessage(c.responses);
    if (answer !== null) {
      const cpuMs = typeof answer.header.cpuMs === "number" ? answer.header.cpuMs : 0;
      return { ...answer, cpuMs };
    }
  } catch {}
  const stderr = stopChild(c);
  return { died: describeDeath(c.process, stderr) };
}

function describeDeath(proc: ChildProcess, stderr: string): string {
  // The exit status is known only once Node reaped the child; the stderr tail usually says what happened.
  const how = proc.signalCode ? `was killed by ${proc.signalCode}` : "died";
  const watchdog = /sandbox watchdog: (.*)/.exec(stderr)?.[1];
  const oom =
    /Fatal JavaScript|out of memory|heap limit|Allocation failed|invalid table size|Last few GCs|JS stacktrace/i;
  const what = oom.test(stderr)
    ? `V8 ran out of memory${watchdog ? ` and then ${watchdog}` : " and aborted the process"}`
    : watchdog
      ? `its watchdog ended it: ${watchdog}`
      : stderr
        ? `its last output: ${stderr.slice(0, 300)}`
        : "no output";
  return `the sandbox process ${how} (${what})`;
}

/** The process id of the current sandbox child, or undefined when none runs (for tests and benchmarks). */
export function sandboxChildPid(): number | undefined {
  return child?.process.pid;
}

/** The CPU time the sandbox child processes spent on requests so far, in ms (benchmarks add it to their own). */
export function sandboxChildCpuMs(): number {
  return childCpu;
}
let childCpu = 0;

/**
 * A ProgramSandbox in the supervised child process: same constructor errors (ProgramError), same
 * `evaluate` results; a crash of the child is a fatal `isolate-crashed` error naming the check.
 */
export class SupervisedSandbox implements Sandbox {
  readonly checkNames: readonly string[];
  readonly hash: string;
  readonly progressTerms: readonly boolean[];
  private reopens = 0;
  private childRestarts = 0;
  private readonly id = nextId++;
  private openIn = 0;
  private firstSent: Frame | null = null;
  private isDisposed = false;

  constructor(
    readonly program: RewardProgram,
    readonly options: SandboxOptions = {},
  ) {
    this.checkNames = checkNames(program);
    this.hash = programHash(program);
    this.progressTerms = program.subtasks.map((s) => s.progress !== undefined);
    const opened = this.open();
    if (opened !== undefined) throw new ProgramError(opened);
  }

  get disposed(): boolean {
    return this.isDisposed;
  }

  /** Isolate restarts inside the child plus reopenings in a new child after one died. */
  get restarts(): number {
    return this.reopens + this.childRestarts;
  }

  evaluate(frames: readonly Frame[], first: Frame, options: EvaluateOptions = {}): CheckResults {
    if (this.isDisposed)
      throw new SandboxError("evaluate() called after dispose(); create a new SupervisedSandbox");
    for (const [i, f] of [first, ...frames].entries()) {
      if (f.width !== first.width || f.height !== first.height || f.data.length !== f.width * f.height * 3) {
        throw new SandboxError(
          `frame ${i - 1} is ${f.width}x${f.height} (${f.data.length} bytes) but first is ${first.width}x${first.height}; ` +
            "every frame of a batch must be an RGB frame of the first frame's size",
        );
      }
    }
    const outcome = this.call(frames, first, options);
    if ("results" in outcome) return outcome.results;
    return this.narrow(frames, first, options, outcome.died);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    if (child !== null && this.openIn === child.generation) request({ op: "close", id: this.id });
  }

  /** Opens the program in the current child; compile errors, or undefined when it compiled. */
  private open(): CheckError[] | undefined {
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = request({
        op: "open",
        id: this.id,
        program: this.program,
        options: this.options,
        allowMs: 60_000,
      });
      if ("died" in answer) {
        if (attempt === 1)
          return [checkErrors.isolateCrashed("helpers", `${answer.died} while compiling the program`)];
        continue;
      }
      childCpu += answer.cpuMs;
      if (answer.header.ok !== true) {
        if (Array.isArray(answer.header.errors)) return answer.header.errors as CheckError[];
        throw new SandboxError(`the sandbox process failed: ${String(answer.header.failure)}`);
      }
      this.openIn = child?.generation ?? 0;
      this.firstSent = null;
      return undefined;
    }
    return undefined;
  }

  /** One evaluate in the child; the results, or how the child died. */
  private call(
    frames: readonly Frame[],
    first: Frame,
    options: EvaluateOptions,
  ): { results: CheckResults } | { died: string } {
    if (child === null || this.openIn !== child.generation) {
      this.reopens++;
      this.childRestarts = 0;
      const errors = this.open();
      if (errors !== undefined) {
        // It compiled before; failing now is the sandbox's fault, not a new compile error.
        return { died: errors.map((e) => e.message).join(" ") };
      }
    }
    const firstChanged = this.firstSent !== first;
    const timeLimitMs = this.options.timeLimitMs ?? 100;
    // Far beyond what the sandbox's own watchdog and its busy-machine retries allow; the deadline only ends
    // a child that no longer answers (the stall detection usually does so sooner).
    const allowMs = 10_000 + 40 * (timeLimitMs * frames.length + (this.options.warmupMs ?? 1000));
    const payload = [...(firstChanged ? [first.data] : []), ...frames.map((f) => f.data)];
    const answer = request(
      {
        op: "evaluate",
        id: this.id,
        width: first.width,
        height: first.height,
        firstChanged,
        latchFrom: options.latchFrom,
        reverseChecks: options.reverseChecks,
        termOnly: options.termOnly,
        allowMs,
      },
      payload,
    );
    if ("died" in answer) {
      this.firstSent = null;
      return answer;
    }
    childCpu += answer.cpuMs;
    const h = answer.header;
    if (h.ok !== true) throw new SandboxError(`the sandbox process failed: ${String(h.failure)}`);
    this.firstSent = first;
    if (typeof h.restarts === "number") this.childRestarts = h.restarts;
    const valueBytes = frames.length * this.checkNames.length;
    const values = new Uint8Array(answer.payload.subarray(0, valueBytes));
    // Copied into a buffer of its own: float64 views need 8-byte alignment.
    const progress =
      h.progress === true
        ? new Float64Array(Uint8Array.from(answer.payload.subarray(valueBytes)).buffer)
        : undefined;
    return {
      results: new CheckResults(
        this.checkNames,
        frames.length,
        values,
        h.completed as number,
        h.errors as CheckError[],
        (h.fatal as CheckError | undefined) ?? undefined,
        progress,
      ),
    };
  }

  /**
   * The child died on this batch. Runs it again frame by frame to find the frame, then that frame with each
   * check first (from the goal backwards) to find the check, each time in a fresh child when it dies again.
   */
  private narrow(
    frames: readonly Frame[],
    first: Frame,
    options: EvaluateOptions,
    died: string,
  ): CheckResults {
    const n = this.checkNames.length;
    const values = new Uint8Array(frames.length * n).fill(CHECK_NOT_RUN);
    const withTerms = this.progressTerms.includes(true);
    const progress = withTerms ? new Float64Array(frames.length * (n - 1)).fill(Number.NaN) : undefined;
    const errors = new Map<string, CheckError>();
    const key = (e: CheckError) => `${e.term ?? "check"}:${e.check}`;
    let frame = -1;
    let cause = died;
    let completed = 0;
    for (let k = 0; k < frames.length; k++) {
      const outcome = this.call([frames[k]], first, options);
      if ("died" in outcome) {
        frame = k;
        cause = outcome.died;
        break;
      }
      values.set(outcome.results.values, k * n);
      if (progress && outcome.results.progress) progress.set(outcome.results.progress, k * (n - 1));
      for (const e of outcome.results.errors) {
        const previous = errors.get(key(e));
        errors.set(
          key(e),
          previous ? { ...previous, count: (previous.count ?? 1) + (e.count ?? 1) } : { ...e, frameIndex: k },
        );
      }
      const fatal = outcome.results.fatal;
      if (fatal) {
        // Run alone, the frame ended in a timeout or memory error: that check, and both causes.
        values[k * n + Math.max(0, this.checkNames.indexOf(fatal.check))] = CHECK_ERROR;
        return new CheckResults(
          this.checkNames,
          frames.length,
          values,
          k,
          [...errors.values()],
          checkErrors.isolateCrashed(
            fatal.check,
            `${died}; run again on its own, the frame gave: ${atFrame(fatal, k).message}`,
            k,
          ),
          progress,
        );
      }
      completed = k + 1;
    }
    if (frame === -1) {
      // The batch as a whole crashed the child but no frame alone does: report the crash, keep the rerun.
      return new CheckResults(
        this.checkNames,
        frames.length,
        values,
        completed,
        [...errors.values()],
        checkErrors.isolateCrashed(
          this.checkNames[0],
          `${died}; rerun frame by frame, no single frame crashed it`,
          0,
        ),
        progress,
      );
    }
    let check = 0;
    // Progress terms first, each alone: a check run in the tracker's order also runs a term after it.
    for (let k = n - 2; k >= 0 && withTerms; k--) {
      if (this.program.subtasks[k].progress === undefined) continue;
      const outcome = this.call([frames[frame]], first, { latchFrom: k, termOnly: true });
      if ("died" in outcome) {
        return new CheckResults(
          this.checkNames,
          frames.length,
          values,
          completed,
          [...errors.values()],
          checkErrors.isolateCrashed(progressTerm(this.checkNames[k]), outcome.died, frame),
          progress,
        );
      }
    }
    for (let c = n - 1; c >= 0; c--) {
      const outcome = this.call([frames[frame]], first, { latchFrom: c });
      if ("died" in outcome) {
        check = c;
        cause = outcome.died;
        break;
      }
      const fatal = outcome.results.fatal;
      if (fatal) {
        // This time the sandbox caught it (a memory or time limit): that names the check as well.
        check = Math.max(0, this.checkNames.indexOf(fatal.check));
        cause = `${died}; run again, it gave: ${atFrame(fatal, frame).message}`;
        break;
      }
    }
    values[frame * n + check] = CHECK_ERROR;
    return new CheckResults(
      this.checkNames,
      frames.length,
      values,
      completed,
      [...errors.values()],
      checkErrors.isolateCrashed(this.checkNames[check], cause, frame),
      progress,
    );
  }
}

/** An error found on frame 0 of a one-frame call, renumbered as frame `k` of the batch. */
function atFrame(error: CheckError, k: number): CheckError {
  return { ...error, frameIndex: k, message: error.message.replace(/ on frame 0\b/, ` on frame ${k}`) };
}

/** SandboxOptions plus where the program runs. */
export type OpenSandboxOptions = SandboxOptions & { isolation?: Isolation };

/**
 * A sandbox for `program`: in a supervised child process (`isolation: "process"`, the default) or in this
 * process. Throws ProgramError when the program does not compile.
 */
export function openSandbox(program: RewardProgram, options: OpenSandboxOptions = {}): Sandbox {
  const { isolation = "process", ...sandboxOptions } = options;
  return isolation === "process"
    ? new SupervisedSandbox(program, sandboxOptions)
    : new ProgramSandbox(program, sandboxOptions);
}
