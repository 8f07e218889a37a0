/**
 * `vlmcar/rl`: PPO on @jax-js/jax: `Ppo` for Discrete actions (rl-starter-files' MiniGrid defaults) and
 * `ContinuousPpo` for Box actions (CleanRL's continuous defaults), their configurations and statistics.
 *
 *   const ppo = await Ppo.create({ makeEnv: (i) => make(id), config: { seed: 0, totalFrames: 100_000 } });
 */
export {
  type EnvFactory,
  type EvalStats,
  PPO_DEFAULTS,
  Ppo,
  type PpoConfig,
  type PpoHooks,
  type PpoOptions,
  type UpdateStats,
} from "../rl/ppo.ts";
export {
  CONTINUOUS_PPO_DEFAULTS,
  type ContinuousEnvFactory,
  type ContinuousEvalStats,
  ContinuousPpo,
  type ContinuousPpoConfig,
  type ContinuousPpoHooks,
  type ContinuousPpoOptions,
  type ContinuousUpdateStats,
  TrainingDivergedError,
} from "../rl/ppo-continuous.ts";
