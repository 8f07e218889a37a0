/**
 * The joint step (each joint within ±0.05 rad, joint control's limit) that moves the end-effector furthest along
 * a horizontal direction while holding its height, its sideways position and the gripper's yaw, to first order.
 *
 * Joint control limits every joint to 0.05 rad a step; scaling an IK step down until its largest joint fits
 * wastes the other joints' room, and it also holds the gripper's pitch and roll. Letting those two tilt a little
 * (the grasp point sits at the fingertips, so a 0.05 rad tilt moves the touching part of a fingertip by about a
 * millimetre) and using every joint to its limit moves the end-effector about 1.8 times as far in one step:
 * the Slide expert's strike needs it, since the puck leaves at the fingertips' speed.
 *
 * It is a small linear programme: maximise the displacement along u subject to three equalities (no height,
 * sideways or yaw change) and the box |Δq_i| ≤ limit. An optimum lies at a vertex, where at least four joints
 * are at a bound; the three others then follow from the equalities. All 35 × 16 such vertices are tried.
 */
import { ARM_DOF, createArmPose, forwardKinematics, geometricJacobian } from "../../env/panda/kinematics.ts";

const pose = createArmPose();
const jac = new Float64Array(6 * ARM_DOF);

export interface JointStrike {
  /** The joint step (rad). */
  readonly step: Float64Array;
  /** How far it moves the end-effector along u (m), to first order. */
  readonly reach: number;
}

/**
 * The farthest-reaching joint step along the unit vector u (2 horizontal or 3 components) at angles q, holding
 * the motion across u and the yaw; null if no step moves along u. `tilt` gets the step's change of the
 * gripper's roll and pitch (rotation about world x and y, rad) when given.
 */
export function farthestJointStep(
  q: ArrayLike<number>,
  u: readonly number[],
  limit = 0.05,
  tilt?: number[],
): JointStrike | null {
  forwardKinematics(q, pose);
  // Two unit vectors across u.
  const uz = u.length > 2 ? u[2] : 0;
  const w1 = Math.abs(uz) < 0.9 ? cross(u[0], u[1], uz, 0, 0, 1) : cross(u[0], u[1], uz, 1, 0, 0);
  const w2 = cross(u[0], u[1], uz, w1[0], w1[1], w1[2]);
  geometricJacobian(pose, jac);
  const along = new Float64Array(ARM_DOF);
  const rows = [new Float64Array(ARM_DOF), new Float64Array(ARM_DOF), new Float64Array(ARM_DOF)];
  for (let j = 0; j < ARM_DOF; j++) {
    // Linear velocity of the end-effector per unit joint rate, and the rotation rate about world z (yaw).
    const vx = jac[j];
    const vy = jac[ARM_DOF + j];
    const vz = jac[2 * ARM_DOF + j];
    along[j] = u[0] * vx + u[1] * vy + uz * vz;
    rows[0][j] = w1[0] * vx + w1[1] * vy + w1[2] * vz;
    rows[1][j] = w2[0] * vx + w2[1] * vy + w2[2] * vz;
    rows[2][j] = jac[5 * ARM_DOF + j];
  }
  let best: JointStrike | null = null;
  const dq = new Float64Array(ARM_DOF);
  const free = [0, 0, 0];
  for (let a = 0; a < ARM_DOF; a++) {
    for (let b = a + 1; b < ARM_DOF; b++) {
      for (let c = b + 1; c < ARM_DOF; c++) {
        free[0] = a;
        free[1] = b;
        free[2] = c;
        const m = rows.map((r) => [r[a], r[b], r[c]]);
        const det = det3(m);
        if (Math.abs(det) < 1e-9) continue;
        for (let signs = 0; signs < 16; signs++) {
          let k = 0;
          for (let j = 0; j < ARM_DOF; j++) {
            if (j === a || j === b || j === c) continue;
            dq[j] = (signs >> k) & 1 ? limit : -limit;
            k++;
          }
          const rhs = rows.map((r) => {
            let s = 0;
            for (let j = 0; j < ARM_DOF; j++) if (j !== a && j !== b && j !== c) s -= r[j] * dq[j];
            return s;
          });
          let feasible = true;
          for (let f = 0; f < 3 && feasible; f++) {
            const mf = m.map((row, r) => row.map((v, col) => (col === f ? rhs[r] : v)));
            const x = det3(mf) / det;
            if (Math.abs(x) > limit + 1e-12) feasible = false;
            dq[free[f]] = x;
          }
          if (!feasible) continue;
          let reach = 0;
          for (let j = 0; j < ARM_DOF; j++) reach += along[j] * dq[j];
          if (reach > (best?.reach ?? 0)) best = { step: dq.slice(), reach };
        }
      }
    }
  }
  if (best && tilt) {
    let rx = 0;
    let ry = 0;
    for (let j = 0; j < ARM_DOF; j++) {
      rx += jac[3 * ARM_DOF + j] * best.step[j];
      ry += jac[4 * ARM_DOF + j] * best.step[j];
    }
    tilt[0] = rx;
    tilt[1] = ry;
  }
  return best;
}

/** The unit vector along a × b. */
function cross(
  ax: number,
  ay: number,
  az: number,
  bx: number,
  by: number,
  bz: number,
): [number, number, number] {
  const x = ay * bz - az * by;
  const y = az * bx - ax * bz;
  const z = ax * by - ay * bx;
  const n = Math.hypot(x, y, z);
  return [x / n, y / n, z / n];
}

function det3(m: number[][]): number {
  return (
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
  );
}
