/**
 * `vlmcar/trajectories`: roll policies out into episodes, and save and load them (docs/TRAJECTORIES.md).
 *
 *   const set = collectTrajectories({ envId, policy: expertFor(envId), episodes: 20 });
 */
export {
  type CollectOptions,
  collectTrajectories,
  TrajectoryError,
  type TrajectorySet,
} from "../trajectories/collect.ts";
export { POLICY_KINDS, type PolicyKind, policyFor } from "../trajectories/policies.ts";
export { DEFAULT_RENDER, type RenderSpec } from "../trajectories/render-spec.ts";
export { FrameStoreWriter, loadTrajectories, saveTrajectories } from "../trajectories/store.ts";
export { returnOf, succeeded, type Trajectory } from "../trajectories/trajectory.ts";
