/**
 * A tabletop task's MuJoCo scene: the collision plane, the task's objects (free or fixed bodies), and the tool
 * (a body on x, y, z slides and a yaw hinge whose origin is `tool_tip`, driven kinematically along the
 * primitive's path, ROBOTICS.md C.2 [REC] 2) with one weld equality per pickable object, all off
 * at load and switched on through `eq_active` when the suction grabs (the team measured this holding 20 of 20
 * blocks with at most 0.55 mm drift). The weld's relative pose is written into `eq_data` at the grab, which lives
 * in the model: each env owns its model.
 *
 * The env draws the images itself from body poses (the dark-grey workspace quad, the UR5, the bowls' meshes are
 * not in the physics); geoms keep alpha 1 because MuJoCo's ray casts skip transparent geoms.
 *
 * Compiling a scene costs ~0.2 s, too much per reset, so a task's scene has a fixed set of object slots (e.g. 3
 * goal bowls, 6 loose bowls, 9 blocks); unused slots are parked far away without collision or gravity. Friction: Ravens' plane, blocks and bowls all use 1.0, and Bullet's product of 1 × 1 equals
 * MuJoCo's max rule, so no explicit pairs are needed.
 */
import { attrs, num } from "../mujoco/mjcf.ts";
import { bowlCollisionGeoms } from "./bowl.ts";
import { PLANE_TOP, TIMESTEP } from "./workspace.ts";

export type ObjectKind = "block" | "bowl" | "stand" | "zone";

/** One object slot of a task's scene; an episode gives it a colour and a pose, or parks it. */
export interface SlotSpec {
  readonly kind: ObjectKind;
  /** Fixed bodies (goal bowls, containers) cannot be picked or moved. */
  readonly fixed: boolean;
  /** Block edge (m); ignored for bowls. */
  readonly size: number;
  readonly mass: number;
  /** Sliding friction (default 1, Ravens' blocks and bowls; the piles' small blocks use 0.5). */
  readonly friction?: number;
}

/** The tool on the arm: Ravens' suction cup, or the spatula for pushing piles. */
export type ToolKind = "suction" | "spatula";

/** The spatula's blade (half extents, tool frame): 5 cm wide along y, 5 mm thick, its bottom 4 mm below tool_tip. */
export const SPATULA_HALF: [number, number, number] = [0.0025, 0.025, 0.055];
export const SPATULA_BOTTOM = -0.004;

/** A zone's visual square (Ravens' zone.urdf: 0.12 m, 1 mm thick). */
export const ZONE_VISUAL_HALF = 0.06;

/** Ravens' pyramid stand (`stacking/stand.urdf`): three 5 × 5 × 0.5 cm tiles along its y, light to dark brown. */
export const STAND_TILE_HALF: [number, number, number] = [0.025, 0.025, 0.0025];
export const STAND_TILES: readonly { y: number; rgb: [number, number, number] }[] = [
  { y: -0.05, rgb: [0.918, 0.688, 0.559] },
  { y: 0, rgb: [0.612, 0.459, 0.373] },
  { y: 0.05, rgb: [0.306, 0.229, 0.186] },
];

/** Where unused object slots wait: a row far off the table, 0.5 m apart. */
export function parkedPosition(i: number): [number, number, number] {
  return [-5 - 0.5 * i, 20, 1];
}

/** Body and geom names of object i. */
export function objectName(i: number): string {
  return `obj${i}`;
}

export const TOOL_BODY = "tool";
export const TOOL_TIP_GEOM = "tool_tip";
/** Group of the tool's geoms: rays that look for what lies under the tool skip it. */
export const TOOL_GROUP = 3;

/** The MJCF document. */
export function tabletopMjcf(
  label: string,
  objects: readonly SlotSpec[],
  tool: ToolKind = "suction",
): string {
  const bodies = objects.map((o, i) => {
    const name = objectName(i);
    const joint = o.fixed ? "" : `<freejoint name="${name}_joint"/>`;
    // Bodies start parked apart, out of the way (overlapping bodies would flood the contact buffer); reset()
    // writes the sampled poses.
    const pos = parkedPosition(i);
    let geoms: string;
    if (o.kind === "block") {
      const h = o.size / 2;
      const mu = o.friction ?? 1;
      geoms = `<geom ${attrs({ name, type: "box", size: [h, h, h], rgba: [0.5, 0.5, 0.5, 1], mass: o.mass, friction: [mu, 0.005, 0.0001] })}/>`;
    } else if (o.kind === "zone") {
      // Visual only (no collision); the env draws it.
      geoms = `<geom ${attrs({ name, type: "box", size: [ZONE_VISUAL_HALF, ZONE_VISUAL_HALF, 0.0005], pos: [0, 0, 0.0005], rgba: [0.5, 0.5, 0.5, 1], contype: 0, conaffinity: 0, group: 1 })}/>`;
    } else if (o.kind === "stand") {
      geoms = STAND_TILES.map(
        (t, k) =>
          `<geom ${attrs({ name: `${name}_tile${k}`, type: "box", size: STAND_TILE_HALF, pos: [0, t.y, STAND_TILE_HALF[2]], rgba: [...t.rgb, 1], mass: o.mass / 3 })}/>`,
      ).join("");
    } else {
      geoms = bowlCollisionGeoms(name, o.mass);
    }
    return `<body ${attrs({ name, pos })}>${joint}${geoms}</body>`;
  });
  const welds = objects
    .map((o, i) =>
      o.fixed
        ? ""
        : `<weld ${attrs({ name: `suction_${objectName(i)}`, body1: TOOL_BODY, body2: objectName(i), active: "false", solref: [0.005, 1], solimp: [0.99, 0.999, 0.0001] })}/>`,
    )
    .join("");
  return [
    `<mujoco model="${label}">`,
    '<compiler angle="radian" autolimits="true"/>',
    '<size memory="2M"/>',
    `<option ${attrs({ timestep: TIMESTEP, gravity: [0, 0, -9.8], integrator: "implicitfast" })}/>`,
    // The tool's joints are set kinematically each substep; not a mocap body, because a mocap body has no velocity
    // for the weld's damping to see, and a held block then trails it by ~1 cm at 1.5 m/s.
    '<default><geom friction="1 0.005 0.0001" condim="3"/></default>',
    "<worldbody>",
    `<geom ${attrs({ name: "plane", type: "plane", size: [0, 0, 1], pos: [0, 0, PLANE_TOP], rgba: [0.5, 0.5, 0.5, 1] })}/>`,
    // The tool: its tip's bottom face is tool_tip; the suction cup is the only part that collides.
    `<body ${attrs({ name: TOOL_BODY, pos: [0, 0, 0], gravcomp: 1 })}>`,
    `<inertial ${attrs({ pos: [0, 0, 0.05], mass: 1, diaginertia: [0.01, 0.01, 0.01] })}/>`,
    `<joint ${attrs({ name: "tool_x", type: "slide", axis: [1, 0, 0] })}/>`,
    `<joint ${attrs({ name: "tool_y", type: "slide", axis: [0, 1, 0] })}/>`,
    `<joint ${attrs({ name: "tool_z", type: "slide", axis: [0, 0, 1] })}/>`,
    `<joint ${attrs({ name: "tool_yaw", type: "hinge", axis: [0, 0, 1] })}/>`,
    tool === "suction"
      ? `<geom ${attrs({ name: TOOL_TIP_GEOM, type: "cylinder", size: [0.006, 0.002], pos: [0, 0, 0.002], rgba: [0.18, 0.51, 0.77, 1], group: TOOL_GROUP })}/>`
      : `<geom ${attrs({ name: TOOL_TIP_GEOM, type: "box", size: SPATULA_HALF, pos: [0, 0, SPATULA_BOTTOM + SPATULA_HALF[2]], rgba: [0.2, 0.2, 0.2, 1], group: TOOL_GROUP, friction: [0.5, 0.005, 0.0001] })}/>`,
    "</body>",
    ...bodies,
    "</worldbody>",
    welds ? `<equality>${welds}</equality>` : "",
    "</mujoco>",
  ].join("\n");
}

export { num };
