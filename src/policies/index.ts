/** Policies: the contract, MiniGrid experts, the uniform random policy and the epsilon-noisy expert. */
export * from "./minigrid/index.ts";
export { NOISE_PRESETS, type NoisePreset, NoisyPolicy } from "./noisy.ts";
export * from "./panda/index.ts";
export type { Policy } from "./policy.ts";
export { RandomPolicy } from "./random.ts";
