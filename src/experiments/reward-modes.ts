/**
 * Reward modes for training: what the PPO agent is paid, while evaluation always measures the env's own return.
 *
 *   sparse     the env's reward, unchanged (no program runs)
 *   vlmcar     a RewardProgram file (a VLM wrote it), through RewardWrapper; "code+env" by default
 *   reference  the hand-written program for the env's family (src/program/reference/), through RewardWrapper
 *   dense-env  the env's own dense variant (panda-gym's `…Dense-v3`: −distance to the goal) on the same task;
 *              an oracle shaping that reads the simulator's state, which the paper did not compare against
 *
 * The env factory handed to PPO builds the training envs (indices 0…numEnvs-1) wrapped (or, for dense-env, as
 * the dense variant), and the evaluation env (index numEnvs, see Ppo.evaluate) as the bare env of the run's id,
 * so every evaluation reports the true env return and success, whatever the agent was paid while it learned.
 *
 * A program's checks read the frames it was generated and verified with: the training envs render exactly its
 * render spec (`program.render`, or the env's default, `defaultRenderFor`), through the env's render options.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Env } from "../env/core.ts";
import { closest, envSpec, make } from "../env/registry.ts";
import {
  type BonusForm,
  loadRewardProgram,
  ProgramError,
  ProgramSandbox,
  ProgramValidationError,
  programHash,
  type RewardMode,
  type RewardProgram,
  RewardWrapper,
} from "../program/index.ts";
import { REFERENCE_PROGRAMS, referenceFor } from "../program/reference/index.ts";
import { PPO_DEFAULTS } from "../rl/ppo.ts";
import {
  defaultRenderFor,
  describeRender,
  type RenderSpec,
  renderOptions,
} from "../trajectories/render-spec.ts";

export const REWARD_KINDS = ["sparse", "vlmcar", "reference", "dense-env"] as const;
export type RewardKind = (typeof REWARD_KINDS)[number];

/** How a run is rewarded, as written in specs and run configs (JSON). */
export interface RewardSetting {
  kind: RewardKind;
  /**
   * vlmcar: the RewardProgram JSON file, or a generation folder holding program.json (required).
   * reference: overrides the lookup by family.
   */
  program?: string;
  /** How program bonuses combine with the env reward (RewardWrapper's modes); default "code+env". */
  shaping?: Exclude<RewardMode, "sparse">;
  /** Bonus per sub-task; default RewardWrapper's (1 / number of sub-tasks). */
  subtaskBonus?: number;
  /**
   * "one-time" (default): the bonus on the step a sub-task latches; "potential": potential-based shaping
   * γΦ(s′) − Φ(s) with Φ = bonus × sub-tasks latched and γ the learner's (RewardWrapper's `bonusForm`).
   */
  bonusForm?: BonusForm;
  /** The name in run ids, tables and curves; default from kind, shaping and bonus (see rewardLabel). */
  label?: string;
}

/** A reward setting with its program loaded. */
export interface ResolvedReward {
  setting: RewardSetting;
  /** null for sparse. */
  program: RewardProgram | null;
  programHash: string | null;
}

/** Parses "sparse", "vlmcar", "reference" or "dense-env" (CLI flags); anything else is a clear error. */
export function parseRewardKind(text: string): RewardKind {
  if ((REWARD_KINDS as readonly string[]).includes(text)) return text as RewardKind;
  throw new RangeError(unknownRewardMessage(text));
}

/** "unknown reward "vlmcr"; did you mean "vlmcar"? The rewards are sparse, vlmcar, reference". */
export function unknownRewardMessage(text: string): string {
  const [near] = closest(text, REWARD_KINDS, 1);
  return `unknown reward "${text}"; ${near ? `did you mean "${near}"? ` : ""}the rewards are ${REWARD_KINDS.join(", ")}`;
}

/**
 * A short label for tables, curves and run ids: "sparse", "vlmcar", "reference", "vlmcar-code",
 * "vlmcar-bonus0.1", "vlmcar-potential", "reference-potential-bonus0.1". Settings that train differently get
 * different labels, so a report never averages them into one curve; the only exception is two programs for the
 * same env, which need an explicit `label`.
 */
export function rewardLabel(setting: RewardSetting): string {
  if (setting.label) return setting.label;
  if (setting.kind === "sparse") return "sparse";
  const shaping = setting.shaping && setting.shaping !== "code+env" ? `-${setting.shaping}` : "";
  const form = setting.bonusForm === "potential" ? "-potential" : "";
  const bonus = setting.subtaskBonus !== undefined ? `-bonus${setting.subtaskBonus}` : "";
  return `${setting.kind}${shaping}${form}${bonus}`;
}

/** Loads the program a reward setting needs for `envId` (none for sparse). */
export async function resolveReward(envId: string, setting: RewardSetting): Promise<ResolvedReward> {
  if (setting.kind === "sparse") return { setting, program: null, programHash: null };
  if (setting.kind === "dense-env") {
    denseVariantOf(envId);
    const extras = (["program", "shaping", "subtaskBonus", "bonusForm"] as const).filter(
      (key) => setting[key] !== undefined,
    );
    if (extras.length > 0) {
      throw new RangeError(
        `reward "dense-env" is the env's own dense reward and runs no program; drop ${extras.join(", ")} from it`,
      );
    }
    return { setting, program: null, programHash: null };
  }
  let program: RewardProgram;
  if (setting.program) {
    // A generation folder names its program.json.
    const file = isDirectory(setting.program) ? join(setting.program, "program.json") : setting.program;
    program = loadRewardProgram(file);
  } else if (setting.kind === "vlmcar") {
    throw new RangeError(
      `reward "vlmcar" needs a program file: pass --program FILE (a RewardProgram JSON, e.g. a generation's program.json)`,
    );
  } else {
    program = referenceProgramFor(envId);
  }
  return { setting, program, programHash: programHash(program) };
}

/**
 * The id of `envId`'s dense-reward variant: the same id with "Dense" before the version (panda-gym's
 * `PandaPushJoints-v3` → `PandaPushJointsDense-v3`), when that id is registered; otherwise a RangeError
 * saying which rewards the env has.
 */
export function denseVariantOf(envId: string): string {
  const match = /^(.*?)(Dense)?-v(\d+)$/.exec(envId);
  if (match?.[2]) {
    throw new RangeError(
      `reward "dense-env" trains on the dense variant of a sparse env, and ${envId} is already the dense one: ` +
        `give the sparse id (${match[1]}-v${match[3]}), so that evaluation measures its success`,
    );
  }
  const dense = match ? `${match[1]}Dense-v${match[3]}` : null;
  if (dense === null || !isRegistered(dense)) {
    throw new RangeError(
      `reward "dense-env" needs an env with a dense variant (panda-gym's ids, e.g. PandaPushJoints-v3 → ` +
        `PandaPushJointsDense-v3); ${envId} has none: train it with sparse, vlmcar or reference`,
    );
  }
  return dense;
}

function isRegistered(id: string): boolean {
  try {
    envSpec(id);
    return true;
  } catch {
    return false;
  }
}

/** The hand-written program for `envId`'s family (src/program/reference/), or a clear error. */
export function referenceProgramFor(envId: string): RewardProgram {
  const program = referenceFor(envId);
  if (program === null) {
    const families = REFERENCE_PROGRAMS.map((r) => r.family).join(", ");
    throw new RangeError(
      `no reference program for "${envId}": there are reference programs for ${families}. ` +
        "Write one in src/program/reference/, or train with --reward vlmcar --program FILE",
    );
  }
  return program;
}

/** A reward setting that cannot train: no program, an unreadable or invalid file, or code that fails. */
export class RewardSettingError extends Error {
  override name = "RewardSettingError";
}

/** A resolved reward whose program compiled and answered on the env's first frame. */
export interface CheckedReward extends ResolvedReward {
  /** Things worth saying that do not stop training (a program written for another env). */
  warnings: string[];
}

/**
 * Resolves `setting` for `envId` and tries its program: compiled in the sandbox, and every check run on the
 * env's first frame. What a run would otherwise meet only once it trained (a file that is not a program, a
 * syntax error, a check that throws) is a RewardSettingError naming the program, the env and each problem.
 */
export async function checkReward(envId: string, setting: RewardSetting): Promise<CheckedReward> {
  let reward: ResolvedReward;
  try {
    reward = await resolveReward(envId, setting);
  } catch (error) {
    if (error instanceof ProgramValidationError) {
      throw new RewardSettingError(`${setting.program} is not a usable reward program: ${error.message}`);
    }
    if (error instanceof RangeError) throw new RewardSettingError(error.message);
    throw error;
  }
  if (reward.program === null) return { ...reward, warnings: [] };
  const which = setting.program ? `the program ${setting.program}` : `the reference program for ${envId}`;
  const problems = programProblems(reward.program, envId);
  if (problems.length > 0) {
    throw new RewardSettingError(
      `${which} cannot reward ${envId}: it has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
  }
  const writtenFor = reward.program.task.envId;
  const warnings =
    writtenFor && writtenFor !== envId
      ? [`${which} was written for ${writtenFor}, and is used here on ${envId}`]
      : [];
  return { ...reward, warnings };
}

/** The program's problems on `envId`: compile errors, or errors of its checks on the env's first frame. */
function programProblems(program: RewardProgram, envId: string): string[] {
  let sandbox: ProgramSandbox;
  try {
    sandbox = new ProgramSandbox(program);
  } catch (error) {
    if (error instanceof ProgramError) return error.errors.map((e) => e.message);
    throw error;
  }
  const render = programRender(program, envId);
  if (render.mode === "custom") {
    sandbox.dispose();
    return [
      `it reads ${describeRender(render)}, which only the code that made them can draw; training renders the ` +
        "env, so give the program a render spec of the env's own frames",
    ];
  }
  let env: Env<unknown, unknown>;
  try {
    env = make(envId, renderOptions(render));
  } catch (error) {
    sandbox.dispose();
    return [
      `its frames (${describeRender(render)}) cannot be rendered by ${envId}: ${(error as Error).message}`,
    ];
  }
  try {
    env.reset({ seed: 0 });
    const frame = env.render();
    const results = sandbox.evaluate([frame], frame);
    return [...results.errors, ...(results.fatal ? [results.fatal] : [])].map((e) => e.message);
  } finally {
    env.close();
    sandbox.dispose();
  }
}

/** The frames a program's checks read: its own render spec, or the env's default for programs without one. */
export function programRender(program: RewardProgram, envId: string): RenderSpec {
  return program.render ?? defaultRenderFor(envId);
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** The env factory for PPO and what must be freed after training. */
export interface TrainingEnvs {
  /** Env `index`: 0…numEnvs-1 train (wrapped or dense), numEnvs and above evaluate (the bare env). */
  makeEnv: (index: number) => Env<unknown, unknown>;
  /** Frees the shared program sandbox (the envs themselves are closed by PPO). */
  close(): void;
}

/**
 * Training envs 0…numEnvs-1 are wrapped with the reward program (one sandbox shared by all of them: an
 * isolate each would cost numEnvs × its memory limit); env numEnvs, PPO's evaluation env, is the bare env.
 *
 * Each wrapper calls the sandbox once per step with one frame. Batching the frames of a vector step into
 * one call would need a `first` frame per env (the sandbox takes one per batch), and measured on DoorKey
 * frames it saves only about 12% of the call: the checks' pixel work dominates, not the call overhead.
 *
 * `gamma` is the learner's discount, which the potential bonus form needs (PPO's default when not given).
 */
export function trainingEnvs(
  envId: string,
  reward: ResolvedReward,
  numEnvs: number,
  gamma: number = PPO_DEFAULTS.gamma,
): TrainingEnvs {
  if (reward.setting.kind === "dense-env") {
    const dense = denseVariantOf(envId);
    return {
      makeEnv: (index) => (index < numEnvs ? make(dense) : make(envId)),
      close() {},
    };
  }
  if (reward.program === null) {
    return { makeEnv: () => make(envId), close() {} };
  }
  let sandbox: ProgramSandbox | null = null;
  const setting = reward.setting;
  const program = reward.program;
  // The frames the checks were verified on (checkReward refused custom frames, which no env can render).
  const options = renderOptions(programRender(program, envId));
  const makeEnv = (index: number): Env<unknown, unknown> => {
    if (index >= numEnvs) return make(envId);
    const env = make<unknown, unknown>(envId, options);
    sandbox ??= new ProgramSandbox(program);
    return new RewardWrapper(env, sandbox, {
      mode: setting.shaping ?? "code+env",
      subtaskBonus: setting.subtaskBonus,
      bonusForm: setting.bonusForm,
      gamma,
    });
  };
  return {
    makeEnv,
    close() {
      sandbox?.dispose();
      sandbox = null;
    },
  };
}
