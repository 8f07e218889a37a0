/**
 * The sandbox: runs one reward program's checks on batches of frames inside its own V8 isolate.
 *
 * Generated code never runs in the host realm. Each ProgramSandbox owns an isolated-vm isolate with a memory
 * limit, a time limit per call, no host objects (no require/process/fs/network/timers/dynamic import), the
 * vision prelude as read-only globals, every global binding locked and every built-in frozen, and no clock,
 * WebAssembly, Atomics or code generation (prelude/runtime.js). Code is compiled once; frames are evaluated in
 * batches, one host→isolate call per batch. Frames go in through a SharedArrayBuffer the host writes and never
 * reads (measured: 2-4x faster per frame than copying an ArrayBuffer in per call); results come back only as
 * the call's return value, a copy made from objects generated code never sees (docs/SECURITY.md).
 *
 * Time limits are CPU time of the isolate, not wall time: a wall-clock watchdog (a multiple of the CPU budget)
 * stops a call, and the isolate's measured CPU time then decides whether the code ran past its budget (a
 * timeout error carrying both numbers) or the machine was busy (the call runs again with a longer watchdog).
 * The first call of a fresh isolate gets a warm-up allowance on top, for compiling the prelude's hot loops.
 *
 * A sub-task's optional progress term (`(frame, first) => number` in [0, 1]) is compiled and run like a check,
 * under the same walls and within the same per-frame budget; its values come back beside the checks'
 * (CheckResults.progress), and anything but a number in [0, 1] is a `bad-progress` error naming the term.
 *
 * Failures never escape as crashes. A check that throws or returns a non-boolean is recorded and the batch
 * goes on; a timeout or out-of-memory kills the isolate, the results computed so far are read back (after a
 * timeout) with the failing frame and check, and the next call starts a fresh isolate. What V8 cannot survive
 * in-process (a fatal out-of-memory aborts the whole process) is the second wall's job: SupervisedSandbox
 * (supervised.ts) runs this class in a child process.
 */
import ivm from "isolated-vm";
import type { Frame } from "../image/frame.ts";
import {
  type CheckError,
  type CheckRef,
  checkErrors,
  classifyThrown,
  ProgramError,
  progressTerm,
} from "./errors.ts";
import { createIsolate } from "./isolate-flags.ts";
import { PRELUDE_FUNCTIONS, PRELUDE_SOURCE, RUNTIME_SOURCE } from "./prelude/index.ts";
import { checkNames, programHash, type RewardProgram } from "./program.ts";
import { CHECK_ERROR, CHECK_NOT_RUN, CHECK_TRUE, CheckResults } from "./results.ts";
import { checkScript, findForbidden, helpersScript, sourceTooLong } from "./source.ts";

export interface SandboxOptions {
  /** Isolate heap limit in MB, shared frame memory included (default 64; isolated-vm's minimum is 8). */
  memoryLimitMb?: number;
  /**
   * CPU time allowed per frame for all checks together, in ms (default 100). A batch of n frames gets n times
   * it, and the first call of a fresh isolate `warmupMs` more.
   */
  timeLimitMs?: number;
  /** Extra CPU time for the first call of a fresh isolate, in ms (default 1000): cold code is not judged. */
  warmupMs?: number;
  /** CPU time allowed to run the helpers and evaluate each check's definition, in ms (default 1000). */
  compileTimeLimitMs?: number;
  /**
   * Most bytes of frames per host→isolate call (default: a quarter of the memory limit, at most 16 MiB).
   * Longer batches are split. Shared memory counts against the isolate's memory limit, hence the bound.
   */
  maxBatchBytes?: number;
}

/** Raised for misuse of the sandbox by the host (not for problems in the program). */
export class SandboxError extends Error {
  override name = "SandboxError";
}

// Error codes of the runtime's reports; must match prelude/runtime.js.
const CODE_NON_BOOLEAN = 2;
const CODE_VIOLATION = 3;
const CODE_BAD_PROGRESS = 4;
/** The wall-clock watchdog of a call is this many times its CPU budget (times 4 per busy-machine retry). */
const WATCHDOG_FACTOR = 1.5;
/** Compile steps are not retried, so their watchdog leaves room for a busy machine from the start. */
const COMPILE_WATCHDOG_FACTOR = 4;
/** Calls stopped by the watchdog before their CPU budget was used are run again at most this often. */
const BUSY_RETRIES = 2;

const PRELUDE_NAMES: ReadonlySet<string> = new Set(PRELUDE_FUNCTIONS);
const TIMED_OUT = /Script execution timed out/;
const OUT_OF_MEMORY = /disposed during execution due to memory limit|memory limit/i;

/** The live isolate and the runner's entry points. */
interface Instance {
  isolate: ivm.Isolate;
  context: ivm.Context;
  configure: ivm.Reference;
  run: ivm.Reference;
  progress: ivm.Reference;
  /**
   * [frame, check] in progress, written only by the runtime's private closure. Read after an out-of-memory
   * kill as a hint of where the batch died (clamped to the batch), never as results.
   */
  where: Int32Array;
  /** Batches run so far; the first one gets the warm-up allowance. */
  calls: number;
  /** The frame buffer the runner was last configured with. */
  configured?: Buffer;
  /** Set by isolated-vm's catastrophic-error callback; the isolate must not be used again. */
  crash?: string;
}

/** The shared frame memory, sized for one frame size: slot 0 holds `first`, slots 1.. the batch. */
interface Buffer {
  sab: SharedArrayBuffer;
  width: number;
  height: number;
  capacity: number;
  frames: Uint8Array;
  frameBytes: number;
}

/** One check's first error in a batch, as the runtime reports it. */
interface ReportedError {
  check: number;
  count: number;
  frame: number;
  code: number;
  name: string;
  message: string;
  location: string;
}

/** What the runtime's run() and progress() return. */
interface Report {
  done: number;
  values: Uint8Array;
  errors: ReportedError[];
  /** Progress terms' values (programs with progress terms only). */
  progress?: Float64Array;
}

/** What every sandbox offers: ProgramSandbox here, SupervisedSandbox (supervised.ts) in a child process. */
export interface Sandbox {
  readonly checkNames: readonly string[];
  /** programHash of the program the sandbox runs. */
  readonly hash: string;
  /** How many times the sandbox was recreated after a timeout, out-of-memory or crash. */
  readonly restarts: number;
  readonly disposed: boolean;
  /** Whether each sub-task has a progress term. */
  readonly progressTerms: readonly boolean[];
  evaluate(frames: readonly Frame[], first: Frame, options?: EvaluateOptions): CheckResults;
  dispose(): void;
}

function ensureDefined<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

/**
 * One program compiled in its own isolate. Construct it (compiles, or throws ProgramError listing every
 * check that cannot compile), call `evaluate(frames, first)` as often as needed, and `dispose()` at the end.
 */
export class ProgramSandbox implements Sandbox {
  readonly checkNames: readonly string[];
  /** programHash of the program this sandbox runs. */
  readonly hash: string;
  readonly memoryLimitMb: number;
  readonly timeLimitMs: number;
  readonly warmupMs: number;
  readonly compileTimeLimitMs: number;
  readonly maxBatchBytes: number;
  /** Whether each sub-task has a progress term. */
  readonly progressTerms: readonly boolean[];
  /** How many times the isolate was recreated after a timeout, out-of-memory or crash. */
  restarts = 0;

  private instance: Instance | null = null;
  private buffer: Buffer | null = null;
  /** The `first` frame currently copied into slot 0, by identity (see evaluate). */
  private firstInSlot: Frame | null = null;
  private isDisposed = false;

  constructor(
    readonly program: RewardProgram,
    options: SandboxOptions = {},
  ) {
    this.checkNames = checkNames(program);
    this.hash = programHash(program);
    this.progressTerms = program.subtasks.map((s) => s.progress !== undefined);
    this.memoryLimitMb = ensureDefined(options.memoryLimitMb, 64);
    this.timeLimitMs = ensureDefined(options.timeLimitMs, 100);
    this.warmupMs = ensureDefined(options.warmupMs, 1000);
    this.compileTimeLimitMs = ensureDefined(options.compileTimeLimitMs, 1000);
    this.maxBatchBytes = ensureDefined(
      options.maxBatchBytes,
      Math.min(16 << 20, (this.memoryLimitMb << 20) / 4),
    );
    if (!(this.memoryLimitMb >= 8))
      throw new SandboxError(`memoryLimitMb must be at least 8, got ${this.memoryLimitMb}`);
    if (!(this.timeLimitMs > 0))
      throw new SandboxError(`timeLimitMs must be positive, got ${this.timeLimitMs}`);
    if (!(this.warmupMs >= 0)) throw new SandboxError(`warmupMs must be at least 0, got ${this.warmupMs}`);
    this.instance = this.start();
  }

  get disposed(): boolean {
    return this.isDisposed;
  }

  /**
   * Runs every check on every frame; `first` is the episode's first frame, passed to each check as its second
   * argument. All frames and `first` must have the same size. Never throws for problems in the program: they
   * come back in the results (errors per check, or `fatal` with the results so far).
   *
   * `first` is copied into the sandbox once and reused while the same object is passed again, so prelude
   * results derived from it stay cached across calls: do not modify a frame after passing it as `first`.
   */
  evaluate(frames: readonly Frame[], first: Frame, options: EvaluateOptions = {}): CheckResults {
    const latchFrom = options.latchFrom ?? -1;
    const reverse = options.reverseChecks === true;
    const termOnly = options.termOnly === true;
    if (reverse && options.latchFrom !== undefined)
      throw new SandboxError("reverseChecks runs every check; it cannot be combined with latchFrom");
    if (termOnly && options.latchFrom === undefined)
      throw new SandboxError("termOnly runs the progress term of sub-task latchFrom; give latchFrom too");
    if (
      options.latchFrom !== undefined &&
      !(Number.isInteger(latchFrom) && latchFrom >= 0 && latchFrom <= this.checkNames.length)
    ) {
      throw new SandboxError(
        `latchFrom must be an integer from 0 to ${this.checkNames.length} (the number of checks), got ${options.latchFrom}`,
      );
    }
    if (this.isDisposed)
      throw new SandboxError("evaluate() called after dispose(); create a new ProgramSandbox");
    if (first.data.length !== first.width * first.height * 3) {
      throw new SandboxError(
        `first is not an RGB frame: ${first.width}x${first.height} needs ${first.width * first.height * 3} bytes, got ${first.data.length}`,
      );
    }
    const frameMb = (first.width * first.height * 3) / (1 << 20);
    if (2 * frameMb > this.memoryLimitMb / 2) {
      throw new SandboxError(
        `${first.width}x${first.height} frames need a sandbox memory limit of at least ${Math.ceil(4 * frameMb)} MB ` +
          `(a batch holds two frames at least); raise memoryLimitMb from ${this.memoryLimitMb}`,
      );
    }
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i];
      if (f.width !== first.width || f.height !== first.height || f.data.length !== f.width * f.height * 3) {
        throw new SandboxError(
          `frame ${i} is ${f.width}x${f.height} (${f.data.length} bytes) but first is ${first.width}x${first.height}; ` +
            "every frame of a batch must be an RGB frame of the first frame's size",
        );
      }
    }
    const nChecks = this.checkNames.length;
    const nSubtasks = nChecks - 1;
    const withTerms = this.progressTerms.includes(true);
    const values = new Uint8Array(frames.length * nChecks).fill(CHECK_NOT_RUN);
    const progress = withTerms ? new Float64Array(frames.length * nSubtasks).fill(Number.NaN) : undefined;
    const errors = new Map<number, CheckError>();
    let completed = 0;
    let fatal: CheckError | undefined;
    let next = latchFrom;

    let busyRetries = 0;

    while (completed < frames.length && fatal === undefined) {
      const instance = this.instance ?? this.restart();
      if (instance === null) {
        fatal = checkErrors.isolateCrashed(
          this.checkNames[0],
          "the sandbox could not be restarted",
          completed,
        );
        break;
      }
      const buffer = this.bufferFor(instance, first.width, first.height, frames.length - completed);
      const count = Math.min(buffer.capacity, frames.length - completed);
      const firstChanged = this.firstInSlot !== first;
      if (firstChanged) {
        buffer.frames.set(first.data, 0);
        this.firstInSlot = first;
      }
      for (let k = 0; k < count; k++)
        buffer.frames.set(frames[completed + k].data, (k + 1) * buffer.frameBytes);

      instance.where.fill(0);
      const warmupMs = instance.calls === 0 ? this.warmupMs : 0;
      const budgetMs = this.timeLimitMs * count + warmupMs;
      const watchdogMs = budgetMs * WATCHDOG_FACTOR * 4 ** busyRetries;
      // Process CPU time, not the isolate thread's alone: V8's helper threads (concurrent GC) work for it too.
      const cpuBefore = process.cpuUsage();
      let failure: unknown;
      let report: Report | undefined;
      try {
        const raw: unknown = instance.run.applySync(
          undefined,
          [count, firstChanged, next, reverse, termOnly],
          {
            timeout: Math.ceil(watchdogMs),
            result: { copy: true },
          },
        );
        report =
          typeof raw === "string" && !withTerms
            ? readValues(raw, count, nChecks)
            : readReport(raw, count, nChecks, withTerms);
        if (report === undefined || report.done !== count)
          failure = new Error("the sandbox runtime returned a malformed report");
      } catch (error) {
        failure = error;
      }
      instance.calls++;
      if (failure === undefined && report !== undefined) {
        values.set(report.values, completed * nChecks);
        if (progress && report.progress) progress.set(report.progress, completed * nSubtasks);
        this.collectErrors(report.errors, completed, errors);
        if (next >= 0 && !termOnly) next = latchedAfter(values, nChecks, completed, completed + count, next);
        completed += count;
        continue;
      }

      const timedOut = TIMED_OUT.test(failure instanceof Error ? failure.message : String(failure));
      const usedMs = cpuMsSince(cpuBefore);
      if (timedOut && usedMs < budgetMs && busyRetries < BUSY_RETRIES) {
        // The watchdog fired before the code used its CPU budget: the machine is busy, not the code slow.
        busyRetries++;
        this.kill();
        continue;
      }
      // How far the batch got: read back from the runtime after a timeout; after an out-of-memory kill only
      // the frame and check in progress are known, and the batch's values are lost.
      const partial = timedOut ? readProgress(instance, count, nChecks, withTerms) : undefined;
      const frame = partial ? partial.done : clamp(instance.where[0], 0, count - 1);
      // Index nChecks + k is sub-task k's progress term (it runs after the frame's checks).
      const at = clamp(instance.where[1], 0, nChecks + (withTerms ? nSubtasks : 0) - 1);
      const check = Math.min(at, nChecks - 1);
      fatal = this.describeFailure(failure, instance, this.refAt(at), completed + frame, undefined, {
        usedMs,
        budgetMs,
        frames: count,
        warmupMs,
      });
      if (partial) {
        // Frames before the failing one, and checks before the failing one on it, finished; keep them.
        // A term runs after the frame's checks, except in reverse order (before them).
        const upTo = at < nChecks ? frame * nChecks + check : (frame + (reverse ? 0 : 1)) * nChecks;
        values.set(partial.values.subarray(0, upTo), completed * nChecks);
        if (progress && partial.progress)
          progress.set(partial.progress.subarray(0, frame * nSubtasks), completed * nSubtasks);
        this.collectErrors(partial.errors, completed, errors);
      }
      if (at < nChecks) values[(completed + frame) * nChecks + check] = CHECK_ERROR;
      this.kill();
      if (next >= 0 && partial && !termOnly)
        next = latchedAfter(values, nChecks, completed, completed + frame, next);
      completed += partial ? frame : 0;
    }
    const errorList = [...errors.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
    return new CheckResults(this.checkNames, frames.length, values, completed, errorList, fatal, progress);
  }

  /** What runtime index `i` names: check i, or (from nChecks on) sub-task i - nChecks's progress term. */
  private refAt(i: number): CheckRef {
    const n = this.checkNames.length;
    return i < n ? this.checkNames[i] : progressTerm(this.checkNames[i - n]);
  }

  /** Frees the isolate. The sandbox cannot be used afterwards. */
  dispose(): void {
    this.kill();
    this.buffer = null;
    this.isDisposed = true;
  }

  // ---- isolate lifecycle ----

  /** Creates the isolate, loads the prelude and compiles the program; throws ProgramError on any problem. */
  private start(): Instance {
    const isolate: ivm.Isolate = createIsolate(
      () =>
        new ivm.Isolate({
          memoryLimit: this.memoryLimitMb,
          onCatastrophicError: (message) => {
            if (this.instance?.isolate === isolate) this.instance.crash = message;
          },
        }),
    );
    try {
      const context = isolate.createContextSync();
      // Wall-clock watchdog for compile steps; what they used is judged in CPU time (describeFailure).
      const timeout = this.compileTimeLimitMs * COMPILE_WATCHDOG_FACTOR;
      const prelude = isolate
        .compileScriptSync(PRELUDE_SOURCE, { filename: "prelude.js" })
        .runSync(context, { reference: true, timeout });
      const boot = isolate
        .compileScriptSync(RUNTIME_SOURCE, { filename: "runtime.js" })
        .runSync(context, { reference: true, timeout });
      const whereBuffer = new SharedArrayBuffer(8);
      const where = new Int32Array(whereBuffer);
      const api: ivm.Reference = boot.applySync(
        undefined,
        [prelude.derefInto(), new ivm.ExternalCopy(whereBuffer).copyInto({ release: true })],
        { result: { reference: true }, timeout },
      );
      const method = (name: string): ivm.Reference => api.getSync(name, { reference: true });

      const errors: CheckError[] = [];
      const helpersError = this.compileHelpers(isolate, context, PRELUDE_NAMES);
      if (helpersError) errors.push(helpersError);
      if (!isolate.isDisposed) method("sealGlobals").applySync(undefined, [], { timeout });

      const setCheck = method("setCheck");
      const setTerm = method("setTerm");
      if (!isolate.isDisposed)
        method("setCheckCount").applySync(undefined, [this.checkNames.length], { timeout });
      const codes = [...this.program.subtasks.map((s) => s.code), this.program.goal.code];
      for (let i = 0; i < codes.length && !isolate.isDisposed; i++) {
        const result = this.compileCheck(isolate, context, this.checkNames[i], `check-${i}.js`, codes[i]);
        if ("error" in result) errors.push(result.error);
        else setCheck.applySync(undefined, [i, result.fn.derefInto()], { timeout });
      }
      const subtasks = this.program.subtasks;
      for (let i = 0; i < subtasks.length && !isolate.isDisposed; i++) {
        const code = subtasks[i].progress;
        if (code === undefined) continue;
        const ref = progressTerm(subtasks[i].name);
        const result = this.compileCheck(isolate, context, ref, `progress-${i}.js`, code);
        if ("error" in result) errors.push(result.error);
        else setTerm.applySync(undefined, [i, result.fn.derefInto()], { timeout });
      }
      if (errors.length > 0) throw new ProgramError(errors);
      return {
        isolate,
        context,
        configure: method("configure"),
        run: method("run"),
        progress: method("progress"),
        where,
        calls: 0,
      };
    } catch (error) {
      if (!isolate.isDisposed) isolate.dispose();
      if (error instanceof ProgramError) throw error;
      throw new ProgramError([this.describeFailure(error, { isolate } as Instance, "helpers", undefined)]);
    }
  }

  private compileHelpers(
    isolate: ivm.Isolate,
    context: ivm.Context,
    preludeNames: ReadonlySet<string>,
  ): CheckError | undefined {
    const code = this.program.helpers;
    if (code.trim() === "") return undefined;
    const tooLong = sourceTooLong(code, "helpers");
    if (tooLong) return checkErrors.tooLong("helpers", tooLong);
    const forbidden = findForbidden(code);
    if (forbidden) return checkErrors.forbidden("helpers", `${forbidden.reason} (line ${forbidden.line})`);
    let script: ivm.Script;
    try {
      script = isolate.compileScriptSync(helpersScript(code), { filename: "helpers.js", lineOffset: -1 });
    } catch (error) {
      return checkErrors.syntax("helpers", syntaxDetail(error));
    }
    const cpuBefore = process.cpuUsage();
    try {
      script.runSync(context, { timeout: this.compileTimeLimitMs * COMPILE_WATCHDOG_FACTOR });
    } catch (error) {
      return this.describeFailure(error, { isolate } as Instance, "helpers", undefined, preludeNames, {
        usedMs: cpuMsSince(cpuBefore),
        budgetMs: this.compileTimeLimitMs,
      });
    }
    return undefined;
  }

  /** Compiles a check or a progress term (`name`) from `code`, as the script `filename`. */
  private compileCheck(
    isolate: ivm.Isolate,
    context: ivm.Context,
    name: CheckRef,
    filename: string,
    code: string,
  ): { fn: ivm.Reference } | { error: CheckError } {
    const preludeNames = PRELUDE_NAMES;
    const tooLong = sourceTooLong(code, "check");
    if (tooLong) return { error: checkErrors.tooLong(name, tooLong) };
    const forbidden = findForbidden(code);
    if (forbidden)
      return { error: checkErrors.forbidden(name, `${forbidden.reason} (line ${forbidden.line})`) };
    let script: ivm.Script;
    try {
      script = isolate.compileScriptSync(checkScript(code), { filename, lineOffset: -1 });
    } catch (wrapped) {
      // Valid JavaScript that is not one function expression (e.g. statements before the function) is a
      // different mistake from a typo, and the author needs to hear which.
      try {
        isolate.compileScriptSync(code).release();
      } catch (plain) {
        return { error: checkErrors.syntax(name, syntaxDetail(plain)) };
      }
      return {
        error: checkErrors.notAFunction(
          name,
          `is valid JavaScript but not a single function (${syntaxDetail(wrapped)})`,
        ),
      };
    }
    let fn: ivm.Reference;
    const cpuBefore = process.cpuUsage();
    try {
      fn = script.runSync(context, {
        reference: true,
        timeout: this.compileTimeLimitMs * COMPILE_WATCHDOG_FACTOR,
      });
    } catch (error) {
      return {
        error: this.describeFailure(error, { isolate } as Instance, name, undefined, preludeNames, {
          usedMs: cpuMsSince(cpuBefore),
          budgetMs: this.compileTimeLimitMs,
        }),
      };
    }
    if (fn.typeof !== "function") {
      return { error: checkErrors.notAFunction(name, `evaluates to a value of type ${fn.typeof}`) };
    }
    return { fn };
  }

  private restart(): Instance | null {
    this.restarts++;
    try {
      this.instance = this.start();
      return this.instance;
    } catch {
      return null;
    }
  }

  private kill(): void {
    const instance = this.instance;
    this.instance = null;
    this.firstInSlot = null;
    if (instance && !instance.isolate.isDisposed) instance.isolate.dispose();
  }

  // ---- shared memory ----

  /** The shared buffer for frames of this size, configured in `instance`; grown (up to the cap) as needed. */
  private bufferFor(instance: Instance, width: number, height: number, wanted: number): Buffer {
    const frameBytes = width * height * 3;
    const maxFrames = Math.max(1, Math.floor(this.maxBatchBytes / frameBytes) - 1);
    const current = this.buffer;
    const fits = current !== null && current.width === width && current.height === height;
    if (fits && (current.capacity >= wanted || current.capacity === maxFrames)) {
      if (current !== instance.configured) this.configure(instance, current);
      return current;
    }
    const capacity = Math.min(
      maxFrames,
      2 ** Math.ceil(Math.log2(Math.max(wanted, fits ? current.capacity * 2 : 1))),
    );
    const sab = new SharedArrayBuffer((capacity + 1) * frameBytes);
    const buffer: Buffer = {
      sab,
      width,
      height,
      capacity,
      frameBytes,
      frames: new Uint8Array(sab),
    };
    this.buffer = buffer;
    this.configure(instance, buffer);
    return buffer;
  }

  private configure(instance: Instance, buffer: Buffer): void {
    const layout = { width: buffer.width, height: buffer.height };
    instance.configure.applySync(
      undefined,
      [new ivm.ExternalCopy(buffer.sab).copyInto({ release: true }), layout],
      {
        arguments: { copy: true },
        timeout: this.compileTimeLimitMs,
      },
    );
    instance.configured = buffer;
    this.firstInSlot = null;
  }

  // ---- errors ----

  /** Turns the per-check errors of a runtime report into CheckErrors and merges them into `into`. */
  private collectErrors(
    reported: readonly ReportedError[],
    frameBase: number,
    into: Map<number, CheckError>,
  ): void {
    for (const r of reported) {
      const c = r.check;
      const previous = into.get(c);
      if (previous) {
        into.set(c, { ...previous, count: (previous.count ?? 1) + r.count });
        continue;
      }
      const frame = frameBase + r.frame;
      const location = this.describeLocation(r.location);
      const check = this.refAt(c);
      const error =
        r.code === CODE_NON_BOOLEAN
          ? checkErrors.nonBoolean(check, r.message, frame)
          : r.code === CODE_BAD_PROGRESS
            ? checkErrors.badProgress(this.checkNames[c - this.checkNames.length], r.message, frame)
            : r.code === CODE_VIOLATION
              ? checkErrors.forbidden(check, `${r.message}${location ? ` (${location})` : ""}`, frame)
              : classifyThrown(check, r.name, r.message, location, frame);
      into.set(c, { ...error, count: r.count });
    }
  }

  /** "check-2.js:3:15" → "line 3, column 15 of the goal check"; progress-0.js: the term of sub-task 0. */
  private describeLocation(raw: string): string {
    const match = /^(check-(\d+)|progress-(\d+)|helpers)\.js:(\d+):(\d+)$/.exec(raw);
    if (!match) return "";
    if (match[1] === "helpers") return `line ${match[4]} of the helpers`;
    const name = this.checkNames[Number(match[2] ?? match[3])];
    const whose =
      match[3] !== undefined
        ? `the progress term of "${name}"`
        : name === "goal"
          ? "the goal check"
          : `check "${name}"`;
    return `line ${match[4]}, column ${match[5]} of ${whose}`;
  }

  /** Turns an exception that came out of isolated-vm into a structured error for `check`. */
  private describeFailure(
    error: unknown,
    instance: Instance,
    check: CheckRef,
    frameIndex: number | undefined,
    preludeNames?: ReadonlySet<string>,
    time?: TimeUsed,
  ): CheckError {
    const e = error instanceof Error ? error : new Error(String(error));
    if (instance.crash !== undefined) return checkErrors.isolateCrashed(check, instance.crash, frameIndex);
    if (TIMED_OUT.test(e.message)) {
      return checkErrors.timeout(
        check,
        frameIndex === undefined ? this.compileTimeLimitMs : this.timeLimitMs,
        frameIndex,
        time,
      );
    }
    if (OUT_OF_MEMORY.test(e.message) || instance.isolate.isDisposed) {
      return instance.isolate.isDisposed && !OUT_OF_MEMORY.test(e.message)
        ? checkErrors.isolateCrashed(check, e.message, frameIndex)
        : checkErrors.memory(check, this.memoryLimitMb, e.message, frameIndex);
    }
    const location = /(check-\d+|progress-\d+|helpers)\.js:\d+:\d+/.exec(e.stack ?? "")?.[0] ?? "";
    return classifyThrown(
      check,
      e.name,
      e.message,
      this.describeLocation(location),
      frameIndex,
      preludeNames,
    );
  }
}

function cpuMsSince(before: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(before);
  return (u.user + u.system) / 1000;
}

function clamp(value: number, low: number, high: number): number {
  return Number.isInteger(value) ? Math.min(high, Math.max(low, value)) : low;
}

/**
 * A runtime report checked for shape: the runtime is ours, but a report is data that crossed the isolate
 * boundary, and a malformed one must become an error, not a host crash. Undefined when it does not fit.
 */
function readReport(raw: unknown, rows: number, nChecks: number, withTerms: boolean): Report | undefined {
  if (raw === null || typeof raw !== "object") return undefined;
  const r = raw as Partial<Report>;
  if (!Number.isInteger(r.done) || (r.done as number) < 0 || (r.done as number) > rows) return undefined;
  if (!(r.values instanceof Uint8Array) || r.values.length > rows * nChecks) return undefined;
  if (!Array.isArray(r.errors)) return undefined;
  const nTerms = withTerms ? nChecks - 1 : 0;
  let progress: Float64Array | undefined;
  if (withTerms) {
    if (!(r.progress instanceof Float64Array) || r.progress.length > rows * nTerms) return undefined;
    // The runtime only stores numbers in [0, 1]; anything else is NaN ("no value"), never a reward.
    progress = r.progress.map((p) => (p >= 0 && p <= 1 ? p : Number.NaN));
  }
  const errors: ReportedError[] = [];
  for (const e of r.errors as unknown[]) {
    const x = e as Partial<ReportedError>;
    if (
      x === null ||
      typeof x !== "object" ||
      !Number.isInteger(x.check) ||
      (x.check as number) < 0 ||
      (x.check as number) >= nChecks + nTerms ||
      !Number.isInteger(x.count) ||
      !Number.isInteger(x.frame) ||
      typeof x.name !== "string" ||
      typeof x.message !== "string" ||
      typeof x.location !== "string"
    )
      return undefined;
    errors.push({
      check: x.check as number,
      count: Math.max(1, x.count as number),
      frame: clamp(x.frame as number, 0, rows - 1),
      code: x.code as number,
      name: x.name,
      message: x.message,
      location: x.location,
    });
  }
  return { done: r.done as number, values: r.values, errors, progress };
}

/** The string form of a report without errors: one character (0-3) per value. */
function readValues(text: string, rows: number, nChecks: number): Report | undefined {
  if (text.length !== rows * nChecks) return undefined;
  const values = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const v = text.charCodeAt(i);
    if (v > CHECK_NOT_RUN) return undefined;
    values[i] = v;
  }
  return { done: rows, values, errors: [] };
}

/** After a timeout (the isolate still alive): how far the batch got, or undefined when that cannot be read. */
function readProgress(
  instance: Instance,
  rows: number,
  nChecks: number,
  withTerms: boolean,
): Report | undefined {
  if (instance.isolate.isDisposed) return undefined;
  try {
    const raw: unknown = instance.progress.applySync(undefined, [], {
      timeout: 1000,
      result: { copy: true },
    });
    const report = readReport(raw, rows, nChecks, withTerms);
    return report !== undefined && report.done < rows ? report : undefined;
  } catch {
    return undefined;
  }
}

/** The CPU time a stopped call used and what it was allowed, for the timeout message. */
export interface TimeUsed {
  /** Measured CPU time of the isolate during the call, in ms (undefined when the isolate was disposed). */
  usedMs?: number;
  /** The CPU time the call was allowed, in ms. */
  budgetMs: number;
  /** Frames in the call (absent for compile steps). */
  frames?: number;
  /** The warm-up allowance included in budgetMs. */
  warmupMs?: number;
}

/** The message of an isolated-vm SyntaxError, with its "[file:line:column]" suffix turned into words. */
function syntaxDetail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = /^(.*) \[[^\]]*?:(\d+):(\d+)\]$/.exec(message);
  return match ? `${match[1]} at line ${match[2]}, column ${match[3]}` : message;
}

/** Options of `ProgramSandbox.evaluate`. */
export interface EvaluateOptions {
  /**
   * Run the checks in the sub-task tracker's order instead of all of them: from check `latchFrom` (the
   * number of sub-tasks already latched; the goal is the last check) each frame runs checks until one does
   * not return true, and the next frame starts where that left off. Skipped checks read CHECK_NOT_RUN.
   * A tracker fed these results latches exactly what it would latch from the full results.
   */
  latchFrom?: number;
  /**
   * Run every check from the goal back to the first sub-task instead of in order (verification's
   * determinism probe: a check whose answer depends on what ran before it then answers otherwise).
   */
  reverseChecks?: boolean;
  /**
   * With `latchFrom`: run no check, only the progress term of sub-task `latchFrom` (the reward wrapper's
   * potential on the reset frame, where nothing latches). Without a term for that sub-task nothing runs.
   */
  termOnly?: boolean;
}

/** Where a tracker-order run stands after frames `from`..`to` - 1, starting at check `next`. */
function latchedAfter(values: Uint8Array, nChecks: number, from: number, to: number, next: number): number {
  for (let f = from; f < to; f++) {
    while (next < nChecks && values[f * nChecks + next] === CHECK_TRUE) next++;
  }
  return next;
}
