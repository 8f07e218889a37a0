/**
 * The Franka Panda of panda-gym v3 (pybullet_data `franka_panda/panda.urdf`): its kinematic chain, limits,
 * masses, motor force caps and neutral pose, and its MJCF built from primitive geoms.
 *
 * The geometry is ours (capsules between joint origins, dark cylinders on the joint axes, a box hand, two box
 * fingers); the kinematics, limits and masses are the URDF's, so the end-effector (link 11, the grasp target)
 * moves exactly as in panda-gym for the same joint angles. ROBOTICS.md A.4 lists the facts.
 */
import { attrs, type FrictionGeom, quatFromRpy, type Vec3 } from "../mujoco/mjcf.ts";

/** Where panda-gym puts the robot base. */
export const BASE_POSITION: Vec3 = [-0.6, 0, 0];

export interface ArmJoint {
  readonly name: string;
  /** Origin of the joint in the parent link's frame (URDF xyz). */
  readonly xyz: Vec3;
  /** Only roll is used by the Panda chain (URDF rpy = [roll, 0, 0]). */
  readonly roll: number;
  readonly lower: number;
  readonly upper: number;
  /** Mass of the child link (kg) and its centre of mass in the link's frame (URDF inertial origin). */
  readonly mass: number;
  readonly com: Vec3;
  /** panda-gym's motor force cap (N·m). */
  readonly maxForce: number;
}

const HALF_PI = Math.PI / 2;

/** panda_joint1..7, each rotating about its local z. */
export const ARM_JOINTS: readonly ArmJoint[] = [
  {
    name: "joint1",
    xyz: [0, 0, 0.333],
    roll: 0,
    lower: -2.9671,
    upper: 2.9671,
    mass: 2.7,
    com: [0, -0.04, -0.05],
    maxForce: 87,
  },
  {
    name: "joint2",
    xyz: [0, 0, 0],
    roll: -HALF_PI,
    lower: -1.8326,
    upper: 1.8326,
    mass: 2.73,
    com: [0, -0.04, 0.06],
    maxForce: 87,
  },
  {
    name: "joint3",
    xyz: [0, -0.316, 0],
    roll: HALF_PI,
    lower: -2.9671,
    upper: 2.9671,
    mass: 2.04,
    com: [0.01, 0.01, -0.05],
    maxForce: 87,
  },
  {
    name: "joint4",
    xyz: [0.0825, 0, 0],
    roll: HALF_PI,
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: the URDF writes the rounded value
    lower: -3.1416,
    upper: 0,
    mass: 2.08,
    com: [-0.03, 0.03, 0.02],
    maxForce: 87,
  },
  {
    name: "joint5",
    xyz: [-0.0825, 0.384, 0],
    roll: -HALF_PI,
    lower: -2.9671,
    upper: 2.9671,
    mass: 3.0,
    com: [0, 0.04, -0.12],
    maxForce: 12,
  },
  {
    name: "joint6",
    xyz: [0, 0, 0],
    roll: HALF_PI,
    lower: -0.0873,
    upper: 3.8223,
    mass: 1.3,
    com: [0.04, 0, 0],
    maxForce: 120,
  },
  {
    name: "joint7",
    xyz: [0.088, 0, 0],
    roll: HALF_PI,
    lower: -2.9671,
    upper: 2.9671,
    mass: 0.2,
    com: [0, 0, 0.08],
    maxForce: 120,
  },
];

export const BASE_MASS = 2.9;
/** panda_joint8 (fixed): the flange, along link 7's z. */
export const FLANGE_OFFSET = 0.107;
/** panda_hand_joint (fixed): the hand is turned by -45° about z. */
export const HAND_YAW = -Math.PI / 4;
export const HAND_MASS = 0.81;
/** Finger joints sit this far along the hand's z and slide along ±y. */
export const FINGER_OFFSET = 0.0584;
export const FINGER_MASS = 0.1;
export const FINGER_UPPER = 0.04;
export const FINGER_MAX_FORCE = 170;
/** panda_grasptarget_hand (fixed, link 11): the end-effector point panda-gym reads. */
export const GRASP_OFFSET = 0.105;
/**
 * Rotational inertia per kg of link mass (kg·m² / kg), i.e. a radius of gyration of 0.1 m. The URDF writes 0.1·I
 * for every link, but PyBullet ignores it unless loaded with URDF_USE_INERTIA_FROM_FILE (panda-gym does not) and
 * derives the inertia from the mass and the collision shape's box, which gives values of this order; with the
 * URDF's 0.1 the capped joint motors could not follow panda-gym's 0.05 rad steps.
 */
export const INERTIA_PER_KG = 0.01;

/** panda-gym's neutral pose, set at every reset (fingers closed). */
export const NEUTRAL_ARM: readonly number[] = [0.0, 0.41, 0.0, -1.85, 0.0, 2.26, 0.79];

/** Bullet's default lateral friction for links; the fingers' contact friction is 1.0 (panda-gym sets it). */
export const LINK_FRICTION = 0.5;
export const FINGER_FRICTION = 1.0;

/** Force caps of the 9 driven joints (7 arm joints, 2 fingers), in actuator order. */
export const MAX_FORCES: readonly number[] = [
  ...ARM_JOINTS.map((j) => j.maxForce),
  FINGER_MAX_FORCE,
  FINGER_MAX_FORCE,
];

const LINK_RGBA = [0.93, 0.93, 0.94, 1];
const JOINT_RGBA = [0.18, 0.18, 0.2, 1];
const FINGER_RGBA = [0.22, 0.22, 0.24, 1];

/** Visual-only geoms: no collision (friction pairs below decide what touches what). */
const NO_COLLISION = { contype: 0, conaffinity: 0 };

interface Capsule {
  from: Vec3;
  to: Vec3;
  radius: number;
}

/** The links' tubes in each link's own frame: from the joint to the next joint's origin. */
const LINK_TUBES: Record<number, Capsule[]> = {
  0: [{ from: [0, 0, 0.02], to: [0, 0, 0.2], radius: 0.065 }],
  1: [{ from: [0, 0, -0.14], to: [0, 0, 0], radius: 0.06 }],
  2: [{ from: [0, 0, 0], to: [0, -0.2, 0], radius: 0.06 }],
  3: [
    { from: [0, 0, -0.12], to: [0, 0, 0], radius: 0.055 },
    { from: [0, 0, 0], to: [0.0825, 0, 0], radius: 0.055 },
  ],
  4: [
    { from: [0, 0, 0], to: [-0.0825, 0.0, 0], radius: 0.055 },
    { from: [-0.0825, 0.05, 0], to: [-0.0825, 0.26, 0], radius: 0.05 },
  ],
  5: [{ from: [0, 0, -0.12], to: [0, 0, 0], radius: 0.05 }],
  6: [{ from: [0, 0, 0], to: [0.088, 0, 0], radius: 0.045 }],
  7: [{ from: [0, 0, 0], to: [0, 0, 0.07], radius: 0.045 }],
};

/** Length of the dark drum drawn on each joint axis (link frame z). */
const KNUCKLE: Record<number, { radius: number; half: number }> = {
  1: { radius: 0.062, half: 0.045 },
  2: { radius: 0.062, half: 0.06 },
  3: { radius: 0.057, half: 0.05 },
  4: { radius: 0.057, half: 0.06 },
  5: { radius: 0.052, half: 0.05 },
  6: { radius: 0.05, half: 0.055 },
  7: { radius: 0.046, half: 0.035 },
};

/** Names of the robot's collidable geoms and their Bullet frictions, for the scene's friction pairs. */
export interface RobotCollision {
  readonly links: FrictionGeom[];
  readonly fingers: FrictionGeom[];
}

export interface RobotMjcf {
  /** The `<body>` tree to put in the worldbody. */
  readonly body: string;
  readonly actuators: string;
  readonly collision: RobotCollision;
}

/** The Panda's MJCF: bodies link0..link7, hand, two fingers, site "ee" at the grasp target; 9 actuators. */
export function robotMjcf(): RobotMjcf {
  const links: FrictionGeom[] = [];
  const tubes = (link: number, collide: boolean): string =>
    (LINK_TUBES[link] ?? [])
      .map((c, i) => {
        const name = `link${link}_tube${i}`;
        if (collide) links.push({ name, friction: LINK_FRICTION });
        return `<geom ${attrs({ name, type: "capsule", fromto: [...c.from, ...c.to], size: c.radius, rgba: LINK_RGBA, mass: 0, ...NO_COLLISION })}/>`;
      })
      .join("");
  const knuckle = (link: number): string => {
    const k = KNUCKLE[link];
    return k
      ? `<geom ${attrs({ name: `link${link}_drum`, type: "cylinder", size: [k.radius, k.half], rgba: JOINT_RGBA, mass: 0, ...NO_COLLISION })}/>`
      : "";
  };
  const inertial = (mass: number, com: Vec3) => {
    const i = mass * INERTIA_PER_KG;
    return `<inertial ${attrs({ pos: com, mass, diaginertia: [i, i, i] })}/>`;
  };

  // Innermost first: hand with fingers and the grasp-target site, then wrap links 7..1 around it.
  const fingerGeom = (side: 1 | -1) =>
    `<geom ${attrs({ name: side > 0 ? "finger_left" : "finger_right", type: "box", pos: [0, side * 0.009, 0.027], size: [0.009, 0.009, 0.027], rgba: FINGER_RGBA, mass: 0, ...NO_COLLISION })}/>` +
    `<geom ${attrs({ type: "box", pos: [0, side * 0.012, 0.002], size: [0.011, 0.012, 0.008], rgba: LINK_RGBA, mass: 0, ...NO_COLLISION })}/>`;
  const finger = (side: 1 | -1) =>
    `<body ${attrs({ name: side > 0 ? "finger_left" : "finger_right", pos: [0, 0, FINGER_OFFSET] })}>` +
    inertial(FINGER_MASS, [0, side * 0.01, 0.02]) +
    `<joint ${attrs({ name: side > 0 ? "finger_joint1" : "finger_joint2", type: "slide", axis: [0, side, 0], range: [0, FINGER_UPPER], limited: "true" })}/>` +
    fingerGeom(side) +
    "</body>";
  const hand =
    `<body ${attrs({ name: "hand", pos: [0, 0, FLANGE_OFFSET], quat: quatFromRpy(0, 0, HAND_YAW) })}>` +
    inertial(HAND_MASS, [0, 0, 0.04]) +
    `<geom ${attrs({ name: "hand_body", type: "box", pos: [0, 0, 0.03], size: [0.025, 0.1, 0.028], rgba: LINK_RGBA, mass: 0, ...NO_COLLISION })}/>` +
    `<geom ${attrs({ type: "cylinder", pos: [0, 0, -0.005], size: [0.045, 0.008], rgba: JOINT_RGBA, mass: 0, ...NO_COLLISION })}/>` +
    `<site ${attrs({ name: "ee", pos: [0, 0, GRASP_OFFSET], size: 0.005 })}/>` +
    finger(1) +
    finger(-1) +
    "</body>";
  links.push({ name: "hand_body", friction: LINK_FRICTION });

  let tree = hand;
  for (let i = ARM_JOINTS.length - 1; i >= 0; i--) {
    const j = ARM_JOINTS[i];
    const link = i + 1;
    tree =
      `<body ${attrs({ name: `link${link}`, pos: j.xyz, quat: quatFromRpy(j.roll, 0, 0) })}>` +
      inertial(j.mass, j.com) +
      `<joint ${attrs({ name: j.name, type: "hinge", axis: [0, 0, 1], range: [j.lower, j.upper], limited: "true" })}/>` +
      knuckle(link) +
      // Links 1 and 5 only overlap their neighbours' tubes; colliding them adds contacts and nothing else.
      tubes(link, link !== 1) +
      tree +
      "</body>";
  }
  const body =
    `<body ${attrs({ name: "link0", pos: BASE_POSITION })}>` +
    inertial(BASE_MASS, [0, 0, 0.05]) +
    tubes(0, false) +
    `<geom ${attrs({ type: "cylinder", pos: [0, 0, 0.01], size: [0.09, 0.01], rgba: JOINT_RGBA, mass: 0, ...NO_COLLISION })}/>` +
    tree +
    "</body>";

  // Torque motors driven by BulletPositionMotor (mujoco/bullet-motor.ts), in dof order.
  const motor = (joint: string) => `<motor ${attrs({ name: `motor_${joint}`, joint, gear: 1 })}/>`;
  const actuators =
    ARM_JOINTS.map((j) => motor(j.name)).join("") + motor("finger_joint1") + motor("finger_joint2");

  return {
    body,
    actuators,
    collision: {
      links,
      fingers: [
        { name: "finger_left", friction: FINGER_FRICTION },
        { name: "finger_right", friction: FINGER_FRICTION },
      ],
    },
  };
}
