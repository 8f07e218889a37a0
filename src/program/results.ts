/**
 * What a sandbox returns for a batch: one value per (frame, check), the errors, and how far it got.
 * Kept apart from the sandbox so consumers (tracker, verification) need not load isolated-vm.
 */
import type { CheckError } from "./errors.ts";

/** A check's value for one frame, as stored in CheckResults.values. */
export const CHECK_FALSE = 0;
export const CHECK_TRUE = 1;
/** The check threw, returned a non-boolean, or was killed on this frame (see CheckResults.errors / fatal). */
export const CHECK_ERROR = 2;
/** Not evaluated: the batch stopped at a fatal error before reaching it. */
export const CHECK_NOT_RUN = 3;

/**
 * Results of evaluating every check on a batch of frames. `values` is frame-major:
 * `values[frame * checkNames.length + check]` is CHECK_FALSE, CHECK_TRUE, CHECK_ERROR or CHECK_NOT_RUN.
 */
export class CheckResults {
  constructor(
    /** Sub-task names in order, then "goal". */
    readonly checkNames: readonly string[],
    readonly frameCount: number,
    readonly values: Uint8Array,
    /** Frames evaluated by every check, counted from the start of the batch. */
    readonly completed: number,
    /** The first error of each check that had one in this batch, with its frame and how many frames erred. */
    readonly errors: readonly CheckError[],
    /** The timeout, out-of-memory or crash that stopped the batch, if any. */
    readonly fatal?: CheckError,
    /**
     * Progress terms' values, frame-major over the sub-tasks: `progress[frame * subtasks + k]`, a number in
     * [0, 1], or NaN where sub-task k has no term, the term did not run, or it failed (see `errors`).
     * Absent when the program has no progress terms.
     */
    readonly progress?: Float64Array,
  ) {}

  /** Progress term `subtask`'s value on `frame`: a number in [0, 1], or NaN when there is none. */
  progressOf(subtask: number, frame: number): number {
    if (this.progress === undefined) return Number.NaN;
    return this.progress[frame * (this.checkNames.length - 1) + subtask];
  }

  /** CHECK_FALSE, CHECK_TRUE, CHECK_ERROR or CHECK_NOT_RUN. */
  value(check: number, frame: number): number {
    return this.values[frame * this.checkNames.length + check];
  }

  /** True when `check` returned true on `frame`. */
  fired(check: number, frame: number): boolean {
    return this.value(check, frame) === CHECK_TRUE;
  }

  /** One frame's values, in check order (a view, not a copy). */
  row(frame: number): Uint8Array {
    const n = this.checkNames.length;
    return this.values.subarray(frame * n, frame * n + n);
  }

  /** True when every check ran on every frame without an error. */
  get ok(): boolean {
    return this.fatal === undefined && this.errors.length === 0 && this.completed === this.frameCount;
  }
}
