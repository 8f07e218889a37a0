/**
 * MiniGrid: importing this module registers every environment under its Farama id, so that
 * `make("MiniGrid-DoorKey-8x8-v0")` works, with Farama's default arguments for each id.
 */
import { registerBuiltin } from "../registry.ts";
import { BlockedUnlockPickupEnv } from "./envs/blocked-unlock-pickup.ts";
import { CrossingEnv } from "./envs/crossing.ts";
import { DoorKeyEnv } from "./envs/door-key.ts";
import { EmptyEnv } from "./envs/empty.ts";
import { FourRoomsEnv } from "./envs/four-rooms.ts";
import { GoToDoorEnv } from "./envs/go-to-door.ts";
import { KeyCorridorEnv } from "./envs/key-corridor.ts";
import { LavaGapEnv } from "./envs/lava-gap.ts";
import { LockedRoomEnv } from "./envs/locked-room.ts";
import { MultiRoomEnv } from "./envs/multi-room.ts";
import { RedBlueDoorEnv } from "./envs/red-blue-doors.ts";
import { UnlockEnv } from "./envs/unlock.ts";
import { UnlockPickupEnv } from "./envs/unlock-pickup.ts";
import type { MiniGridEnv } from "./minigrid-env.ts";

export * from "./constants.ts";
export { BlockedUnlockPickupEnv } from "./envs/blocked-unlock-pickup.ts";
export { CrossingEnv, type ObstacleType } from "./envs/crossing.ts";
export { DoorKeyEnv } from "./envs/door-key.ts";
export { EmptyEnv } from "./envs/empty.ts";
export { FourRoomsEnv } from "./envs/four-rooms.ts";
export { GoToDoorEnv } from "./envs/go-to-door.ts";
export { KeyCorridorEnv } from "./envs/key-corridor.ts";
export { LavaGapEnv } from "./envs/lava-gap.ts";
export { LockedRoomChamber, LockedRoomEnv } from "./envs/locked-room.ts";
export { ChainRoom, MultiRoomEnv } from "./envs/multi-room.ts";
export { RedBlueDoorEnv } from "./envs/red-blue-doors.ts";
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
  registerBuiltin({ id, factory: (options) => build({ ...options, id }), kwargs, description });
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

for (const [size, numCrossings] of [
  [9, 1],
  [9, 2],
  [9, 3],
  [11, 5],
]) {
  add(
    `MiniGrid-LavaCrossingS${size}N${numCrossings}-v0`,
    (o) => new CrossingEnv(o),
    { size, numCrossings, obstacleType: "lava" },
    "cross the lava rivers through their openings to the goal",
  );
  add(
    `MiniGrid-SimpleCrossingS${size}N${numCrossings}-v0`,
    (o) => new CrossingEnv(o),
    { size, numCrossings, obstacleType: "wall" },
    "cross the walls through their openings to the goal",
  );
}
for (const size of [5, 6, 7]) {
  add(
    `MiniGrid-LavaGapS${size}-v0`,
    (o) => new LavaGapEnv(o),
    { size },
    "pass the gap in the lava wall to the goal",
  );
}
add("MiniGrid-FourRooms-v0", (o) => new FourRoomsEnv(o), {}, "reach the goal across four rooms");
add(
  "MiniGrid-MultiRoom-N2-S4-v0",
  (o) => new MultiRoomEnv(o),
  { minNumRooms: 2, maxNumRooms: 2, maxRoomSize: 4 },
  "open the doors along a chain of rooms to the goal",
);
// Farama keeps this legacy id configured for six rooms.
add(
  "MiniGrid-MultiRoom-N4-S5-v0",
  (o) => new MultiRoomEnv(o),
  { minNumRooms: 6, maxNumRooms: 6, maxRoomSize: 5 },
  "open the doors along a chain of rooms to the goal",
);
add(
  "MiniGrid-MultiRoom-N6-v0",
  (o) => new MultiRoomEnv(o),
  { minNumRooms: 6, maxNumRooms: 6 },
  "open the doors along a chain of rooms to the goal",
);
for (const size of [6, 8]) {
  add(
    `MiniGrid-RedBlueDoors-${size}x${size}-v0`,
    (o) => new RedBlueDoorEnv(o),
    { size },
    "open the red door, then the blue door",
  );
}
add(
  "MiniGrid-LockedRoom-v0",
  (o) => new LockedRoomEnv(o),
  {},
  "fetch the key, unlock the locked room, reach the goal",
);
for (const size of [5, 6, 8]) {
  add(
    `MiniGrid-GoToDoor-${size}x${size}-v0`,
    (o) => new GoToDoorEnv(o),
    { size },
    "stand next to the named door and say done",
  );
}
