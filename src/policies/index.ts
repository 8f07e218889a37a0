/** Policies: the contract, the experts (MiniGrid, Panda), the uniform random policy and the epsilon-noisy expert. */
export { type ExpertFactory, expertFor, hasExpert, registerExpert } from "./experts.ts";
export {
  CLEAR_COST,
  ExpertError,
  FAMILIES,
  type Family,
  facing,
  familyOf,
  MiniGridExpert,
  type Plan,
  type PlanOptions,
  PosePlanner,
  type PoseTest,
  STUCK_ACTION,
  type Strategy,
  type Subgoal,
  SubgoalRunner,
  standOn,
} from "./minigrid/index.ts";
export { NOISE_PRESETS, type NoisePreset, NoisyPolicy } from "./noisy.ts";
export * from "./panda/index.ts";
export type { Policy } from "./policy.ts";
export { RandomPolicy } from "./random.ts";
export { RecordedPolicy } from "./recorded.ts";
