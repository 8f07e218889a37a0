/**
 * The tool (suction cup or spatula) on its kinematic joints (x, y, z slides and a yaw hinge; the body origin is `tool_tip`), and
 * the weld that holds a picked object (ROBOTICS.md B.2).
 *
 * Moves follow a smooth-step profile (zero speed at both ends, at most 3 m/s and 50 m/s²), the order of
 * Ravens' movej (0.01 rad per 1/480 s step, about 2 m/s at the tool), written into the joints' positions and
 * velocities each substep so the weld and contacts see the tool's true velocity.
 *
 * Contact detection uses MuJoCo's ray casts: "descend in 1 mm steps until contact" becomes "descend to the
 * first surface under the tip (or under the held object's bottom)", which stops at the same place without
 * reading contacts every millimetre.
 */
import type { MujocoSim } from "../mujoco/sim.ts";
import { HIDDEN_GROUP, TOOL_GROUP } from "./scene.ts";
import { PLANE_TOP } from "./workspace.ts";

const MAX_SPEED = 3;
const MAX_ACCEL = 50;
const MAX_YAW_RATE = 6;
/** Rays see every geom group but the tool's and the hidden one (a shape slot's shapes not in this episode). */
const RAY_GROUPS = [1, 1, 1, 1, 1, 1].map((g, i) => (i === TOOL_GROUP || i === HIDDEN_GROUP ? 0 : g));

export interface RayHit {
  readonly distance: number;
  /** Geom hit, or -1 for nothing (then distance is to the plane). */
  readonly geom: number;
}

export class ToolDriver {
  private readonly qpos: number;
  private readonly dof: number;
  private readonly geomId: InstanceType<MujocoSim["mj"]["IntBuffer"]>;
  private readonly normal: InstanceType<MujocoSim["mj"]["DoubleBuffer"]>;
  /** Substeps taken by the current primitive; the env caps it. */
  substeps = 0;
  /** Episode object id held, or -1. */
  held = -1;

  constructor(
    private readonly sim: MujocoSim,
    /** Called after every substep (the env checks its cap and health there); returns false to abort. */
    private readonly afterSubstep: () => boolean,
  ) {
    this.qpos = sim.jointQposAddress(sim.id("joint", "tool_x"));
    this.dof = sim.jointDofAddress(sim.id("joint", "tool_x"));
    this.geomId = new sim.mj.IntBuffer(1);
    this.normal = new sim.mj.DoubleBuffer(3);
  }

  /** x, y, z of tool_tip and the yaw. */
  pose(): [number, number, number, number] {
    const q = this.sim.qpos;
    const a = this.qpos;
    return [q[a], q[a + 1], q[a + 2], q[a + 3]];
  }

  /** Puts the tool somewhere at rest (reset). */
  teleport(x: number, y: number, z: number, yaw: number): void {
    this.sim.qpos.set([x, y, z, yaw], this.qpos);
    this.sim.qvel.fill(0, this.dof, this.dof + 4);
  }

  /**
   * Moves tool_tip in a straight line to (x, y, z) while turning to `yaw`; false when the env aborted it.
   * The yaw goes the short way round.
   */
  moveTo(x: number, y: number, z: number, yaw: number, maxSpeed = MAX_SPEED): boolean {
    const sim = this.sim;
    const [x0, y0, z0, w0] = this.pose();
    let dw = (yaw - w0) % (2 * Math.PI);
    if (dw > Math.PI) dw -= 2 * Math.PI;
    if (dw < -Math.PI) dw += 2 * Math.PI;
    const d = Math.hypot(x - x0, y - y0, z - z0);
    // Smooth step s(t) = 3t² − 2t³: peak speed 1.5 d/T, peak acceleration 6 d/T².
    const duration = Math.max(
      (1.5 * d) / maxSpeed,
      Math.sqrt((6 * d) / MAX_ACCEL),
      (1.5 * Math.abs(dw)) / MAX_YAW_RATE,
      sim.timestep,
    );
    const n = Math.max(1, Math.ceil(duration / sim.timestep));
    const total = n * sim.timestep;
    const delta = [x - x0, y - y0, z - z0, dw];
    const start = [x0, y0, z0, w0];
    for (let i = 1; i <= n; i++) {
      const t = i / n;
      const s = t * t * (3 - 2 * t);
      const ds = (6 * t * (1 - t)) / total;
      const q = sim.qpos;
      const v = sim.qvel;
      for (let k = 0; k < 4; k++) {
        q[this.qpos + k] = start[k] + delta[k] * s;
        v[this.dof + k] = delta[k] * ds;
      }
      sim.mj.mj_step(sim.model, sim.data);
      sim.refresh();
      this.substeps++;
      if (!this.afterSubstep()) return false;
    }
    // Land exactly on the target, at rest.
    const q = sim.qpos;
    q.set([x, y, z, w0 + dw], this.qpos);
    sim.qvel.fill(0, this.dof, this.dof + 4);
    return true;
  }

  /** Holds the tool still for `substeps` (settling). */
  hold(substeps: number): boolean {
    for (let i = 0; i < substeps; i++) {
      this.sim.qvel.fill(0, this.dof, this.dof + 4);
      this.sim.mj.mj_step(this.sim.model, this.sim.data);
      this.sim.refresh();
      this.substeps++;
      if (!this.afterSubstep()) return false;
    }
    return true;
  }

  /** The first surface straight below a point (tool excluded, `excludeBody` too); the plane if nothing else. */
  rayDown(x: number, y: number, z: number, excludeBody = -1): RayHit {
    const sim = this.sim;
    const d = sim.mj.mj_ray(
      sim.model,
      sim.data,
      [x, y, z],
      [0, 0, -1],
      RAY_GROUPS,
      true,
      excludeBody,
      this.geomId,
      this.normal,
    );
    const geom = (this.geomId.GetView() as Int32Array)[0];
    if (d < 0 || geom < 0) return { distance: Math.max(0, z - PLANE_TOP), geom: -1 };
    return { distance: d, geom };
  }

  dispose(): void {
    this.geomId.delete();
    this.normal.delete();
  }
}
