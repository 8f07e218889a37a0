/**
 * The sandbox: runs one reward program's checks on batches of frames inside its own V8 isolate.
 *
 * Generated code never runs in the host realm. Each ProgramSandbox owns an isolated-vm isolate with a memory
 * limit, a time limit per call, no host objects (no require/process/fs/network/timers/dynamic import), the
 * vision prelude as read-only globals, and every built-in frozen (prelude/runtime.js). Code is compiled once;
 * frames are evaluated in batches, one host→isolate call per batch, through a SharedArrayBuffer that both
 * sides see (measured: 2-4x faster per frame than copying an ArrayBuffer in per call).
 *
 * Failures never escape as crashes. A check that throws or returns a non-boolean is recorded and the batch
 * goes on; a timeout or out-of-memory kills the isolate, the results computed so far stay available (they are
 * in shared memory) with the failing frame and check, and the next call starts a fresh isolate.
 *
 * Time limits are CPU budgets, so that a busy machine cannot change what a program returns. isolated-vm's
 * timeout is wall-clock time: on a loaded machine a check that needs 2 ms of CPU can wait 100 ms for a core,
 * and counting that as "not fired" made training runs with the same seed differ. So when a call times out, the
 * process's CPU time during the call decides: if the code did not use its budget, the call was only waiting,
 * and it is run again from its first frame on a fresh isolate with twice the wall-clock allowance (up to
 * MAX_PATIENCE times the limit). Only code that really spends its budget is a timeout. The same holds for the
 * compile-time limit.
 */
import ivm from "isolated-vm";
import type { Frame } from "../image/frame.ts";
import { type CheckError, checkErrors, classifyThrown, ProgramError } from "./errors.ts";
import { PRELUDE_FUNCTIONS, PRELUDE_SOURCE, RUNTIME_SOURCE } from "./prelude/index.ts";
import { checkNames, programHash, type RewardProgram } from "./program.ts";
import { CHECK_ERROR, CHECK_NOT_RUN, CHECK_TRUE, CheckResults } from "./results.ts";
import { checkScript, findForbidden, helpersScript } from "./source.ts";

export interface SandboxOptions {
  /** Isolate heap limit in MB, shared frame memory included (default 64; isolated-vm's minimum is 8). */
  memoryLimitMb?: number;
  /** Time allowed per frame for all checks together, in ms (default 100). A batch of n frames gets n times it. */
  timeLimitMs?: number;
  /** Time allowed to run the helpers and evaluate each check's definition, in ms (default 1000). */
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

// Shared-memory layout; must match prelude/runtime.js.
const HEADER_BYTES = 16;
const ERR_INTS = 6;
const ERR_CHARS = 600;
const CODE_NON_BOOLEAN = 2;
const CODE_VIOLATION = 3;

const PRELUDE_NAMES: ReadonlySet<string> = new Set(PRELUDE_FUNCTIONS);
const TIMED_OUT = /Script execution timed out/;
/** How many times the limit a call may take in wall-clock time while it waits for a CPU (see above). */
const MAX_PATIENCE = 64;

/** CPU time of this process in ms (every thread: the isolate runs on its own while the caller waits). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
const OUT_OF_MEMORY = /disposed during execution due to memory limit|memory limit/i;

/** The live isolate and the runner's entry points. */
interface Instance {
  isolate: ivm.Isolate;
  context: ivm.Context;
  configure: ivm.Reference;
  run: ivm.Reference;
  /** The shared buffer the runner was last configured with. */
  configured?: Buffer;
  /** Set by isolated-vm's catastrophic-error callback; the isolate must not be used again. */
  crash?: string;
}

/** The shared frame/result memory, sized for one frame size. */
interface Buffer {
  sab: SharedArrayBuffer;
  width: number;
  height: number;
  capacity: number;
  header: Int32Array;
  errInts: Int32Array;
  errChars: Uint16Array;
  values: Uint8Array;
  frames: Uint8Array;
  frameBytes: number;
}

function ensureDefined<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

/**
 * One program compiled in its own isolate. Construct it (compiles, or throws ProgramError listing every
 * check that cannot compile), call `evaluate(frames, first)` as often as needed, and `dispose()` at the end.
 */
export class ProgramSandbox {
  readonly checkNames: readonly string[];
  /** programHash of the program this sandbox runs. */
  readonly hash: string;
  readonly memoryLimitMb: number;
  readonly timeLimitMs: number;
  readonly compileTimeLimitMs: number;
  readonly maxBatchBytes: number;
  /** How many times the isolate was recreated after a timeout, out-of-memory or crash. */
  restarts = 0;
  /** Calls redone because they ran out of wall-clock time without using their CPU budget (a busy machine). */
  stalls = 0;

  private instance: Instance | null = null;
  private buffer: Buffer | null = null;
  /** The `first` frame currently copied into slot 0, by identity (see evaluate). */
  private firstInSlot: Frame | null = null;
  private isDisposed = false;
  /** The wall-clock allowance of compile-time calls, as a multiple of compileTimeLimitMs (see start). */
  private compilePatience = 1;

  constructor(
    readonly program: RewardProgram,
    options: SandboxOptions = {},
  ) {
    this.checkNames = checkNames(program);
    this.hash = programHash(program);
    this.memoryLimitMb = ensureDefined(options.memoryLimitMb, 64);
    this.timeLimitMs = ensureDefined(options.timeLimitMs, 100);
    this.compileTimeLimitMs = ensureDefined(options.compileTimeLimitMs, 1000);
    this.maxBatchBytes = ensureDefined(
      options.maxBatchBytes,
      Math.min(16 << 20, (this.memoryLimitMb << 20) / 4),
    );
    if (!(this.memoryLimitMb >= 8))
      throw new SandboxError(`memoryLimitMb must be at least 8, got ${this.memoryLimitMb}`);
    if (!(this.timeLimitMs > 0))
      throw new SandboxError(`timeLimitMs must be positive, got ${this.timeLimitMs}`);
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
    const values = new Uint8Array(frames.length * nChecks).fill(CHECK_NOT_RUN);
    const errors = new Map<number, CheckError>();
    let completed = 0;
    let fatal: CheckError | undefined;
    let next = latchFrom;
    let patience = 1;

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

      buffer.header.fill(0); // so a call that dies before the runner starts reads as "nothing done"
      let failure: unknown;
      const budgetMs = this.timeLimitMs * count;
      const cpuBefore = cpuMs();
      try {
        instance.run.applySync(undefined, [count, firstChanged, next], { timeout: budgetMs * patience });
      } catch (error) {
        failure = error;
      }
      if (
        failure !== undefined &&
        patience < MAX_PATIENCE &&
        instance.crash === undefined &&
        TIMED_OUT.test(String((failure as Error)?.message ?? failure)) &&
        cpuMs() - cpuBefore < budgetMs
      ) {
        // Waited for a CPU rather than computed: redo the whole call (its results and errors are dropped, so
        // nothing is counted twice) with more wall-clock time.
        this.stalls++;
        patience *= 2;
        this.kill();
        continue;
      }
      const done = buffer.header[0];
      values.set(buffer.values.subarray(0, done * nChecks), completed * nChecks);
      this.collectErrors(buffer, completed, errors);
      if (failure !== undefined) {
        const frame = buffer.header[1];
        const check = buffer.header[2];
        fatal = this.describeFailure(failure, instance, this.checkNames[check] ?? "goal", completed + frame);
        // Checks before the failing one finished on the failing frame; keep their values.
        const row = (completed + frame) * nChecks;
        values.set(buffer.values.subarray(frame * nChecks, frame * nChecks + check), row);
        values[row + check] = CHECK_ERROR;
        this.kill();
      }
      if (next >= 0) next = latchedAfter(values, nChecks, completed, completed + done, next);
      completed += done;
    }
    const errorList = [...errors.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
    return new CheckResults(this.checkNames, frames.length, values, completed, errorList, fatal);
  }

  /** Frees the isolate. The sandbox cannot be used afterwards. */
  dispose(): void {
    this.kill();
    this.buffer = null;
    this.isDisposed = true;
  }

  // ---- isolate lifecycle ----

  /**
   * Creates the isolate, loads the prelude and compiles the program; throws ProgramError on any problem. A
   * compile-time timeout that did not use its CPU budget (a busy machine) is tried again with more time.
   */
  private start(): Instance {
    this.compilePatience = 1;
    for (;;) {
      const cpuBefore = cpuMs();
      try {
        return this.startOnce();
      } catch (error) {
        const onlyWaited =
          error instanceof ProgramError &&
          error.errors.some((e) => e.kind === "timeout") &&
          cpuMs() - cpuBefore < this.compileTimeLimitMs;
        if (!onlyWaited || this.compilePatience >= MAX_PATIENCE) throw error;
        this.stalls++;
        this.compilePatience *= 2;
      }
    }
  }

  private startOnce(): Instance {
    const isolate = new ivm.Isolate({
      memoryLimit: this.memoryLimitMb,
      onCatastrophicError: (message) => {
        if (this.instance?.isolate === isolate) this.instance.crash = message;
      },
    });
    try {
      const context = isolate.createContextSync();
      const timeout = this.compileTimeLimitMs * this.compilePatience;
      const prelude = isolate
        .compileScriptSync(PRELUDE_SOURCE, { filename: "prelude.js" })
        .runSync(context, { reference: true, timeout });
      const boot = isolate
        .compileScriptSync(RUNTIME_SOURCE, { filename: "runtime.js" })
        .runSync(context, { reference: true, timeout });
      const api: ivm.Reference = boot.applySync(undefined, [prelude.derefInto()], {
        result: { reference: true },
        timeout,
      });
      const method = (name: string): ivm.Reference => api.getSync(name, { reference: true });

      const errors: CheckError[] = [];
      const helpersError = this.compileHelpers(isolate, context, PRELUDE_NAMES);
      if (helpersError) errors.push(helpersError);
      if (!isolate.isDisposed) method("sealGlobals").applySync(undefined, [], { timeout });

      const setCheck = method("setCheck");
      if (!isolate.isDisposed)
        method("setCheckCount").applySync(undefined, [this.checkNames.length], { timeout });
      const codes = [...this.program.subtasks.map((s) => s.code), this.program.goal.code];
      for (let i = 0; i < codes.length && !isolate.isDisposed; i++) {
        const result = this.compileCheck(isolate, context, i, codes[i], PRELUDE_NAMES);
        if ("error" in result) errors.push(result.error);
        else setCheck.applySync(undefined, [i, result.fn.derefInto()], { timeout });
      }
      if (errors.length > 0) throw new ProgramError(errors);
      return { isolate, context, configure: method("configure"), run: method("run") };
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
    const forbidden = findForbidden(code);
    if (forbidden) return checkErrors.forbidden("helpers", `${forbidden.reason} (line ${forbidden.line})`);
    let script: ivm.Script;
    try {
      script = isolate.compileScriptSync(helpersScript(code), { filename: "helpers.js", lineOffset: -1 });
    } catch (error) {
      return checkErrors.syntax("helpers", syntaxDetail(error));
    }
    try {
      script.runSync(context, { timeout: this.compileTimeLimitMs * this.compilePatience });
    } catch (error) {
      return this.describeFailure(error, { isolate } as Instance, "helpers", undefined, preludeNames);
    }
    return undefined;
  }

  private compileCheck(
    isolate: ivm.Isolate,
    context: ivm.Context,
    index: number,
    code: string,
    preludeNames: ReadonlySet<string>,
  ): { fn: ivm.Reference } | { error: CheckError } {
    const name = this.checkNames[index];
    const forbidden = findForbidden(code);
    if (forbidden)
      return { error: checkErrors.forbidden(name, `${forbidden.reason} (line ${forbidden.line})`) };
    let script: ivm.Script;
    try {
      script = isolate.compileScriptSync(checkScript(code), {
        filename: `check-${index}.js`,
        lineOffset: -1,
      });
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
    try {
      fn = script.runSync(context, {
        reference: true,
        timeout: this.compileTimeLimitMs * this.compilePatience,
      });
    } catch (error) {
      return { error: this.describeFailure(error, { isolate } as Instance, name, undefined, preludeNames) };
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
    const nChecks = this.checkNames.length;
    // Every region starts on a 64-byte boundary: V8 copies into shared memory word by word only when source
    // and destination are equally aligned, and byte by byte otherwise (measured: 600 vs 15 us per frame).
    const errInts = HEADER_BYTES;
    const errChars = align64(errInts + nChecks * ERR_INTS * 4);
    const valuesAt = align64(errChars + nChecks * ERR_CHARS * 2);
    const framesAt = align64(valuesAt + capacity * nChecks);
    const sab = new SharedArrayBuffer(framesAt + (capacity + 1) * frameBytes);
    const buffer: Buffer = {
      sab,
      width,
      height,
      capacity,
      frameBytes,
      header: new Int32Array(sab, 0, 4),
      errInts: new Int32Array(sab, errInts, nChecks * ERR_INTS),
      errChars: new Uint16Array(sab, errChars, nChecks * ERR_CHARS),
      values: new Uint8Array(sab, valuesAt, capacity * nChecks),
      frames: new Uint8Array(sab, framesAt, (capacity + 1) * frameBytes),
    };
    this.buffer = buffer;
    this.configure(instance, buffer);
    return buffer;
  }

  private configure(instance: Instance, buffer: Buffer): void {
    const layout = {
      errInts: buffer.errInts.byteOffset,
      errChars: buffer.errChars.byteOffset,
      values: buffer.values.byteOffset,
      frames: buffer.frames.byteOffset,
      capacity: buffer.capacity,
      width: buffer.width,
      height: buffer.height,
    };
    instance.configure.applySync(
      undefined,
      [new ivm.ExternalCopy(buffer.sab).copyInto({ release: true }), layout],
      {
        arguments: { copy: true },
        timeout: this.compileTimeLimitMs * this.compilePatience,
      },
    );
    instance.configured = buffer;
    this.firstInSlot = null;
  }

  // ---- errors ----

  /** Reads the per-check errors the runner left in shared memory and merges them into `into`. */
  private collectErrors(buffer: Buffer, frameBase: number, into: Map<number, CheckError>): void {
    for (let c = 0; c < this.checkNames.length; c++) {
      const slot = c * ERR_INTS;
      const count = buffer.errInts[slot];
      if (count === 0) continue;
      const previous = into.get(c);
      if (previous) {
        into.set(c, { ...previous, count: (previous.count ?? 1) + count });
        continue;
      }
      const frame = frameBase + buffer.errInts[slot + 1];
      const code = buffer.errInts[slot + 2];
      const nameLen = buffer.errInts[slot + 3];
      const messageLen = buffer.errInts[slot + 4];
      const locationLen = buffer.errInts[slot + 5];
      const chars = buffer.errChars.subarray(
        c * ERR_CHARS,
        c * ERR_CHARS + nameLen + messageLen + locationLen,
      );
      const text = String.fromCharCode(...chars);
      const name = text.slice(0, nameLen);
      const message = text.slice(nameLen, nameLen + messageLen);
      const location = this.describeLocation(text.slice(nameLen + messageLen));
      const check = this.checkNames[c];
      const error =
        code === CODE_NON_BOOLEAN
          ? checkErrors.nonBoolean(check, message, frame)
          : code === CODE_VIOLATION
            ? checkErrors.forbidden(check, `${message}${location ? ` (${location})` : ""}`, frame)
            : classifyThrown(check, name, message, location, frame);
      into.set(c, { ...error, count });
    }
  }

  /** "check-2.js:3:15" → "line 3, column 15 of the goal check". */
  private describeLocation(raw: string): string {
    const match = /^(check-(\d+)|helpers)\.js:(\d+):(\d+)$/.exec(raw);
    if (!match) return "";
    if (match[1] === "helpers") return `line ${match[3]} of the helpers`;
    const name = this.checkNames[Number(match[2])];
    const whose = name === "goal" ? "the goal check" : `check "${name}"`;
    return `line ${match[3]}, column ${match[4]} of ${whose}`;
  }

  /** Turns an exception that came out of isolated-vm into a structured error for `check`. */
  private describeFailure(
    error: unknown,
    instance: Instance,
    check: string,
    frameIndex: number | undefined,
    preludeNames?: ReadonlySet<string>,
  ): CheckError {
    const e = error instanceof Error ? error : new Error(String(error));
    if (instance.crash !== undefined) return checkErrors.isolateCrashed(check, instance.crash, frameIndex);
    if (TIMED_OUT.test(e.message)) {
      return checkErrors.timeout(
        check,
        frameIndex === undefined ? this.compileTimeLimitMs : this.timeLimitMs,
        frameIndex,
      );
    }
    if (OUT_OF_MEMORY.test(e.message) || instance.isolate.isDisposed) {
      return instance.isolate.isDisposed && !OUT_OF_MEMORY.test(e.message)
        ? checkErrors.isolateCrashed(check, e.message, frameIndex)
        : checkErrors.memory(check, this.memoryLimitMb, e.message, frameIndex);
    }
    const location = /(check-\d+|helpers)\.js:\d+:\d+/.exec(e.stack ?? "")?.[0] ?? "";
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

function align64(offset: number): number {
  return Math.ceil(offset / 64) * 64;
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
}

/** Where a tracker-order run stands after frames `from`..`to` - 1, starting at check `next`. */
function latchedAfter(values: Uint8Array, nChecks: number, from: number, to: number, next: number): number {
  for (let f = from; f < to; f++) {
    while (next < nChecks && values[f * nChecks + next] === CHECK_TRUE) next++;
  }
  return next;
}
