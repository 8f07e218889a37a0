/** Policies: the contract, MiniGrid experts, the uniform random policy and the epsilon-noisy expert. */
// The generic expertFor (registered experts, then MiniGrid's) shadows the MiniGrid one of the star export.
export { type ExpertFactory, expertFor, hasExpert, registerExpert } from "./experts.ts";
export * from "./minigrid/index.ts";
export { NOISE_PRESETS, type NoisePreset, NoisyPolicy } from "./noisy.ts";
export * from "./panda/index.ts";
export type { Policy } from "./policy.ts";
export { RandomPolicy } from "./random.ts";
export { RecordedPolicy } from "./recorded.ts";
