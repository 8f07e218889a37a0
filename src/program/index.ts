/** Reward programs: the model, the sandbox that runs them, the vision prelude, the tracker, the reward wrapper. */
export * from "./errors.ts";
export { type ApiFrames, PRELUDE_API, PRELUDE_FUNCTIONS, preludeApiFor } from "./prelude/index.ts";
export * from "./program.ts";
export * from "./results.ts";
export * from "./reward-wrapper.ts";
export * from "./sandbox.ts";
export { findForbidden, MAX_CHECK_CHARS, MAX_HELPERS_CHARS } from "./source.ts";
export * from "./supervised.ts";
export * from "./tracker.ts";
