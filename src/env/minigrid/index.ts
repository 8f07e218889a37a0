/**
 * MiniGrid: importing this module registers every environment under its Farama id, so that
 * `make("MiniGrid-DoorKey-8x8-v0")` works, with Farama's default arguments for each id.
 */
import { register } from "../registry.ts";
import { BlockedUnlockPickupEnv } from "./envs/blocked-unlock-pickup.ts";
import { DoorKeyEnv } from "./envs/door-key.ts";
import { EmptyEnv } from "./envs/empty.ts";
import { KeyCorridorEnv } from "./envs/key-corridor.ts";
import { UnlockEnv } from "./envs/unlock.ts";
import { UnlockPickupEnv } from "./envs/unlock-pickup.ts";
import type { MiniGridEnv } from "./minigrid-env.ts";

export * from "./constants.ts";
export { BlockedUnlockPickupEnv } from "./envs/blocked-unlock-pickup.ts";
export { DoorKeyEnv } from "./envs/door-key.ts";
export { EmptyEnv } from "./envs/empty.ts";
export { KeyCorridorEnv } from "./envs/key-corridor.ts";
export { UnlockEnv } from "./envs/unlock.ts";
export { UnlockPickupEnv } from "./envs/unlock-pickup.ts";
export { Grid } from "./grid.ts";
export { MiniGridEnv, type MiniGridObs, type MiniGridOptions } from "./minigrid-env.ts";
export * from "./objects.ts";
export { defaultRng, NumpyGenerator, PCG64 } from "./rng.ts";
export { Room, RoomGrid } from "./room-grid.ts";

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

add("MiniGrid-Unlock-v0", (o) => new UnlockEnv(o), {}, "open the locked door with its key");
add("MiniGrid-UnlockPickup-v0", (o) => new UnlockPickupEnv(o), {}, "unlock the door, then pick up the box");
add(
  "MiniGrid-BlockedUnlockPickup-v0",
  (o) => new BlockedUnlockPickupEnv(o),
  {},
  "move the ball blocking the door, unlock it, pick up the box",
);
for (const [roomSize, numRows] of [
  [3, 1],
  [3, 2],
  [3, 3],
  [4, 3],
  [5, 3],
  [6, 3],
]) {
  add(
    `MiniGrid-KeyCorridorS${roomSize}R${numRows}-v0`,
    (o) => new KeyCorridorEnv(o),
    { roomSize, numRows },
    "find the key, unlock the door, pick up the object behind it",
  );
}
