/**
 * vlmcar's public API: environments (`make`, the env classes), policies, reward programs and their sandbox,
 * verification, the VLM layer, PPO. Each area is also importable from its own folder's index.
 */
export * from "./env/index.ts";
export * from "./env/minigrid/index.ts";
// Both spaces and MiniGrid's world objects have a Box; the top level gets the space (as Gymnasium's
// `spaces.Box`), and MiniGrid's box object is `minigrid.Box`.
export { Box } from "./env/spaces.ts";
export * from "./image/compose.ts";
export * from "./image/frame.ts";
export * from "./image/gif.ts";
export * from "./image/png.ts";
export * from "./policies/index.ts";
export * from "./program/index.ts";
export * from "./vlm/index.ts";
