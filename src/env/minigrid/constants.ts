/**
 * MiniGrid's encoding tables, as in Farama MiniGrid 3.1.0. The numbers are part of the observation format,
 * so they never change.
 */
export const COLORS = {
  red: [255, 0, 0],
  green: [0, 255, 0],
  blue: [0, 0, 255],
  purple: [112, 39, 195],
  yellow: [255, 255, 0],
  grey: [100, 100, 100],
} as const satisfies Record<string, readonly [number, number, number]>;

export type ColorName = keyof typeof COLORS;

/** Sorted alphabetically, as Farama's COLOR_NAMES is; random colour draws index into this order. */
export const COLOR_NAMES: readonly ColorName[] = ["blue", "green", "grey", "purple", "red", "yellow"];

export const COLOR_TO_IDX: Record<ColorName, number> = {
  red: 0,
  green: 1,
  blue: 2,
  purple: 3,
  yellow: 4,
  grey: 5,
};
export const IDX_TO_COLOR: readonly ColorName[] = ["red", "green", "blue", "purple", "yellow", "grey"];

export const OBJECT_TO_IDX = {
  unseen: 0,
  empty: 1,
  wall: 2,
  floor: 3,
  door: 4,
  key: 5,
  ball: 6,
  box: 7,
  goal: 8,
  lava: 9,
  agent: 10,
} as const;

export type ObjectType = keyof typeof OBJECT_TO_IDX;
export const IDX_TO_OBJECT: readonly ObjectType[] = [
  "unseen",
  "empty",
  "wall",
  "floor",
  "door",
  "key",
  "ball",
  "box",
  "goal",
  "lava",
  "agent",
];

/** Door states in the encoding's third channel. */
export const STATE_TO_IDX = { open: 0, closed: 1, locked: 2 } as const;

/** Direction 0 faces +x (right), 1 faces +y (down), 2 faces -x, 3 faces -y. */
export const DIR_TO_VEC: readonly (readonly [number, number])[] = [
  [1, 0],
  [0, 1],
  [-1, 0],
  [0, -1],
];

/** MiniGrid's action set. */
export const Actions = {
  left: 0,
  right: 1,
  forward: 2,
  pickup: 3,
  drop: 4,
  toggle: 5,
  done: 6,
} as const;
export type Action = (typeof Actions)[keyof typeof Actions];
export const ACTION_NAMES = ["left", "right", "forward", "pickup", "drop", "toggle", "done"] as const;
