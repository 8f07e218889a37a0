/** Experiments: reward modes for training, single runs, specs, the runner and the SQLite results store. */
export * from "./algorithm.ts";
export * from "./reward-modes.ts";
export * from "./run.ts";
export * from "./runner.ts";
export * from "./spec.ts";
export * from "./store.ts";
export * from "./version.ts";
