export * from "./core.ts";
// Importing the families registers their ids with make().
export * as minigrid from "./minigrid/index.ts";
export * as panda from "./panda/index.ts";
export * from "./registry.ts";
export * from "./spaces.ts";
export * as tabletop from "./tabletop/index.ts";
export * from "./vector.ts";
