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
  /** The discount γ of the potential form; must equal the learner's. Default 0.99 (PPO's default). */
  gamma?: number;
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
    this.frameOf = options.frameOf ?? ((e) => e.render());
    this.onCheckError = options.onCheckError ?? "report";
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
    return { obs: result.obs, info: { ...result.info, subtasks: this.progress([], 0, 0) } };
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
    if (!this.tracker.goalDone && !this.sameAsLastChecked(frame)) {
      const checks = this.sandbox.evaluate([frame], this.first, { latchFrom: this.tracker.done });
      errors = checks.fatal ? [...checks.errors, checks.fatal] : checks.errors;
      if (errors.length > 0) {
        this.checkErrorSteps++;
        if (this.onCheckError === "throw") throw new RewardProgramError(errors);
      }
      latched = this.tracker.update(checks.row(0), this.t);
      this.rememberChecked(frame, errors.length === 0);
    }
    const subtaskPart =
      this.bonusForm === "potential"
        ? this.shaping(latchedBefore, this.tracker.done, result.terminated)
        : latched.subtasks.length * this.subtaskBonus;
    const programBonus = subtaskPart + (latched.goal ? this.goalBonus : 0);
    const bonus = this.mode === "sparse" ? 0 : programBonus;
    const reward = (this.mode === "code" ? 0 : result.reward) + bonus;
    const newly = latched.subtasks.map((k) => this.tracker.subtaskNames[k]);
    const info: Info = { ...result.info, subtasks: this.progress(newly, bonus, result.reward, errors) };
    return { obs: result.obs, reward, terminated: result.terminated, truncated: result.truncated, info };
  }

  /** γΦ(s′) − Φ(s) for Φ = subtaskBonus × latched, with Φ(s′) = 0 when s′ is terminal (see the file comment). */
  private shaping(latchedBefore: number, latchedAfter: number, terminated: boolean): number {
    const before = this.subtaskBonus * latchedBefore;
    const after = terminated ? 0 : this.subtaskBonus * latchedAfter;
    return this.gamma * after - before;
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
    };
    return errors.length > 0 ? { ...info, errors } : info;
  }
}
