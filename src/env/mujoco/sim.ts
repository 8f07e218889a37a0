/**
 * A MuJoCo model and its data, behind a small typed surface: load from an MJCF string, step, read and write the
 * state, poses, Jacobians, contacts, and health checks. Every env (Panda now, the tabletop scenes next) owns one.
 *
 * Why the surface looks the way it does (traps of the WebAssembly bindings):
 * - Field getters (`data.qpos`) cost about a microsecond each, so the typed-array views are read once and kept.
 * - Those views point into the module's memory and turn empty (length 0) when that memory grows, which happens
 *   whenever any model or data in the process is allocated. `refresh()` re-reads them; `step()` and the readers
 *   call it, at the cost of one length check.
 * - Functions that write results (Jacobians, velocities, contact forces) need MuJoCo's own `DoubleBuffer`s; a
 *   plain Float64Array passed in silently stays zero. The buffers are allocated once per sim.
 * - Each model declares its arena with `<size memory=…>` (see mjcf.ts) so data stays small; the default reserves
 *   ~14 MB per data.
 * - Model and data live on the wasm heap, not the JS one: `close()` frees them, and a closed sim refuses use.
 */
import type { DoubleBuffer, MjData, MjModel, Mujoco } from "./module.ts";
import { mujoco } from "./module.ts";

/** MuJoCo's object kinds for name lookups (mjtObj). */
export type MjObjectKind = "body" | "joint" | "geom" | "site" | "actuator";

/** One contact of the last step: the two geoms, the point, and the signed distance (negative: penetration). */
export interface MjContactInfo {
  readonly geom1: number;
  readonly geom2: number;
  readonly pos: [number, number, number];
  readonly dist: number;
}

/** Raised when MuJoCo rejects a model or the simulation becomes unusable; the message says what to do. */
export class PhysicsError extends Error {
  override name = "PhysicsError";
}

const WARNING_NAMES = [
  "inertia",
  "contact buffer full",
  "constraint buffer full",
  "bad qpos (NaN or too large)",
  "bad qvel (NaN or too large)",
  "bad qacc (NaN or too large)",
  "bad ctrl",
] as const;

export class MujocoSim {
  readonly mj: Mujoco;
  readonly model: MjModel;
  readonly data: MjData;
  readonly nq: number;
  readonly nv: number;
  readonly nu: number;
  readonly nbody: number;
  readonly ngeom: number;
  readonly nsite: number;
  readonly nmocap: number;
  readonly timestep: number;

  // Live views into the model and data, re-read by refresh() after the wasm memory grows.
  qpos!: Float64Array;
  qvel!: Float64Array;
  ctrl!: Float64Array;
  xpos!: Float64Array;
  xquat!: Float64Array;
  xmat!: Float64Array;
  geomXpos!: Float64Array;
  geomXmat!: Float64Array;
  siteXpos!: Float64Array;
  siteXmat!: Float64Array;
  mocapPos!: Float64Array;
  mocapQuat!: Float64Array;
  geomSize!: Float64Array;
  geomType!: Int32Array;
  geomRgba!: Float32Array;
  geomBodyId!: Int32Array;
  /** Joint-space inertia, lower triangle in compressed rows (MuJoCo 3.3+: M, M_rowadr, M_rownnz, M_colind). */
  massCsr!: Float64Array;
  massRowAdr!: Int32Array;
  massRowNnz!: Int32Array;
  massColInd!: Int32Array;
  qfrcBias!: Float64Array;
  /** Constraint forces (contacts, limits) in joint space, from the last solve. */
  qfrcConstraint!: Float64Array;

  private readonly jacp: DoubleBuffer;
  private readonly jacr: DoubleBuffer;
  private readonly velocity6: DoubleBuffer;
  private closed = false;

  private constructor(
    readonly label: string,
    model: MjModel,
    data: MjData,
  ) {
    this.mj = mujoco();
    this.model = model;
    this.data = data;
    this.nq = model.nq;
    this.nv = model.nv;
    this.nu = model.nu;
    this.nbody = model.nbody;
    this.ngeom = model.ngeom;
    this.nsite = model.nsite;
    this.nmocap = model.nmocap;
    this.timestep = model.opt.timestep;
    this.jacp = new this.mj.DoubleBuffer(3 * Math.max(1, this.nv));
    this.jacr = new this.mj.DoubleBuffer(3 * Math.max(1, this.nv));
    this.velocity6 = new this.mj.DoubleBuffer(6);
    this.readViews();
  }

  /** Compiles an MJCF document. `label` names the scene in error messages (e.g. the env id). */
  static fromXml(xml: string, label: string): MujocoSim {
    const mj = mujoco();
    let model: MjModel;
    try {
      model = mj.MjModel.from_xml_string(xml);
    } catch (error) {
      throw new PhysicsError(`${label}: MuJoCo rejected the scene's MJCF: ${describe(error)}`);
    }
    const data = new mj.MjData(model);
    const sim = new MujocoSim(label, model, data);
    sim.forward();
    return sim;
  }

  /** Re-reads the typed-array views if the wasm memory has grown since they were taken. */
  refresh(): void {
    if (this.closed) throw new PhysicsError(`${this.label}: the simulation was closed; make a new env`);
    if (this.qpos.length === 0 && this.nq > 0) this.readViews();
    else if (this.geomXpos.length === 0 && this.ngeom > 0) this.readViews();
  }

  private readViews(): void {
    const d = this.data;
    const m = this.model;
    this.qpos = d.qpos;
    this.qvel = d.qvel;
    this.ctrl = d.ctrl;
    this.xpos = d.xpos;
    this.xquat = d.xquat;
    this.xmat = d.xmat;
    this.geomXpos = d.geom_xpos;
    this.geomXmat = d.geom_xmat;
    this.siteXpos = d.site_xpos;
    this.siteXmat = d.site_xmat;
    this.mocapPos = d.mocap_pos;
    this.mocapQuat = d.mocap_quat;
    this.geomSize = m.geom_size;
    this.geomType = m.geom_type;
    this.geomRgba = m.geom_rgba;
    this.geomBodyId = m.geom_bodyid;
    this.massCsr = d.M;
    this.massRowAdr = m.M_rowadr;
    this.massRowNnz = m.M_rownnz;
    this.massColInd = m.M_colind;
    this.qfrcBias = d.qfrc_bias;
    this.qfrcConstraint = d.qfrc_constraint;
  }

  /** The index of a named element; throws naming the element when the scene has none. */
  id(kind: MjObjectKind, name: string): number {
    const kinds = this.mj.mjtObj;
    const code = {
      body: kinds.mjOBJ_BODY,
      joint: kinds.mjOBJ_JOINT,
      geom: kinds.mjOBJ_GEOM,
      site: kinds.mjOBJ_SITE,
      actuator: kinds.mjOBJ_ACTUATOR,
    }[kind].value;
    const index = this.mj.mj_name2id(this.model, code, name);
    if (index < 0) throw new PhysicsError(`${this.label}: the scene has no ${kind} named "${name}"`);
    return index;
  }

  /** Index of the first qpos / qvel entry of a joint. */
  jointQposAddress(joint: number): number {
    return this.model.jnt_qposadr[joint];
  }
  jointDofAddress(joint: number): number {
    return this.model.jnt_dofadr[joint];
  }

  /** Clears the state to the model's defaults (qpos0, zero velocities, no warm start, time 0). */
  resetData(): void {
    this.refresh();
    this.mj.mj_resetData(this.model, this.data);
  }

  /** Recomputes every derived quantity (poses, contacts, forces) from the current state. */
  forward(): void {
    this.refresh();
    this.mj.mj_forward(this.model, this.data);
  }

  /**
   * Advances `substeps` timesteps. MuJoCo leaves poses and velocities of the previous substep in the derived
   * fields, so this ends with the cheap position and velocity stages to make them match the new state.
   */
  step(substeps: number): void {
    this.refresh();
    const { mj, model, data } = this;
    for (let i = 0; i < substeps; i++) mj.mj_step(model, data);
    mj.mj_kinematics(model, data);
    mj.mj_comPos(model, data);
    mj.mj_comVel(model, data);
    this.refresh();
  }

  /**
   * Advances `substeps` timesteps, calling `control` between MuJoCo's two half-steps: positions, velocities,
   * the inertia matrix and bias forces are then fresh for the state about to be integrated, so a controller can
   * set `ctrl` from them (as a PyBullet motor solves its velocity constraint each substep).
   */
  stepControlled(substeps: number, control: (sim: MujocoSim) => void): void {
    this.refresh();
    const { mj, model, data } = this;
    for (let i = 0; i < substeps; i++) {
      mj.mj_step1(model, data);
      control(this);
      mj.mj_step2(model, data);
    }
    mj.mj_kinematics(model, data);
    mj.mj_comPos(model, data);
    mj.mj_comVel(model, data);
    this.refresh();
  }

  /**
   * The joint-space inertia block of dofs first..first+count-1 as a dense row-major count x count matrix, from
   * the last step1/forward. The range must be closed under ancestors (a whole kinematic tree, such as a robot
   * arm with its fingers), so the block is exactly that tree's inertia. Read in plain JS: the bindings' matrix
   * functions copy their arguments (~9 µs a call).
   */
  inertiaBlock(first: number, count: number, out: Float64Array): void {
    const { massCsr, massRowAdr, massRowNnz, massColInd } = this;
    out.fill(0, 0, count * count);
    // Row i stores M(i, j) for j <= i (its ancestors and itself); mirror the off-diagonal entries.
    for (let k = 0; k < count; k++) {
      const i = first + k;
      const start = massRowAdr[i];
      const end = start + massRowNnz[i];
      for (let adr = start; adr < end; adr++) {
        const c = massColInd[adr] - first;
        out[k * count + c] = massCsr[adr];
        out[c * count + k] = massCsr[adr];
      }
    }
  }

  /** Simulated time in seconds. */
  get time(): number {
    return this.data.time;
  }

  /** World linear velocity of a site's origin, written into `out` (3 values). */
  siteLinearVelocity(site: number, out: Float64Array | number[], offset = 0): void {
    this.mj.mj_objectVelocity(
      this.model,
      this.data,
      this.mj.mjtObj.mjOBJ_SITE.value,
      site,
      this.velocity6,
      0,
    );
    const v = this.velocity6.GetView() as Float64Array;
    out[offset] = v[3];
    out[offset + 1] = v[4];
    out[offset + 2] = v[5];
  }

  /**
   * Position and rotation Jacobians of a site (3 x nv each, row-major), valid for the current kinematics.
   * The returned arrays are reused by the next call.
   */
  siteJacobian(site: number): { jacp: Float64Array; jacr: Float64Array } {
    this.refresh();
    this.mj.mj_jacSite(this.model, this.data, this.jacp, this.jacr, site);
    return { jacp: this.jacp.GetView() as Float64Array, jacr: this.jacr.GetView() as Float64Array };
  }

  /** The contacts found by the last step (copied out of MuJoCo; a few µs per contact). */
  contacts(): MjContactInfo[] {
    const vec = this.data.contact;
    const out: MjContactInfo[] = [];
    try {
      const n = Math.min(vec.size(), this.data.ncon);
      for (let i = 0; i < n; i++) {
        const c = vec.get(i);
        if (!c) continue;
        const p = c.pos as Float64Array;
        out.push({ geom1: c.geom1, geom2: c.geom2, pos: [p[0], p[1], p[2]], dist: c.dist });
        c.delete();
      }
    } finally {
      vec.delete();
    }
    return out;
  }

  /** True when two geoms touch in the current contacts. */
  touching(contacts: readonly MjContactInfo[], geomA: number, geomB: number): boolean {
    for (const c of contacts) {
      if ((c.geom1 === geomA && c.geom2 === geomB) || (c.geom1 === geomB && c.geom2 === geomA)) return true;
    }
    return false;
  }

  /** MuJoCo's warning counters (they survive MuJoCo's automatic reset on a bad state). */
  warnings(): { name: string; count: number }[] {
    // `data.warning` is a view of the data's own array: deleting it would free MuJoCo's memory.
    const vec = this.data.warning;
    const out: { name: string; count: number }[] = [];
    for (let i = 0; i < Math.min(vec.size(), WARNING_NAMES.length); i++) {
      const w = vec.get(i);
      if (!w) continue;
      if (w.number > 0) out.push({ name: WARNING_NAMES[i], count: w.number });
      w.delete();
    }
    return out;
  }

  /**
   * Null when the state is finite and reasonable; otherwise what is wrong. MuJoCo silently resets the data when
   * a position, velocity or acceleration is NaN or beyond 1e10, so callers check before stepping (a bad state
   * set from outside) and compare `time` with the time they expect after stepping (a blow-up inside). Reading
   * MuJoCo's warning counters costs ~50 µs, so they are read only to explain a failure.
   */
  health(expectedTime?: number): string | null {
    this.refresh();
    const limit = 1e9;
    for (let i = 0; i < this.nq; i++) {
      const v = this.qpos[i];
      if (!(v > -limit && v < limit)) return `qpos[${i}] is ${v}`;
    }
    for (let i = 0; i < this.nv; i++) {
      const v = this.qvel[i];
      if (!(v > -limit && v < limit)) return `qvel[${i}] is ${v}`;
    }
    if (expectedTime !== undefined && Math.abs(this.data.time - expectedTime) > this.timestep * 0.5) {
      const w = this.warnings();
      const what = w.length ? w.map((x) => `${x.name} x${x.count}`).join(", ") : "no warning recorded";
      return `MuJoCo reset the simulation after a blow-up (time ${this.data.time.toFixed(3)} s, expected ${expectedTime.toFixed(3)} s; ${what})`;
    }
    return null;
  }

  /** Frees the model and data on the wasm heap. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.jacp.delete();
    this.jacr.delete();
    this.velocity6.delete();
    this.data.delete();
    this.model.delete();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
