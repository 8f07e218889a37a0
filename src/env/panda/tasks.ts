/**
 * The six panda-gym v3 tasks as data: objects, ghost targets, goal and object sampling (in panda-gym 3.0.7's
 * draw order, so a seed gives the same positions), the achieved goal, the distance and its threshold.
 * ROBOTICS.md A.7 and A.8 list the facts; the arithmetic below mirrors panda-gym's so doubles match bit for bit
 * (e.g. `[0, 0, 0.02] + uniform(low, high)` with the ranges computed as `-0.3 / 2 + 0.4`).
 */
import type { NumpyGenerator } from "../minigrid/rng.ts";

export type PandaTaskName = "Reach" | "Push" | "Slide" | "PickAndPlace" | "Stack" | "Flip";
export const PANDA_TASKS: readonly PandaTaskName[] = [
  "Reach",
  "Push",
  "Slide",
  "PickAndPlace",
  "Stack",
  "Flip",
];

export type Rgba = readonly [number, number, number, number];

/** Flip's cube texture as six face colours (+x, −x, +y, −y, +z, −z), ROBOTICS.md A.7. */
export const FLIP_FACE_COLORS: readonly (readonly [number, number, number])[] = [
  [104 / 255, 60 / 255, 16 / 255],
  [248 / 255, 234 / 255, 27 / 255],
  [190 / 255, 21 / 255, 34 / 255],
  [237 / 255, 237 / 255, 237 / 255],
  [15 / 255, 112 / 255, 183 / 255],
  [11 / 255, 142 / 255, 54 / 255],
];

export interface ObjectDef {
  /** MJCF name of the body and geom. */
  readonly name: string;
  readonly shape: "box" | "cylinder";
  /** MuJoCo geom size: box half extents, or cylinder (radius, half height). */
  readonly size: readonly number[];
  readonly mass: number;
  readonly rgba: Rgba;
  /** Bullet lateral friction of the object. */
  readonly friction: number;
  /** For events: "cube" or "puck", and a colour word. */
  readonly kind: string;
  readonly color: string;
  readonly faceColors?: typeof FLIP_FACE_COLORS;
}

export interface TargetDef {
  readonly name: string;
  readonly shape: "box" | "cylinder" | "sphere";
  readonly size: readonly number[];
  readonly rgba: Rgba;
  readonly faceColors?: typeof FLIP_FACE_COLORS;
}

/** Where reset puts things: objects and targets as position (3) + quaternion (w, x, y, z). */
export interface TaskLayout {
  readonly goal: Float64Array;
  readonly objects: { pos: number[]; quat: number[] }[];
  readonly targets: { pos: number[]; quat: number[] }[];
}

export interface TaskDef {
  readonly name: PandaTaskName;
  readonly blockGripper: boolean;
  readonly maxEpisodeSteps: number;
  readonly threshold: number;
  /** "euclidean" on positions, or Flip's 1 − ⟨q1, q2⟩² on quaternions. */
  readonly distance: "euclidean" | "angle";
  readonly table: { readonly length: number; readonly xOffset: number };
  readonly objects: readonly ObjectDef[];
  readonly targets: readonly TargetDef[];
  readonly goalSize: number;
  /** Object block in the observation: 12 (position, Euler angles, velocities) or 13 with a quaternion. */
  readonly objectObsSize: 12 | 13;
  /** Draws the episode's goal and object poses from the env's generator, in panda-gym's order. */
  sample(rng: NumpyGenerator): TaskLayout;
}

const IDENTITY = [1, 0, 0, 0];
const GREEN: Rgba = [0.1, 0.9, 0.1, 1];
const GREEN_GHOST: Rgba = [0.1, 0.9, 0.1, 0.3];
const BLUE: Rgba = [0.1, 0.1, 0.9, 1];
const BLUE_GHOST: Rgba = [0.1, 0.1, 0.9, 0.3];
const CUBE = 0.04;
const CUBE_HALF = [CUBE / 2, CUBE / 2, CUBE / 2];

/** numpy's `rng.uniform(low, high)` on 3-vectors: three doubles, in order. */
function uniform3(rng: NumpyGenerator, low: readonly number[], high: readonly number[]): number[] {
  return [rng.uniform(low[0], high[0]), rng.uniform(low[1], high[1]), rng.uniform(low[2], high[2])];
}

function add3(a: readonly number[], b: readonly number[]): number[] {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

function xyRange(xy: number, xOffset = 0): { low: number[]; high: number[] } {
  return { low: [-xy / 2 + xOffset, -xy / 2, 0], high: [xy / 2 + xOffset, xy / 2, 0] };
}

const cube = (name: string, mass: number, rgba: Rgba, color: string): ObjectDef => ({
  name,
  shape: "box",
  size: CUBE_HALF,
  mass,
  rgba,
  friction: 0.5,
  kind: "cube",
  color,
});

const ghostCube = (name: string, rgba: Rgba): TargetDef => ({ name, shape: "box", size: CUBE_HALF, rgba });

const DEFAULT_TABLE = { length: 1.1, xOffset: -0.3 };

const reach: TaskDef = {
  name: "Reach",
  blockGripper: true,
  maxEpisodeSteps: 50,
  threshold: 0.05,
  distance: "euclidean",
  table: DEFAULT_TABLE,
  objects: [],
  targets: [{ name: "target", shape: "sphere", size: [0.02], rgba: GREEN_GHOST }],
  goalSize: 3,
  objectObsSize: 12,
  sample(rng) {
    const goal = uniform3(rng, [-0.3 / 2, -0.3 / 2, 0], [0.3 / 2, 0.3 / 2, 0.3]);
    return { goal: Float64Array.from(goal), objects: [], targets: [{ pos: goal, quat: IDENTITY }] };
  },
};

const push: TaskDef = {
  name: "Push",
  blockGripper: true,
  maxEpisodeSteps: 50,
  threshold: 0.05,
  distance: "euclidean",
  table: DEFAULT_TABLE,
  objects: [cube("object", 1, GREEN, "green")],
  targets: [ghostCube("target", GREEN_GHOST)],
  goalSize: 3,
  objectObsSize: 12,
  sample(rng) {
    const r = xyRange(0.3);
    const goal = add3([0, 0, CUBE / 2], uniform3(rng, r.low, r.high));
    const object = add3([0, 0, CUBE / 2], uniform3(rng, r.low, r.high));
    return {
      goal: Float64Array.from(goal),
      objects: [{ pos: object, quat: IDENTITY }],
      targets: [{ pos: goal, quat: IDENTITY }],
    };
  },
};

const PUCK_SIZE = 0.06;
const slide: TaskDef = {
  name: "Slide",
  blockGripper: true,
  maxEpisodeSteps: 50,
  threshold: 0.05,
  distance: "euclidean",
  table: { length: 1.4, xOffset: -0.1 },
  // panda-gym's cylinder: radius 0.03, height 0.03 (Bullet's full height), placed at z = 0.03.
  objects: [
    {
      name: "object",
      shape: "cylinder",
      size: [PUCK_SIZE / 2, PUCK_SIZE / 4],
      mass: 1,
      rgba: GREEN,
      friction: 0.04,
      kind: "puck",
      color: "green",
    },
  ],
  targets: [{ name: "target", shape: "cylinder", size: [PUCK_SIZE / 2, PUCK_SIZE / 4], rgba: GREEN_GHOST }],
  goalSize: 3,
  objectObsSize: 12,
  sample(rng) {
    const g = xyRange(0.3, 0.4);
    const o = xyRange(0.3);
    const goal = add3([0, 0, PUCK_SIZE / 2], uniform3(rng, g.low, g.high));
    const object = add3([0, 0, PUCK_SIZE / 2], uniform3(rng, o.low, o.high));
    return {
      goal: Float64Array.from(goal),
      objects: [{ pos: object, quat: IDENTITY }],
      targets: [{ pos: goal, quat: IDENTITY }],
    };
  },
};

const pickAndPlace: TaskDef = {
  name: "PickAndPlace",
  blockGripper: false,
  maxEpisodeSteps: 50,
  threshold: 0.05,
  distance: "euclidean",
  table: DEFAULT_TABLE,
  objects: [cube("object", 1, GREEN, "green")],
  targets: [ghostCube("target", GREEN_GHOST)],
  goalSize: 3,
  objectObsSize: 12,
  sample(rng) {
    const noise = uniform3(rng, [-0.3 / 2, -0.3 / 2, 0], [0.3 / 2, 0.3 / 2, 0.2]);
    // With probability 0.3 the goal is on the table.
    if (rng.random() < 0.3) noise[2] = 0;
    const goal = add3([0, 0, CUBE / 2], noise);
    const r = xyRange(0.3);
    const object = add3([0, 0, CUBE / 2], uniform3(rng, r.low, r.high));
    return {
      goal: Float64Array.from(goal),
      objects: [{ pos: object, quat: IDENTITY }],
      targets: [{ pos: goal, quat: IDENTITY }],
    };
  },
};

const stack: TaskDef = {
  name: "Stack",
  blockGripper: false,
  maxEpisodeSteps: 100,
  threshold: 0.1,
  distance: "euclidean",
  table: DEFAULT_TABLE,
  objects: [cube("object1", 2, BLUE, "blue"), cube("object2", 1, GREEN, "green")],
  targets: [ghostCube("target1", BLUE_GHOST), ghostCube("target2", GREEN_GHOST)],
  goalSize: 6,
  objectObsSize: 12,
  sample(rng) {
    const r = xyRange(0.3);
    const noise = uniform3(rng, r.low, r.high);
    const goal1 = add3([0, 0, CUBE / 2], noise);
    const goal2 = add3([0, 0, (3 * CUBE) / 2], noise);
    const noise1 = uniform3(rng, r.low, r.high);
    const noise2 = uniform3(rng, r.low, r.high);
    const object1 = add3([0, 0, CUBE / 2], noise1);
    const object2 = add3([0, 0, (3 * CUBE) / 2], noise2);
    return {
      goal: Float64Array.from([...goal1, ...goal2]),
      objects: [
        { pos: object1, quat: IDENTITY },
        { pos: object2, quat: IDENTITY },
      ],
      targets: [
        { pos: goal1, quat: IDENTITY },
        { pos: goal2, quat: IDENTITY },
      ],
    };
  },
};

const flip: TaskDef = {
  name: "Flip",
  blockGripper: false,
  maxEpisodeSteps: 50,
  threshold: 0.2,
  distance: "angle",
  table: DEFAULT_TABLE,
  objects: [
    {
      ...cube("object", 1, [1, 1, 1, 1], "multicoloured"),
      faceColors: FLIP_FACE_COLORS,
    },
  ],
  targets: [{ ...ghostCube("target", [1, 1, 1, 0.5]), faceColors: FLIP_FACE_COLORS }],
  goalSize: 4,
  objectObsSize: 13,
  sample(rng) {
    const goalXyzw = uniformQuaternion(rng);
    const r = xyRange(0.3);
    const object = add3([0, 0, CUBE / 2], uniform3(rng, r.low, r.high));
    const [x, y, z, w] = goalXyzw;
    return {
      goal: Float64Array.from(goalXyzw),
      objects: [{ pos: object, quat: IDENTITY }],
      targets: [{ pos: [0, 0, (3 * CUBE) / 2], quat: [w, x, y, z] }],
    };
  },
};

/**
 * Flip's goal: a uniformly random rotation as (x, y, z, w), from the env's own generator so a seed fixes it.
 * panda-gym 3.0.7 draws it with scipy's `Rotation.random()` from numpy's global generator (not seedable through
 * the env); its unreleased master passes the env's generator to scipy (four normal deviates, normalised). We
 * draw three doubles `u1, u2, u3 = rng.random()` and map them with Shoemake's method (uniform on SO(3)):
 * reproducible and uniformly distributed, but not the same rotation Python gives for the seed.
 */
export function uniformQuaternion(rng: NumpyGenerator): [number, number, number, number] {
  const u1 = rng.random();
  const u2 = rng.random();
  const u3 = rng.random();
  const a = Math.sqrt(1 - u1);
  const b = Math.sqrt(u1);
  const t2 = 2 * Math.PI * u2;
  const t3 = 2 * Math.PI * u3;
  return [a * Math.sin(t2), a * Math.cos(t2), b * Math.sin(t3), b * Math.cos(t3)];
}

export const TASKS: Readonly<Record<PandaTaskName, TaskDef>> = {
  Reach: reach,
  Push: push,
  Slide: slide,
  PickAndPlace: pickAndPlace,
  Stack: stack,
  Flip: flip,
};

/** panda-gym's distance between achieved and desired goals of one env (length goalSize). */
export function goalDistance(
  kind: TaskDef["distance"],
  achieved: ArrayLike<number>,
  desired: ArrayLike<number>,
  offset = 0,
  size = achieved.length,
): number {
  if (kind === "angle") {
    let dot = 0;
    for (let i = 0; i < size; i++) dot += achieved[offset + i] * desired[offset + i];
    return 1 - dot * dot;
  }
  let s = 0;
  for (let i = 0; i < size; i++) {
    const d = achieved[offset + i] - desired[offset + i];
    s += d * d;
  }
  return Math.sqrt(s);
}
