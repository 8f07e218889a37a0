/**
 * The 24 ids, their spaces and observation layout as in panda-gym (ROBOTICS.md A.5, A.6), rewards, success,
 * time limits, events, and clear errors for bad input.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { EnvError, make, registeredIds } from "../../../src/env/index.ts";
import { PANDA_TASKS, type PandaEnv } from "../../../src/env/panda/index.ts";
import type { Box } from "../../../src/env/spaces.ts";

// [action size ee, action size joints, observation, goal] per task, from panda-gym.
const SHAPES: Record<string, [number, number, number, number]> = {
  Reach: [3, 7, 6, 3],
  Push: [3, 7, 18, 3],
  Slide: [3, 7, 18, 3],
  PickAndPlace: [4, 8, 19, 3],
  Stack: [4, 8, 31, 6],
  Flip: [4, 8, 20, 4],
};

function panda(id: string, options: Record<string, unknown> = {}): PandaEnv {
  return make(id, options) as unknown as PandaEnv;
}

test("all 24 panda-gym ids are registered with panda-gym's spaces and time limits", () => {
  const ids = registeredIds().filter((id) => id.startsWith("Panda"));
  assert.equal(ids.length, 24);
  for (const task of PANDA_TASKS) {
    const [eeActions, jointActions, obsSize, goalSize] = SHAPES[task];
    for (const joints of [false, true]) {
      for (const dense of [false, true]) {
        const id = `Panda${task}${joints ? "Joints" : ""}${dense ? "Dense" : ""}-v3`;
        assert.ok(ids.includes(id), id);
        const env = panda(id);
        try {
          const action = env.actionSpace;
          assert.deepEqual(action.shape, [joints ? jointActions : eeActions], `${id} action shape`);
          assert.equal(action.low, -1);
          assert.equal(action.high, 1);
          assert.equal(action.dtype, "float32");
          assert.equal(env.controlType, joints ? "joints" : "ee");
          assert.equal(env.rewardType, dense ? "dense" : "sparse");
          assert.equal(env.maxEpisodeSteps, task === "Stack" ? 100 : 50);
          const spaces = env.observationSpace.spaces;
          assert.deepEqual((spaces.observation as unknown as Box).shape, [obsSize], `${id} observation`);
          assert.deepEqual((spaces.achieved_goal as unknown as Box).shape, [goalSize]);
          assert.deepEqual((spaces.desired_goal as unknown as Box).shape, [goalSize]);
          const { obs, info } = env.reset({ seed: 1 });
          assert.ok(obs.observation instanceof Float32Array && obs.observation.length === obsSize);
          assert.ok(obs.achieved_goal instanceof Float32Array && obs.achieved_goal.length === goalSize);
          assert.ok(obs.desired_goal instanceof Float32Array && obs.desired_goal.length === goalSize);
          assert.equal(typeof info.is_success, "boolean");
          assert.ok(env.observationSpace.contains(obs));
        } finally {
          env.close();
        }
      }
    }
  }
});

test("the observation starts with the ee position and velocity; objects follow in panda-gym's layout", () => {
  const env = panda("PandaPickAndPlace-v3");
  try {
    const { obs } = env.reset({ seed: 0 });
    const ee = env.eePosition();
    assert.deepEqual(Array.from(obs.observation.slice(0, 3)), ee.map(Math.fround));
    assert.deepEqual(Array.from(obs.observation.slice(3, 6)), [0, 0, 0]);
    assert.equal(obs.observation[6], 0, "the gripper starts closed");
    assert.deepEqual(Array.from(obs.observation.slice(7, 10)), env.objectPosition().map(Math.fround));
    assert.deepEqual(Array.from(obs.achieved_goal), env.objectPosition().map(Math.fround));
    const next = env.step([0, 0, 0, 1]).obs;
    assert.ok(next.observation[6] > 0.01, "opening the fingers widens them");
  } finally {
    env.close();
  }
});

test("sparse and dense rewards, vectorised computeReward, and success", () => {
  const sparse = panda("PandaPush-v3");
  const dense = panda("PandaPushDense-v3");
  try {
    sparse.reset({ seed: 0 });
    dense.reset({ seed: 0 });
    const a = [0, 0, 0, 1, 0, 0];
    const d = [0, 0, 0, 1.2, 0, 0];
    assert.deepEqual(Array.from(sparse.computeReward(a, d)), [0, -1]);
    assert.deepEqual(Array.from(dense.computeReward(a, d)), [0, Math.fround(-0.2)]);
    assert.deepEqual(sparse.computeSuccess(a, d), [true, false]);
    assert.throws(() => sparse.computeReward([0, 0], [0, 0]), /multiple of 3/);
    const r = sparse.step([0, 0, 0]);
    const distance = Math.hypot(...Array.from(r.obs.achieved_goal).map((x, i) => x - r.obs.desired_goal[i]));
    assert.equal(r.reward, distance > 0.05 ? -1 : 0);
    const rd = dense.step([0, 0, 0]);
    assert.ok(rd.reward < 0 && Math.abs(rd.reward + distance) < 1e-4);
  } finally {
    sparse.close();
    dense.close();
  }
});

test("the episode terminates on success with info.is_success and events, and truncates at the limit", () => {
  const env = panda("PandaPush-v3", { maxEpisodeSteps: 5 });
  try {
    env.reset({ seed: 0 });
    const goal = env.desiredGoal;
    // Put the cube on its target: the next step succeeds.
    env.placeObject(0, [goal[0], goal[1], 0.02]);
    const r = env.step([0, 0, 0]);
    assert.equal(r.terminated, true);
    assert.equal(r.info.is_success, true);
    const types = (r.info.events ?? []).map((e) => e.type);
    assert.ok(
      types.includes("moved") && types.includes("at_target") && types.includes("success"),
      types.join(),
    );
    assert.throws(
      () => env.step([0, 0, 0]),
      (e: Error) => e instanceof EnvError && /after the episode ended at step 1/.test(e.message),
    );
    env.reset({ seed: 0 });
    let last = env.step([0, 0, 0]);
    for (let i = 1; i < 5; i++) last = env.step([0, 0, 0]);
    assert.equal(last.truncated, true);
    assert.equal(last.terminated, false);
  } finally {
    env.close();
  }
});

test("grasping and lifting a cube are reported as events", () => {
  const env = panda("PandaPickAndPlace-v3", { maxEpisodeSteps: 200 });
  try {
    env.reset({ seed: 0 });
    // Put the cube under the gripper, then open, descend, close and lift, steering toward each point.
    const ee = env.eePosition();
    const cube = [ee[0], ee[1], 0.02];
    env.placeObject(0, cube);
    const seen = new Set<string>();
    const moveTo = (target: number[], finger: number, steps: number) => {
      for (let i = 0; i < steps; i++) {
        const p = env.eePosition();
        const a = [0, 1, 2].map((k) => Math.max(-1, Math.min(1, (target[k] - p[k]) / 0.05)));
        for (const e of env.step([...a, finger]).info.events ?? []) seen.add(e.type);
      }
    };
    moveTo([cube[0], cube[1], 0.1], 1, 4);
    moveTo(cube, 1, 8);
    moveTo(cube, -1, 5);
    moveTo([cube[0], cube[1], 0.15], -1, 6);
    assert.ok(seen.has("grasp"), [...seen].join());
    assert.ok(seen.has("lift"), [...seen].join());
    assert.ok(env.objectPosition()[2] > 0.06, `cube lifted to ${env.objectPosition()[2]}`);
  } finally {
    env.close();
  }
});

test("render() draws panda-gym's default view: white sky, grey table, the green cube", () => {
  const env = panda("PandaPush-v3", { renderWidth: 180, renderHeight: 120, renderShadows: false });
  try {
    env.reset({ seed: 1 });
    const { data } = env.render();
    let white = 0;
    let green = 0;
    for (let i = 0; i < data.length; i += 3) {
      if (data[i] === 255 && data[i + 1] === 255 && data[i + 2] === 255) white++;
      if (data[i + 1] > 100 && data[i] < 60 && data[i + 2] < 60) green++;
    }
    assert.ok(white > 0.1 * 180 * 120, `sky pixels: ${white}`);
    assert.ok(green > 4, `green cube and target pixels: ${green}`);
    env.close();
    assert.throws(() => env.render(), /after close/);
  } finally {
    env.close();
  }
});

test("bad actions give errors naming the env, the step and what to do", () => {
  const env = panda("PandaPushJoints-v3");
  try {
    assert.throws(() => env.step(new Float32Array(7)), /before reset/);
    env.reset({ seed: 0 });
    env.step(new Float32Array(7));
    assert.throws(
      () => env.step(new Float32Array(3)),
      (e: Error) =>
        e instanceof EnvError && /PandaPushJoints-v3 step 2: the action must be 7 numbers/.test(e.message),
    );
    assert.throws(
      () => env.step([0, 0, Number.NaN, 0, 0, 0, 0]),
      (e: Error) =>
        e instanceof EnvError && /step 2: action\[2\] is NaN; actions must be finite/.test(e.message),
    );
    assert.throws(() => env.step([0, 0, 0, Number.POSITIVE_INFINITY, 0, 0, 0]), /action\[3\] is Infinity/);
    // Out-of-range values are clipped, as panda-gym does.
    const r = env.step([5, -5, 0, 0, 0, 0, 0]);
    assert.equal(r.obs.observation.length, 18);
  } finally {
    env.close();
  }
});

test("an unstable simulation ends the episode with a clear error", () => {
  const env = panda("PandaPush-v3");
  try {
    env.reset({ seed: 0 });
    env.placeObject(0, [0, 0, 0.02], [Number.NaN, 0, 0]);
    assert.throws(
      () => env.step([0, 0, 0]),
      (e: Error) =>
        e instanceof EnvError && /PandaPush-v3 step 1: the simulation became unstable/.test(e.message),
    );
    assert.throws(() => env.step([0, 0, 0]), /call reset\(\)/);
    env.reset({ seed: 0 });
    assert.equal(env.step([0, 0, 0]).obs.observation.length, 18);
  } finally {
    env.close();
  }
});

test("scene() lists posed geoms and panda-gym's camera; render() draws them at the configured size", () => {
  const env = panda("PandaFlip-v3", { renderWidth: 128, renderHeight: 96, renderYaw: 90 });
  try {
    env.reset({ seed: 0 });
    const scene = env.scene();
    assert.equal(scene.width, 128);
    assert.equal(scene.camera.yaw, 90);
    assert.equal(scene.camera.distance, 1.4);
    assert.equal(scene.camera.pitch, -30);
    assert.equal(scene.camera.fovY, 60);
    assert.ok(
      scene.fixed.some((g) => g.kind === "box" && g.rgba[0] > 0.9),
      "the white table is static",
    );
    const cube = scene.moving.find((g) => g.faceColors !== undefined && g.castShadow === undefined);
    assert.ok(cube, "the Flip cube carries its face colours");
    assert.deepEqual(Array.from(cube.pos), env.objectPosition());
    assert.ok(
      scene.moving.some((g) => g.castShadow === false),
      "ghost targets cast no shadow",
    );
  } finally {
    env.close();
  }
});
