/**
 * The sub-task tracker: the state a reward program is not allowed to keep.
 *
 * Per episode, sub-task k latches the first time its check fires while sub-tasks 1..k-1 have latched; the
 * goal latches the same way after every sub-task. A latched sub-task stays done for the rest of the episode
 * (its check may stop firing: a picked-up key may be dropped again), a check firing out of order is ignored,
 * and `reset()` starts the next episode from nothing. Counting latches, never rewarded frames, is what the
 * official release got wrong.
 */
import { CHECK_TRUE } from "./results.ts";

/** What latched on one update. */
export interface LatchEvent {
  /** Indices of the sub-tasks that latched on this update, in order (several may latch on one frame). */
  readonly subtasks: readonly number[];
  /** True when the goal latched on this update. */
  readonly goal: boolean;
}

/** What an update that latched nothing returns (shared and frozen). */
export const NOTHING_LATCHED: LatchEvent = Object.freeze({
  subtasks: Object.freeze([]) as readonly number[],
  goal: false,
});

export class SubtaskTracker {
  private readonly latched: (number | null)[];
  private goalStep: number | null = null;

  constructor(readonly subtaskNames: readonly string[]) {
    if (subtaskNames.length === 0) throw new RangeError("a tracker needs at least one sub-task name");
    this.latched = subtaskNames.map(() => null);
  }

  /** Forgets everything: call at the start of every episode. */
  reset(): void {
    this.latched.fill(null);
    this.goalStep = null;
  }

  /**
   * Feeds one frame's check results, in check order (the sub-tasks, then the goal), as booleans or as
   * CheckResults values (only CHECK_TRUE counts as fired; errors count as not fired). `step` is recorded as
   * the latch time, e.g. the env step that produced the frame. Returns what latched now.
   */
  update(fired: ArrayLike<boolean | number>, step: number): LatchEvent {
    const n = this.subtaskNames.length;
    if (fired.length !== n + 1) {
      throw new RangeError(
        `expected ${n + 1} check results (${n} sub-tasks and the goal), got ${fired.length}`,
      );
    }
    if (this.goalStep !== null) return NOTHING_LATCHED;
    let k = this.done;
    const newly: number[] = [];
    while (k < n && isFired(fired[k])) {
      this.latched[k] = step;
      newly.push(k);
      k++;
    }
    const goal = k === n && isFired(fired[n]);
    if (goal) this.goalStep = step;
    return newly.length === 0 && !goal ? NOTHING_LATCHED : { subtasks: newly, goal };
  }

  /** How many sub-tasks have latched (always a prefix of the list). */
  get done(): number {
    let k = 0;
    while (k < this.latched.length && this.latched[k] !== null) k++;
    return k;
  }

  /** True once the goal latched in this episode. */
  get goalDone(): boolean {
    return this.goalStep !== null;
  }

  /** The step each sub-task latched at, or null while it has not. */
  get latchedAt(): readonly (number | null)[] {
    return [...this.latched];
  }

  /** The step the goal latched at, or null. */
  get goalLatchedAt(): number | null {
    return this.goalStep;
  }

  /** Names of the latched sub-tasks, in order. */
  get completed(): string[] {
    return this.subtaskNames.slice(0, this.done);
  }
}

function isFired(value: boolean | number): boolean {
  return value === true || value === CHECK_TRUE;
}
