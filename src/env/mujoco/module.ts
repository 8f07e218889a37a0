/**
 * The MuJoCo WebAssembly module: one instance per process, shared by every simulation.
 *
 * Google DeepMind's official bindings, pinned exactly. `@mujoco/mujoco` 3.14.0 was chosen over the older
 * `mujoco` 3.1.16 package because on Node 20 here it loads a model straight from an MJCF string
 * (`MjModel.from_xml_string`; 3.1.16 only has `mj_loadXML` from its virtual file system), ships TypeScript
 * declarations for every field and function, and steps a small scene at the same ~15 µs per 0.002 s substep.
 *
 * Emscripten's factory is asynchronous, while `make(id)` and an env's constructor are synchronous, so the module
 * is instantiated here with a top-level await: importing the physics costs ~0.2 s and ~55 MB once per process.
 */
import loadMujoco, { type MainModule } from "@mujoco/mujoco";

export type { DoubleBuffer, MjData, MjModel } from "@mujoco/mujoco";
export type Mujoco = MainModule;

let instance: Mujoco;
try {
  instance = await loadMujoco();
} catch (error) {
  throw new Error(
    `could not load MuJoCo's WebAssembly module (@mujoco/mujoco): ${(error as Error).message}. ` +
      "Reinstall dependencies with `npm ci` and check that Node supports WebAssembly.",
  );
}

/** The process-wide MuJoCo module. */
export function mujoco(): Mujoco {
  return instance;
}
