/**
 * `vlmcar/program`: reward programs (the JSON model), the isolated sandbox that runs their checks, the
 * sub-task tracker and the reward wrapper that turns a program into a dense reward.
 *
 *   const program = loadRewardProgram("program.json");
 *   const env = new RewardWrapper(make(program.envId ?? id), program);
 */
export { ProgramError } from "../program/errors.ts";
export { type ApiFrames, PRELUDE_API, PRELUDE_FUNCTIONS, preludeApiFor } from "../program/prelude/index.ts";
export {
  loadRewardProgram,
  ProgramValidationError,
  type Provenance,
  parseRewardProgram,
  programHash,
  type RewardProgram,
  type Subtask,
  saveRewardProgram,
} from "../program/program.ts";
export { REFERENCE_PROGRAMS, referenceFor } from "../program/reference/index.ts";
export {
  REWARD_MODES,
  type RewardMode,
  RewardProgramError,
  RewardWrapper,
  type RewardWrapperOptions,
} from "../program/reward-wrapper.ts";
export { ProgramSandbox, SandboxError, type SandboxOptions } from "../program/sandbox.ts";
export { SubtaskTracker } from "../program/tracker.ts";
