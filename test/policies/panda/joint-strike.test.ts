/**
 * The joint-control strike step stays within joint control's 0.05 rad per joint, moves the end-effector along
 * the asked direction without changing its height, sideways position or yaw (to first order), and reaches
 * further than the IK step scaled into the same limit.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArmIk, createArmPose, forwardKinematics } from "../../../src/env/panda/kinematics.ts";
import { NEUTRAL_ARM } from "../../../src/env/panda/robot.ts";
import { farthestJointStep } from "../../../src/policies/panda/joint-strike.ts";

test("the farthest joint step moves the end-effector along u only, further than a scaled IK step", () => {
  const ik = new ArmIk();
  const q = new Float64Array(7);
  ik.solve(NEUTRAL_ARM, [-0.17, 0.05, 0.015], q, { iterations: 100 });
  const angle = 0.3;
  const u: [number, number] = [Math.cos(angle), Math.sin(angle)];
  const strike = farthestJointStep(q, u);
  assert.ok(strike, "a step exists");
  for (const dq of strike.step) assert.ok(Math.abs(dq) <= 0.05 + 1e-9, `joint step ${dq} within 0.05 rad`);

  const before = createArmPose();
  const after = createArmPose();
  forwardKinematics(q, before);
  // A tenth of the step, so the first-order model holds; the result scales by ten.
  forwardKinematics(
    q.map((x, i) => x + 0.1 * strike.step[i]),
    after,
  );
  const d = [0, 1, 2].map((k) => (after.ee[k] - before.ee[k]) * 10);
  const along = d[0] * u[0] + d[1] * u[1];
  const sideways = -d[0] * u[1] + d[1] * u[0];
  assert.ok(Math.abs(along - strike.reach) < 0.002, `moved ${along} along u, expected ${strike.reach}`);
  assert.ok(Math.abs(sideways) < 0.001 && Math.abs(d[2]) < 0.001, `sideways ${sideways}, height ${d[2]}`);
  // Yaw: the gripper's x axis keeps its heading.
  const yaw = (p: typeof before) => Math.atan2(p.rotation[3], p.rotation[0]);
  assert.ok(Math.abs(yaw(after) - yaw(before)) * 10 < 0.01, "yaw held");

  const scaled = new Float64Array(7);
  ik.solve(q, [before.ee[0] + 0.05 * u[0], before.ee[1] + 0.05 * u[1], before.ee[2]], scaled, {
    iterations: 30,
  });
  let largest = 0;
  for (let i = 0; i < 7; i++) largest = Math.max(largest, Math.abs(scaled[i] - q[i]) / 0.05);
  const scaledReach = 0.05 / Math.max(1, largest);
  assert.ok(strike.reach > 1.3 * scaledReach, `reach ${strike.reach} vs scaled IK ${scaledReach}`);
});
