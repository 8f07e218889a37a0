/** CLIPort's palette values and its seen / unseen / full splits (ROBOTICS.md B.4). */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  COLOR_NAMES,
  COLORS_255,
  colorsFor,
  EVAL_COLORS,
  rgba,
  TRAIN_COLORS,
} from "../../../src/env/tabletop/palette.ts";

test("the palette is CLIPort's Tableau colours, in its order", () => {
  assert.deepEqual(
    [...COLOR_NAMES],
    ["blue", "red", "green", "orange", "yellow", "purple", "pink", "cyan", "brown", "white", "gray"],
  );
  assert.deepEqual(COLORS_255.blue, [78, 121, 167]);
  assert.deepEqual(COLORS_255.red, [255, 87, 89]);
  assert.deepEqual(COLORS_255.green, [89, 169, 79]);
  assert.deepEqual(COLORS_255.orange, [242, 142, 43]);
  assert.deepEqual(COLORS_255.yellow, [237, 201, 72]);
  assert.deepEqual(COLORS_255.purple, [176, 122, 161]);
  assert.deepEqual(COLORS_255.pink, [255, 157, 167]);
  assert.deepEqual(COLORS_255.cyan, [118, 183, 178]);
  assert.deepEqual(COLORS_255.brown, [156, 117, 95]);
  assert.deepEqual(COLORS_255.white, [255, 255, 255]);
  assert.deepEqual(COLORS_255.gray, [186, 176, 172]);
  const brown = rgba("brown");
  assert.ok(Math.abs(brown[0] - 0.612) < 1e-3 && Math.abs(brown[1] - 0.459) < 1e-3 && brown[3] === 1);
});

test("seen, unseen and full colour splits follow CLIPort's modes", () => {
  assert.deepEqual([...TRAIN_COLORS], ["blue", "red", "green", "yellow", "brown", "gray", "cyan"]);
  assert.deepEqual([...EVAL_COLORS], ["blue", "red", "green", "orange", "purple", "pink", "white"]);
  assert.equal(colorsFor("seen", "test"), TRAIN_COLORS);
  assert.equal(colorsFor("unseen", "train"), TRAIN_COLORS);
  assert.equal(colorsFor("unseen", "val"), EVAL_COLORS);
  assert.equal(colorsFor("unseen", "test"), EVAL_COLORS);
  assert.equal(new Set(colorsFor("full", "test")).size, 11);
});
