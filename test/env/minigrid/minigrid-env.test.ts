import assert from "node:assert/strict";
import { test } from "node:test";
import "../../../src/env/minigrid/index.ts";
import { Actions, OBJECT_TO_IDX, STATE_TO_IDX } from "../../../src/env/minigrid/constants.ts";
import { Grid } from "../../../src/env/minigrid/grid.ts";
import { MiniGridEnv, type MiniGridOptions } from "../../../src/env/minigrid/minigrid-env.ts";
import { Ball, Box, Door, Goal, Key, Lava } from "../../../src/env/minigrid/objects.ts";
import { make, registeredIds } from "../../../src/env/registry.ts";

/** A corridor: agent (1,1) facing right, then a yellow key, a locked yellow door, an empty cell and the goal. */
class CorridorEnv extends MiniGridEnv {
  constructor(options: MiniGridOptions = {}) {
    super({ width: 7, height: 3, maxSteps: 50 }, options, "Test-Corridor-v0");
  }
  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height);
    this.grid.wallRect(0, 0, width, height);
    this.putObj(new Key("yellow"), 2, 1);
    this.putObj(new Door("yellow", { isLocked: true }), 3, 1);
    this.putObj(new Goal(), 5, 1);
    this.agentPos = [1, 1];
    this.agentDir = 0;
    this.mission = "walk the corridor";
  }
}

/** Lava right in front of the agent, and a box holding a ball below it. */
class HazardEnv extends MiniGridEnv {
  constructor() {
    super({ width: 5, height: 4, maxSteps: 3 }, {}, "Test-Hazard-v0");
  }
  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height);
    this.grid.wallRect(0, 0, width, height);
    this.putObj(new Lava(), 2, 1);
    this.putObj(new Box("purple", new Ball("green")), 1, 2);
    this.agentPos = [1, 1];
    this.agentDir = 0;
    this.mission = "beware";
  }
}

const cellAt = (env: MiniGridEnv, x: number, y: number) => {
  const o = (x * env.height + y) * 3;
  return Array.from(env.grid.cells.subarray(o, o + 3));
};
const eventTypes = (info: { events?: { type: string }[] }) => (info.events ?? []).map((e) => e.type);

test("pickup, unlock, open, drop and goal behave as Farama and report events", () => {
  const env = new CorridorEnv();
  env.reset({ seed: 0 });

  let r = env.step(Actions.toggle); // facing the key: toggling a key does nothing
  assert.deepEqual(eventTypes(r.info), []);
  r = env.step(Actions.pickup);
  assert.deepEqual(r.info.events, [
    { type: "pickup", object: "key", color: "yellow", text: "picked up the yellow key" },
  ]);
  assert.equal(env.carrying?.type, "key");
  assert.deepEqual(cellAt(env, 2, 1), [OBJECT_TO_IDX.empty, 0, 0]);
  // The carried key shows on the agent's own cell of the view (bottom middle).
  assert.equal(r.obs.image[(3 * 7 + 6) * 3], OBJECT_TO_IDX.key);

  env.step(Actions.forward);
  assert.deepEqual(env.agentPos, [2, 1]);
  r = env.step(Actions.forward); // a locked door blocks
  assert.deepEqual(env.agentPos, [2, 1]);
  r = env.step(Actions.toggle);
  assert.deepEqual(eventTypes(r.info), ["unlock", "open"]);
  assert.equal(cellAt(env, 3, 1)[2], STATE_TO_IDX.open);
  r = env.step(Actions.toggle);
  assert.deepEqual(eventTypes(r.info), ["close"]);
  assert.equal(cellAt(env, 3, 1)[2], STATE_TO_IDX.closed);
  env.step(Actions.toggle);
  env.step(Actions.forward);
  assert.deepEqual(env.agentPos, [3, 1], "an open door can be walked through");

  r = env.step(Actions.drop);
  assert.deepEqual(eventTypes(r.info), ["drop"]);
  assert.equal(env.carrying, null);
  assert.equal(cellAt(env, 4, 1)[0], OBJECT_TO_IDX.key);
  env.step(Actions.forward);
  assert.deepEqual(env.agentPos, [3, 1], "a key on the floor blocks the way");
  env.step(Actions.pickup);
  env.step(Actions.forward);
  r = env.step(Actions.forward);
  assert.deepEqual(env.agentPos, [5, 1]);
  assert.equal(r.terminated, true);
  assert.equal(r.truncated, false);
  assert.equal(env.stepCount, 13);
  assert.equal(r.reward, 1 - 0.9 * (13 / 50));
  assert.deepEqual(eventTypes(r.info), ["goal", "success"]);
  assert.throws(() => env.step(Actions.left), /after the episode ended/);
});

test("lava ends the episode unpaid; a box opens into its contents; max steps truncate", () => {
  const env = new HazardEnv();
  env.reset({ seed: 1 });
  env.step(Actions.right); // face down, towards the box
  const r1 = env.step(Actions.toggle);
  assert.deepEqual(r1.info.events, [
    { type: "open", object: "box", color: "purple", text: "opened the purple box" },
  ]);
  assert.deepEqual(cellAt(env, 1, 2), [OBJECT_TO_IDX.ball, 1, 0]);
  const r2 = env.step(Actions.left);
  assert.equal(r2.truncated, true, "the third step reaches maxSteps = 3");
  assert.equal(r2.terminated, false);

  env.reset();
  const r3 = env.step(Actions.forward);
  assert.equal(r3.terminated, true);
  assert.equal(r3.reward, 0);
  assert.deepEqual(eventTypes(r3.info), ["lava"]);
  assert.deepEqual(env.agentPos, [2, 1]);
});

test("grid cells follow every change, including a door changed directly", () => {
  const grid = new Grid(4, 3);
  const door = new Door("red", { isLocked: true });
  grid.set(1, 2, door);
  assert.deepEqual(Array.from(grid.cells.subarray((1 * 3 + 2) * 3, (1 * 3 + 2) * 3 + 3)), [4, 0, 2]);
  door.isLocked = false;
  assert.equal(grid.cells[(1 * 3 + 2) * 3 + 2], STATE_TO_IDX.closed);
  door.isOpen = true;
  assert.equal(grid.cells[(1 * 3 + 2) * 3 + 2], STATE_TO_IDX.open);
  grid.set(1, 2, null);
  assert.equal(door.pos, null, "a removed object no longer claims its cell");
  assert.deepEqual(Array.from(grid.cells.subarray((1 * 3 + 2) * 3, (1 * 3 + 2) * 3 + 3)), [1, 0, 0]);
  assert.throws(() => grid.get(4, 0), /outside the 4x3 grid/);
});

test("every Farama id is registered and builds an env whose first observation fits its space", () => {
  const ids = registeredIds().filter((id) => id.startsWith("MiniGrid-"));
  assert.equal(ids.length, 40);
  for (const id of ids) {
    const env = make(id) as unknown as MiniGridEnv;
    assert.equal(env.id, id);
    const { obs } = env.reset({ seed: 3 });
    assert.ok(env.observationSpace.contains(obs), `${id}: observation outside its space`);
    assert.ok(obs.mission.length > 0, `${id}: empty mission`);
  }
});

test("options override Farama's defaults; seedless resets continue the stream", () => {
  const env = make("MiniGrid-DoorKey-8x8-v0", { maxSteps: 7, tileSize: 8 }) as unknown as MiniGridEnv;
  assert.equal(env.maxSteps, 7);
  assert.equal(env.metadata.tileSize, 8);
  env.reset({ seed: 5 });
  const frame = env.render();
  assert.equal(frame.width, 64);
  assert.equal(frame.height, 64);
  const pov = env.getFrame({ agentPov: true, tileSize: 8 });
  assert.equal(pov.width, 56);

  const a = make("MiniGrid-DoorKey-8x8-v0") as unknown as MiniGridEnv;
  const b = make("MiniGrid-DoorKey-8x8-v0") as unknown as MiniGridEnv;
  a.reset({ seed: 11 });
  b.reset({ seed: 11 });
  a.reset();
  b.reset();
  assert.deepEqual(a.grid.cells, b.grid.cells);
  a.reset({ seed: 11 });
  const first = a.grid.encode();
  a.reset();
  assert.notDeepEqual(a.grid.encode(), first, "a seedless reset draws a new layout");
});

test("observations are fresh arrays that later steps do not overwrite", () => {
  const env = make("MiniGrid-Empty-5x5-v0") as unknown as MiniGridEnv;
  const first = env.reset({ seed: 0 }).obs.image;
  const copy = first.slice();
  for (let i = 0; i < 300; i++) {
    const r = env.step(i % 3 === 0 ? Actions.left : Actions.forward);
    if (r.terminated || r.truncated) env.reset();
  }
  assert.deepEqual(first, copy);
});

test("planner-facing state: env-specific targets are exposed", async () => {
  const { DoorKeyEnv, KeyCorridorEnv, GoToDoorEnv } = await import("../../../src/env/minigrid/index.ts");
  const dk = new DoorKeyEnv({ size: 6 });
  dk.reset({ seed: 2 });
  assert.deepEqual(dk.goalPos, [4, 4]);
  assert.equal(dk.door?.isLocked, true);
  assert.deepEqual(dk.grid.find("key")?.obj, dk.key);
  const kc = new KeyCorridorEnv({ roomSize: 3, numRows: 3 });
  kc.reset({ seed: 0 });
  assert.equal(kc.mission, `pick up the ${kc.obj?.color} ball`);
  assert.equal(kc.key?.color, kc.door?.color);
  const gd = new GoToDoorEnv({ size: 6 });
  gd.reset({ seed: 0 });
  assert.equal(gd.grid.get(...gd.targetPos)?.color, gd.targetColor);
});
