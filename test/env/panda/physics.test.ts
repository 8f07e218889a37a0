/**
 * The physics behaves as panda-gym's: objects rest on the table, the Slide puck decelerates with the product-rule
 * friction 0.04 × 0.5 = 0.02, the `ee` action moves the gripper about 5 cm a step, and the same seed and actions
 * give bit-identical observations in another process.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { make } from "../../../src/env/index.ts";
import type { PandaEnv } from "../../../src/env/panda/index.ts";
import { rollout } from "./fixtures-rollout.ts";

function panda(id: string, options: Record<string, unknown> = {}): PandaEnv {
  return make(id, options) as unknown as PandaEnv;
}

test("a dropped cube comes to rest on the table at z = 0.02 ± 1 mm", () => {
  const env = panda("PandaPush-v3");
  try {
    env.reset({ seed: 0 });
    env.placeObject(0, [0.1, 0.1, 0.12]);
    for (let i = 0; i < 25; i++) env.step([0, 0, 0]);
    const [x, y, z] = env.objectPosition();
    assert.ok(Math.abs(z - 0.02) <= 0.001, `cube rests at z = ${z}`);
    assert.ok(Math.hypot(x - 0.1, y - 0.1) < 0.005, `cube stayed in place (${x}, ${y})`);
    assert.ok(Math.hypot(...env.objectVelocity()) < 1e-3, "cube is at rest");
  } finally {
    env.close();
  }
});

test("a Slide puck launched at speed v stops after about v² / (2 · 0.02 · g)", () => {
  const env = panda("PandaSlide-v3", { maxEpisodeSteps: 200 });
  try {
    env.reset({ seed: 0 });
    env.placeObject(0, [-0.5, 0, 0.015]);
    for (let i = 0; i < 5; i++) env.step([0, 0, 0]);
    const v = 0.5;
    const [x0, , z0] = env.objectPosition();
    env.placeObject(0, [x0, 0, z0], [v, 0, 0]);
    for (let i = 0; i < 150 && Math.hypot(...env.objectVelocity()) > 1e-3; i++) env.step([0, 0, 0]);
    const travelled = env.objectPosition()[0] - x0;
    const predicted = (v * v) / (2 * 0.02 * 9.81);
    assert.ok(
      Math.abs(travelled - predicted) <= 0.2 * predicted,
      `puck slid ${travelled.toFixed(3)} m, predicted ${predicted.toFixed(3)} m`,
    );
    assert.ok(Math.abs(env.objectPosition()[2] - 0.015) < 0.002, "the puck stays upright on the table");
  } finally {
    env.close();
  }
});

test("a puck launched at an angle slides straight and stops after about v² / (2 · 0.02 · g)", () => {
  // Bullet's friction opposes the sliding velocity; MuJoCo's default pyramidal cone braked only the larger
  // velocity component, so a puck launched at 10° ended at 19° and one at 30° never stopped.
  const env = panda("PandaSlide-v3", { maxEpisodeSteps: 200 });
  try {
    for (const degrees of [10, 30]) {
      env.reset({ seed: 0 });
      env.placeObject(0, [-0.3, -0.1, 0.015]);
      for (let i = 0; i < 5; i++) env.step([0, 0, 0]);
      const v = 0.45;
      const angle = (degrees * Math.PI) / 180;
      const [x0, y0, z0] = env.objectPosition();
      env.placeObject(0, [x0, y0, z0], [v * Math.cos(angle), v * Math.sin(angle), 0]);
      for (let i = 0; i < 150 && Math.hypot(...env.objectVelocity()) > 1e-3; i++) env.step([0, 0, 0]);
      const [x, y] = env.objectPosition();
      const travelled = Math.hypot(x - x0, y - y0);
      const predicted = (v * v) / (2 * 0.02 * 9.81);
      const heading = (Math.atan2(y - y0, x - x0) * 180) / Math.PI;
      assert.ok(
        Math.abs(heading - degrees) < 1,
        `launched at ${degrees}°, the puck slid at ${heading.toFixed(1)}°`,
      );
      assert.ok(Math.abs(travelled - predicted) <= 0.1 * predicted, `slid ${travelled.toFixed(3)} m`);
    }
  } finally {
    env.close();
  }
});

test("a fingertip edge striking the puck sends it along the line from the edge through the puck's centre", () => {
  // With MuJoCo's native convex collision and multiccd, a box edge touching a cylinder's side got the box face's
  // normal: struck at 30°, the puck left at 2°. Bullet (and libccd here) push along the geometric normal.
  const env = panda("PandaSlide-v3");
  try {
    env.reset({ seed: 0 });
    env.placeObject(0, [0.3, 0.3, 0.015]);
    const angle = Math.PI / 6;
    const u = [Math.cos(angle), Math.sin(angle)];
    // The closed fingertips span ±0.9 cm in x and ±1.8 cm in y around the end-effector; their (+x, +y) edge
    // goes 3.2 cm behind the puck's centre along u (radius 3 cm plus a 2 mm gap).
    const ee = [-0.032 * u[0] - 0.009, -0.032 * u[1] - 0.018, 0.015];
    for (let t = 0; t < 16; t++) {
      const p = env.eePosition();
      const target = [ee[0], ee[1], t < 6 ? 0.1 : ee[2]];
      env.step([0, 1, 2].map((k) => Math.max(-1, Math.min(1, (target[k] - p[k]) / 0.05))));
    }
    env.placeObject(0, [0, 0, 0.015]);
    env.step([0.15 * u[0], 0.15 * u[1], 0]);
    env.step([0, 0, 0.5]);
    const [vx, vy] = env.objectVelocity();
    const heading = (Math.atan2(vy, vx) * 180) / Math.PI;
    assert.ok(Math.hypot(vx, vy) > 0.15, "the strike set the puck sliding");
    assert.ok(Math.abs(heading - 30) < 4, `struck along 30°, the puck slides at ${heading.toFixed(1)}°`);
  } finally {
    env.close();
  }
});

test("a constant ee action moves the end-effector about 5 cm a step in free space", () => {
  const env = panda("PandaReach-v3");
  try {
    env.reset({ seed: 0 });
    for (const [axis, sign] of [
      [0, 1],
      [1, -1],
      [2, -1],
    ]) {
      env.reset({ seed: 0 });
      const action = [0, 0, 0];
      action[axis] = sign;
      const start = env.eePosition();
      env.step(action);
      const afterFirst = env.eePosition();
      env.step(action);
      env.step(action);
      const end = env.eePosition();
      // From rest the arm accelerates under the motors' force caps; then it moves at nearly the 5 cm commanded
      // (the motor lag keeps it a little under; momentum a little over, downwards).
      const first = Math.abs(afterFirst[axis] - start[axis]);
      const steady = Math.abs(end[axis] - afterFirst[axis]) / 2;
      assert.ok(first > 0.02 && first < 0.055, `axis ${axis}: first step moved ${first.toFixed(4)} m`);
      assert.ok(
        steady > 0.035 && steady < 0.065,
        `axis ${axis}: later steps moved ${steady.toFixed(4)} m each`,
      );
    }
    env.reset({ seed: 0 });
    for (let t = 0; t < 6; t++) env.step([0, 0, -1]);
    assert.ok(env.eePosition()[2] > -0.005, "the ee target is never below the table top");
  } finally {
    env.close();
  }
});

test("joint control moves each joint by 0.05 · a per step, most of it within the step", () => {
  const env = panda("PandaReachJoints-v3");
  try {
    env.reset({ seed: 0 });
    const q0 = env.armJoints();
    env.step([0, 0, 0, 0, 0, 0, 1]);
    env.step([0, 0, 0, 0, 0, 0, 0]);
    const q = env.armJoints();
    assert.ok(Math.abs(q[6] - q0[6] - 0.05) < 0.01, `joint 7 moved ${q[6] - q0[6]}`);
    for (let i = 0; i < 6; i++) assert.ok(Math.abs(q[i] - q0[i]) < 0.01, `joint ${i + 1} held`);
  } finally {
    env.close();
  }
});

test("the same seed and actions give bit-identical observations in another process", () => {
  const id = "PandaPushJoints-v3";
  const here = rollout(id, 7, 30);
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", "test/env/panda/fixtures-rollout.ts", "--rollout", id, "7", "30"],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout, here);
  assert.notEqual(rollout(id, 8, 30), here, "another seed gives another episode");
});
