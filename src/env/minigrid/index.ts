/**
 * MiniGrid: importing this module registers every environment under its Farama id, so that
 * `make("MiniGrid-DoorKey-8x8-v0")` works, with Farama's default arguments for each id.
 */
import { register } from "../registry.ts";
import { DoorKeyEnv } from "./envs/door-key.ts";
import { EmptyEnv } from "./envs/empty.ts";
import type { MiniGridEnv } from "./minigrid-env.ts";

export * from "./constants.ts";
export { DoorKeyEnv } from "./envs/door-key.ts";
export { EmptyEnv } from "./envs/empty.ts";
export { Grid } from "./grid.ts";
export { MiniGridEnv, type MiniGridObs, type MiniGridOptions } from "./minigrid-env.ts";
export * from "./objects.ts";
export { defaultRng, NumpyGenerator, PCG64 } from "./rng.ts";

type Options = Record<string, unknown>;

/** Registers `id` to build `make(options)` with Farama's `kwargs` under the caller's options. */
function add(
  id: string,
  build: (options: Options) => MiniGridEnv,
  kwargs: Options,
  description: string,
): void {
  register({ id, factory: (options) => build({ ...options, id }), kwargs, description });
}

for (const size of [5, 6, 8, 16]) {
  add(
    `MiniGrid-Empty-${size}x${size}-v0`,
    (o) => new EmptyEnv(o),
    { size },
    "reach the goal in an empty room",
  );
}
for (const size of [5, 6]) {
  add(
    `MiniGrid-Empty-Random-${size}x${size}-v0`,
    (o) => new EmptyEnv(o),
    { size, agentStartPos: null },
    "reach the goal in an empty room from a random start",
  );
}
for (const size of [5, 6, 8, 16]) {
  add(
    `MiniGrid-DoorKey-${size}x${size}-v0`,
    (o) => new DoorKeyEnv(o),
    { size },
    "pick up the key, unlock the door, reach the goal",
  );
}
