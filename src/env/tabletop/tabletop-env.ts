/**
 * CLIPort / Ravens tabletop tasks on MuJoCo (ROBOTICS.md part B): one env step is one `pick-place` primitive
 * (hover 0.32 m above the pick pose, descend until contact, suction on, lift, hover above the place pose,
 * descend until the held object touches, release, lift), with the physics running inside it, then the scene
 * settles (every object slower than 5 mm/s, Ravens' `is_static`). Reward, done and the language goal are
 * Ravens' (goals.ts); `render()` is the front RealSense camera at 640x480; `heightmap()` gives policies the
 * top-down height and colour maps.
 *
 * Bad input has defined outcomes: non-finite poses are rejected with an EnvError (the episode can go on);
 * positions outside the workspace are clipped into it (info.clipped); a pick where nothing rigid and movable
 * lies picks nothing (info.primitive.outcome); a primitive that runs past its substep cap stops there and says
 * so; a physics blow-up ends the episode (truncated, info.physics_error) instead of throwing.
 */
import type { Frame } from "../../image/frame.ts";
import {
  BaseEnv,
  EnvError,
  type EnvEvent,
  type Info,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from "../core.ts";
import { defaultRng, type NumpyGenerator } from "../minigrid/rng.ts";
import { MujocoSim } from "../mujoco/sim.ts";
import { ravensCamera } from "../render3d/camera.ts";
import { Rasterizer } from "../render3d/rasterizer.ts";
import type { PinholeCamera, SceneGeom } from "../render3d/scene.ts";
import { Box, type Space } from "../spaces.ts";
import { actionProblem, asPickPlace, type PickPlaceAction, PickPlaceSpace } from "./action.ts";
import { bowlMesh } from "./bowl.ts";
import { type Goal, GoalTracker, pointsInZone, type TargetPose } from "./goals.ts";
import { kittingMesh, kittingShapes } from "./kitting.ts";
import { type ColorName, rgba, type TaskMode, WORKSPACE_RGBA } from "./palette.ts";
import { quatToR, yawOf } from "./pose.ts";
import {
  containerPlates,
  HIDDEN_GROUP,
  KIT_HALF,
  type ObjectKind,
  objectName,
  parkedPosition,
  SPATULA_BOTTOM,
  SPATULA_HALF,
  STAND_TILE_HALF,
  STAND_TILES,
  tabletopMjcf,
  ZONE_VISUAL_HALF,
} from "./scene.ts";
import type { PlacedObject, TabletopTask } from "./tasks/task.ts";
import { ToolDriver } from "./tool.ts";
import { HOME_JOINTS, ur5BaseGeoms, ur5Forward, ur5Ik, ur5MovingGeoms } from "./ur5.ts";
import {
  BOUNDS,
  frontCamera,
  HEIGHTMAP_COLS,
  HEIGHTMAP_ROWS,
  HOVER_HEIGHT,
  IMAGE_HEIGHT,
  IMAGE_WIDTH,
  PIXEL_SIZE,
  PLANE_TOP,
} from "./workspace.ts";

export type TabletopObs = Uint8Array;

export interface TabletopOptions {
  id?: string;
  task: TabletopTask;
  /** CLIPort's mode: which colour split an "unseen" task uses (train: seen colours). Default "test". */
  mode?: TaskMode;
  /** Overrides the task's step limit. */
  maxEpisodeSteps?: number;
  /** TinyRenderer's shadows in render() (CLIPort renders with shadows); default true. */
  renderShadows?: boolean;
  /**
   * False: reset() and step() return an empty observation instead of rendering the front camera (for
   * oracle rollouts and benchmarks that need no pixels; render() still works). Default true.
   */
  renderObservations?: boolean;
  /** Substep cap of one primitive (default 20,000, ~42 s simulated): past it the primitive stops. */
  primitiveSubstepCap?: number;
  /**
   * Size of render() and of the observation (default 640x480, the RealSense's). Another size keeps the camera's
   * pose and vertical field of view (56.14°) with square pixels, as PyBullet's FOV projection does: 320x240 is
   * the same picture at half the resolution.
   */
  renderWidth?: number;
  renderHeight?: number;
}

/** Render options of other scene families (panda-gym's orbit camera, target colour) that do not apply here. */
const FOREIGN_RENDER_OPTIONS = [
  "renderTargetPosition",
  "renderDistance",
  "renderYaw",
  "renderPitch",
  "targetColor",
] as const;

/** Ground truth about one object of the episode, for oracles, tests and info. */
export interface ObjectState {
  readonly id: number;
  readonly kind: PlacedObject["kind"];
  readonly color: ColorName;
  readonly fixed: boolean;
  readonly role: PlacedObject["role"];
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly yaw: number;
  /** Row-major rotation of the body. */
  readonly rotation: number[];
  /** Kitting shape id (kind "shape", "hole"). */
  readonly shape?: number;
  /** Full extents (kinds "box", "container"). */
  readonly size?: readonly [number, number, number];
  /** Block edge (kind "block"). */
  readonly edge?: number;
}

export interface PrimitiveReport {
  /** What happened: placed, nothing picked, dropped, step cap, physics error. */
  readonly outcome:
    | "placed"
    | "nothing picked"
    | "pushed"
    | "nothing pushed"
    | "dropped"
    | "step cap"
    | "physics error";
  /** Episode object id picked, or -1. */
  readonly picked: number;
  readonly substeps: number;
  /** Largest distance (m) the held object moved from where the suction grabbed it, relative to the tool. */
  readonly heldDrift: number;
}

interface Slot {
  readonly kind: ObjectKind;
  readonly fixed: boolean;
  readonly body: number;
  readonly qpos: number;
  readonly dof: number;
  readonly weld: number;
  readonly geoms: number[];
  /** Per geom: the kitting shape it is (a shape slot's geoms), or -1 (always on while the slot is used). */
  readonly variants: number[];
  readonly size: number;
}

const HOME_TIP: [number, number, number] = [0.4869, 0.10915, 0.311859];
const STATIC_SPEED = 5e-3;
const PUSH_SPEED = 0.5;
const SETTLE_CAP = 960;

export class TabletopEnv extends BaseEnv<TabletopObs, PickPlaceAction> {
  readonly id: string;
  readonly task: TabletopTask;
  readonly mode: TaskMode;
  readonly observationSpace: Space<TabletopObs>;
  readonly actionSpace = new PickPlaceSpace();
  readonly camera: PinholeCamera;
  readonly renderWidth: number;
  readonly renderHeight: number;
  readonly renderShadows: boolean;
  readonly primitiveSubstepCap: number;
  readonly renderObservations: boolean;
  /** The MuJoCo simulation (privileged: oracles and tests read it; reward programs never do). */
  readonly sim: MujocoSim;

  private readonly tool: ToolDriver;
  private readonly slots: Slot[];
  private readonly eqCount: number;
  private readonly maxStepsOverride: number | undefined;
  private rng: NumpyGenerator | null = null;
  private objects: PlacedObject[] = [];
  /** Episode object id → slot index. */
  private slotOf: number[] = [];
  private tracker: GoalTracker = new GoalTracker([], "");
  private maxSteps = 1;
  private stepCount = 0;
  private expectedTime = 0;
  private aborted: "step cap" | "physics error" | null = null;
  private physicsProblem: string | null = null;
  private renderer: Rasterizer | null = null;
  private mapRenderer: Rasterizer | null = null;
  private staticDirty = true;
  private objectStart: [number, number][] = [];
  private happened = new Set<string>();
  /** The held object's origin in the tool frame at the grab, and the largest drift from it since. */
  private heldOffset: [number, number, number] = [0, 0, 0];
  private heldDrift = 0;

  constructor(options: TabletopOptions) {
    super();
    if (!options?.task) throw new EnvError("TabletopEnv needs a task (make one through make(id))");
    this.task = options.task;
    this.id = options.id ?? `Tabletop-${this.task.name}-v0`;
    this.mode = options.mode ?? "test";
    if (!["train", "val", "test"].includes(this.mode)) {
      throw new EnvError(`${this.id}: mode must be "train", "val" or "test", got ${String(this.mode)}`);
    }
    this.maxStepsOverride = options.maxEpisodeSteps;
    if (
      this.maxStepsOverride !== undefined &&
      !(Number.isInteger(this.maxStepsOverride) && this.maxStepsOverride > 0)
    ) {
      throw new EnvError(
        `${this.id}: maxEpisodeSteps must be a positive integer, got ${this.maxStepsOverride}`,
      );
    }
    this.renderShadows = options.renderShadows ?? true;
    this.primitiveSubstepCap = options.primitiveSubstepCap ?? 20_000;
    this.renderObservations = options.renderObservations ?? true;
    const foreign = FOREIGN_RENDER_OPTIONS.filter(
      (k) => (options as unknown as Record<string, unknown>)[k] !== undefined,
    );
    if (foreign.length) {
      throw new EnvError(
        `${this.id}: ${foreign.join(", ")} ${foreign.length > 1 ? "are" : "is"} not a tabletop option; the tabletop ` +
          "renders Ravens' front camera (choose its size with renderWidth/renderHeight)",
      );
    }
    this.renderWidth = options.renderWidth ?? IMAGE_WIDTH;
    this.renderHeight = options.renderHeight ?? IMAGE_HEIGHT;
    for (const [name, v] of [
      ["renderWidth", this.renderWidth],
      ["renderHeight", this.renderHeight],
    ] as const) {
      if (!(Number.isInteger(v) && v >= 1 && v <= 8192))
        throw new EnvError(`${this.id}: ${name} must be an integer in 1..8192, got ${String(v)}`);
    }
    this.camera = scaledCamera(frontCamera(), this.renderWidth, this.renderHeight);
    this.observationSpace = new Box(
      0,
      255,
      [this.renderHeight, this.renderWidth, 3],
      "uint8",
    ) as Space<TabletopObs>;
    this.metadata = { renderFps: 2, renderModes: ["rgb_array"] };

    this.sim = MujocoSim.fromXml(tabletopMjcf(this.id, this.task.slots, this.task.tool), this.id);
    const sim = this.sim;
    const m = sim.model;
    const eqObj2 = m.eq_obj2id as Int32Array;
    this.eqCount = m.neq;
    this.slots = this.task.slots.map((spec, i) => {
      const body = sim.id("body", objectName(i));
      const geoms: number[] = [];
      for (let g = 0; g < sim.ngeom; g++) if (sim.geomBodyId[g] === body) geoms.push(g);
      const variants = geoms.map(() => -1);
      if (spec.kind === "shape") {
        for (const k of kittingShapes())
          variants[geoms.indexOf(sim.id("geom", `${objectName(i)}_shape${k.id}`))] = k.id;
      }
      let weld = -1;
      for (let e = 0; e < this.eqCount; e++) if (eqObj2[e] === body) weld = e;
      const joint = spec.fixed ? -1 : sim.id("joint", `${objectName(i)}_joint`);
      return {
        kind: spec.kind,
        fixed: spec.fixed,
        body,
        qpos: joint < 0 ? -1 : sim.jointQposAddress(joint),
        dof: joint < 0 ? -1 : sim.jointDofAddress(joint),
        weld,
        geoms,
        variants,
        size: spec.size,
      };
    });
    this.tool = new ToolDriver(sim, () => this.afterSubstep());
  }

  // ---- lifecycle ------------------------------------------------------------------------------------------

  protected doReset(options: ResetOptions): ResetResult<TabletopObs> {
    if (options.seed !== undefined) this.rng = defaultRng(options.seed);
    else if (this.rng === null) this.rng = defaultRng(Math.floor(Math.random() * 2 ** 32));
    const layout = this.task.sample(this.rng, this.mode);
    const sim = this.sim;
    sim.resetData();
    this.setWelds(-1);
    this.objects = [...layout.objects];
    this.assignSlots();
    this.tracker = new GoalTracker(layout.goals, layout.completedDescription);
    this.maxSteps = this.maxStepsOverride ?? layout.maxSteps;
    this.tool.teleport(HOME_TIP[0], HOME_TIP[1], HOME_TIP[2], 0);
    this.tool.held = -1;
    sim.forward();
    this.stepCount = 0;
    this.aborted = null;
    this.physicsProblem = null;
    this.expectedTime = sim.time;
    this.staticDirty = true;
    // Ravens' reset runs a step without action: the objects settle.
    this.tool.substeps = 0;
    this.settle();
    this.objectStart = this.objects.map((_, i) => {
      const s = this.objectState(i);
      return [s.x, s.y];
    });
    this.happened.clear();
    return { obs: this.observe(), info: this.baseInfo() };
  }

  /** Validates before the lifecycle check so a bad pose gets a message naming the field. */
  override step(given: PickPlaceAction | ArrayLike<number>): StepResult<TabletopObs> {
    const action = asPickPlace(given) as PickPlaceAction;
    if (this.running) {
      const problem = actionProblem(action);
      if (problem) {
        throw new EnvError(
          `${this.id} step ${this.stepCount + 1}: ${problem}. Nothing was done; the episode can continue.`,
        );
      }
    }
    return super.step(action);
  }

  protected doStep(action: PickPlaceAction): StepResult<TabletopObs> {
    this.stepCount++;
    const clipped: string[] = [];
    const pick = this.clipPose(action.pose0, "pose0", clipped);
    const place = this.clipPose(action.pose1, "pose1", clipped);
    this.tool.substeps = 0;
    this.aborted = null;
    this.heldDrift = 0;
    const report = this.task.tool === "spatula" ? this.push(pick, place) : this.pickPlace(pick, place);
    if (!this.aborted) this.settle();

    const events: EnvEvent[] = [];
    let reward = 0;
    let completed: Goal | null = null;
    if (!this.physicsProblem) {
      const r = this.tracker.step((id) => this.targetPoseOf(id));
      reward = r.reward;
      completed = r.completed;
    }
    this.collectEvents(report, completed, events);
    const terminated = this.physicsProblem === null && this.tracker.done;
    const truncated = !terminated && (this.stepCount >= this.maxSteps || this.physicsProblem !== null);
    const info = this.baseInfo();
    info.primitive = { ...report, outcome: this.aborted ?? report.outcome };
    if (clipped.length) info.clipped = clipped;
    if (this.physicsProblem) info.physics_error = this.physicsProblem;
    if (events.length) info.events = events;
    const obs = this.physicsProblem
      ? new Uint8Array(this.renderHeight * this.renderWidth * 3)
      : this.observe();
    return { obs, reward, terminated, truncated, info };
  }

  private observe(): TabletopObs {
    return this.renderObservations ? this.render().data : new Uint8Array(0);
  }

  private baseInfo(): Info {
    const outside = this.objects
      .map((_, i) => i)
      .filter((i) => {
        const s = this.objectState(i);
        return s.x < BOUNDS.x[0] || s.x > BOUNDS.x[1] || s.y < BOUNDS.y[0] || s.y > BOUNDS.y[1];
      });
    return {
      lang_goal: this.tracker.langGoal,
      total_reward: this.tracker.total,
      is_success: this.tracker.total > 0.99,
      objects_outside_workspace: outside,
      max_steps: this.maxSteps,
    };
  }

  private clipPose(
    pose: ArrayLike<number>,
    name: string,
    clipped: string[],
  ): [number, number, number, number] {
    const x = Math.min(BOUNDS.x[1], Math.max(BOUNDS.x[0], pose[0]));
    const y = Math.min(BOUNDS.y[1], Math.max(BOUNDS.y[0], pose[1]));
    const z = Math.min(0.28, Math.max(0, pose[2]));
    if (x !== pose[0] || y !== pose[1] || z !== pose[2]) {
      clipped.push(
        `${name} (${fmt(pose[0])}, ${fmt(pose[1])}, ${fmt(pose[2])}) → (${fmt(x)}, ${fmt(y)}, ${fmt(z)})`,
      );
    }
    const r = quatToR([pose[3], pose[4], pose[5], pose[6]]);
    return [x, y, z, yawOf(r)];
  }

  // ---- the pick-place primitive ---------------------------------------------------------------------------

  private pickPlace(
    pick: [number, number, number, number],
    place: [number, number, number, number],
  ): PrimitiveReport {
    const tool = this.tool;
    const [px, py, pz, pyaw] = pick;
    const [qx, qy, qz, qyaw] = place;
    const done = (outcome: PrimitiveReport["outcome"], picked = -1): PrimitiveReport => ({
      outcome,
      picked,
      substeps: tool.substeps,
      heldDrift: this.heldDrift,
    });
    const abort = () => done(this.aborted ?? "step cap", tool.held);
    // 1. Hover above the pick pose, 2. descend until the tip touches something.
    if (!tool.moveTo(px, py, pz + HOVER_HEIGHT, pyaw)) return abort();
    const hit = tool.rayDown(px, py, pz + HOVER_HEIGHT);
    if (!tool.moveTo(px, py, pz + HOVER_HEIGHT - hit.distance, pyaw)) return abort();
    // 3. Suction: grab the touched body if it is rigid and movable.
    const picked = this.objectOfGeom(hit.geom);
    if (picked >= 0 && !this.objects[picked].fixed) this.grab(picked);
    // Lift back to the hover height.
    if (!tool.moveTo(px, py, pz + HOVER_HEIGHT, pyaw)) return abort();
    if (tool.held < 0) return done("nothing picked");
    // 4. Hover above the place pose, descend until the held object touches, release, lift.
    if (!tool.moveTo(qx, qy, qz + HOVER_HEIGHT, qyaw)) return abort();
    const gap = this.gapBelowHeld();
    const [, , tz] = tool.pose();
    if (!tool.moveTo(qx, qy, tz - gap, qyaw)) return abort();
    const held = tool.held;
    this.release();
    if (!tool.moveTo(qx, qy, qz + HOVER_HEIGHT, qyaw)) return done(this.aborted ?? "step cap", held);
    return done("placed", held);
  }

  /**
   * Ravens' `push` with the spatula (ROBOTICS.md B.5): from 2 cm behind the start to 5 cm short of the end, at
   * 5 mm above the table, the blade across the push direction; hover at 0.31 m before and after. The pushing
   * leg runs at 0.5 m/s (Ravens' speed 0.003 against 0.01 for the other moves).
   */
  private push(
    start: [number, number, number, number],
    end: [number, number, number, number],
  ): PrimitiveReport {
    const tool = this.tool;
    const done = (outcome: PrimitiveReport["outcome"]): PrimitiveReport => ({
      outcome,
      picked: -1,
      substeps: tool.substeps,
      heldDrift: 0,
    });
    const abort = () => done(this.aborted ?? "step cap");
    const z = 0.005;
    let vx = end[0] - start[0];
    let vy = end[1] - start[1];
    const length = Math.hypot(vx, vy);
    if (length < 1e-6) return done("nothing pushed");
    vx /= length;
    vy /= length;
    const x0 = start[0] - 0.02 * vx;
    const y0 = start[1] - 0.02 * vy;
    const x1 = end[0] - 0.05 * vx;
    const y1 = end[1] - 0.05 * vy;
    const yaw = Math.atan2(vy, vx);
    if (!tool.moveTo(x0, y0, 0.31, yaw)) return abort();
    if (!tool.moveTo(x0, y0, z, yaw)) return abort();
    if (!tool.moveTo(x1, y1, z, yaw, PUSH_SPEED)) return abort();
    if (!tool.moveTo(x1, y1, 0.31, yaw)) return abort();
    return done("pushed");
  }

  /** Free distance below the held object: rays from its bottom face's corners and centre. */
  private gapBelowHeld(): number {
    const held = this.tool.held;
    if (held < 0) return 0;
    const slot = this.slots[this.slotOf[held]];
    const s = this.objectState(held);
    const r = s.rotation;
    const o = this.objects[held];
    // Rays start on the bottom face, under the object: a block's or box's corners (0.9 of the way out), a
    // kitting shape's (origin on its bottom) inner box, a bowl's 5 cm round its centre.
    let halfX = 0.05;
    let halfY = 0.05;
    let bottom = 0;
    if (slot.kind === "block") {
      halfX = halfY = slot.size / 2;
      bottom = -slot.size / 2;
    } else if (slot.kind === "box" && o.size) {
      halfX = o.size[0] / 2;
      halfY = o.size[1] / 2;
      bottom = -o.size[2] / 2;
    } else if (slot.kind === "shape" && o.shape !== undefined) {
      const k = kittingShapes()[o.shape];
      halfX = 0.6 * k.halfX;
      halfY = 0.6 * k.halfY;
    }
    let gap = Number.POSITIVE_INFINITY;
    for (const [u, v] of [
      [0, 0],
      [0.9, 0.9],
      [0.9, -0.9],
      [-0.9, 0.9],
      [-0.9, -0.9],
    ]) {
      const lx = u * halfX;
      const ly = v * halfY;
      // Start the ray just inside the bottom face so the held body itself is skipped by exclusion.
      const wx = s.x + r[0] * lx + r[1] * ly + r[2] * bottom;
      const wy = s.y + r[3] * lx + r[4] * ly + r[5] * bottom;
      const wz = s.z + r[6] * lx + r[7] * ly + r[8] * bottom;
      const hit = this.tool.rayDown(wx, wy, wz, slot.body);
      gap = Math.min(gap, hit.distance);
    }
    return Number.isFinite(gap) ? gap : 0;
  }

  private grab(id: number): void {
    const slot = this.slots[this.slotOf[id]];
    const sim = this.sim;
    const [tx, ty, tz, tyaw] = this.tool.pose();
    // eq_data of a weld: anchor on body2 (0), body2's origin in body1's (the tool's) frame, and the quaternion
    // q1⁻¹·q2 (MuJoCo's w, x, y, z), then the torque scale.
    const b = 3 * slot.body;
    const dx = sim.xpos[b] - tx;
    const dy = sim.xpos[b + 1] - ty;
    const dz = sim.xpos[b + 2] - tz;
    const c = Math.cos(tyaw);
    const s = Math.sin(tyaw);
    const q2 = sim.xquat.slice(4 * slot.body, 4 * slot.body + 4);
    // q1⁻¹ for a yaw: (cos(θ/2), 0, 0, −sin(θ/2)).
    const hw = Math.cos(tyaw / 2);
    const hz = -Math.sin(tyaw / 2);
    const rel = [
      hw * q2[0] - hz * q2[3],
      hw * q2[1] - hz * q2[2],
      hw * q2[2] + hz * q2[1],
      hw * q2[3] + hz * q2[0],
    ];
    const data = sim.model.eq_data as Float64Array;
    this.heldOffset = [c * dx + s * dy, -s * dx + c * dy, dz];
    data.set([0, 0, 0, ...this.heldOffset, rel[0], rel[1], rel[2], rel[3], 1], 11 * slot.weld);
    this.setWelds(slot.weld);
    this.tool.held = id;
  }

  private release(): void {
    this.setWelds(-1);
    this.tool.held = -1;
  }

  /** Turns on the one weld `active` (or none): eq_active is set through mj_setState, the bindings' way in. */
  private setWelds(active: number): void {
    if (this.eqCount === 0) return;
    const flags = new Array<number>(this.eqCount).fill(0);
    if (active >= 0) flags[active] = 1;
    const mj = this.sim.mj;
    mj.mj_setState(this.sim.model, this.sim.data, flags, mj.mjtState.mjSTATE_EQ_ACTIVE.value);
  }

  private objectOfGeom(geom: number): number {
    if (geom < 0) return -1;
    const body = this.sim.geomBodyId[geom];
    for (let i = 0; i < this.objects.length; i++) if (this.slots[this.slotOf[i]].body === body) return i;
    return -1;
  }

  /** Steps with the tool still until every free object is static (Ravens' is_static): 0.1-2 s. */
  private settle(): void {
    // Objects placed at rest in the air (the piles are dropped from 1 cm) start static: let them move first.
    if (!this.tool.hold(48)) return;
    for (let i = 48; i < SETTLE_CAP; i += 8) {
      if (this.isStatic()) return;
      if (!this.tool.hold(8)) return;
    }
  }

  private isStatic(): boolean {
    const v = this.sim.qvel;
    for (let i = 0; i < this.objects.length; i++) {
      const slot = this.slots[this.slotOf[i]];
      if (slot.dof < 0) continue;
      if (Math.hypot(v[slot.dof], v[slot.dof + 1], v[slot.dof + 2]) >= STATIC_SPEED) return false;
    }
    return true;
  }

  /** Called by the tool after each substep: the substep cap and the physics' health. */
  private afterSubstep(): boolean {
    this.expectedTime += this.sim.timestep;
    if (this.tool.held >= 0) this.measureDrift();
    if (this.tool.substeps % 64 === 0) {
      const problem = this.sim.health(this.expectedTime);
      if (problem) {
        this.physicsProblem = problem;
        this.aborted = "physics error";
        return false;
      }
    }
    if (this.tool.substeps >= this.primitiveSubstepCap) {
      this.aborted = "step cap";
      // A held object is let go where it is, so the scene stays consistent.
      if (this.tool.held >= 0) this.release();
      return false;
    }
    return true;
  }

  private measureDrift(): void {
    const sim = this.sim;
    const [tx, ty, tz, tyaw] = this.tool.pose();
    // Positions are read after the step's integration, before the next kinematics: use qpos of the free joint.
    const q = this.slots[this.slotOf[this.tool.held]].qpos;
    const dx = sim.qpos[q] - tx;
    const dy = sim.qpos[q + 1] - ty;
    const dz = sim.qpos[q + 2] - tz;
    const c = Math.cos(tyaw);
    const s = Math.sin(tyaw);
    const o = this.heldOffset;
    const drift = Math.hypot(c * dx + s * dy - o[0], -s * dx + c * dy - o[1], dz - o[2]);
    if (drift > this.heldDrift) this.heldDrift = drift;
  }

  // ---- object slots ---------------------------------------------------------------------------------------

  private assignSlots(): void {
    const sim = this.sim;
    const m = sim.model;
    const used = new Array<boolean>(this.slots.length).fill(false);
    this.slotOf = this.objects.map((o, id) => {
      const s = this.slots.findIndex((slot, i) => !used[i] && slot.kind === o.kind && slot.fixed === o.fixed);
      if (s < 0)
        throw new EnvError(
          `${this.id}: the task placed more ${o.kind}s than its scene has slots (object ${id})`,
        );
      used[s] = true;
      return s;
    });
    const contype = m.geom_contype as Int32Array;
    const conaffinity = m.geom_conaffinity as Int32Array;
    const group = m.geom_group as Int32Array;
    let resized = false;
    this.slots.forEach((slot, i) => {
      const id = this.slotOf.indexOf(i);
      const o = id >= 0 ? this.objects[id] : null;
      slot.geoms.forEach((g, k) => {
        const variant = slot.variants[k];
        const on = o !== null && (variant < 0 || variant === o.shape);
        if (slot.kind === "zone" || slot.kind === "hole") return;
        contype[g] = on ? 1 : 0;
        conaffinity[g] = on ? 1 : 0;
        if (variant >= 0) group[g] = on ? 0 : HIDDEN_GROUP;
      });
      // MuJoCo's broad phase filters bodies by the OR of their geoms' flags, computed at compile time.
      if (slot.variants.some((v) => v >= 0)) {
        (m.body_contype as Int32Array)[slot.body] = o ? 1 : 0;
        (m.body_conaffinity as Int32Array)[slot.body] = o ? 1 : 0;
      }
      if (o?.size && (slot.kind === "box" || slot.kind === "container")) {
        this.resize(slot, o.size);
        resized = true;
      }
    });
    // Body masses and sizes changed: recompute the model's derived constants (invweight, subtree masses).
    if (resized) {
      this.sim.mj.mj_setConst(m, this.sim.data);
      this.sim.refresh();
    }
    // Views taken after mj_setConst, which may have grown the wasm memory.
    const gravcomp = m.body_gravcomp as Float64Array;
    const bodyPos = m.body_pos as Float64Array;
    const bodyQuat = m.body_quat as Float64Array;
    this.slots.forEach((slot, i) => {
      const id = this.slotOf.indexOf(i);
      const active = id >= 0;
      gravcomp[slot.body] = active ? 0 : 1;
      const o = active ? this.objects[id] : null;
      const parked = parkedPosition(i);
      const x = o ? o.pose.x : parked[0];
      const y = o ? o.pose.y : parked[1];
      const z = o ? o.z : parked[2];
      const yaw = o ? o.pose.yaw : 0;
      const quat = [Math.cos(yaw / 2), 0, 0, Math.sin(yaw / 2)];
      if (slot.fixed) {
        bodyPos.set([x, y, z], 3 * slot.body);
        bodyQuat.set(quat, 4 * slot.body);
      } else {
        sim.qpos.set([x, y, z, ...quat], slot.qpos);
        sim.qvel.fill(0, slot.dof, slot.dof + 6);
      }
    });
  }

  /**
   * Writes an episode's box or container size into the model: the geoms' sizes (and the container plates'
   * positions), their bounding radius and box for the broad phase, and a box's inertia for its mass.
   */
  private resize(slot: Slot, size: readonly [number, number, number]): void {
    const m = this.sim.model;
    const geomSize = m.geom_size as Float64Array;
    const geomPos = m.geom_pos as Float64Array;
    const rbound = m.geom_rbound as Float64Array;
    const aabb = m.geom_aabb as Float64Array;
    const set = (g: number, half: readonly number[], pos?: readonly number[]) => {
      geomSize.set(half, 3 * g);
      if (pos) geomPos.set(pos, 3 * g);
      rbound[g] = Math.hypot(half[0], half[1], half[2]);
      aabb.set([0, 0, 0, half[0], half[1], half[2]], 6 * g);
    };
    const [sx, sy, sz] = size;
    if (slot.kind === "container") {
      containerPlates(sx, sy, sz).forEach((p, k) => {
        set(slot.geoms[k], p.half, p.pos);
      });
      return;
    }
    set(slot.geoms[0], [sx / 2, sy / 2, sz / 2]);
    const mass = (m.body_mass as Float64Array)[slot.body];
    (m.body_inertia as Float64Array).set(
      [
        (mass * (sy * sy + sz * sz)) / 12,
        (mass * (sx * sx + sz * sz)) / 12,
        (mass * (sx * sx + sy * sy)) / 12,
      ],
      3 * slot.body,
    );
  }

  // ---- ground truth ---------------------------------------------------------------------------------------

  /** The episode's objects, posed as now. */
  objectStates(): ObjectState[] {
    return this.objects.map((_, i) => this.objectState(i));
  }

  objectState(id: number): ObjectState {
    const o = this.objects[id];
    if (!o) throw new EnvError(`${this.id}: no object ${id} (the episode has ${this.objects.length})`);
    const slot = this.slots[this.slotOf[id]];
    const sim = this.sim;
    const b = slot.body;
    const rotation = Array.from(sim.xmat.subarray(9 * b, 9 * b + 9));
    return {
      id,
      kind: o.kind,
      color: o.color,
      fixed: o.fixed,
      role: o.role,
      x: sim.xpos[3 * b],
      y: sim.xpos[3 * b + 1],
      z: sim.xpos[3 * b + 2],
      yaw: yawOf(rotation),
      rotation,
      ...(o.shape === undefined ? {} : { shape: o.shape }),
      ...(o.size === undefined ? {} : { size: o.size }),
      ...(o.kind === "block" ? { edge: slot.size } : {}),
    };
  }

  /** Puts a loose object at (x, y, z) at rest, for tests and scripted set-ups; the episode continues. */
  placeObject(id: number, x: number, y: number, z: number): void {
    const o = this.objects[id];
    if (!o) throw new EnvError(`${this.id}: no object ${id} (the episode has ${this.objects.length})`);
    if (o.fixed)
      throw new EnvError(`${this.id}: object ${id} (${o.color} ${o.kind}) is fixed and cannot be moved`);
    const slot = this.slots[this.slotOf[id]];
    this.sim.qpos.set([x, y, z], slot.qpos);
    this.sim.qvel.fill(0, slot.dof, slot.dof + 6);
    this.sim.forward();
  }

  private targetPoseOf(id: number): TargetPose {
    const s = this.objectState(id);
    return { x: s.x, y: s.y, z: s.z, yaw: s.yaw };
  }

  /** The goal the episode is on (null when all are done). */
  currentGoal(): Goal | null {
    return this.tracker.current;
  }

  get elapsedSteps(): number {
    return this.stepCount;
  }

  get episodeSteps(): number {
    return this.maxSteps;
  }

  /** The tool_tip position and yaw. */
  toolPose(): [number, number, number, number] {
    return this.tool.pose();
  }

  /** Episode object id held by the suction, or -1. */
  get heldObject(): number {
    return this.tool.held;
  }

  private collectEvents(report: PrimitiveReport, completed: Goal | null, events: EnvEvent[]): void {
    const once = (key: string, event: EnvEvent) => {
      if (this.happened.has(key)) return;
      this.happened.add(key);
      events.push(event);
    };
    if (report.picked >= 0) {
      const o = this.objects[report.picked];
      events.push({ type: "pick", object: o.kind, color: o.color, text: `picked the ${o.color} ${o.kind}` });
      if (report.outcome === "placed") {
        events.push({
          type: "place",
          object: o.kind,
          color: o.color,
          text: `placed the ${o.color} ${o.kind}`,
        });
      }
    } else if (report.outcome === "nothing picked") {
      events.push({ type: "nothing_picked", text: "the suction found nothing to pick" });
    }
    this.objects.forEach((o, i) => {
      const s = this.objectState(i);
      const [x0, y0] = this.objectStart[i];
      if (!o.fixed && Math.hypot(s.x - x0, s.y - y0) > 0.01) {
        once(`moved${i}`, {
          type: "moved",
          object: o.kind,
          color: o.color,
          text: `moved the ${o.color} ${o.kind}`,
        });
      }
      if (!o.fixed && (s.x < BOUNDS.x[0] || s.x > BOUNDS.x[1] || s.y < BOUNDS.y[0] || s.y > BOUNDS.y[1])) {
        once(`outside${i}`, {
          type: "left_workspace",
          object: o.kind,
          color: o.color,
          text: `the ${o.color} ${o.kind} left the workspace`,
        });
      }
    });
    // Goal objects that sit at an allowed target now (the pose metric's matches); for packing into a zone with
    // the suction, every sample point of the object inside the zone (piles keep the target rule).
    const goal = this.tracker.current ?? completed;
    if (goal) {
      const packing = goal.metric === "zone" && this.task.tool === "suction";
      goal.objects.forEach((id, i) => {
        const s = this.targetPoseOf(id);
        const at = packing
          ? (([a, b]) => a === b)(pointsInZone(goal, i, s))
          : goal.targets.some((t, j) => goal.matches[i][j] && Math.hypot(s.x - t.x, s.y - t.y) < goal.posEps);
        const o = this.objects[id];
        if (at)
          once(`at_target${id}`, {
            type: "at_target",
            object: o.kind,
            color: o.color,
            text: packing
              ? `the ${o.color} ${o.kind} is in the brown box`
              : `put a ${o.color} ${o.kind} at its target`,
          });
      });
    }
    if (completed) events.push({ type: "goal_done", text: `completed: ${completed.langGoal}` });
    if (this.tracker.total > 0.99) once("success", { type: "success", text: `solved ${this.task.name}` });
  }

  // ---- images ---------------------------------------------------------------------------------------------

  /** Geoms that do not move during the episode: workspace, UR5 base, fixed objects. */
  private staticGeoms(): SceneGeom[] {
    const out: SceneGeom[] = [
      {
        kind: "box",
        size: [0.25, 0.5, 0.0005],
        pos: [0.5, 0, PLANE_TOP - 0.0005],
        mat: [1, 0, 0, 0, 1, 0, 0, 0, 1],
        rgba: WORKSPACE_RGBA,
      },
      ...ur5BaseGeoms(),
    ];
    this.objects.forEach((o, i) => {
      if (o.fixed) out.push(...this.objectGeoms(i));
    });
    return out;
  }

  private objectGeoms(id: number): SceneGeom[] {
    const o = this.objects[id];
    const slot = this.slots[this.slotOf[id]];
    const sim = this.sim;
    const b = slot.body;
    const pos = sim.xpos.slice(3 * b, 3 * b + 3);
    const mat = sim.xmat.slice(9 * b, 9 * b + 9);
    const color = rgba(o.color);
    if (o.kind === "block") {
      const h = slot.size / 2;
      return [{ kind: "box", size: [h, h, h], pos, mat, rgba: color }];
    }
    if (o.kind === "zone") {
      return [
        {
          kind: "box",
          size: [ZONE_VISUAL_HALF, ZONE_VISUAL_HALF, 0.0005],
          pos: [pos[0], pos[1], pos[2] + 0.0005],
          mat,
          rgba: color,
          castShadow: false,
        },
      ];
    }
    if (o.kind === "shape" && o.shape !== undefined) {
      return [{ kind: "mesh", size: [1, 1, 1], pos, mat, rgba: color, mesh: kittingMesh(o.shape) }];
    }
    if (o.kind === "hole" && o.shape !== undefined) {
      // Ravens' holes: the shape's mesh at 0.0001 z scale, dark grey, just above the kit's top.
      return [
        {
          kind: "mesh",
          size: [1, 1, 1],
          pos,
          mat,
          rgba: WORKSPACE_RGBA,
          mesh: kittingMesh(o.shape, 0, 0.0006),
          castShadow: false,
        },
      ];
    }
    if (o.kind === "box" && o.size) {
      return [{ kind: "box", size: o.size.map((v) => v / 2), pos, mat, rgba: color }];
    }
    if (o.kind === "kit") {
      return [{ kind: "box", size: KIT_HALF, pos: local(pos, mat, [0, 0, KIT_HALF[2]]), mat, rgba: color }];
    }
    if (o.kind === "container" && o.size) {
      return containerPlates(o.size[0], o.size[1], o.size[2]).map((p) => ({
        kind: "box" as const,
        size: p.half,
        pos: local(pos, mat, p.pos),
        mat,
        rgba: color,
      }));
    }
    if (o.kind === "stand") {
      return STAND_TILES.map((t) => {
        const r = mat;
        const local = [0, t.y, STAND_TILE_HALF[2]];
        return {
          kind: "box" as const,
          size: STAND_TILE_HALF,
          pos: [
            pos[0] + r[0] * local[0] + r[1] * local[1] + r[2] * local[2],
            pos[1] + r[3] * local[0] + r[4] * local[1] + r[5] * local[2],
            pos[2] + r[6] * local[0] + r[7] * local[1] + r[8] * local[2],
          ],
          mat,
          rgba: [...t.rgb, 1],
        };
      });
    }
    return [{ kind: "mesh", size: [1, 1, 1], pos, mat, rgba: color, mesh: bowlMesh() }];
  }

  /** The tool (suction cup and its base) at tool_tip, and the UR5 posed by IK to it. */
  private robotGeoms(): SceneGeom[] {
    const [x, y, z, yaw] = this.tool.pose();
    const ik = ur5Ik([x, y, z], yaw);
    const joints = ik.positionError < 0.01 ? ik.joints : HOME_JOINTS;
    const out = ur5MovingGeoms(joints);
    // Draw the tool from the arm's tool0 when the IK reached it, so the cup sits on the wrist.
    const tool0 = ur5Forward(joints).tool0.p;
    const tip: [number, number, number] =
      ik.positionError < 0.01 ? [x, y, z] : [tool0[0], tool0[1], tool0[2] - 0.12];
    if (this.task.tool === "spatula") {
      const c = Math.cos(yaw);
      const s = Math.sin(yaw);
      out.push(cylinder(tip[0], tip[1], tip[2] + 0.1, tip[2] + 0.12, 0.022, [0.2, 0.2, 0.2, 1]), {
        kind: "box",
        size: SPATULA_HALF,
        pos: [tip[0], tip[1], tip[2] + SPATULA_BOTTOM + SPATULA_HALF[2]],
        mat: [c, -s, 0, s, c, 0, 0, 0, 1],
        rgba: [0.2, 0.2, 0.2, 1],
      });
    } else {
      out.push(
        cylinder(tip[0], tip[1], tip[2] + 0.035, tip[2] + 0.115, 0.022, [0.2, 0.2, 0.2, 1]),
        cylinder(tip[0], tip[1], tip[2], tip[2] + 0.035, 0.009, [0.18, 0.51, 0.77, 1]),
      );
    }
    return out;
  }

  /** The moving geoms of the current state: loose objects, tool and arm. */
  sceneGeoms(): SceneGeom[] {
    const out: SceneGeom[] = [];
    this.objects.forEach((o, i) => {
      if (!o.fixed) out.push(...this.objectGeoms(i));
    });
    out.push(...this.robotGeoms());
    return out;
  }

  /** The front RealSense camera, 640x480, TinyRenderer's look (white background, shading, shadows). */
  render(): Frame {
    if (this.sim.isClosed) throw new EnvError(`${this.id}: render() after close(); make a new env`);
    if (!this.renderer) {
      this.renderer = new Rasterizer({
        width: this.renderWidth,
        height: this.renderHeight,
        shadows: this.renderShadows,
      });
    }
    if (this.staticDirty) {
      const fixed = this.staticGeoms();
      this.renderer.setStatic(fixed);
      this.mapRenderer?.setStatic(withoutRobot(fixed));
      this.staticDirty = false;
    }
    return this.renderer.render(this.sceneGeoms(), this.camera);
  }

  /** One of Ravens' three agent cameras (front, left, right), at render()'s size and look. */
  renderView(name: "front" | "left" | "right"): Frame {
    if (name === "front") return this.render();
    if (name !== "left" && name !== "right") {
      throw new EnvError(`${this.id}: camera must be "front", "left" or "right", got ${String(name)}`);
    }
    this.render();
    return (this.renderer as Rasterizer).render(
      this.sceneGeoms(),
      scaledCamera(ravensCamera(name), this.renderWidth, this.renderHeight),
    );
  }

  /**
   * Top-down height map (m above the table, rows = y, columns = x, 320 x 160 at 3.125 mm) and colour map (RGB,
   * same grid), as CLIPort's policies consume them. Rendered orthographically from straight above (a pinhole
   * 1000 m up, like Ravens' oracle camera) instead of fusing three cameras' point clouds; the robot and tool
   * are left out, so the maps show the objects alone.
   */
  heightmap(): { height: Float32Array; color: Uint8Array; rows: number; cols: number } {
    if (!this.mapRenderer) {
      this.mapRenderer = new Rasterizer({ width: HEIGHTMAP_COLS, height: HEIGHTMAP_ROWS, shadows: false });
      this.staticDirty = true;
    }
    if (this.staticDirty) {
      const fixed = this.staticGeoms();
      this.renderer?.setStatic(fixed);
      this.mapRenderer.setStatic(withoutRobot(fixed));
      this.staticDirty = false;
    }
    const distance = 1000;
    const camera: PinholeCamera = {
      kind: "pinhole",
      position: [(BOUNDS.x[0] + BOUNDS.x[1]) / 2, (BOUNDS.y[0] + BOUNDS.y[1]) / 2, distance],
      // π about x: image right = +x, image down = −y, optical axis = −z.
      quaternion: [1, 0, 0, 0],
      fx: distance / PIXEL_SIZE,
      fy: distance / PIXEL_SIZE,
      cx: HEIGHTMAP_COLS / 2,
      cy: HEIGHTMAP_ROWS / 2,
      near: distance - 1,
      far: distance + 1,
    };
    const loose: SceneGeom[] = [];
    this.objects.forEach((o, i) => {
      if (!o.fixed) loose.push(...this.objectGeoms(i));
    });
    const frame = this.mapRenderer.render(loose, camera);
    const depth = this.mapRenderer.lastDepth;
    const rows = HEIGHTMAP_ROWS;
    const cols = HEIGHTMAP_COLS;
    const height = new Float32Array(rows * cols);
    const color = new Uint8Array(rows * cols * 3);
    for (let r = 0; r < rows; r++) {
      // Image row 0 is +y; the map's row 0 is y = −0.5.
      const src = rows - 1 - r;
      for (let c = 0; c < cols; c++) {
        const d = depth[src * cols + c];
        height[r * cols + c] = Number.isFinite(d) ? Math.max(0, distance - d - PLANE_TOP) : 0;
        for (let k = 0; k < 3; k++) color[3 * (r * cols + c) + k] = frame.data[3 * (src * cols + c) + k];
      }
    }
    return { height, color, rows, cols };
  }

  override close(): void {
    if (this.sim.isClosed) return;
    this.tool.dispose();
    this.sim.close();
  }
}

/** A 640x480 RealSense camera at another image size: same pose and vertical FOV, square pixels, centred. */
function scaledCamera(camera: PinholeCamera, width: number, height: number): PinholeCamera {
  if (width === IMAGE_WIDTH && height === IMAGE_HEIGHT) return camera;
  const f = (camera.fy * height) / IMAGE_HEIGHT;
  return { ...camera, fx: f, fy: f, cx: width / 2, cy: height / 2 };
}

/** A point given in a body's frame, in world coordinates. */
function local(pos: ArrayLike<number>, r: ArrayLike<number>, p: readonly number[]): number[] {
  return [
    pos[0] + r[0] * p[0] + r[1] * p[1] + r[2] * p[2],
    pos[1] + r[3] * p[0] + r[4] * p[1] + r[5] * p[2],
    pos[2] + r[6] * p[0] + r[7] * p[1] + r[8] * p[2],
  ];
}

function cylinder(x: number, y: number, z0: number, z1: number, radius: number, color: number[]): SceneGeom {
  return {
    kind: "cylinder",
    size: [radius, (z1 - z0) / 2, 0],
    pos: [x, y, (z0 + z1) / 2],
    mat: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    rgba: color,
  };
}

/** The static layer without the UR5 base (staticGeoms puts it right after the workspace quad). */
function withoutRobot(fixed: SceneGeom[]): SceneGeom[] {
  return [fixed[0], ...fixed.slice(1 + ur5BaseGeoms().length)];
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : String(v);
}
