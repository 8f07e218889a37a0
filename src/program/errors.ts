/**
 * Structured errors for reward programs. Every problem names the check it belongs to and says, in words a VLM
 * can act on, what went wrong and what to write instead: these messages are fed back to the model verbatim
 * when a program fails to compile or misbehaves during verification.
 */

/** What went wrong, from the check author's point of view. */
export type CheckErrorKind =
  /** The code is not valid JavaScript. */
  | "syntax"
  /** Valid JavaScript, but not one function `(frame, first) => boolean`. */
  | "not-a-function"
  /** The check threw an exception. */
  | "threw"
  /** The check returned something other than `true` or `false`. */
  | "non-boolean"
  /** The check ran past its time limit (the sandbox was restarted). */
  | "timeout"
  /** The sandbox ran out of memory (the sandbox was restarted). */
  | "memory"
  /** The check tried to reach the host, generate code, or modify frozen built-ins or the prelude. */
  | "forbidden"
  /** The sandbox itself failed; not necessarily the check's fault. */
  | "isolate-crashed"
  /** The code is longer than the sandbox accepts. */
  | "too-long"
  /** The check gave different answers on the same frames (it keeps state, or reads something that varies). */
  | "nondeterministic"
  /** A progress term returned something other than a number in [0, 1] (NaN, negative, above 1, not a number). */
  | "bad-progress";

export interface CheckError {
  /** A sub-task's name, `"goal"`, or `"helpers"` (the shared helper code). */
  readonly check: string;
  /** `"progress"` when the error is in the sub-task's progress term, not in its boolean check. */
  readonly term?: "progress";
  readonly kind: CheckErrorKind;
  /** What went wrong and what to do about it, in full sentences. */
  readonly message: string;
  /** Index of the frame (within the evaluated batch) where it happened; absent for compile-time errors. */
  readonly frameIndex?: number;
  /** How many frames of the batch raised an error in this check (only the first one is described). */
  readonly count?: number;
}

/** The forms a check's code may take; quoted in error messages so the author knows what to write. */
export const CHECK_FORMS =
  "a single function taking (frame, first) and returning true or false, written as " +
  "`function name(frame, first) { ... }`, `function (frame, first) { ... }` or `(frame, first) => ...`";

/** The forms a progress term's code may take. */
export const PROGRESS_FORMS =
  "a single function taking (frame, first) and returning a number from 0 to 1, written as " +
  "`function progress(frame, first) { ... }`, `function (frame, first) { ... }` or `(frame, first) => ...`";

/** Names of Node.js / browser host facilities; a reference to one of them is an escape attempt, not a typo. */
export const HOST_NAMES: ReadonlySet<string> = new Set([
  "process",
  "require",
  "module",
  "exports",
  "global",
  "Buffer",
  "__dirname",
  "__filename",
  "setTimeout",
  "setInterval",
  "setImmediate",
  "clearTimeout",
  "clearInterval",
  "queueMicrotask",
  "fetch",
  "XMLHttpRequest",
  "WebSocket",
  "window",
  "document",
  "Deno",
  "Bun",
]);

/** A sub-task's progress term, where an error factory takes the name of a check. */
export interface ProgressTermRef {
  readonly subtask: string;
  readonly term: "progress";
}

/** What an error is about: a check's name (a sub-task's, "goal" or "helpers") or a progress term. */
export type CheckRef = string | ProgressTermRef;

/** The reference to sub-task `subtask`'s progress term. */
export function progressTerm(subtask: string): ProgressTermRef {
  return { subtask, term: "progress" };
}

/** The `check` and `term` fields of an error about `ref`. */
function about(ref: CheckRef): { check: string; term?: "progress" } {
  return typeof ref === "string" ? { check: ref } : { check: ref.subtask, term: "progress" };
}

function where(ref: CheckRef): string {
  if (typeof ref !== "string") return `The progress term of sub-task "${ref.subtask}"`;
  return ref === "helpers" ? "The helper code" : ref === "goal" ? "The goal check" : `Check "${ref}"`;
}

/** How the error's subject is named in a message: `Check "open door"`, `the progress term of ...`. */
export function describeCheck(error: Pick<CheckError, "check" | "term">): string {
  return where(error.term === "progress" ? progressTerm(error.check) : error.check);
}

/** What a stopped call measured, as `TimeUsed` in sandbox.ts describes it. */
export interface TimeMeasured {
  usedMs?: number;
  budgetMs: number;
  frames?: number;
  warmupMs?: number;
}

function ms(value: number): string {
  return value >= 100 ? `${Math.round(value)}` : value.toFixed(1);
}

function measured(time: TimeMeasured | undefined): string {
  if (time === undefined) return "";
  const allowed =
    time.frames === undefined
      ? `${ms(time.budgetMs)} ms`
      : `${ms(time.budgetMs)} ms for the ${time.frames} frame${time.frames === 1 ? "" : "s"} of that call` +
        (time.warmupMs ? `, ${ms(time.warmupMs)} ms of it a warm-up allowance for a fresh sandbox` : "");
  if (time.usedMs === undefined) return ` (allowed: ${allowed})`;
  return ` (measured: ${ms(time.usedMs)} ms of CPU time; allowed: ${allowed})`;
}

function onFrame(frameIndex: number | undefined): string {
  return frameIndex === undefined ? "" : ` on frame ${frameIndex}`;
}

/** Factories for each kind, so every message has the same shape: what happened, then what to do. */
export const checkErrors = {
  syntax(check: CheckRef, detail: string): CheckError {
    const todo =
      check === "helpers"
        ? "Fix the syntax; helpers are plain JavaScript declarations (functions and constants)."
        : typeof check !== "string"
          ? `Fix the syntax; a progress term is ${PROGRESS_FORMS}.`
          : `Fix the syntax; a check is ${CHECK_FORMS}.`;
    return {
      ...about(check),
      kind: "syntax",
      message: `${where(check)} is not valid JavaScript: ${detail}. ${todo}`,
    };
  },

  notAFunction(check: CheckRef, detail: string): CheckError {
    return {
      ...about(check),
      kind: "not-a-function",
      message:
        `${where(check)} ${detail}, but it must be ${typeof check === "string" ? CHECK_FORMS : PROGRESS_FORMS}. ` +
        "Move shared constants and helper functions into the helpers code.",
    };
  },

  threw(check: CheckRef, detail: string, frameIndex?: number): CheckError {
    return {
      ...about(check),
      kind: "threw",
      frameIndex,
      message:
        `${where(check)} threw ${detail}${onFrame(frameIndex)}. A ${typeof check === "string" ? "check" : "progress term"} must not throw: guard against ` +
        `missing objects (e.g. when findCells or blobs returns an empty list) and return ${typeof check === "string" ? "false" : "0"} instead.`,
    };
  },

  nonBoolean(check: CheckRef, got: string, frameIndex?: number): CheckError {
    return {
      ...about(check),
      kind: "non-boolean",
      frameIndex,
      message:
        `${where(check)} returned ${got}${onFrame(frameIndex)}, but a check must return true or false. ` +
        "Return a comparison such as `count > 0`, and return false explicitly on every path.",
    };
  },

  timeout(check: CheckRef, limitMs: number, frameIndex?: number, time?: TimeMeasured): CheckError {
    return {
      ...about(check),
      kind: "timeout",
      frameIndex,
      message:
        `${where(check)} ran past the time limit of ${limitMs} ms of CPU time${frameIndex === undefined ? "" : " per frame"}` +
        `${onFrame(frameIndex)}${measured(time)}, probably an endless loop. Bound every loop by the frame or grid ` +
        "size, and prefer the prelude's functions, which are fast and cached per frame.",
    };
  },

  tooLong(check: CheckRef, detail: string): CheckError {
    return {
      ...about(check),
      kind: "too-long",
      message:
        `${where(check)} ${detail}. Write shorter code: use the prelude's functions and put code that ` +
        "several checks share in the helpers once.",
    };
  },

  memory(check: CheckRef, limitMb: number | undefined, detail: string, frameIndex?: number): CheckError {
    const limit = limitMb === undefined ? "" : ` of ${limitMb} MB`;
    return {
      ...about(check),
      kind: "memory",
      frameIndex,
      message:
        `${where(check)} exceeded the sandbox memory limit${limit}${onFrame(frameIndex)} (${detail}). ` +
        "Do not keep data between calls or build large arrays; a few frame-sized arrays are plenty.",
    };
  },

  forbidden(check: CheckRef, detail: string, frameIndex?: number): CheckError {
    return {
      ...about(check),
      kind: "forbidden",
      frameIndex,
      message:
        `${where(check)} ${detail}${onFrame(frameIndex)}. Checks run in a sandbox without host access: ` +
        "read only `frame`, `first` and the prelude's functions, and do not modify built-ins or the prelude.",
    };
  },

  isolateCrashed(check: CheckRef, detail: string, frameIndex?: number): CheckError {
    return {
      ...about(check),
      kind: "isolate-crashed",
      frameIndex,
      message:
        `The sandbox crashed while running ${where(check).toLowerCase()}${onFrame(frameIndex)}: ${detail}. ` +
        "This is a failure of the sandbox, not necessarily of the check; it was restarted.",
    };
  },

  badProgress(subtask: string, got: string, frameIndex?: number): CheckError {
    return {
      check: subtask,
      term: "progress",
      kind: "bad-progress",
      frameIndex,
      message:
        `${where(progressTerm(subtask))} returned ${got}${onFrame(frameIndex)}, but a progress term must return a ` +
        "number from 0 (not started) to 1 (done). Guard divisions (a distance divided by a distance that may be 0), " +
        "return 0 when an object is not found, and clamp with `Math.min(1, Math.max(0, value))`.",
    };
  },
};

const FROZEN_WRITE =
  /Cannot (assign to read only property|add property|redefine property|delete property|define property)|object is not extensible|Cannot create property/;
const OUT_OF_MEMORY =
  /Array buffer allocation failed|Invalid typed array length|Invalid array length|Invalid string length/;

/**
 * Turns an exception thrown inside the sandbox (its constructor name and message) into a structured error.
 * Escape attempts surface as ReferenceErrors for host names or TypeErrors for writes to frozen objects;
 * allocation failures are memory problems even when V8 reports them as RangeErrors.
 */
export function classifyThrown(
  check: CheckRef,
  name: string,
  message: string,
  location: string,
  frameIndex?: number,
  preludeNames: ReadonlySet<string> = new Set(),
): CheckError {
  const at = location ? ` (${location})` : "";
  const notDefined = name === "ReferenceError" ? /^(\S+) is not defined/.exec(message) : null;
  if (notDefined && HOST_NAMES.has(notDefined[1])) {
    return checkErrors.forbidden(
      check,
      `used \`${notDefined[1]}\`, which does not exist in the sandbox${at}`,
      frameIndex,
    );
  }
  if (name === "TypeError" && FROZEN_WRITE.test(message)) {
    return checkErrors.forbidden(
      check,
      `tried to modify a frozen built-in, prelude function or global (${name}: ${message})${at}`,
      frameIndex,
    );
  }
  const redeclared =
    /^Identifier '(\S+)' has already been declared/.exec(message) ??
    /^Cannot redefine property: (\S+)/.exec(message);
  if (redeclared && preludeNames.has(redeclared[1])) {
    return checkErrors.forbidden(
      check,
      `redeclares the prelude function \`${redeclared[1]}\`; choose another name`,
      frameIndex,
    );
  }
  if (OUT_OF_MEMORY.test(message))
    return checkErrors.memory(check, undefined, `${name}: ${message}`, frameIndex);
  const hint = /Maximum call stack size exceeded/.test(message) ? " (endless recursion?)" : "";
  const what = name ? `${name}: ${message}` : `the value ${message}`;
  return checkErrors.threw(check, `${what}${at}${hint}`, frameIndex);
}

/** Raised when a program cannot be compiled; `errors` has one entry per failing check. */
export class ProgramError extends Error {
  override name = "ProgramError";
  constructor(readonly errors: readonly CheckError[]) {
    super(
      `the reward program has ${errors.length} problem${errors.length === 1 ? "" : "s"}:\n` +
        errors.map((e) => `- [${e.kind}] ${e.message}`).join("\n"),
    );
  }
}
