/**
 * PyBullet's joint position motor (POSITION_CONTROL with its default gains), rebuilt on MuJoCo.
 *
 * PyBullet's motor is a velocity constraint solved each substep: target velocity v* = kp·(q_target − q)/h with
 * kp = 0.1 (kd = 1 cancels the current velocity), its impulse capped at maxForce·h, solved together with the
 * other rows by projected Gauss-Seidel. Each substep removes about 10% of the remaining error: a first-order lag
 * with time constant h/kp (0.02 s at h = 0.002 s), about 88% of a commanded step within 20 substeps, gravity
 * held within the force cap.
 *
 * MuJoCo's position actuators are explicit PD forces: with the gains this lag needs and panda-gym's force caps,
 * light joints chatter between the caps. So the motor solves Bullet's problem itself between MuJoCo's
 * half-steps: joint torques τ, each within its cap, such that the next velocity v + h·M⁻¹(τ − bias) meets v*
 * on every joint whose torque is not at its cap (a box-constrained problem, solved by projected Gauss-Seidel on
 * M⁻¹ and warm-started from the last substep). The scene declares plain `<motor>` actuators (gear 1, no limits)
 * on the driven joints, whose dofs form one contiguous range that is closed under ancestors (a whole arm).
 * Contact forces of the same substep are not part of the solve; the next substep sees their effect.
 */
import type { MujocoSim } from "./sim.ts";

export interface BulletMotorOptions {
  /** First dof of the driven range and the actuator driving it (actuators in the same order as the dofs). */
  readonly firstDof: number;
  readonly firstActuator: number;
  /** Per-joint force caps (N·m or N); their count is the number of driven joints. */
  readonly maxForces: readonly number[];
  /** Bullet's positionGain (default 0.1). */
  readonly positionGain?: number;
  /** Gauss-Seidel sweeps per substep (default 20). */
  readonly iterations?: number;
  /**
   * Substeps between recomputing M⁻¹ (default 5: 10 ms, over which the arm's inertia changes by well under a
   * percent; inverting every substep costs a third of the step).
   */
  readonly inertiaRefresh?: number;
}

export class BulletPositionMotor {
  /** The position each joint is driven to; write it, then step. */
  readonly target: Float64Array;
  private readonly n: number;
  private readonly maxForce: Float64Array;
  private readonly gain: number;
  private readonly iterations: number;
  private readonly qposAdr: Int32Array;
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;
  private readonly mass: Float64Array;
  /** M⁻¹ of the driven block, row-major. */
  private readonly inverse: Float64Array;
  private readonly column: Float64Array;
  private readonly velocity: Float64Array;
  private readonly wanted: Float64Array;
  /** Torques of the last substep: the warm start of the next solve. */
  readonly torque: Float64Array;
  /** The substep's controller, bound once so stepping allocates nothing. */
  readonly control: (sim: MujocoSim) => void;
  /** Substeps left before M⁻¹ is recomputed. */
  private inverseAge = 0;
  private readonly refreshEvery: number;

  constructor(
    sim: MujocoSim,
    private readonly options: BulletMotorOptions,
  ) {
    const n = options.maxForces.length;
    this.n = n;
    this.target = new Float64Array(n);
    this.maxForce = Float64Array.from(options.maxForces);
    this.gain = options.positionGain ?? 0.1;
    this.iterations = options.iterations ?? 20;
    this.refreshEvery = options.inertiaRefresh ?? 5;
    const dofJoint = sim.model.dof_jntid as Int32Array;
    const jntQposAdr = sim.model.jnt_qposadr as Int32Array;
    // Hinge and slide joints: one qpos per dof.
    this.qposAdr = Int32Array.from({ length: n }, (_, k) => jntQposAdr[dofJoint[options.firstDof + k]]);
    // Bullet's joint limits are hard; MuJoCo's are soft and give way under a motor pushing past them, so the
    // motor never aims past a limited joint's range.
    const range = sim.model.jnt_range as Float64Array;
    this.lower = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    this.upper = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    for (let k = 0; k < n; k++) {
      const j = dofJoint[options.firstDof + k];
      // The bindings cannot read jnt_limited (a bool array); an unlimited joint has the empty range [0, 0].
      if (range[2 * j] < range[2 * j + 1]) {
        this.lower[k] = range[2 * j];
        this.upper[k] = range[2 * j + 1];
      }
    }
    this.mass = new Float64Array(n * n);
    this.inverse = new Float64Array(n * n);
    this.column = new Float64Array(n);
    this.velocity = new Float64Array(n);
    this.wanted = new Float64Array(n);
    this.torque = new Float64Array(n);
    this.control = (s) => this.apply(s);
  }

  /** Forgets the warm start (call at reset, so episodes do not depend on the previous one). */
  reset(): void {
    this.torque.fill(0);
    this.inverseAge = 0;
  }

  private apply(sim: MujocoSim): void {
    const { firstDof, firstActuator } = this.options;
    const { n, inverse, velocity, wanted, torque, maxForce } = this;
    const h = sim.timestep;
    const rate = this.gain / h;
    const { qpos, qvel, ctrl, qfrcBias, qfrcConstraint } = sim;
    if (this.inverseAge <= 0) {
      sim.inertiaBlock(firstDof, n, this.mass);
      invertSpd(this.mass, n, inverse, this.column);
      this.inverseAge = this.refreshEvery;
    }
    this.inverseAge--;
    // velocity = the next velocity with the current torques: v + h·M⁻¹(τ − bias + constraint). The constraint
    // forces (contacts, limits) are the last substep's: Bullet solves its motor rows together with the contacts,
    // so a finger blocked by a cube keeps pushing up to its cap; counting the contact's push-back as it stood
    // one substep ago gives the same grip without solving the two together.
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < n; j++) {
        acc += inverse[i * n + j] * (torque[j] - qfrcBias[firstDof + j] + qfrcConstraint[firstDof + j]);
      }
      velocity[i] = qvel[firstDof + i] + h * acc;
      const target = Math.min(this.upper[i], Math.max(this.lower[i], this.target[i]));
      wanted[i] = rate * (target - qpos[this.qposAdr[i]]);
    }
    for (let sweep = 0; sweep < this.iterations; sweep++) {
      let change = 0;
      for (let i = 0; i < n; i++) {
        const aii = h * inverse[i * n + i];
        let next = torque[i] + (wanted[i] - velocity[i]) / aii;
        const cap = maxForce[i];
        next = Math.min(cap, Math.max(-cap, next));
        const delta = next - torque[i];
        if (delta === 0) continue;
        torque[i] = next;
        change += Math.abs(delta);
        for (let k = 0; k < n; k++) velocity[k] += h * inverse[k * n + i] * delta;
      }
      if (change < 1e-9) break;
    }
    for (let i = 0; i < n; i++) ctrl[firstActuator + i] = torque[i];
  }
}

/** Inverse of a symmetric positive-definite n x n matrix by Cholesky (a is overwritten by its factor). */
function invertSpd(a: Float64Array, n: number, out: Float64Array, column: Float64Array): void {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
    d = Math.sqrt(d);
    a[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / d;
    }
  }
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < n; i++) {
      let s = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) s -= a[i * n + k] * column[k];
      column[i] = s / a[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = column[i];
      for (let k = i + 1; k < n; k++) s -= a[k * n + i] * column[k];
      column[i] = s / a[i * n + i];
    }
    for (let i = 0; i < n; i++) out[i * n + c] = column[i];
  }
}
