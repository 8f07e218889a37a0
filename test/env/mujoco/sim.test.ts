/**
 * The shared MuJoCo layer: models from MJCF strings, views that survive the wasm memory growing, freeing on
 * close, clear errors, the Bullet-style motor's lag, and geoms converted for the renderer.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { BulletPositionMotor } from "../../../src/env/mujoco/bullet-motor.ts";
import { frictionPair, quatFromRpy } from "../../../src/env/mujoco/mjcf.ts";
import { sceneGeoms, splitStaticGeoms, visibleGeomIds } from "../../../src/env/mujoco/scene-geoms.ts";
import { MujocoSim, PhysicsError } from "../../../src/env/mujoco/sim.ts";

const DROP = `<mujoco><size memory="64K"/><option timestep="0.002"/><worldbody>
<geom name="ground" type="box" size="1 1 0.1" pos="0 0 -0.1" rgba="0.5 0.5 0.5 1"/>
<body name="cube" pos="0.1 0.2 0.3"><freejoint/><geom name="cube" type="box" size="0.02 0.02 0.02" mass="1" rgba="0 1 0 1"/>
<site name="tip" pos="0 0 0.02"/></body>
<geom name="hidden" type="sphere" size="0.1" pos="0 0 2" rgba="1 1 1 0"/>
</worldbody></mujoco>`;

test("a model loads from MJCF, steps, and its views survive the wasm memory growing", () => {
  const sim = MujocoSim.fromXml(DROP, "drop");
  try {
    assert.equal(sim.nq, 7);
    const z = sim.id("body", "cube");
    sim.step(10);
    const before = sim.qpos[2];
    assert.ok(before < 0.3, "the cube falls");
    // Allocating more models grows the memory, which empties views taken before.
    const others = Array.from({ length: 12 }, () => MujocoSim.fromXml(DROP.replace("64K", "4M"), "other"));
    sim.step(1);
    assert.ok(sim.qpos.length === 7 && sim.qpos[2] < before, "views were re-read and still follow the state");
    assert.ok(sim.xpos[3 * z + 2] < before);
    for (const o of others) o.close();
  } finally {
    sim.close();
  }
  assert.throws(() => sim.step(1), /closed/);
  sim.close();
});

test("bad MJCF and unknown names give PhysicsErrors naming the scene", () => {
  assert.throws(
    () =>
      MujocoSim.fromXml("<mujoco><worldbody><geom type='nonsense'/></worldbody></mujoco>", "broken scene"),
    (e: Error) => e instanceof PhysicsError && /broken scene: MuJoCo rejected/.test(e.message),
  );
  const sim = MujocoSim.fromXml(DROP, "drop");
  try {
    assert.throws(() => sim.id("site", "nowhere"), /drop: the scene has no site named "nowhere"/);
  } finally {
    sim.close();
  }
});

test("health() reports non-finite state; contacts, velocities and Jacobians are read from MuJoCo", () => {
  const sim = MujocoSim.fromXml(DROP, "drop");
  try {
    assert.equal(sim.health(), null);
    sim.step(400);
    const contacts = sim.contacts();
    assert.ok(contacts.length >= 4, `a resting cube touches the ground at its corners (${contacts.length})`);
    assert.ok(sim.touching(contacts, sim.id("geom", "cube"), sim.id("geom", "ground")));
    assert.ok(Math.abs(sim.qpos[2] - 0.02) < 0.001);
    const site = sim.id("site", "tip");
    const { jacp } = sim.siteJacobian(site);
    // A free body: the tip moves one-to-one with the body's translation.
    assert.deepEqual([jacp[0], jacp[sim.nv + 1], jacp[2 * sim.nv + 2]], [1, 1, 1]);
    sim.qvel[0] = 0.5;
    sim.forward();
    const v = [0, 0, 0];
    sim.siteLinearVelocity(site, v);
    assert.ok(Math.abs(v[0] - 0.5) < 1e-9);
    sim.qvel[1] = Number.NaN;
    assert.match(String(sim.health()), /qvel\[1\] is NaN/);
  } finally {
    sim.close();
  }
});

test("the Bullet-style motor closes about 88% of a step in 20 substeps and holds against gravity", () => {
  const arm = `<mujoco><size memory="64K"/><option timestep="0.002"/><worldbody>
  <body name="link" pos="0 0 0"><joint name="hinge" type="hinge" axis="0 1 0" range="-3 3"/>
  <geom type="capsule" fromto="0 0 0 0.3 0 0" size="0.02" mass="1"/></body></worldbody>
  <actuator><motor joint="hinge" gear="1"/></actuator></mujoco>`;
  const sim = MujocoSim.fromXml(arm, "arm");
  try {
    const motor = new BulletPositionMotor(sim, { firstDof: 0, firstActuator: 0, maxForces: [50] });
    motor.target[0] = 0;
    sim.stepControlled(40, motor.control);
    assert.ok(Math.abs(sim.qpos[0]) < 1e-3, `held against gravity at ${sim.qpos[0]}`);
    motor.target[0] = 0.05;
    sim.stepControlled(20, motor.control);
    const fraction = sim.qpos[0] / 0.05;
    assert.ok(fraction > 0.85 && fraction < 0.92, `moved ${fraction} of the step`);
    motor.target[0] = 10;
    sim.stepControlled(400, motor.control);
    assert.ok(sim.qpos[0] <= 3.001, "the motor never drives a joint past its range");
  } finally {
    sim.close();
  }
});

test("geoms convert field by field to SceneGeoms; world geoms are static, invisible ones skipped", () => {
  const sim = MujocoSim.fromXml(DROP, "drop");
  try {
    const ids = visibleGeomIds(sim);
    assert.equal(ids.length, 2, "the transparent sphere is left out");
    const { fixed, moving } = splitStaticGeoms(sim, ids);
    assert.deepEqual(fixed, [sim.id("geom", "ground")]);
    assert.deepEqual(moving, [sim.id("geom", "cube")]);
    const [cube] = sceneGeoms(sim, moving, new Map([[moving[0], { castShadow: false }]]));
    assert.equal(cube.kind, "box");
    assert.deepEqual(Array.from(cube.size), [0.02, 0.02, 0.02]);
    assert.deepEqual(Array.from(cube.pos), [0.1, 0.2, 0.3]);
    assert.deepEqual(Array.from(cube.mat), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    assert.deepEqual(Array.from(cube.rgba), [0, 1, 0, 1]);
    assert.equal(cube.castShadow, false);
  } finally {
    sim.close();
  }
});

test("MJCF helpers: URDF roll-pitch-yaw to quaternions, product-rule friction pairs", () => {
  const q = quatFromRpy(Math.PI / 2, 0, 0);
  assert.ok(Math.abs(q[0] - Math.SQRT1_2) < 1e-12 && Math.abs(q[1] - Math.SQRT1_2) < 1e-12);
  assert.equal(
    frictionPair({ name: "puck", friction: 0.04 }, { name: "table", friction: 0.5 }),
    '<pair geom1="puck" geom2="table" condim="3" friction="0.02 0.02 0 0 0"/>',
  );
});
