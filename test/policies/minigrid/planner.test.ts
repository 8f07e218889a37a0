import assert from "node:assert/strict";
import { test } from "node:test";
import { Actions } from "../../../src/env/minigrid/constants.ts";
import { CLEAR_COST, facing, PosePlanner, standOn } from "../../../src/policies/minigrid/planner.ts";
import { picture } from "./picture-env.ts";

const planner = new PosePlanner();
const DOORS = { openDoors: true, moveObstacles: false };
const NO_DOORS = { openDoors: false, moveObstacles: false };

test("turns and steps each cost one", () => {
  const env = picture(["#####", "#>..#", "#...#", "#####"]);
  assert.equal(planner.plan(env, standOn(3, 1))?.cost, 2);
  const down = planner.plan(env, standOn(1, 2));
  assert.equal(down?.cost, 2); // right turn, step
  assert.equal(down?.action, Actions.right);
  assert.deepEqual(down?.cells, [1 * 4 + 2]);
});

test("a pose that already passes needs no action", () => {
  const env = picture(["####", "#>.#", "####"]);
  const plan = planner.plan(env, facing(2, 1));
  assert.equal(plan?.cost, 0);
  assert.equal(plan?.first, null);
  assert.equal(plan?.action, null);
});

test("a closed door costs its toggle, and is a wall when doors may not be opened", () => {
  const env = picture(["#####", "#>D.#", "#####"]);
  const plan = planner.plan(env, standOn(3, 1), DOORS);
  assert.equal(plan?.cost, 3);
  assert.equal(plan?.first, "open");
  assert.equal(plan?.action, Actions.toggle);
  assert.equal(planner.plan(env, standOn(3, 1), NO_DOORS), null);
  const open = picture(["#####", "#>O.#", "#####"]);
  assert.equal(planner.plan(open, standOn(3, 1), NO_DOORS)?.cost, 2);
});

test("a locked door opens only with its key in hand", () => {
  const env = picture(["######", "#k>X.#", "######"]);
  assert.equal(planner.plan(env, standOn(4, 1)), null);
  // Pick up the key behind, then the door is a toggle away.
  env.step(Actions.left);
  env.step(Actions.left);
  env.step(Actions.pickup);
  assert.equal(env.carrying?.type, "key");
  assert.equal(planner.plan(env, standOn(4, 1))?.cost, 2 + 3);
});

test("lava is never crossed, even when the detour is long", () => {
  const env = picture(["#######", "#>LLLG#", "#.....#", "#######"]);
  const plan = planner.plan(env, standOn(5, 1));
  assert.ok(plan);
  assert.equal(plan.action, Actions.right);
  assert.equal(plan.cost, 9); // turn, down, turn, four steps, turn, up
});

test("objects block the way unless they may be moved aside, and then the first one is named", () => {
  const env = picture(["######", "#>bk.#", "######"]);
  assert.equal(planner.plan(env, standOn(4, 1)), null);
  const plan = planner.plan(env, standOn(4, 1), { openDoors: true, moveObstacles: true });
  assert.ok(plan);
  assert.equal(plan.first, "clear");
  assert.equal(plan.action, null);
  assert.deepEqual(plan.obstacle, [2, 1]);
  assert.equal(plan.cost, 2 * CLEAR_COST + 1);
});

test("a start direction other than the agent's can be asked for", () => {
  const env = picture(["#####", "#>..#", "#####"]);
  assert.equal(planner.plan(env, standOn(3, 1), DOORS, 2)?.cost, 4);
});
