/**
 * Starts jax-js once per process. Node 20 has no WebGPU, and jax-js's Wasm backend runs on the calling
 * thread there (its worker pool needs a global `Worker`, which Node lacks), so training uses one core.
 */
import { defaultDevice, init } from "@jax-js/jax";

let ready: Promise<void> | undefined;

export function initJax(): Promise<void> {
  ready ??= init("wasm").then((devices) => {
    if (!devices.includes("wasm"))
      throw new Error(`jax-js could not start its wasm backend (got ${devices.join(", ")})`);
    defaultDevice("wasm");
  });
  return ready;
}
