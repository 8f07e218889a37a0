/**
 * One strategy per MiniGrid family: from the current state, the next sub-goal of its mission.
 *
 * Strategies read only what any observer of the full grid could: the objects, the doors' states, what the
 * agent carries, and the mission string (which names the target in KeyCorridor, UnlockPickup, GoToDoor...).
 * They share three moves: reach the goal, unlock a locked door (clearing what blocks it, fetching its key),
 * and pick up the mission's object with free hands.
 */
import type { ColorName, ObjectType } from "../../env/minigrid/constants.ts";
import { STATE_TO_IDX } from "../../env/minigrid/constants.ts";
import type { MiniGridEnv } from "../../env/minigrid/minigrid-env.ts";
import { facing } from "./planner.ts";
import {
  declareAt,
  dropHeld,
  pickUpAt,
  reach,
  type Subgoal,
  type SubgoalRunner,
  stuck,
  toggleAt,
} from "./subgoals.ts";

/** Picks the next sub-goal; the runner answers reachability questions. */
export type Strategy = (env: MiniGridEnv, runner: SubgoalRunner) => Subgoal;

export interface Family {
  /** Farama's family name, e.g. "DoorKey". */
  readonly name: string;
  /** Registry ids of this family. */
  readonly ids: RegExp;
  /** Class names an env of this family may have (used when its id is not a Farama id). */
  readonly classNames: readonly string[];
  /** Whether closed doors may be toggled open on the way; not where a toggle has consequences. */
  readonly openDoors: boolean;
  readonly next: Strategy;
}

/** Raised when an env's mission does not read as its family's missions do. */
export class ExpertError extends Error {
  override name = "ExpertError";
}

interface Located {
  x: number;
  y: number;
  color: ColorName;
}

function find(env: MiniGridEnv, type: ObjectType, color?: ColorName): Located | null {
  const hit = env.grid.find(type, color);
  return hit && { x: hit.x, y: hit.y, color: hit.obj.color };
}

function lockedDoor(env: MiniGridEnv): Located | null {
  for (const { x, y, obj } of env.grid.entries()) {
    if (obj.type === "door" && obj.stateIndex() === STATE_TO_IDX.locked) return { x, y, color: obj.color };
  }
  return null;
}

/** The groups of `pattern` in the mission, e.g. ["blue", "box"] from "pick up the blue box". */
function readMission(env: MiniGridEnv, pattern: RegExp): string[] {
  const m = pattern.exec(env.mission);
  if (m === null) {
    throw new ExpertError(`${env.id}: the mission "${env.mission}" does not match ${pattern}`);
  }
  return m.slice(1);
}

// ---- shared moves ------------------------------------------------------------------------------------------

const reachGoal: Strategy = (env) => {
  const goal = find(env, "goal");
  return goal ? reach(goal.x, goal.y, "reach the goal") : stuck("there is no goal");
};

/**
 * The next step towards opening the grid's locked door, or null when no door is locked. In order: with
 * something in front of the door, free the hands and carry it aside; then fetch the door's key (putting
 * down anything else first); then toggle the door with it.
 */
function unlockStep(env: MiniGridEnv, runner: SubgoalRunner): Subgoal | null {
  const door = lockedDoor(env);
  if (door === null) return null;
  const held = env.carrying;
  const what = `the ${door.color} door`;
  const atDoor = facing(door.x, door.y);
  if (!runner.reachable(env, atDoor)) {
    if (held !== null) return dropHeld(`free the hands to move what blocks ${what}`, [atDoor]);
    return toggleAt(door.x, door.y, `move what blocks ${what}`);
  }
  if (held?.type === "key" && held.color === door.color) return toggleAt(door.x, door.y, `unlock ${what}`);
  const key = find(env, "key", door.color);
  if (key === null) return stuck(`the ${door.color} key is gone`);
  if (held !== null)
    return dropHeld(`free the hands for the ${door.color} key`, [facing(key.x, key.y), atDoor]);
  return pickUpAt(key.x, key.y, `pick up the ${door.color} key`);
}

const PICK_UP = /pick up the (\w+) (\w+)/;
const GO_TO_DOOR = /go to the (\w+) door/;

/** Picks up the mission's object, putting down whatever else is carried first. */
const pickUpTarget: Strategy = (env) => {
  const [color, type] = readMission(env, PICK_UP) as [ColorName, ObjectType];
  const held = env.carrying;
  if (held?.type === type && held.color === color) return stuck(`already holding the ${color} ${type}`);
  const target = find(env, type, color);
  if (target === null) return stuck(`the ${color} ${type} is gone`);
  if (held !== null) return dropHeld(`free the hands for the ${color} ${type}`, [facing(target.x, target.y)]);
  return pickUpAt(target.x, target.y, `pick up the ${color} ${type}`);
};

// ---- family strategies -------------------------------------------------------------------------------------

/** DoorKey, LockedRoom: key, locked door, goal. */
const unlockThenGoal: Strategy = (env, runner) => unlockStep(env, runner) ?? reachGoal(env, runner);

/** UnlockPickup, BlockedUnlockPickup, KeyCorridor: (blocker,) key, locked door, drop the key, the object. */
const unlockThenPickUp: Strategy = (env, runner) => unlockStep(env, runner) ?? pickUpTarget(env, runner);

/** Unlock: the episode ends when the door opens. */
const unlock: Strategy = (env, runner) => {
  const step = unlockStep(env, runner);
  if (step !== null) return step;
  const door = find(env, "door");
  return door ? toggleAt(door.x, door.y, "open the door") : stuck("there is no door");
};

/** RedBlueDoors: opening the blue door first loses, so the red one first, and no other toggles. */
const redThenBlue: Strategy = (env) => {
  const red = find(env, "door", "red");
  const blue = find(env, "door", "blue");
  if (red === null || blue === null) return stuck("the red and blue doors are not both there");
  const redOpen = env.grid.get(red.x, red.y)?.stateIndex() === STATE_TO_IDX.open;
  return redOpen
    ? toggleAt(blue.x, blue.y, "open the blue door")
    : toggleAt(red.x, red.y, "open the red door");
};

/** GoToDoor: Farama rewards `done` next to the mission's door (and ends the episode on any toggle). */
const goToDoor: Strategy = (env) => {
  const [color] = readMission(env, GO_TO_DOOR) as [ColorName];
  const door = find(env, "door", color);
  if (door === null) return stuck(`there is no ${color} door`);
  return declareAt(door.x, door.y, `go to the ${color} door`);
};

export const FAMILIES: readonly Family[] = [
  { name: "Empty", ids: /^MiniGrid-Empty-/, classNames: ["EmptyEnv"], openDoors: true, next: reachGoal },
  {
    name: "FourRooms",
    ids: /^MiniGrid-FourRooms-/,
    classNames: ["FourRoomsEnv"],
    openDoors: true,
    next: reachGoal,
  },
  {
    name: "LavaCrossing",
    ids: /^MiniGrid-LavaCrossingS/,
    classNames: ["LavaCrossingEnv", "CrossingEnv"],
    openDoors: true,
    next: reachGoal,
  },
  {
    name: "SimpleCrossing",
    ids: /^MiniGrid-SimpleCrossingS/,
    classNames: ["SimpleCrossingEnv"],
    openDoors: true,
    next: reachGoal,
  },
  {
    name: "LavaGap",
    ids: /^MiniGrid-LavaGapS/,
    classNames: ["LavaGapEnv"],
    openDoors: true,
    next: reachGoal,
  },
  {
    name: "MultiRoom",
    ids: /^MiniGrid-MultiRoom-/,
    classNames: ["MultiRoomEnv"],
    openDoors: true,
    next: reachGoal,
  },
  {
    name: "DoorKey",
    ids: /^MiniGrid-DoorKey-/,
    classNames: ["DoorKeyEnv"],
    openDoors: true,
    next: unlockThenGoal,
  },
  {
    name: "LockedRoom",
    ids: /^MiniGrid-LockedRoom-/,
    classNames: ["LockedRoomEnv"],
    openDoors: true,
    next: unlockThenGoal,
  },
  { name: "Unlock", ids: /^MiniGrid-Unlock-/, classNames: ["UnlockEnv"], openDoors: true, next: unlock },
  {
    name: "UnlockPickup",
    ids: /^MiniGrid-UnlockPickup-/,
    classNames: ["UnlockPickupEnv"],
    openDoors: true,
    next: unlockThenPickUp,
  },
  {
    name: "BlockedUnlockPickup",
    ids: /^MiniGrid-BlockedUnlockPickup-/,
    classNames: ["BlockedUnlockPickupEnv"],
    openDoors: true,
    next: unlockThenPickUp,
  },
  {
    name: "KeyCorridor",
    ids: /^MiniGrid-KeyCorridorS/,
    classNames: ["KeyCorridorEnv"],
    openDoors: true,
    next: unlockThenPickUp,
  },
  {
    name: "RedBlueDoors",
    ids: /^MiniGrid-RedBlueDoors-/,
    classNames: ["RedBlueDoorEnv", "RedBlueDoorsEnv"],
    openDoors: false,
    next: redThenBlue,
  },
  {
    name: "GoToDoor",
    ids: /^MiniGrid-GoToDoor-/,
    classNames: ["GoToDoorEnv"],
    openDoors: false,
    next: goToDoor,
  },
];
