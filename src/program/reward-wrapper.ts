/**
 * RewardWrapper: pays a reward program's sub-task bonuses on top of (or instead of) any env's reward.
 *
 * After every step it renders the frame the program reads, runs the program's checks on it in the sandbox
 * (with the episode's first frame as `first`), feeds the tracker, and pays each sub-task's bonus on the step
 * it latches: once per episode, in order. `info.subtasks` reports the progress, in every mode, so sparse runs
 * can be compared on the same sub-tasks.
 *
 * Only the checks that can latch are run: the next sub-task's (and the ones after it while they fire), and
 * the goal's once every sub-task latched; nothing after the goal. A frame byte-identical to the last one
 * checked (a no-op action) is not checked again, since checks are deterministic functions of the frames
 * (the sandbox forbids Math.random and state). Both give exactly the rewards of checking everything.
 *
 * The sub-task bonuses come in two forms (`bonusForm`):
 *  - "one-time" (default): `subtaskBonus` on the step a sub-task latches;
 *  - "potential": potential-based shaping (Ng, Harada & Russell, 1999) with Φ(s) = subtaskBonus × sub-tasks
 *    latched, paying F = γ·Φ(s′) − Φ(s) on every step. Φ of the first state is 0 (nothing latches on reset).
 *    On a step that TERMINATES the episode, Φ(s′) is taken as 0: the discounted shaping of a terminated
 *    episode sums to exactly 0 (Σ_t γ^t F_t = γ^T Φ(s_T) − Φ(s_0) telescopes), so the optimal policy cannot
 *    change. On a step that is only TRUNCATED (a time limit, the state is not terminal), Φ(s′) keeps its
 *    value: the episode's discounted shaping is γ^T Φ(s_T), which the learner's bootstrap from V(s_T) (PPO
 *    bootstraps truncations) balances, exactly as for a state in the middle of an episode. γ must be the
 *    learner's discount for the invariance to hold.
 *
 * Progress terms (sub-tasks' `progress(frame, first)` in [0, 1]) are paid the same way, always as potential-based
 * shaping on top of the sub-task bonuses, with
 *    Φ_progress(s) = progressScale × (1/m) Σ_{j has a term} φ_j(s),
 *    φ_j = 1 once sub-task j latched, progress_j(frame, first) while j is the first sub-task not latched, else 0,
 * m the number of sub-tasks with a term. Φ_progress is the mean completion of the sub-tasks that have a term, in
 * [0, progressScale]: it rises as the current sub-task's term rises and does not jump when the sub-task latches
 * (a verified term ends near 1 there), so it adds no second latching bonus. It is a function of the frame, the
 * episode's first frame and the latched sub-tasks (the tracker's state, part of the state the wrapper pays for,
 * as for the potential bonus form), and terminal states get Φ = 0 as above, so it cannot change the optimal
 * policy. A term that fails on a frame (throws, returns NaN, a negative number, more than 1 or a non-number)
 * counts as 0 there, deterministically, and is reported like a failing check ("throw" raises it).
 */
import {
  type Env,
  type Info,
  type ResetOptions,
  type ResetResult,
  type StepResult,
  Wrapper,
} from "../env/core.ts";
import type { Space } from "../env/spaces.ts";
import { cloneFrame, type Frame } from "../image/frame.ts";
import type { CheckError } from "./errors.ts";
import type { RewardProgram } from "./program.ts";
import { ProgramSandbox, type SandboxOptions } from "./sandbox.ts";
import { type LatchEvent, NOTHING_LATCHED, SubtaskTracker } from "./tracker.ts";

/**
 * - `sparse`: the env's reward only (the program is still tracked, for reporting);
 * - `code`: the program's bonuses only (sub-tasks and goal);
 * - `code+env`: the env's reward plus the sub-task bonuses (the default; the env already pays for the goal).
 */
export type RewardMode = "sparse" | "code" | "code+env";

export const REWARD_MODES: readonly RewardMode[] = ["sparse", "code", "code+env"];

/** How sub-task bonuses are paid: once on latching, or as potential-based shaping (see the file comment). */
export type BonusForm = "one-time" | "potential";

export const BONUS_FORMS: readonly BonusForm[] = ["one-time", "potential"];

export interface RewardWrapperOptions<Obs, Act> {
  /** Default "code+env". */
  mode?: RewardMode;
  /**
   * Bonus per sub-task, paid once per episode when it latches. Default 1 / (number of sub-tasks): all
   * sub-tasks together are worth 1, the most a MiniGrid success pays, so shaping cannot dwarf the task.
   */
  subtaskBonus?: number;
  /** Bonus when the goal latches. Default 1 in "code" mode (nothing else pays for success), 0 otherwise. */
  goalBonus?: number;
  /** "one-time" (default) or "potential" (γΦ(s′) − Φ(s) with Φ = subtaskBonus × sub-tasks latched). */
  bonusForm?: BonusForm;
  /** The discount γ of the potential form and of progress shaping; must equal the learner's. Default 0.99. */
  gamma?: number;
  /**
   * Scale of the progress terms' potential: Φ_progress lies in [0, progressScale] (see the file comment).
   * Default 1, the worth of all sub-task bonuses together; 0 turns progress shaping off.
   */
  progressScale?: number;
  /** The frame the program reads, from the wrapped env. Default `env.render()`. */
  frameOf?: (env: Env<Obs, Act>) => Frame;
  /** Limits for the sandbox the wrapper creates (ignored when a ProgramSandbox is passed in). */
  sandbox?: SandboxOptions;
  /**
   * What a failing check does (throws, returns a non-boolean, times out): "report" (default) counts it as
   * not fired and lists the error in `info.subtasks.errors`; "throw" raises a RewardProgramError.
   */
  onCheckError?: "report" | "throw";
}

/** Progress of the reward program in this episode, put in `info.subtasks` after every reset and step. */
export interface SubtaskInfo {
  /** All sub-task names, in order. */
  readonly names: readonly string[];
  /** Names of the sub-tasks latched so far, in order. */
  readonly completed: readonly string[];
  /** Env step at which each sub-task latched (1 = the first step), or null. */
  readonly latchedAt: readonly (number | null)[];
  /** Names latched on this step. */
  readonly newly: readonly string[];
  readonly goal: boolean;
  readonly goalAt: number | null;
  /** Program bonus paid on this step (0 in sparse mode); in the potential form, the shaping γΦ(s′) − Φ(s). */
  readonly bonus: number;
  /** The env's own reward for this step. */
  readonly envReward: number;
  /**
   * Programs with progress terms: Φ_progress of the state after this step (in [0, progressScale]; the
   * shaping γΦ(s′) − Φ(s) is part of `bonus`).
   */
  readonly potential?: number;
  /** Check errors on this step's frame (counted as not fired). */
  readonly errors?: readonly CheckError[];
}

/** Raised in onCheckError "throw" mode; `errors` are the failing checks. */
export class RewardProgramError extends Error {
  override name = "RewardProgramError";
  constructor(readonly errors: readonly CheckError[]) {
    super(`the reward program failed:\n${errors.map((e) => `- ${e.message}`).join("\n")}`);
  }
}

export class RewardWrapper<Obs, Act = number> extends Wrapper<Obs, Act> {
  readonly mode: RewardMode;
  readonly subtaskBonus: number;
  readonly goalBonus: number;
  readonly bonusForm: BonusForm;
  readonly gamma: number;
  readonly progressScale: number;
  readonly sandbox: ProgramSandbox;
  readonly tracker: SubtaskTracker;
  /** Steps on which some check failed, since construction. */
  checkErrorSteps = 0;

  private readonly ownsSandbox: boolean;
  private readonly frameOf: (env: Env<Obs, Act>) => Frame;
  private readonly onCheckError: "report" | "throw";
  private first: Frame | null = null;
  private t = 0;
  /** The last frame checked in this episode, when that check raised no error (see `step`). */
  private lastChecked: Uint8Array | null = null;
  private lastCheckedValid = false;
  /** Sub-tasks with a progress term; progress shaping is on when some have one and progressScale > 0. */
  private readonly terms: readonly boolean[];
  private readonly termCount: number;
  /** Φ_progress of the current state. */
  private phi = 0;

  /** Wraps `env`; pass a RewardProgram (the wrapper owns its sandbox) or a ProgramSandbox to share. */
  constructor(
    env: Env<Obs, Act>,
    program: RewardProgram | ProgramSandbox,
    options: RewardWrapperOptions<Obs, Act> = {},
  ) {
    super(env);
    this.mode = options.mode ?? "code+env";
    if (!REWARD_MODES.includes(this.mode)) {
      throw new RangeError(`unknown reward mode "${this.mode}"; use one of ${REWARD_MODES.join(", ")}`);
    }
    this.ownsSandbox = !(program instanceof ProgramSandbox);
    this.sandbox = program instanceof ProgramSandbox ? program : new ProgramSandbox(program, options.sandbox);
    const names = this.sandbox.checkNames.slice(0, -1);
    this.tracker = new SubtaskTracker(names);
    this.subtaskBonus = options.subtaskBonus ?? 1 / names.length;
    this.goalBonus = options.goalBonus ?? (this.mode === "code" ? 1 : 0);
    this.bonusForm = options.bonusForm ?? "one-time";
    if (!BONUS_FORMS.includes(this.bonusForm)) {
      throw new RangeError(`unknown bonus form "${this.bonusForm}"; use one of ${BONUS_FORMS.join(", ")}`);
    }
    this.gamma = options.gamma ?? 0.99;
    if (!(this.gamma >= 0 && this.gamma <= 1)) {
      throw new RangeError(`gamma must lie in [0, 1] (the learner's discount), got ${this.gamma}`);
    }
    this.progressScale = options.progressScale ?? 1;
    if (!(this.progressScale >= 0 && Number.isFinite(this.progressScale))) {
      throw new RangeError(`progressScale must be a finite number >= 0, got ${this.progressScale}`);
    }
    this.terms = this.sandbox.progressTerms;
    this.termCount = this.progressScale > 0 ? this.terms.filter(Boolean).length : 0;
    this.frameOf = options.frameOf ?? ((e) => e.render());
    this.onCheckError = options.onCheckError ?? "report";
  }

  /** Whether this wrapper pays progress shaping (the program has progress terms and the scale is not 0). */
  get progressShaping(): boolean {
    return this.termCount > 0;
  }

  get observationSpace(): Space<Obs> {
    return this.env.observationSpace;
  }

  get actionSpace(): Space<Act> {
    return this.env.actionSpace;
  }

  reset(options?: ResetOptions): ResetResult<Obs> {
    const result = this.env.reset(options);
    // A copy: renderers may reuse their buffer, and the sandbox keeps `first` by identity for the episode.
    this.first = cloneFrame(this.frameOf(this.env));
    this.tracker.reset();
    this.t = 0;
    this.lastCheckedValid = false;
    let errors: readonly CheckError[] = [];
    if (this.progressShaping) {
      // Φ(s_0): the first sub-task's term on the reset frame (nothing latches on it).
      let value = 0;
      if (this.terms[0]) {
        const r = this.sandbox.evaluate([this.first], this.first, { latchFrom: 0, termOnly: true });
        errors = this.failures(r.errors, r.fatal);
        value = errors.length > 0 ? 0 : r.progressOf(0, 0);
      }
      this.phi = this.potential(0, value);
    }
    return { obs: result.obs, info: { ...result.info, subtasks: this.progress([], 0, 0, errors) } };
  }

  step(action: Act): StepResult<Obs> {
    if (this.first === null)
      throw new Error("RewardWrapper: step() called before reset(); call reset() first");
    const result = this.env.step(action);
    this.t++;
    const latchedBefore = this.tracker.done;
    const frame = this.frameOf(this.env);
    let latched: LatchEvent = NOTHING_LATCHED;
    let errors: readonly CheckError[] = [];
    const phiBefore = this.phi;
    if (!this.tracker.goalDone && !this.sameAsLastChecked(frame)) {
      const checks = this.sandbox.evaluate([frame], this.first, { latchFrom: this.tracker.done });
      errors = this.failures(checks.errors, checks.fatal);
      latched = this.tracker.update(checks.row(0), this.t);
      this.rememberChecked(frame, errors.length === 0);
      if (this.progressShaping) {
        // The term that ran is the one of the first sub-task not latched after this frame (sandbox.ts).
        const k = this.tracker.done;
        const value = k < this.terms.length ? checks.progressOf(k, 0) : 0;
        this.phi = this.potential(k, Number.isNaN(value) ? 0 : value);
      }
    } else if (this.progressShaping && this.tracker.goalDone) {
      this.phi = this.potential(this.tracker.done, 0);
    }
    const subtaskPart =
      this.bonusForm === "potential"
        ? potentialShaping(
            this.subtaskBonus * latchedBefore,
            this.subtaskBonus * this.tracker.done,
            this.gamma,
            result.terminated,
          )
        : latched.subtasks.length * this.subtaskBonus;
    const progressPart = this.progressShaping
      ? potentialShaping(phiBefore, this.phi, this.gamma, result.terminated)
      : 0;
    const programBonus = subtaskPart + progressPart + (latched.goal ? this.goalBonus : 0);
    const bonus = this.mode === "sparse" ? 0 : programBonus;
    const reward = (this.mode === "code" ? 0 : result.reward) + bonus;
    const newly = latched.subtasks.map((k) => this.tracker.subtaskNames[k]);
    const info: Info = { ...result.info, subtasks: this.progress(newly, bonus, result.reward, errors) };
    return { obs: result.obs, reward, terminated: result.terminated, truncated: result.truncated, info };
  }

  /** Check errors of one evaluation, counted and raised in "throw" mode. */
  private failures(errors: readonly CheckError[], fatal: CheckError | undefined): readonly CheckError[] {
    const all = fatal ? [...errors, fatal] : errors;
    if (all.length > 0) {
      this.checkErrorSteps++;
      if (this.onCheckError === "throw") throw new RewardProgramError(all);
    }
    return all;
  }

  /** Φ_progress with `latched` sub-tasks done and `value` the current sub-task's term (see the file comment). */
  private potential(latched: number, value: number): number {
    let sum = 0;
    for (let j = 0; j < this.terms.length; j++) {
      if (!this.terms[j]) continue;
      sum += j < latched ? 1 : j === latched ? value : 0;
    }
    return (this.progressScale * sum) / this.termCount;
  }

  /**
   * Whether `frame` repeats the last frame checked. Checking it again would give the same results, and the
   * check that returned false then is still the one the tracker waits on, so nothing could latch.
   */
  private sameAsLastChecked(frame: Frame): boolean {
    const last = this.lastChecked;
    if (!this.lastCheckedValid || last === null || last.length !== frame.data.length) return false;
    return Buffer.from(last.buffer, last.byteOffset, last.length).equals(
      Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.length),
    );
  }

  private rememberChecked(frame: Frame, valid: boolean): void {
    if (this.lastChecked === null || this.lastChecked.length !== frame.data.length)
      this.lastChecked = new Uint8Array(frame.data.length);
    this.lastChecked.set(frame.data);
    this.lastCheckedValid = valid;
  }

  override close(): void {
    if (this.ownsSandbox) this.sandbox.dispose();
    super.close();
  }

  private progress(
    newly: string[],
    bonus: number,
    envReward: number,
    errors: readonly CheckError[] = [],
  ): SubtaskInfo {
    const info: SubtaskInfo = {
      names: this.tracker.subtaskNames,
      completed: this.tracker.completed,
      latchedAt: this.tracker.latchedAt,
      newly,
      goal: this.tracker.goalDone,
      goalAt: this.tracker.goalLatchedAt,
      bonus,
      envReward,
      ...(this.progressShaping ? { potential: this.phi } : {}),
    };
    return errors.length > 0 ? { ...info, errors } : info;
  }
}

/**
 * Potential-based shaping γΦ(s′) − Φ(s) (Ng, Harada & Russell, 1999), with Φ(s′) taken as 0 when s′ is
 * terminal, so a terminated episode's discounted shaping telescopes to −Φ(s_0) (see the file comment).
 */
export function potentialShaping(before: number, after: number, gamma: number, terminated: boolean): number {
  return gamma * (terminated ? 0 : after) - before;
}
