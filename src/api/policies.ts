/**
 * `vlmcar/policies`: the policy contract, the demonstrators verification uses (expert, random, noisy expert,
 * recorded demonstrations), and the expert registry that lets a custom env bring its own expert.
 *
 *   import { expertFor, registerExpert, RandomPolicy } from "vlmcar/policies";
 */
export { type ExpertFactory, expertFor, registerExpert } from "../policies/experts.ts";
export { MiniGridExpert } from "../policies/minigrid/expert.ts";
export { NOISE_PRESETS, type NoisePreset, NoisyPolicy } from "../policies/noisy.ts";
export type { Policy } from "../policies/policy.ts";
export { RandomPolicy } from "../policies/random.ts";
export { RecordedPolicy } from "../policies/recorded.ts";
