import assert from "node:assert/strict";
import { test } from "node:test";
import {
  Ball,
  Box,
  Door,
  decodeObject,
  Floor,
  Goal,
  Key,
  Lava,
  Wall,
  type WorldObj,
} from "../../../src/env/minigrid/objects.ts";

const carrying = (obj: WorldObj | null) => ({ carrying: obj });

test("interaction rules follow Farama", () => {
  const rules = (o: WorldObj) => [o.canOverlap(), o.canPickup(), o.seeBehind()];
  assert.deepEqual(rules(new Wall()), [false, false, false]);
  assert.deepEqual(rules(new Floor()), [true, false, true]);
  assert.deepEqual(rules(new Goal()), [true, false, true]);
  assert.deepEqual(rules(new Lava()), [true, false, true]);
  assert.deepEqual(rules(new Key("red")), [false, true, true]);
  assert.deepEqual(rules(new Ball("red")), [false, true, true]);
  assert.deepEqual(rules(new Box("red")), [false, true, true]);
  assert.deepEqual(rules(new Door("red")), [false, false, false]);
  assert.deepEqual(rules(new Door("red", { isOpen: true })), [true, false, true]);
});

test("a locked door opens only for a key of its colour", () => {
  const door = new Door("blue", { isLocked: true });
  assert.equal(door.toggle(carrying(null), 0, 0), false);
  assert.equal(door.toggle(carrying(new Key("red")), 0, 0), false);
  assert.equal(door.toggle(carrying(new Ball("blue")), 0, 0), false);
  assert.equal(door.state, "locked");
  assert.equal(door.toggle(carrying(new Key("blue")), 0, 0), true);
  assert.equal(door.state, "open");
  assert.equal(door.toggle(carrying(null), 0, 0), true, "once unlocked it closes without a key");
  assert.equal(door.state, "closed");
});

test("encodings are [type, colour, state] and decode back", () => {
  assert.deepEqual(new Wall().encode(), [2, 5, 0]);
  assert.deepEqual(new Goal().encode(), [8, 1, 0]);
  assert.deepEqual(new Lava().encode(), [9, 0, 0]);
  assert.deepEqual(new Door("yellow", { isLocked: true }).encode(), [4, 4, 2]);
  assert.deepEqual(new Door("purple").encode(), [4, 3, 1]);
  assert.deepEqual(new Door("grey", { isOpen: true, isLocked: true }).encode(), [4, 5, 0]);
  for (const obj of [
    new Wall(),
    new Floor("green"),
    new Key("grey"),
    new Ball("purple"),
    new Box("blue"),
    new Door("red", { isLocked: true }),
  ]) {
    const code = obj.encode();
    assert.deepEqual(decodeObject(...code)?.encode(), code);
  }
  assert.equal(decodeObject(1, 0, 0), null);
  assert.throws(() => decodeObject(42, 0, 0), /unknown object type index 42/);
});
