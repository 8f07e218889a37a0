/**
 * The leaning orientation tips the gripper by the asked angle toward the asked heading, and the IK reaches a
 * far-out pushing point with it while the elbow stays more bent than with the gripper straight down (the
 * reason the joint-control Push expert leans).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArmIk, createArmPose, forwardKinematics, leaningDown } from "../../../src/env/panda/kinematics.ts";
import { NEUTRAL_ARM } from "../../../src/env/panda/robot.ts";

test("leaningDown tips the gripper's axis by the angle toward the heading and keeps the fingers' axis level", () => {
  const angle = 0.3;
  const u = [Math.cos(0.5), Math.sin(0.5)];
  const r = leaningDown(u[0], u[1], angle);
  // Column 2 is the gripper's axis (down when straight); column 1 the fingers' closing axis.
  const axis = [r[2], r[5], r[8]];
  assert.ok(Math.abs(axis[2] + Math.cos(angle)) < 1e-12, `axis z ${axis[2]}`);
  assert.ok(
    Math.abs(axis[0] - Math.sin(angle) * u[0]) < 1e-12 && Math.abs(axis[1] - Math.sin(angle) * u[1]) < 1e-12,
  );
  assert.deepEqual(
    [...leaningDown(1, 0, 0)].map((v) => v + 0),
    [1, 0, 0, 0, -1, 0, 0, 0, -1],
  );
});

test("leaning IK reaches a far-out point with the elbow bent where the gripper straight down cannot", () => {
  const ik = new ArmIk();
  const target = [0.2, -0.09, 0.025];
  const straight = new Float64Array(7);
  const leaning = new Float64Array(7);
  const straightError = ik.solve(NEUTRAL_ARM, target, straight, { iterations: 200 });
  const leaningError = ik.solve(NEUTRAL_ARM, target, leaning, {
    iterations: 200,
    orientation: leaningDown(1, 0, 0.4),
  });
  assert.ok(leaningError < 1e-4, `leaning reaches it (error ${leaningError})`);
  assert.ok(straightError > 1e-3, `straight down is out of reach (error ${straightError})`);
  // Joint 4 (the elbow) at 0 is a straight arm; the leaning solution stays well bent.
  assert.ok(leaning[3] < straight[3] - 0.5, `elbow ${leaning[3]} vs ${straight[3]}`);
  const pose = createArmPose();
  forwardKinematics(leaning, pose);
  assert.ok(Math.abs(pose.rotation[8] + Math.cos(0.4)) < 1e-3, "the gripper leans by the asked angle");
});
