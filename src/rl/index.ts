/** RL entry points: PPO on @jax-js/jax with rl-starter-files' MiniGrid defaults. */
export { readCheckpoint, writeCheckpoint } from "./checkpoint.ts";
export { initJax } from "./device.ts";
export {
  ActorCritic,
  type ActorCriticSpec,
  type ConvSpec,
  type ImageShape,
  minigridNet,
  pixelNet,
} from "./nets.ts";
export { type ObservationEncoder, observationEncoder } from "./observations.ts";
export {
  computeGae,
  type EnvFactory,
  type EvalStats,
  type GaeInput,
  PPO_DEFAULTS,
  Ppo,
  type PpoConfig,
  type PpoHooks,
  type PpoOptions,
  ppoLoss,
  sampleCategorical,
  type UpdateStats,
} from "./ppo.ts";
export { Rng, type RngState } from "./rng.ts";
