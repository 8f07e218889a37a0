import assert from "node:assert/strict";
import { test } from "node:test";
import {
  matrixFromQuaternion,
  opticalAxis,
  orbitEyeAndUp,
  pandaGymCamera,
  projectPoint,
  quaternionFromEuler,
  ravensCamera,
  resolveCamera,
} from "../../../src/env/render3d/camera.ts";

const close = (a: number, b: number, tol = 1e-3) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} != ${b} (±${tol})`);

test("panda-gym's default orbit camera sits at (0.857, -0.857, 0.700) and looks at the target", () => {
  const { eye, up } = orbitEyeAndUp(pandaGymCamera());
  close(eye[0], 0.857);
  close(eye[1], -0.857);
  close(eye[2], 0.7);
  // Roll 0: the up vector is Rz(yaw)·Rx(pitch)·ẑ, tilted back from ẑ by the pitch.
  close(up[2], Math.cos((30 * Math.PI) / 180), 1e-9);
  const cam = resolveCamera(pandaGymCamera(), 720, 480);
  const centre = projectPoint(cam, [0, 0, 0]);
  close(centre.u, 360, 1e-9);
  close(centre.v, 240, 1e-9);
  close(centre.depth, 1.4, 1e-9);
});

test("the orbit camera keeps z up and +x / -y to the right of the image as in panda-gym's view", () => {
  const cam = resolveCamera(pandaGymCamera(), 720, 480);
  const above = projectPoint(cam, [0, 0, 0.1]);
  assert.ok(above.v < 240, "a point above the target is higher in the image");
  close(above.u, 360, 1e-9);
  // Yaw 45°: the camera looks along (-1, 1, ·), so its right is (1, 1, 0)/√2 and (1, -1) comes towards it.
  assert.ok(projectPoint(cam, [0, 0.1, 0]).u > 360);
  assert.ok(projectPoint(cam, [0.1, 0, 0]).u > 360);
  close(projectPoint(cam, [0.1, -0.1, 0]).u, 360, 1e-9);
  assert.ok(projectPoint(cam, [0.1, -0.1, 0]).v > 240, "nearer ground points are lower in the image");
  // The focal length of computeProjectionMatrixFOV(60°): (H/2)/tan(30°).
  close(cam.fy, 240 / Math.tan(Math.PI / 6), 1e-9);
  assert.equal(cam.fx, cam.fy);
});

test("yaw turns the eye about the target, pitch raises it, roll tilts the image", () => {
  const top = orbitEyeAndUp(pandaGymCamera({ yaw: 90, pitch: -70, distance: 1, target: [0.2, 0, 0] }));
  close(top.eye[0], 0.2 + Math.cos((70 * Math.PI) / 180));
  close(top.eye[1], 0, 1e-9);
  close(top.eye[2], Math.sin((70 * Math.PI) / 180));
  const rolled = resolveCamera(pandaGymCamera({ roll: 90 }), 100, 100);
  const upright = resolveCamera(pandaGymCamera(), 100, 100);
  const p = projectPoint(rolled, [0, 0, 0.1]);
  const q = projectPoint(upright, [0, 0, 0.1]);
  assert.ok(Math.abs(p.u - 50) > 1, "after a 90° roll the vertical shows sideways");
  close(q.u, 50, 1e-9);
});

test("quaternionFromEuler is PyBullet's Rz·Ry·Rx", () => {
  const [rx, ry, rz] = [0.3, -1.1, 2.4];
  const m = matrixFromQuaternion(quaternionFromEuler(rx, ry, rz));
  const c = Math.cos;
  const s = Math.sin;
  const rX = [1, 0, 0, 0, c(rx), -s(rx), 0, s(rx), c(rx)];
  const rY = [c(ry), 0, s(ry), 0, 1, 0, -s(ry), 0, c(ry)];
  const rZ = [c(rz), -s(rz), 0, s(rz), c(rz), 0, 0, 0, 1];
  const mul = (a: number[], b: number[]) =>
    Array.from({ length: 9 }, (_, k) => {
      const i = Math.floor(k / 3);
      const j = k % 3;
      return a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
    });
  const expected = mul(rZ, mul(rY, rX));
  for (let k = 0; k < 9; k++) close(m[k], expected[k], 1e-12);
  // A known PyBullet value: getQuaternionFromEuler((0, 0, π/2)) = (0, 0, 0.7071, 0.7071).
  const q = quaternionFromEuler(0, 0, Math.PI / 2);
  close(q[2], Math.SQRT1_2, 1e-12);
  close(q[3], Math.SQRT1_2, 1e-12);
});

test("Ravens' front camera looks along (-0.707, 0, -0.707) and its optical axis hits (0.25, 0, 0)", () => {
  const cam = resolveCamera(ravensCamera("front"), 640, 480);
  const axis = opticalAxis(cam);
  close(axis[0], -Math.SQRT1_2, 1e-9);
  close(axis[1], 0, 1e-9);
  close(axis[2], -Math.SQRT1_2, 1e-9);
  const hit = projectPoint(cam, [0.25, 0, 0]);
  close(hit.u, 320, 1e-9);
  close(hit.v, 240, 1e-9);
  close(hit.depth, Math.hypot(0.75, 0.75), 1e-9);
  // Image up is R·(0,-1,0): higher points are higher in the image; +y is to the right seen from +x.
  assert.ok(projectPoint(cam, [0.25, 0, 0.1]).v < 240);
  assert.ok(projectPoint(cam, [0.25, 0.1, 0]).u > 320);
});

test("Ravens' side cameras hit the table where ROBOTICS.md B.3 says", () => {
  for (const [name, x, y] of [
    ["left", 0.445, 0.055],
    ["right", 0.445, -0.055],
  ] as const) {
    const cam = resolveCamera(ravensCamera(name), 640, 480);
    const a = opticalAxis(cam);
    const t = -cam.eye[2] / a[2];
    close(cam.eye[0] + t * a[0], x, 2e-3);
    close(cam.eye[1] + t * a[1], y, 2e-3);
  }
});

test("pinhole projection uses the intrinsics as given: u = cx + fx·x/z, v = cy + fy·y/z", () => {
  const cam = resolveCamera(
    {
      kind: "pinhole",
      position: [0, 0, 0],
      quaternion: [0, 0, 0, 1],
      fx: 120,
      fy: 80,
      cx: 10,
      cy: 20,
      near: 0.1,
      far: 10,
    },
    64,
    48,
  );
  const p = projectPoint(cam, [0.3, -0.2, 2]);
  close(p.u, 10 + (120 * 0.3) / 2, 1e-12);
  close(p.v, 20 + (80 * -0.2) / 2, 1e-12);
  close(p.depth, 2, 1e-12);
});

test("bad cameras give errors naming the problem", () => {
  assert.throws(() => resolveCamera(pandaGymCamera({ distance: Number.NaN }), 10, 10), /finite/);
  assert.throws(() => resolveCamera(pandaGymCamera({ near: 0 }), 10, 10), /near/);
  assert.throws(() => resolveCamera(pandaGymCamera({ fovY: 180 }), 10, 10), /fovY/);
  // Straight down is fine: Bullet turns the up vector with the pitch, so it never lines up with the view.
  const down = resolveCamera(pandaGymCamera({ pitch: -90 }), 10, 10);
  close(opticalAxis(down)[2], -1, 1e-9);
  assert.throws(
    () => resolveCamera({ ...ravensCamera("front"), quaternion: [0, 0, 0, 0] }, 10, 10),
    /quaternion/,
  );
});
