/**
 * `vlmcar/env`: the environment contract (Gymnasium semantics), spaces, the registry behind `make(id)`,
 * the vector env, frames, and the MiniGrid family as the `minigrid` namespace.
 *
 *   import { make, register, BaseEnv, Discrete } from "vlmcar/env";
 */
export {
  BaseEnv,
  type Env,
  EnvError,
  type EnvEvent,
  type EnvMetadata,
  type Info,
  ObservationWrapper,
  type ResetOptions,
  type ResetResult,
  type StepResult,
  unwrap,
  Wrapper,
} from "../env/core.ts";
export * as minigrid from "../env/minigrid/index.ts";
export {
  type EnvConstructor,
  type EnvSpec,
  envSpec,
  make,
  register,
  registeredIds,
} from "../env/registry.ts";
export { Box, DictSpace, Discrete, type Space, TextSpace } from "../env/spaces.ts";
export { SyncVectorEnv, type VectorStep } from "../env/vector.ts";
export { cloneFrame, createFrame, type Frame, framesEqual, isFrame, pixelAt } from "../image/frame.ts";
export { decodePng, encodePng, readPng, writePng } from "../image/png.ts";
