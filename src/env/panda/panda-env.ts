/**
 * panda-gym v3 on MuJoCo: `PandaEnv` is one of the six tasks with `ee` or `joints` control and a sparse or
 * dense reward, with panda-gym's spaces, observation layout, reward, success, termination, time limit and seeds.
 *
 *   step(a): clip a to [−1, 1]; set the 9 motor targets (ee: IK to ee + 0.05·a with the gripper down and the
 *   target not below the table; joints: q + 0.05·a; fingers: width + 0.2·a, or closed when blocked); run 20
 *   substeps of 0.002 s; observe; terminated = success; truncated at the time limit.
 *
 * The physics is MuJoCo (../mujoco), not PyBullet, so trajectories differ from Python's even though seeds give
 * the same goal and object positions (ROBOTICS.md C.1). `info.events` reports ground truth for evaluation:
 * an object moved, grasped, lifted, at its target, the cubes stacked, success.
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
import { BulletPositionMotor } from "../mujoco/bullet-motor.ts";
import {
  type GeomStyle,
  refreshSceneGeoms,
  type SceneGeom,
  sceneGeoms,
  splitStaticGeoms,
  visibleGeomIds,
} from "../mujoco/scene-geoms.ts";
import { MujocoSim, PhysicsError } from "../mujoco/sim.ts";
import { Rasterizer } from "../render3d/rasterizer.ts";
import type { OrbitCamera } from "../render3d/scene.ts";
import { Box, type BoxArray, DictSpace } from "../spaces.ts";
import { ARM_DOF, ArmIk } from "./kinematics.ts";
import { ARM_JOINTS, MAX_FORCES, NEUTRAL_ARM } from "./robot.ts";
import { SUBSTEPS, sceneMjcf } from "./scene.ts";
import { goalDistance, type PandaTaskName, TASKS, type TaskDef } from "./tasks.ts";

// A type alias (not an interface) so it satisfies DictSpace's Record<string, unknown> constraint.
export type PandaObs = {
  observation: Float32Array;
  achieved_goal: Float32Array;
  desired_goal: Float32Array;
};

export type PandaControl = "ee" | "joints";
export type PandaReward = "sparse" | "dense";

/** panda-gym's render camera: Bullet's yaw/pitch/roll orbit (the renderer's OrbitCamera). */
export type PandaCamera = OrbitCamera;

export interface PandaOptions {
  /** The registry id; defaults to the one the task, control and reward give. */
  id?: string;
  task?: PandaTaskName;
  /** "ee" (default): end-effector displacement; "joints": joint displacement. */
  controlType?: PandaControl;
  rewardType?: PandaReward;
  /** Time limit in steps (panda-gym: 50, Stack 100). */
  maxEpisodeSteps?: number;
  /** render() size and camera, panda-gym's names and defaults (720x480, target 0, distance 1.4, yaw 45, pitch −30). */
  renderWidth?: number;
  renderHeight?: number;
  renderTargetPosition?: readonly [number, number, number];
  renderDistance?: number;
  renderYaw?: number;
  renderPitch?: number;
  renderRoll?: number;
  /** Vertical field of view in degrees (Bullet's projection in panda-gym: 60). */
  renderFov?: number;
  /** TinyRenderer's shadows (panda-gym's look, default true); false renders faster. */
  renderShadows?: boolean;
  /** Colour of the ghost targets in renders, RGB 0..1 (VLM-CaR's checker expects yellow; default panda-gym's). */
  targetColor?: readonly [number, number, number];
}

/** The posed scene for one frame: the geoms that never move, the others, and the camera. */
export interface PandaScene {
  readonly fixed: SceneGeom[];
  readonly moving: SceneGeom[];
  readonly camera: PandaCamera;
  readonly width: number;
  readonly height: number;
}

const EVENT_MOVE = 0.01;
const LIFT_CLEARANCE = 0.01;

/** The panda-gym id for a configuration, e.g. PandaPushJoints-v3. */
export function pandaId(task: PandaTaskName, control: PandaControl, reward: PandaReward): string {
  return `Panda${task}${control === "joints" ? "Joints" : ""}${reward === "dense" ? "Dense" : ""}-v3`;
}

export class PandaEnv extends BaseEnv<PandaObs, BoxArray> {
  readonly id: string;
  readonly task: TaskDef;
  readonly controlType: PandaControl;
  readonly rewardType: PandaReward;
  readonly maxEpisodeSteps: number;
  readonly observationSpace: DictSpace<PandaObs>;
  readonly actionSpace: Box;
  readonly camera: PandaCamera;
  readonly renderWidth: number;
  readonly renderHeight: number;
  readonly renderShadows: boolean;
  private rasterizer: Rasterizer | null = null;
  /** The moving geoms as render() last posed them (refreshed in place each frame). */
  private posed: SceneGeom[] | null = null;

  /** The MuJoCo simulation (privileged: experts and tests read it; reward programs never do). */
  readonly sim: MujocoSim;
  private readonly motor: BulletPositionMotor;
  private readonly ik = new ArmIk();
  private rng: NumpyGenerator | null = null;

  private readonly eeSite: number;
  private readonly fingerQpos: [number, number];
  private readonly objectQpos: number[];
  private readonly objectDof: number[];
  private readonly objectGeoms: number[];
  private readonly fingerGeoms: [number, number];
  private readonly targetMocap: number[];
  private readonly styles: Map<number, GeomStyle>;
  private readonly fixedGeoms: number[];
  private readonly movingGeoms: number[];

  private readonly actionSize: number;
  private readonly observationSize: number;
  private readonly action = new Float64Array(8);
  private readonly armTarget = new Float64Array(ARM_DOF);
  private readonly armNow = new Float64Array(ARM_DOF);
  private readonly eeVelocity = new Float64Array(3);
  private goal: Float64Array = new Float64Array(3);
  private stepCount = 0;
  private episodeOver = false;
  private expectedTime = 0;
  private objectStart: number[][] = [];
  private happened = new Set<string>();

  constructor(options: PandaOptions = {}) {
    super();
    const taskName = options.task ?? "Reach";
    const task = TASKS[taskName];
    if (!task) {
      throw new EnvError(
        `unknown Panda task "${String(taskName)}"; use one of ${Object.keys(TASKS).join(", ")}`,
      );
    }
    this.task = task;
    this.controlType = options.controlType ?? "ee";
    this.rewardType = options.rewardType ?? "sparse";
    if (this.controlType !== "ee" && this.controlType !== "joints") {
      throw new EnvError(`controlType must be "ee" or "joints", got ${String(this.controlType)}`);
    }
    if (this.rewardType !== "sparse" && this.rewardType !== "dense") {
      throw new EnvError(`rewardType must be "sparse" or "dense", got ${String(this.rewardType)}`);
    }
    this.id = options.id ?? pandaId(task.name, this.controlType, this.rewardType);
    this.maxEpisodeSteps = options.maxEpisodeSteps ?? task.maxEpisodeSteps;
    if (!Number.isInteger(this.maxEpisodeSteps) || this.maxEpisodeSteps < 1) {
      throw new EnvError(
        `${this.id}: maxEpisodeSteps must be a positive integer, got ${this.maxEpisodeSteps}`,
      );
    }
    this.renderWidth = options.renderWidth ?? 720;
    this.renderHeight = options.renderHeight ?? 480;
    this.renderShadows = options.renderShadows ?? true;
    for (const [name, v] of [
      ["renderWidth", this.renderWidth],
      ["renderHeight", this.renderHeight],
    ] as const) {
      if (!Number.isInteger(v) || v < 1 || v > 8192) {
        throw new EnvError(`${this.id}: ${name} must be an integer in 1..8192, got ${v}`);
      }
    }
    this.camera = {
      kind: "orbit",
      target: options.renderTargetPosition ?? [0, 0, 0],
      distance: options.renderDistance ?? 1.4,
      yaw: options.renderYaw ?? 45,
      pitch: options.renderPitch ?? -30,
      roll: options.renderRoll ?? 0,
      fovY: options.renderFov ?? 60,
      near: 0.1,
      far: 100,
    };
    this.metadata = { renderFps: 25, renderModes: ["rgb_array"] };

    // Spaces as panda-gym: robot block (ee position, ee velocity, finger width unless blocked), then objects.
    const nArm = this.controlType === "ee" ? 3 : ARM_DOF;
    this.actionSize = nArm + (task.blockGripper ? 0 : 1);
    this.actionSpace = new Box(-1, 1, [this.actionSize], "float32");
    const robotObs = task.blockGripper ? 6 : 7;
    const obsSize = robotObs + task.objects.length * task.objectObsSize;
    this.observationSize = obsSize;
    this.observationSpace = new DictSpace<PandaObs>({
      observation: new Box(
        -10,
        10,
        [obsSize],
        "float32",
      ) as unknown as DictSpace<PandaObs>["spaces"]["observation"],
      achieved_goal: new Box(
        -10,
        10,
        [task.goalSize],
        "float32",
      ) as unknown as DictSpace<PandaObs>["spaces"]["achieved_goal"],
      desired_goal: new Box(
        -10,
        10,
        [task.goalSize],
        "float32",
      ) as unknown as DictSpace<PandaObs>["spaces"]["desired_goal"],
    });

    this.sim = MujocoSim.fromXml(sceneMjcf(task), this.id);
    const sim = this.sim;
    this.motor = new BulletPositionMotor(sim, {
      firstDof: sim.jointDofAddress(sim.id("joint", ARM_JOINTS[0].name)),
      firstActuator: 0,
      maxForces: MAX_FORCES,
    });
    this.eeSite = sim.id("site", "ee");
    this.fingerQpos = [
      sim.jointQposAddress(sim.id("joint", "finger_joint1")),
      sim.jointQposAddress(sim.id("joint", "finger_joint2")),
    ];
    this.fingerGeoms = [sim.id("geom", "finger_left"), sim.id("geom", "finger_right")];
    this.objectQpos = task.objects.map((o) => sim.jointQposAddress(sim.id("joint", `${o.name}_joint`)));
    this.objectDof = task.objects.map((o) => sim.jointDofAddress(sim.id("joint", `${o.name}_joint`)));
    this.objectGeoms = task.objects.map((o) => sim.id("geom", o.name));
    const mocapIds = sim.model.body_mocapid as Int32Array;
    this.targetMocap = task.targets.map((t) => mocapIds[sim.id("body", t.name)]);

    this.styles = new Map();
    task.objects.forEach((o, i) => {
      if (o.faceColors) this.styles.set(this.objectGeoms[i], { faceColors: o.faceColors });
    });
    for (const t of task.targets) {
      const g = sim.id("geom", t.name);
      const rgba = options.targetColor ? [...options.targetColor, t.rgba[3]] : undefined;
      this.styles.set(g, {
        castShadow: false,
        ...(t.faceColors ? { faceColors: t.faceColors } : {}),
        ...(rgba ? { rgba } : {}),
      });
    }
    const split = splitStaticGeoms(sim, visibleGeomIds(sim));
    this.fixedGeoms = split.fixed;
    this.movingGeoms = split.moving;
  }

  // ---- lifecycle ------------------------------------------------------------------------------------------

  protected doReset(options: ResetOptions): ResetResult<PandaObs> {
    if (options.seed !== undefined) this.rng = defaultRng(options.seed);
    // Gymnasium seeds from OS entropy when the first reset has no seed.
    else if (this.rng === null) this.rng = defaultRng(Math.floor(Math.random() * 2 ** 32));
    const sim = this.sim;
    sim.resetData();
    this.motor.reset();
    for (let i = 0; i < ARM_DOF; i++) {
      sim.qpos[i] = NEUTRAL_ARM[i];
      this.motor.target[i] = NEUTRAL_ARM[i];
    }
    for (let f = 0; f < 2; f++) {
      sim.qpos[this.fingerQpos[f]] = 0;
      this.motor.target[ARM_DOF + f] = 0;
    }
    const layout = this.task.sample(this.rng);
    this.goal = layout.goal;
    layout.objects.forEach((pose, i) => {
      const a = this.objectQpos[i];
      sim.qpos.set(pose.pos, a);
      sim.qpos.set(pose.quat, a + 3);
    });
    layout.targets.forEach((pose, i) => {
      const m = this.targetMocap[i];
      sim.mocapPos.set(pose.pos, 3 * m);
      sim.mocapQuat.set(pose.quat, 4 * m);
    });
    sim.forward();
    this.stepCount = 0;
    this.episodeOver = false;
    this.expectedTime = sim.time;
    this.objectStart = layout.objects.map((p) => [...p.pos]);
    this.happened.clear();
    const obs = this.observe();
    return { obs, info: { is_success: this.isSuccess(obs.achieved_goal) } };
  }

  /** Accepts a Float32Array (the action space's type) or a plain number array. */
  override step(action: BoxArray | readonly number[]): StepResult<PandaObs> {
    // After success, truncation or an unstable simulation (the base class does not see the last one).
    if (this.episodeOver) {
      throw new EnvError(
        `${this.id}: step() called after the episode ended at step ${this.stepCount}; call reset() first`,
      );
    }
    // Before the first reset the base class says so.
    if (!this.running) return super.step(action as BoxArray);
    this.checkAction(action);
    // Clip as panda-gym does; the base class then enforces the lifecycle and the space.
    const clipped = new Float32Array(this.actionSize);
    for (let i = 0; i < this.actionSize; i++) clipped[i] = Math.min(1, Math.max(-1, action[i]));
    return super.step(clipped);
  }

  private checkAction(action: ArrayLike<number>): void {
    const where = `${this.id} step ${this.stepCount + 1}`;
    if (!(ArrayBuffer.isView(action) || Array.isArray(action)) || action.length !== this.actionSize) {
      const got =
        Array.isArray(action) || ArrayBuffer.isView(action) ? `length ${action.length}` : typeof action;
      throw new EnvError(
        `${where}: the action must be ${this.actionSize} numbers (${this.actionLayout()}), got ${got}`,
      );
    }
    for (let i = 0; i < this.actionSize; i++) {
      if (typeof action[i] !== "number" || !Number.isFinite(action[i])) {
        throw new EnvError(
          `${where}: action[${i}] is ${String(action[i])}; actions must be finite numbers (they are clipped to [-1, 1])`,
        );
      }
    }
  }

  private actionLayout(): string {
    const arm = this.controlType === "ee" ? "dx, dy, dz" : "dq1..dq7";
    return this.task.blockGripper ? arm : `${arm}, finger`;
  }

  protected doStep(action: BoxArray): StepResult<PandaObs> {
    const sim = this.sim;
    const a = this.action;
    for (let i = 0; i < this.actionSize; i++) a[i] = action[i];
    const motor = this.motor;
    for (let i = 0; i < ARM_DOF; i++) this.armNow[i] = sim.qpos[i];
    if (this.controlType === "ee") {
      const ee = 3 * this.eeSite;
      const target = [
        sim.siteXpos[ee] + 0.05 * a[0],
        sim.siteXpos[ee + 1] + 0.05 * a[1],
        // The end-effector target never goes below the table top.
        Math.max(0, sim.siteXpos[ee + 2] + 0.05 * a[2]),
      ];
      this.ik.solve(this.armNow, target, this.armTarget, { iterations: 20 });
      for (let i = 0; i < ARM_DOF; i++) motor.target[i] = this.armTarget[i];
    } else {
      for (let i = 0; i < ARM_DOF; i++) motor.target[i] = this.armNow[i] + 0.05 * a[i];
    }
    if (this.task.blockGripper) {
      motor.target[ARM_DOF] = 0;
      motor.target[ARM_DOF + 1] = 0;
    } else {
      const width = sim.qpos[this.fingerQpos[0]] + sim.qpos[this.fingerQpos[1]];
      const half = (width + 0.2 * a[this.actionSize - 1]) / 2;
      motor.target[ARM_DOF] = half;
      motor.target[ARM_DOF + 1] = half;
    }

    this.stepCount++;
    const before = sim.health();
    if (before) {
      this.episodeOver = true;
      throw this.unstable(`before stepping: ${before}`);
    }
    try {
      sim.stepControlled(SUBSTEPS, motor.control);
    } catch (error) {
      this.episodeOver = true;
      throw this.unstable(error instanceof Error ? error.message : String(error));
    }
    this.expectedTime += SUBSTEPS * sim.timestep;
    const problem = sim.health(this.expectedTime);
    if (problem) {
      this.episodeOver = true;
      throw this.unstable(problem);
    }

    const obs = this.observe();
    const d = this.distance(obs.achieved_goal, this.goal);
    const success = d < this.task.threshold;
    const reward = this.rewardFromDistance(d);
    const truncated = this.stepCount >= this.maxEpisodeSteps;
    const info: Info = { is_success: success };
    const events = this.events(success);
    if (events.length > 0) info.events = events;
    if (success || truncated) this.episodeOver = true;
    return { obs, reward, terminated: success, truncated, info };
  }

  private unstable(what: string): EnvError {
    return new EnvError(
      `${this.id} step ${this.stepCount}: the simulation became unstable (${what}). ` +
        "The episode cannot continue: call reset(). If it happens again with the same seed and actions, report it with them.",
    );
  }

  // ---- observation, reward, success -----------------------------------------------------------------------

  private observe(): PandaObs {
    const sim = this.sim;
    const task = this.task;
    const obs = new Float32Array(this.observationSize);
    const ee = 3 * this.eeSite;
    obs[0] = sim.siteXpos[ee];
    obs[1] = sim.siteXpos[ee + 1];
    obs[2] = sim.siteXpos[ee + 2];
    sim.siteLinearVelocity(this.eeSite, this.eeVelocity);
    obs[3] = this.eeVelocity[0];
    obs[4] = this.eeVelocity[1];
    obs[5] = this.eeVelocity[2];
    let k = 6;
    if (!task.blockGripper) obs[k++] = this.fingerWidth;
    for (let i = 0; i < task.objects.length; i++) {
      const a = this.objectQpos[i];
      const v = this.objectDof[i];
      const q = sim.qpos;
      obs[k++] = q[a];
      obs[k++] = q[a + 1];
      obs[k++] = q[a + 2];
      const w = q[a + 3];
      const x = q[a + 4];
      const y = q[a + 5];
      const z = q[a + 6];
      if (task.objectObsSize === 13) {
        obs[k++] = x;
        obs[k++] = y;
        obs[k++] = z;
        obs[k++] = w;
      } else {
        const e = bulletEuler(x, y, z, w);
        obs[k++] = e[0];
        obs[k++] = e[1];
        obs[k++] = e[2];
      }
      obs[k++] = sim.qvel[v];
      obs[k++] = sim.qvel[v + 1];
      obs[k++] = sim.qvel[v + 2];
      // MuJoCo's free-joint angular velocity is in the body frame; Bullet reports it in the world frame.
      const wx = sim.qvel[v + 3];
      const wy = sim.qvel[v + 4];
      const wz = sim.qvel[v + 5];
      const r = rotationFromQuat(w, x, y, z);
      obs[k++] = r[0] * wx + r[1] * wy + r[2] * wz;
      obs[k++] = r[3] * wx + r[4] * wy + r[5] * wz;
      obs[k++] = r[6] * wx + r[7] * wy + r[8] * wz;
    }
    return {
      observation: obs,
      achieved_goal: this.achievedGoal(),
      desired_goal: Float32Array.from(this.goal),
    };
  }

  private achievedGoal(): Float32Array {
    const sim = this.sim;
    const task = this.task;
    const out = new Float32Array(task.goalSize);
    if (task.objects.length === 0) {
      out.set(sim.siteXpos.subarray(3 * this.eeSite, 3 * this.eeSite + 3));
    } else if (task.distance === "angle") {
      const a = this.objectQpos[0];
      out[0] = sim.qpos[a + 4];
      out[1] = sim.qpos[a + 5];
      out[2] = sim.qpos[a + 6];
      out[3] = sim.qpos[a + 3];
    } else {
      for (let i = 0; i < this.objectQpos.length; i++) {
        const a = this.objectQpos[i];
        out.set(sim.qpos.subarray(a, a + 3), 3 * i);
      }
    }
    return out;
  }

  private distance(achieved: ArrayLike<number>, desired: ArrayLike<number>, offset = 0): number {
    return goalDistance(this.task.distance, achieved, desired, offset, this.task.goalSize);
  }

  private rewardFromDistance(d: number): number {
    if (this.rewardType === "sparse") return d > this.task.threshold ? -1 : 0;
    return d === 0 ? 0 : Math.fround(-d);
  }

  private isSuccess(achieved: ArrayLike<number>): boolean {
    return this.distance(achieved, this.goal) < this.task.threshold;
  }

  /**
   * panda-gym's `compute_reward`, vectorised: `achieved` and `desired` hold one or more goals back to back
   * (goalSize values each, e.g. relabelled goals for HER); one reward per goal.
   */
  computeReward(achieved: ArrayLike<number>, desired: ArrayLike<number>): Float32Array {
    const size = this.task.goalSize;
    if (achieved.length !== desired.length || achieved.length % size !== 0 || achieved.length === 0) {
      throw new EnvError(
        `${this.id}: computeReward needs achieved and desired goals of equal length, a multiple of ${size}; got ${achieved.length} and ${desired.length}`,
      );
    }
    const out = new Float32Array(achieved.length / size);
    for (let i = 0; i < out.length; i++) {
      out[i] = this.rewardFromDistance(goalDistance(this.task.distance, achieved, desired, i * size, size));
    }
    return out;
  }

  /** panda-gym's `is_success`, vectorised like computeReward. */
  computeSuccess(achieved: ArrayLike<number>, desired: ArrayLike<number>): boolean[] {
    const size = this.task.goalSize;
    const out: boolean[] = [];
    for (let i = 0; i + size <= achieved.length; i += size) {
      out.push(goalDistance(this.task.distance, achieved, desired, i, size) < this.task.threshold);
    }
    return out;
  }

  // ---- ground-truth events --------------------------------------------------------------------------------

  private events(success: boolean): EnvEvent[] {
    const events: EnvEvent[] = [];
    const once = (key: string, event: EnvEvent) => {
      if (this.happened.has(key)) return;
      this.happened.add(key);
      events.push(event);
    };
    const sim = this.sim;
    const task = this.task;
    const ee = 3 * this.eeSite;
    let contacts: ReturnType<MujocoSim["contacts"]> | null = null;
    task.objects.forEach((o, i) => {
      const a = this.objectQpos[i];
      const x = sim.qpos[a];
      const y = sim.qpos[a + 1];
      const z = sim.qpos[a + 2];
      const what = `${o.color} ${o.kind}`;
      const base = { object: o.kind, color: o.color };
      const start = this.objectStart[i];
      if (Math.hypot(x - start[0], y - start[1]) > EVENT_MOVE) {
        once(`moved${i}`, { type: "moved", ...base, text: `moved the ${what}` });
      }
      // Grasping needs open-able fingers near the object; contacts are read only then.
      if (!task.blockGripper) {
        const near =
          Math.hypot(sim.siteXpos[ee] - x, sim.siteXpos[ee + 1] - y, sim.siteXpos[ee + 2] - z) < 0.05;
        if (near) {
          contacts ??= sim.contacts();
          const g = this.objectGeoms[i];
          const grasped =
            sim.touching(contacts, this.fingerGeoms[0], g) && sim.touching(contacts, this.fingerGeoms[1], g);
          if (grasped) {
            once(`grasp${i}`, { type: "grasp", ...base, text: `grasped the ${what}` });
            if (z > o.size[2] + LIFT_CLEARANCE)
              once(`lift${i}`, { type: "lift", ...base, text: `lifted the ${what}` });
          }
        }
      }
      if (task.distance === "euclidean") {
        const g = this.goal;
        const d = Math.hypot(x - g[3 * i], y - g[3 * i + 1], z - g[3 * i + 2]);
        if (d < 0.05)
          once(`target${i}`, { type: "at_target", ...base, text: `put the ${what} on its target` });
      }
    });
    if (task.objects.length === 0) {
      const g = this.goal;
      const d = Math.hypot(sim.siteXpos[ee] - g[0], sim.siteXpos[ee + 1] - g[1], sim.siteXpos[ee + 2] - g[2]);
      if (d < task.threshold)
        once("target", { type: "at_target", object: "gripper", text: "reached the target" });
    }
    if (task.distance === "angle" && success) {
      once("target0", {
        type: "at_target",
        object: "cube",
        text: "turned the cube to the target orientation",
      });
    }
    if (task.name === "Stack") {
      const [a1, a2] = this.objectQpos;
      const dxy = Math.hypot(sim.qpos[a2] - sim.qpos[a1], sim.qpos[a2 + 1] - sim.qpos[a1 + 1]);
      const dz = sim.qpos[a2 + 2] - sim.qpos[a1 + 2];
      if (dxy < 0.02 && Math.abs(dz - 0.04) < 0.005) {
        once("stacked", {
          type: "stacked",
          object: "cube",
          color: "green",
          text: "stacked the green cube on the blue cube",
        });
      }
    }
    if (success) once("success", { type: "success", text: `solved ${task.name}` });
    return events;
  }

  // ---- privileged state for experts and tests -------------------------------------------------------------

  /** The current goal (goalSize values). */
  get desiredGoal(): Float64Array {
    return this.goal.slice();
  }

  /** Steps taken in this episode. */
  get elapsedSteps(): number {
    return this.stepCount;
  }

  /** The 7 arm joint angles (rad). The observation has none; joint-control experts need them. */
  armJoints(out = new Float64Array(ARM_DOF)): Float64Array {
    for (let i = 0; i < ARM_DOF; i++) out[i] = this.sim.qpos[i];
    return out;
  }

  /** Finger opening q1 + q2 (m), 0 .. 2 × FINGER_UPPER. */
  get fingerWidth(): number {
    return this.sim.qpos[this.fingerQpos[0]] + this.sim.qpos[this.fingerQpos[1]];
  }

  /** The end-effector (grasp target) position. */
  eePosition(): [number, number, number] {
    const ee = 3 * this.eeSite;
    return [this.sim.siteXpos[ee], this.sim.siteXpos[ee + 1], this.sim.siteXpos[ee + 2]];
  }

  /** Position of object i (0: the object, or Stack's blue cube; 1: Stack's green cube). */
  objectPosition(i = 0): [number, number, number] {
    const a = this.objectQpos[i];
    if (a === undefined)
      throw new EnvError(`${this.id} has ${this.objectQpos.length} objects, no object ${i}`);
    return [this.sim.qpos[a], this.sim.qpos[a + 1], this.sim.qpos[a + 2]];
  }

  /** Orientation of object i as a unit quaternion (w, x, y, z), MuJoCo's order. */
  objectQuaternion(i = 0): [number, number, number, number] {
    const a = this.objectQpos[i];
    if (a === undefined)
      throw new EnvError(`${this.id} has ${this.objectQpos.length} objects, no object ${i}`);
    const q = this.sim.qpos;
    return [q[a + 3], q[a + 4], q[a + 5], q[a + 6]];
  }

  /**
   * Puts object i at `position` (identity orientation) with a linear velocity, for tests and scripted
   * set-ups; the episode continues from there.
   */
  placeObject(i: number, position: readonly number[], velocity: readonly number[] = [0, 0, 0]): void {
    const a = this.objectQpos[i];
    const v = this.objectDof[i];
    if (a === undefined)
      throw new EnvError(`${this.id} has ${this.objectQpos.length} objects, no object ${i}`);
    const sim = this.sim;
    sim.qpos.set(position.slice(0, 3), a);
    sim.qpos.set([1, 0, 0, 0], a + 3);
    sim.qvel.set([velocity[0], velocity[1], velocity[2], 0, 0, 0], v);
    sim.forward();
  }

  /** Linear velocity of object i (world frame). */
  objectVelocity(i = 0): [number, number, number] {
    const v = this.objectDof[i];
    return [this.sim.qvel[v], this.sim.qvel[v + 1], this.sim.qvel[v + 2]];
  }

  // ---- rendering ------------------------------------------------------------------------------------------

  /** The posed primitives of the current state and the camera, for the renderer (RENDER-CONTRACT.md). */
  scene(): PandaScene {
    return {
      fixed: sceneGeoms(this.sim, this.fixedGeoms, this.styles),
      moving: sceneGeoms(this.sim, this.movingGeoms, this.styles),
      camera: this.camera,
      width: this.renderWidth,
      height: this.renderHeight,
    };
  }

  /**
   * The current state drawn with panda-gym's default look: the software rasteriser (src/env/render3d/) with
   * TinyRenderer's white background, shading and shadows, from the configured camera and size. The table,
   * floor and robot base are drawn once and cached.
   */
  render(): Frame {
    if (this.sim.isClosed) throw new EnvError(`${this.id}: render() after close(); make a new env`);
    if (!this.rasterizer) {
      this.rasterizer = new Rasterizer({
        width: this.renderWidth,
        height: this.renderHeight,
        shadows: this.renderShadows,
        // TinyRenderer's pixel grid: frames match panda-gym's headless images along edges too.
        pixelGrid: "tinyrenderer",
      });
      this.rasterizer.setStatic(sceneGeoms(this.sim, this.fixedGeoms, this.styles));
    }
    // The moving geoms' objects are reused from frame to frame: the rasteriser reads them only while it draws.
    this.posed = refreshSceneGeoms(this.sim, this.movingGeoms, this.styles, this.posed);
    return this.rasterizer.render(this.posed, this.camera);
  }

  override close(): void {
    this.sim.close();
  }
}

/** PyBullet's getEulerFromQuaternion: (roll about X, pitch about Y, yaw about Z), R = Rz·Ry·Rx. */
export function bulletEuler(x: number, y: number, z: number, w: number): [number, number, number] {
  const sarg = -2 * (x * z - w * y);
  if (sarg <= -0.99999) return [0, -0.5 * Math.PI, 2 * Math.atan2(x, -y)];
  if (sarg >= 0.99999) return [0, 0.5 * Math.PI, 2 * Math.atan2(-x, y)];
  const ww = w * w;
  const xx = x * x;
  const yy = y * y;
  const zz = z * z;
  return [
    Math.atan2(2 * (y * z + w * x), ww - xx - yy + zz),
    Math.asin(sarg),
    Math.atan2(2 * (x * y + w * z), ww + xx - yy - zz),
  ];
}

const ROT = new Float64Array(9);
/** Row-major rotation of a unit quaternion (w, x, y, z); the returned array is reused. */
function rotationFromQuat(w: number, x: number, y: number, z: number): Float64Array {
  ROT[0] = 1 - 2 * (y * y + z * z);
  ROT[1] = 2 * (x * y - w * z);
  ROT[2] = 2 * (x * z + w * y);
  ROT[3] = 2 * (x * y + w * z);
  ROT[4] = 1 - 2 * (x * x + z * z);
  ROT[5] = 2 * (y * z - w * x);
  ROT[6] = 2 * (x * z - w * y);
  ROT[7] = 2 * (y * z + w * x);
  ROT[8] = 1 - 2 * (x * x + y * y);
  return ROT;
}

export { PhysicsError };
