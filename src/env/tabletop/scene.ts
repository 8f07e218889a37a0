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
import { KITTING_HEIGHT, kittingShapes } from "./kitting.ts";
import { PLANE_TOP, TIMESTEP } from "./workspace.ts";

/**
 * block: a cube of `size`; bowl; stand: the pyramid's three tiles; zone: a flat visual square; shape: a kitting
 * shape (one mesh geom per shape it may be, the episode's switched on); container: the brown box's five plates;
 * kit: the assembling-kits board; box: a cuboid whose size each episode sets (packing-boxes-pairs); hole: a
 * kit's hole, drawn only (Ravens' holes are 0.1 mm thin).
 */
export type ObjectKind = "block" | "bowl" | "stand" | "zone" | "shape" | "container" | "kit" | "box" | "hole";

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

/** Geoms in this group are off for the episode (a shape slot's other shapes): rays skip them too. */
export const HIDDEN_GROUP = 5;

/** The container's wall thickness (Ravens' container-template plates). */
export const CONTAINER_WALL = 0.002;
export const CONTAINER_HEIGHT = 0.05;
/** The assembling-kits board: 0.28 x 0.2 x 0.005 m. */
export const KIT_HALF: [number, number, number] = [0.14, 0.1, 0.0025];

/**
 * The container's five plates (bottom, then walls at -x, +x, -y, +y) for outer size (sx, sy, h), in its body
 * frame whose origin is the box's centre (Ravens poses it at z = h/2): half sizes and centres.
 */
export function containerPlates(
  sx: number,
  sy: number,
  h: number,
): { half: [number, number, number]; pos: [number, number, number] }[] {
  const t = CONTAINER_WALL / 2;
  return [
    { half: [sx / 2, sy / 2, t], pos: [0, 0, -h / 2 + t] },
    { half: [t, sy / 2, h / 2], pos: [-sx / 2 + t, 0, 0] },
    { half: [t, sy / 2, h / 2], pos: [sx / 2 - t, 0, 0] },
    { half: [sx / 2, t, h / 2], pos: [0, -sy / 2 + t, 0] },
    { half: [sx / 2, t, h / 2], pos: [0, sy / 2 - t, 0] },
  ];
}

/** Mesh asset name of kitting shape `id`. */
export function kittingMeshName(id: number): string {
  return `kitting${id}`;
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
    } else if (o.kind === "zone" || o.kind === "hole") {
      // Visual only (no collision, no ray hits: the hidden group); the env draws it.
      geoms = `<geom ${attrs({ name, type: "box", size: [ZONE_VISUAL_HALF, ZONE_VISUAL_HALF, 0.0005], pos: [0, 0, 0.0005], rgba: [0.5, 0.5, 0.5, 1], contype: 0, conaffinity: 0, group: HIDDEN_GROUP })}/>`;
    } else if (o.kind === "stand") {
      geoms = STAND_TILES.map(
        (t, k) =>
          `<geom ${attrs({ name: `${name}_tile${k}`, type: "box", size: STAND_TILE_HALF, pos: [0, t.y, STAND_TILE_HALF[2]], rgba: [...t.rgb, 1], mass: o.mass / 3 })}/>`,
      ).join("");
    } else if (o.kind === "shape") {
      // One hull per kitting shape, all hidden until an episode picks this slot's shape; the body's own inertial
      // (a 6 x 6 x 2 cm slab of o.mass) stands for whichever is on.
      const ixy = (o.mass * (0.06 ** 2 + KITTING_HEIGHT ** 2)) / 12;
      geoms = [
        `<inertial ${attrs({ pos: [0, 0, KITTING_HEIGHT / 2], mass: o.mass, diaginertia: [ixy, ixy, (o.mass * 2 * 0.06 ** 2) / 12] })}/>`,
        ...kittingShapes().map(
          (k) =>
            `<geom ${attrs({ name: `${name}_shape${k.id}`, type: "mesh", mesh: kittingMeshName(k.id), rgba: [0.5, 0.5, 0.5, 1], contype: 0, conaffinity: 0, group: HIDDEN_GROUP })}/>`,
        ),
      ].join("");
    } else if (o.kind === "container") {
      // Sizes are the episode's (written into the model at reset); these are placeholders.
      geoms = containerPlates(0.12, 0.12, CONTAINER_HEIGHT)
        .map(
          (p, k) =>
            `<geom ${attrs({ name: `${name}_plate${k}`, type: "box", size: p.half, pos: p.pos, rgba: [0.5, 0.5, 0.5, 1], mass: o.mass / 5 })}/>`,
        )
        .join("");
    } else if (o.kind === "kit") {
      geoms = `<geom ${attrs({ name, type: "box", size: KIT_HALF, pos: [0, 0, KIT_HALF[2]], rgba: [0.5, 0.5, 0.5, 1], mass: o.mass })}/>`;
    } else if (o.kind === "box") {
      // Resized per episode (the KD-tree's leaves); a placeholder size here.
      geoms = `<geom ${attrs({ name, type: "box", size: [0.03, 0.03, 0.025], rgba: [0.5, 0.5, 0.5, 1], mass: o.mass })}/>`;
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
  const kinds = new Set(objects.map((o) => o.kind));
  const assets = kinds.has("shape")
    ? `<asset>${kittingShapes()
        .map((k) => {
          const v: number[] = [];
          for (const z of [0, KITTING_HEIGHT])
            for (let i = 0; i < k.outline.length; i += 2) v.push(k.outline[i], k.outline[i + 1], z);
          return `<mesh ${attrs({ name: kittingMeshName(k.id), vertex: v })}/>`;
        })
        .join("")}</asset>`
    : "";
  return [
    `<mujoco model="${label}">`,
    '<compiler angle="radian" autolimits="true"/>',
    '<size memory="2M"/>',
    `<option ${attrs({ timestep: TIMESTEP, gravity: [0, 0, -9.8], integrator: "implicitfast" })}/>`,
    // The tool's joints are set kinematically each substep; not a mocap body, because a mocap body has no velocity
    // for the weld's damping to see, and a held block then trails it by ~1 cm at 1.5 m/s.
    '<default><geom friction="1 0.005 0.0001" condim="3"/></default>',
    assets,
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
