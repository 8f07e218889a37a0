/**
 * packing-shapes, packing-boxes-pairs and assembling-kits: object counts, sizes and colours on a seed, the
 * language goals and step limits, and the oracle solving a few seeds (100-seed rates: docs/BENCHMARKS.md).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { make } from "../../../src/env/index.ts";
import { defaultRng } from "../../../src/env/minigrid/rng.ts";
import {
  boxPoints,
  EVAL_COLORS,
  kdLeaves,
  kittingShapes,
  placeWord,
  type TabletopEnv,
  TRAIN_COLORS,
} from "../../../src/env/tabletop/index.ts";
import { TabletopOracle } from "../../../src/policies/tabletop/index.ts";

function blind(id: string, options: Record<string, unknown> = {}): TabletopEnv {
  return make(id, { renderObservations: false, ...options }) as unknown as TabletopEnv;
}

function oracleReturn(env: TabletopEnv, seed: number): { total: number; steps: number; last: string } {
  const oracle = new TabletopOracle();
  let { obs } = env.reset({ seed });
  oracle.reset(env as never, seed);
  let total = 0;
  let steps = 0;
  let last = "";
  for (;;) {
    const r = env.step(oracle.act(obs, env as never));
    obs = r.obs;
    total += r.reward;
    steps++;
    last = String(r.info.lang_goal);
    if (r.terminated || r.truncated) return { total, steps, last };
  }
}

test("packing-shapes: a 10-15 cm brown box and five distinct test-set shapes in unseen colours, one step", () => {
  const env = blind("Tabletop-packing-shapes-v0");
  try {
    const { info } = env.reset({ seed: 0 });
    const states = env.objectStates();
    const box = states.filter((s) => s.kind === "container");
    assert.equal(box.length, 1);
    assert.equal(box[0].color, "brown");
    assert.ok(box[0].fixed);
    const [sx, sy, sz] = box[0].size ?? [0, 0, 0];
    assert.ok(sx >= 0.1 && sx <= 0.15 && sy >= 0.1 && sy <= 0.15 && sz === 0.05, `box ${sx} x ${sy} x ${sz}`);
    const shapes = states.filter((s) => s.kind === "shape");
    assert.equal(shapes.length, 5);
    const ids = shapes.map((s) => s.shape ?? -1);
    assert.equal(new Set(ids).size, 5, "distinct shapes");
    for (const id of ids) assert.ok(id >= 14 && id <= 19, `test mode draws from shapes 14-19, got ${id}`);
    const colors = shapes.map((s) => s.color);
    assert.equal(new Set(colors).size, 5);
    for (const c of colors) assert.ok(EVAL_COLORS.includes(c), `${c} is an unseen colour`);
    for (const s of shapes) assert.ok(Math.abs(s.z) < 0.003, "resting on the table, origin at the bottom");
    assert.equal(info.lang_goal, `pack the ${kittingShapes()[ids[0]].name} in the brown box`);
    assert.equal(info.max_steps, 1);
    const goal = env.currentGoal();
    assert.ok(goal);
    assert.deepEqual(goal.objects, [shapes[0].id], "only the first shape is the goal");
    assert.equal(goal.metric, "zone");
    // Train mode: the train pool and the seen colours.
    const train = blind("Tabletop-packing-shapes-v0", { mode: "train" });
    train.reset({ seed: 0 });
    for (const s of train.objectStates().filter((o) => o.kind === "shape")) {
      assert.ok((s.shape ?? 99) <= 13);
      assert.ok(TRAIN_COLORS.includes(s.color));
    }
    train.close();
  } finally {
    env.close();
  }
});

test("packing-shapes: the shapes collide (rest on the table, stay put) and the oracle packs the named shape", () => {
  const env = blind("Tabletop-packing-shapes-v0");
  try {
    for (const seed of [0, 1, 2]) {
      const r = oracleReturn(env, seed);
      assert.ok(r.total > 0.99, `seed ${seed}: return ${r.total}`);
      assert.equal(r.steps, 1);
      assert.equal(r.last, "done packing shapes.");
      const goal = env.objectStates()[1];
      const box = env.objectStates()[0];
      assert.ok(Math.hypot(goal.x - box.x, goal.y - box.y) < 0.02, "the shape sits in the box");
      assert.ok(goal.z > -0.002 && goal.z < 0.01, `on the box's floor, z ${goal.z}`);
    }
    // info.events: the packed shape is reported in the box (every sample point inside the zone).
    const oracle = new TabletopOracle();
    const { obs } = env.reset({ seed: 4 });
    oracle.reset(env as never, 4);
    const r = env.step(oracle.act(obs, env as never));
    const types = (r.info.events ?? []).map((e) => e.type);
    for (const t of ["pick", "place", "at_target", "goal_done", "success"]) assert.ok(types.includes(t), t);
    assert.match(
      String(r.info.events?.find((e) => e.type === "at_target")?.text),
      /^the \w+ shape is in the brown box$/,
    );
  } finally {
    env.close();
  }
});

test("packing-boxes-pairs: KD-tree leaves fill the box with 1 cm gaps; Ravens' 2 cm point grid", () => {
  const rng = defaultRng(7);
  const leaves = kdLeaves(rng, { min: [0.01, 0.01, 0], max: [0.29, 0.29, 0.05] });
  assert.ok(leaves.length >= 4, `a 28 cm square splits, got ${leaves.length} leaves`);
  for (const l of leaves) {
    assert.equal(l.max[2] - l.min[2], 0.05, "z never splits");
    for (const i of [0, 1]) assert.ok(l.max[i] - l.min[i] >= 0.045 - 1e-9);
  }
  const area = leaves.reduce((a, l) => a + (l.max[0] - l.min[0]) * (l.max[1] - l.min[1]), 0);
  assert.ok(area < 0.28 * 0.28 && area > 0.6 * 0.28 * 0.28);
  assert.equal(boxPoints([0.04, 0.04, 0.04]).length, 8, "a 4 cm block has 2 x 2 x 2 points");
  assert.equal(boxPoints([0.1, 0.05, 0.05]).length, 5 * 3 * 3);
});

test("packing-boxes-pairs: boxes in two seen colours plus four distractors in others, 20 steps", () => {
  const env = blind("Tabletop-packing-boxes-pairs-seen-colors-v0");
  try {
    const { info } = env.reset({ seed: 0 });
    const states = env.objectStates();
    const box = states.find((s) => s.kind === "container");
    assert.ok(box?.size);
    assert.ok(box.size[0] >= 0.05 && box.size[0] <= 0.3 && box.size[1] >= 0.05 && box.size[1] <= 0.3);
    const goal = env.currentGoal();
    assert.ok(goal);
    const relevant = states.filter((s) => goal.objects.includes(s.id));
    const distractors = states.filter((s) => s.kind === "box" && s.role === "distractor");
    assert.equal(distractors.length, 4);
    const used = new Set(relevant.map((s) => s.color));
    assert.ok(used.size <= 2);
    for (const s of [...relevant, ...distractors]) {
      assert.ok(TRAIN_COLORS.includes(s.color));
      assert.ok(s.size && Math.abs(s.size[2] - 0.05) < 1e-9, "5 cm tall boxes");
    }
    for (const d of distractors) assert.ok(!used.has(d.color), "distractors take the other colours");
    const named = /^pack all the (\w+)(?: and (\w+))? blocks into the brown box$/.exec(
      String(info.lang_goal),
    );
    assert.ok(named, String(info.lang_goal));
    for (const c of used) assert.ok(named.slice(1).includes(c));
    assert.equal(info.max_steps, 20);
    assert.equal(goal.zoneMaxZ, 0.0525);
    // The boxes' packed poses lie inside the container's footprint.
    for (const t of goal.targets) assert.ok(Math.hypot(t.x - box.x, t.y - box.y) < 0.22);
  } finally {
    env.close();
  }
});

test("packing-boxes-pairs: unseen colours in test mode, seen in train mode, all 11 for full", () => {
  const colorsOf = (id: string, mode: "train" | "test") => {
    const env = blind(id, { mode });
    const seen = new Set<string>();
    for (const seed of [0, 1, 2, 3]) {
      env.reset({ seed });
      for (const s of env.objectStates()) if (s.kind === "box") seen.add(s.color);
    }
    env.close();
    return seen;
  };
  for (const c of colorsOf("Tabletop-packing-boxes-pairs-unseen-colors-v0", "test"))
    assert.ok(EVAL_COLORS.includes(c as never), c);
  for (const c of colorsOf("Tabletop-packing-boxes-pairs-unseen-colors-v0", "train"))
    assert.ok(TRAIN_COLORS.includes(c as never), c);
  const full = [...colorsOf("Tabletop-packing-boxes-pairs-full-v0", "test")];
  assert.ok(
    full.some((c) => !EVAL_COLORS.includes(c as never)),
    `full reaches beyond the unseen list: ${full}`,
  );
  assert.ok(
    full.some((c) => !TRAIN_COLORS.includes(c as never)),
    `and beyond the seen list: ${full}`,
  );
});

test("packing-boxes-pairs: the oracle packs every relevant box (2 seeds)", () => {
  const env = blind("Tabletop-packing-boxes-pairs-seen-colors-v0");
  try {
    for (const seed of [0, 1]) {
      const r = oracleReturn(env, seed);
      assert.ok(r.total > 0.99, `seed ${seed}: return ${r.total}`);
      assert.equal(r.last, "done packing blocks.");
    }
  } finally {
    env.close();
  }
});

test("assembling-kits: a kit with five holes of the five shapes, Ravens' colours, 10 steps", () => {
  const env = blind("Tabletop-assembling-kits-v0");
  try {
    const { info } = env.reset({ seed: 0 });
    const states = env.objectStates();
    assert.equal(states.filter((s) => s.kind === "kit").length, 1);
    const holes = states.filter((s) => s.kind === "hole");
    const shapes = states.filter((s) => s.kind === "shape");
    assert.equal(holes.length, 5);
    assert.deepEqual(
      shapes.map((s) => s.color),
      ["purple", "blue", "green", "yellow", "red"],
    );
    assert.deepEqual(
      holes.map((h) => h.shape),
      shapes.map((s) => s.shape),
      "hole i is shape i's outline",
    );
    assert.equal(info.lang_goal, "put all the blocks inside the holes they fit in");
    assert.equal(info.max_steps, 10);
    const goal = env.currentGoal();
    assert.ok(goal);
    assert.deepEqual(
      goal.symmetry,
      shapes.map((s) => kittingShapes()[s.shape ?? 0].symmetry),
    );
    const r = oracleReturn(env, 0);
    assert.ok(r.total > 0.99, `the oracle fills the kit, return ${r.total}`);
  } finally {
    env.close();
  }
});

test("assembling-kits-easy: 30° tolerance; five squares or five circles in test mode, neither in train", () => {
  const env = blind("Tabletop-assembling-kits-easy-v0");
  const train = blind("Tabletop-assembling-kits-easy-v0", { mode: "train" });
  try {
    const seen = new Set<number>();
    for (const seed of [0, 1, 2, 3]) {
      env.reset({ seed });
      const shapes = env
        .objectStates()
        .filter((s) => s.kind === "shape")
        .map((s) => s.shape);
      assert.equal(new Set(shapes).size, 1, `seed ${seed}: one shape, got ${shapes}`);
      seen.add(shapes[0] as number);
      train.reset({ seed });
      for (const s of train.objectStates().filter((o) => o.kind === "shape"))
        assert.ok(s.shape !== 3 && s.shape !== 11, `train seed ${seed}: shape ${s.shape}`);
    }
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      [3, 11],
    );
    assert.equal(env.currentGoal()?.rotEps, (30 * Math.PI) / 180);
    assert.ok(oracleReturn(env, 0).total > 0.99);
  } finally {
    env.close();
    train.close();
  }
});

test("assembling-kits-seq: five one-shape goals of 1/5 in shuffled order, seen colours, 5 steps", () => {
  const env = blind("Tabletop-assembling-kits-seq-seen-colors-v0");
  try {
    // Seed 1: two letter M shapes and two letter L shapes, so four instructions name a place.
    const { info } = env.reset({ seed: 1 });
    assert.equal(info.max_steps, 5);
    const shapes = env.objectStates().filter((s) => s.kind === "shape");
    assert.equal(new Set(shapes.map((s) => s.color)).size, 5);
    for (const s of shapes) assert.ok(TRAIN_COLORS.includes(s.color as never), s.color);
    const goal = env.currentGoal();
    assert.ok(goal);
    assert.equal(goal.objects.length, 1);
    assert.equal(goal.maxReward, 1 / 5);
    const said = /^put the (\w+) (.+) in the (top |bottom |left |right |middle )?(.+) hole$/.exec(
      String(info.lang_goal),
    );
    assert.ok(said, String(info.lang_goal));
    assert.equal(said[2], said[4]);
    const named = shapes.find((s) => s.color === said[1] && kittingShapes()[s.shape ?? 0].name === said[2]);
    assert.ok(named, `the first instruction names one of the shapes: ${info.lang_goal}`);
    assert.equal(goal.objects[0], named.id);
    const r = oracleReturn(env, 1);
    assert.ok(r.total > 0.99 && r.steps === 5, `return ${r.total} in ${r.steps} steps`);
    assert.equal(r.last, "done assembling kit.");
  } finally {
    env.close();
  }
  const unseen = blind("Tabletop-assembling-kits-seq-unseen-colors-v0");
  try {
    unseen.reset({ seed: 0 });
    for (const s of unseen.objectStates().filter((o) => o.kind === "shape"))
      assert.ok(EVAL_COLORS.includes(s.color as never), s.color);
  } finally {
    unseen.close();
  }
});

test("assembling-kits-seq: a hole's place word among holes of the same shape, as seen from above", () => {
  const at = (x: number, y: number) => ({ x, y, z: 0, yaw: 0 });
  // Ravens' kit layout unrotated: three holes in the row x = 0.455, two in the row x = 0.545.
  const targets = [at(0.455, -0.09), at(0.455, 0), at(0.455, 0.09), at(0.545, -0.045), at(0.545, 0.045)];
  assert.equal(placeWord(targets, [1, 2, 3, 4, 5], 0), "");
  assert.deepEqual(
    [0, 1, 2].map((i) => placeWord(targets, [7, 7, 7, 1, 2], i)),
    ["left ", "middle ", "right "],
  );
  // Same column, far apart in x: top (smaller x) and bottom.
  const column = [at(0.4, 0), at(0.6, 0.01)];
  assert.deepEqual([placeWord(column, [5, 5], 0), placeWord(column, [5, 5], 1)], ["top ", "bottom "]);
});

test("the degraded demonstrators and random poses run on the new tasks without errors", async () => {
  const { tabletopPolicy } = await import("../../../src/policies/tabletop/index.ts");
  for (const id of ["Tabletop-packing-shapes-v0", "Tabletop-assembling-kits-v0"]) {
    const env = blind(id);
    for (const kind of ["random", "novice"] as const) {
      const policy = tabletopPolicy(kind);
      let { obs } = env.reset({ seed: 3 });
      policy.reset(env as never, 3);
      for (let t = 0; t < 3; t++) {
        const r = env.step(policy.act(obs, env as never));
        obs = r.obs;
        assert.ok(r.info.primitive, `${id} ${kind}: a primitive report`);
        if (r.terminated || r.truncated) break;
      }
    }
    env.close();
  }
});

test("episodes do not depend on the episodes before them (sizes and hulls written into the model per reset)", () => {
  const run = (env: TabletopEnv, seed: number): string => {
    const r = oracleReturn(env, seed);
    const where = env
      .objectStates()
      .map((s) => `${s.x.toFixed(6)},${s.y.toFixed(6)},${s.z.toFixed(6)},${s.yaw.toFixed(6)}`)
      .join(" ");
    return `${r.total} ${r.steps} ${where}`;
  };
  for (const id of ["Tabletop-packing-boxes-pairs-seen-colors-v0", "Tabletop-packing-shapes-v0"]) {
    const fresh = blind(id);
    const used = blind(id);
    try {
      run(used, 2);
      assert.equal(run(used, 5), run(fresh, 5), `${id}: seed 5 after seed 2 equals seed 5 alone`);
    } finally {
      fresh.close();
      used.close();
    }
  }
});
