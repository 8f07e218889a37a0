/** Trajectories: roll policies out, stream their frames, save and load episodes (see docs/TRAJECTORIES.md). */
export * from "./collect.ts";
export * from "./policies.ts";
export { type Progress, progressBar } from "./progress.ts";
export * from "./render-spec.ts";
export * from "./rollout.ts";
export * from "./store.ts";
export * from "./trajectory.ts";
