/**
 * RL entry points on @jax-js/jax: PPO for Discrete actions with rl-starter-files' MiniGrid defaults, and PPO for
 * Box actions with CleanRL's continuous defaults.
 */
export { readCheckpoint, writeCheckpoint } from "./checkpoint.ts";
export { initJax } from "./device.ts";
export { computeGae, type GaeInput } from "./gae.ts";
export { GaussianActorCritic, type GaussianMlpSpec, orthogonal } from "./mlp.ts";
export {
  ActorCritic,
  type ActorCriticSpec,
  type ConvSpec,
  type ImageShape,
  minigridNet,
  pixelNet,
} from "./nets.ts";
export {
  type ObservationEncoder,
  observationEncoder,
  type VectorObservationEncoder,
  vectorObservationEncoder,
} from "./observations.ts";
export {
  type EnvFactory,
  type EvalStats,
  PPO_DEFAULTS,
  Ppo,
  type PpoConfig,
  type PpoHooks,
  type PpoOptions,
  ppoLoss,
  sampleCategorical,
  type UpdateStats,
} from "./ppo.ts";
export {
  CONTINUOUS_PPO_DEFAULTS,
  type ContinuousEnvFactory,
  type ContinuousEvalStats,
  type ContinuousLossConfig,
  type ContinuousMinibatch,
  ContinuousPpo,
  type ContinuousPpoConfig,
  type ContinuousPpoHooks,
  type ContinuousPpoOptions,
  type ContinuousUpdateStats,
  continuousPpoLoss,
  gaussianEntropy,
  gaussianLogProb,
  TrainingDivergedError,
} from "./ppo-continuous.ts";
export { Rng, type RngState } from "./rng.ts";
export { RunningMeanStd, type RunningStatsState } from "./running-stats.ts";
