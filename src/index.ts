/**
 * vlmcar's public API, the package root: the handful of entry points most scripts need. Each area has its own
 * subpath with the rest of its public API (docs/API.md):
 *
 *   vlmcar/env           environments, spaces, make/register, frames, MiniGrid
 *   vlmcar/policies      the policy contract, experts (and registerExpert), random and noisy policies
 *   vlmcar/trajectories  roll policies out, save and load episodes
 *   vlmcar/program       reward programs, their sandbox, the reward wrapper
 *   vlmcar/verify        verification of a program on expert and random trajectories
 *   vlmcar/vlm           the VLM client (providers, transcripts, cache, cost)
 *   vlmcar/generate      the prompt chain and refine loop
 *   vlmcar/rl            PPO
 *   vlmcar/experiments   runs, experiment grids, the results store, reports
 *   vlmcar/panda         panda-gym v3 on MuJoCo (importing it registers the Panda ids and loads the physics)
 *   vlmcar/render3d      the software 3D renderer of the robot scenes
 *
 * Anything not exported here or from a subpath is internal and may change without notice.
 */
export { type Env, make, register, registeredIds } from "./api/env.ts";
export { executeRun, runExperiment } from "./api/experiments.ts";
export { generateProgram } from "./api/generate.ts";
export { expertFor, type Policy, registerExpert } from "./api/policies.ts";
export { loadRewardProgram, type RewardProgram, RewardWrapper } from "./api/program.ts";
export { Ppo } from "./api/rl.ts";
export { verifyProgram } from "./api/verify.ts";
export { createVlmClient } from "./api/vlm.ts";
export { VERSION } from "./version.ts";
