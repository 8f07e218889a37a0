/**
 * vlmcar's public API: environments (`make`, the env classes), policies, trajectories, reward programs and
 * their sandbox, verification, the VLM layer, generation, PPO, experiments and reports. Each area is also
 * importable from its own folder's index.
 */
export * from "./env/index.ts";
export * from "./env/minigrid/index.ts";
export * from "./env/render3d/index.ts";
// Both spaces and MiniGrid's world objects have a Box; the top level gets the space (as Gymnasium's
// `spaces.Box`), and MiniGrid's box object is `minigrid.Box`.
export { Box } from "./env/spaces.ts";
export * from "./experiments/index.ts";
export * from "./generate/index.ts";
export * from "./image/compose.ts";
export * from "./image/frame.ts";
export * from "./image/gif.ts";
export * from "./image/png.ts";
export * from "./pipeline/index.ts";
export * from "./policies/index.ts";
export * from "./program/index.ts";
export * from "./program/reference/index.ts";
export * from "./report/index.ts";
export * from "./rl/index.ts";
export * from "./trajectories/index.ts";
export * from "./verify/index.ts";
export * from "./vlm/index.ts";
