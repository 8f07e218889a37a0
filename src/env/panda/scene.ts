/**
 * A panda-gym task's scene as MJCF: floor, table, the Panda, the task's objects (free bodies) and ghost targets
 * (mocap bodies without collision), simulated as panda-gym's PyBullet world is (0.002 s steps, gravity 9.81).
 *
 * Contacts come only from explicit friction pairs with Bullet's product rule (see mujoco/mjcf.ts): object with
 * table, floor, other objects and every robot geom; robot with table. `multiccd` gives a cylinder resting on a
 * box several contact points (with one, the Slide puck sinks and tumbles). Convex pairs (cylinder with box) go
 * through libccd, not MuJoCo's native CCD: with multiccd the native one reports the box's face normal when a box
 * edge touches the cylinder's side (a fingertip corner pushing the puck at 30° sent it along the face normal,
 * at 2°, and some contacts had the normal reversed), where Bullet, like any rigid-body engine, pushes along the
 * line from the contact point through the puck's axis. Box-box and capsule-box pairs are analytic either way.
 *
 * Friction cones are elliptic, not MuJoCo's default pyramid: Bullet's friction opposes the sliding velocity,
 * while a pyramid bounds the friction force by |f1| + |f2| ≤ μN in the contact's tangent axes, so a puck sliding
 * mostly along x was braked along x only and kept its y speed (launched at 10° it ended at 19°, at 30° it never
 * stopped and left the table). The cube tasks get them too: they are as faithful there, their experts do as well
 * or better with them (docs/BENCHMARKS.md), and zoo/PandaPushJoints-v3 was recorded with them.
 */
import { attrs, type FrictionGeom, frictionPair } from "../mujoco/mjcf.ts";
import { robotMjcf } from "./robot.ts";
import type { TaskDef } from "./tasks.ts";

export const TIMESTEP = 0.002;
export const SUBSTEPS = 20;

const TABLE_RGBA = [0.95, 0.95, 0.95, 1];
const FLOOR_RGBA = [0.15, 0.15, 0.15, 1];
/** Bullet's default lateral friction, which panda-gym keeps for table and floor. */
const DEFAULT_FRICTION = 0.5;
const NO_COLLISION = { contype: 0, conaffinity: 0 };

/** The MJCF document for a task. */
export function sceneMjcf(task: TaskDef): string {
  const robot = robotMjcf();
  const table: FrictionGeom = { name: "table", friction: DEFAULT_FRICTION };
  const floor: FrictionGeom = { name: "floor", friction: DEFAULT_FRICTION };
  const { length, xOffset } = task.table;

  const objects = task.objects
    .map((o) => {
      const geom = attrs({
        name: o.name,
        type: o.shape,
        size: o.size,
        mass: o.mass,
        rgba: o.rgba,
        ...NO_COLLISION,
      });
      return `<body ${attrs({ name: o.name, pos: [0, 0, 1 + o.size[0]] })}><freejoint name="${o.name}_joint"/><geom ${geom}/></body>`;
    })
    .join("");
  const targets = task.targets
    .map((t) => {
      const geom = attrs({ name: t.name, type: t.shape, size: t.size, rgba: t.rgba, ...NO_COLLISION });
      return `<body ${attrs({ name: t.name, mocap: "true", pos: [0, 0, -1] })}><geom ${geom}/></body>`;
    })
    .join("");

  const pairs: string[] = [];
  const objectGeoms: FrictionGeom[] = task.objects.map((o) => ({ name: o.name, friction: o.friction }));
  for (let i = 0; i < objectGeoms.length; i++) {
    const o = objectGeoms[i];
    pairs.push(frictionPair(o, table), frictionPair(o, floor));
    for (let j = i + 1; j < objectGeoms.length; j++) pairs.push(frictionPair(o, objectGeoms[j]));
    for (const link of robot.collision.links) pairs.push(frictionPair(o, link));
    // Fingers grip: stiffer contacts (Bullet's finger contact is stiff too) with a little torsional friction
    // (panda-gym's spinning friction), so a held cube neither sinks into the pads nor creeps out.
    for (const finger of robot.collision.fingers) {
      pairs.push(frictionPair(o, finger, { condim: 4, torsional: 0.002, solref: [0.004, 1] }));
    }
  }
  for (const g of [...robot.collision.links, ...robot.collision.fingers]) pairs.push(frictionPair(g, table));

  return [
    `<mujoco model="panda-${task.name.toLowerCase()}">`,
    '<compiler angle="radian" autolimits="true"/>',
    // The arena holds contacts and solver rows; 1 MB is ample for a few objects and keeps many envs in memory.
    '<size memory="1M"/>',
    // Tasks with a working gripper add MuJoCo's no-slip pass: without it soft friction lets a held cube creep.
    `<option ${attrs({ timestep: TIMESTEP, gravity: [0, 0, -9.81], integrator: "Euler", cone: "elliptic", noslip_iterations: task.blockGripper ? undefined : 4 })}><flag multiccd="enable" nativeccd="disable"/></option>`,
    // Bullet's joint limits are hard constraints; MuJoCo's soft default lets a 170 N finger motor push 3 cm
    // past them, so limits are made as stiff as the 0.002 s step allows.
    '<default><joint solreflimit="0.004 1" solimplimit="0.99 0.999 0.001"/></default>',
    "<worldbody>",
    robot.body,
    `<geom ${attrs({ name: "floor", type: "box", pos: [0, 0, -0.41], size: [3, 3, 0.01], rgba: FLOOR_RGBA, ...NO_COLLISION })}/>`,
    `<geom ${attrs({ name: "table", type: "box", pos: [xOffset, 0, -0.2], size: [length / 2, 0.35, 0.2], rgba: TABLE_RGBA, ...NO_COLLISION })}/>`,
    objects,
    targets,
    "</worldbody>",
    `<contact>${pairs.join("")}</contact>`,
    `<actuator>${robot.actuators}</actuator>`,
    "</mujoco>",
  ].join("\n");
}
