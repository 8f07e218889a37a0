/**
 * `vlmcar/rl`: PPO on @jax-js/jax (rl-starter-files' MiniGrid defaults), its configuration and statistics.
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
