import assert from "node:assert/strict";
import { test } from "node:test";
import { DropSites } from "../../../src/policies/minigrid/drop-sites.ts";
import { picture } from "./picture-env.ts";

test("a cell that is the only way to a door, the goal or an object is not a drop site", () => {
  const env = picture(["########", "#>....D#", "#.###.##", "#.#x..G#", "########"]);
  const sites = new DropSites(env);
  assert.equal(sites.harmless(5, 1), false, "in front of the door");
  assert.equal(sites.harmless(5, 2), false, "the corridor to the goal and the box");
  assert.equal(sites.harmless(4, 3), false, "the only cell beside the box");
  assert.equal(sites.harmless(1, 3), true, "a dead end");
  assert.equal(sites.harmless(3, 1), false, "the corridor splits the grid");
});

test("occupied cells, the agent's cell and cells kept free are never drop sites", () => {
  const env = picture(["######", "#>..k#", "#....#", "######"]);
  const height = env.grid.height;
  assert.equal(new DropSites(env).harmless(2, 2), true);
  assert.equal(new DropSites(env, new Set([2 * height + 2])).harmless(2, 2), false);
  assert.equal(new DropSites(env).harmless(4, 1), false, "the key's cell");
  assert.equal(new DropSites(env).harmless(1, 1), false, "the agent's cell");
});
