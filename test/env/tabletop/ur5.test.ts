/** The UR5's kinematics match Ravens' URDF at home, and the IK reaches tool_tip poses over the workspace. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { HOME_JOINTS, ur5Forward, ur5Ik } from "../../../src/env/tabletop/ur5.ts";

test("home joints put tool_tip at Ravens' (0.487, 0.109, 0.312), pointing down with identity orientation", () => {
  const f = ur5Forward(HOME_JOINTS);
  assert.ok(Math.hypot(f.toolTip.p[0] - 0.4869, f.toolTip.p[1] - 0.10915, f.toolTip.p[2] - 0.31186) < 1e-4);
  assert.ok(Math.hypot(f.tool0.p[0] - 0.4869, f.tool0.p[2] - 0.43186) < 1e-4);
  const identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  f.toolTip.r.forEach((v, i) => {
    assert.ok(Math.abs(v - identity[i]) < 1e-9, `R[${i}] = ${v}`);
  });
});

test("IK reaches tool_tip positions and yaws across the workspace", () => {
  for (const [x, y, z, yaw] of [
    [0.5, 0, 0.04, 0],
    [0.3, -0.4, 0.02, -2],
    [0.7, 0.4, 0.3, 1],
    [0.75, -0.5, 0.0, 3],
  ]) {
    const ik = ur5Ik([x, y, z], yaw);
    assert.ok(ik.positionError < 1e-3, `position error ${ik.positionError} at ${x}, ${y}, ${z}`);
    const tip = ur5Forward(ik.joints).toolTip;
    assert.ok(Math.hypot(tip.p[0] - x, tip.p[1] - y, tip.p[2] - z) < 1e-3);
    // The tool still points down and is turned by the yaw.
    assert.ok(Math.abs(tip.r[8] - 1) < 1e-3);
    assert.ok(Math.abs(Math.atan2(tip.r[3], tip.r[0]) - Math.atan2(Math.sin(yaw), Math.cos(yaw))) < 1e-2);
  }
});
