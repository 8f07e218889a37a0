/** separating-piles: two zones, 50 small blocks, the spatula's push moves the pile toward the target zone. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { make } from "../../../src/env/index.ts";
import { poseOf, type TabletopEnv, TRAIN_COLORS } from "../../../src/env/tabletop/index.ts";

test("a seed gives two zones and a pile of 50 one-centimetre blocks in three distinct seen colours", () => {
  const env = make("Tabletop-separating-piles-seen-colors-v0", {
    renderObservations: false,
  }) as unknown as TabletopEnv;
  try {
    const { info } = env.reset({ seed: 0 });
    const states = env.objectStates();
    const zones = states.filter((s) => s.kind === "zone");
    const blocks = states.filter((s) => s.kind === "block");
    assert.equal(zones.length, 2);
    assert.equal(blocks.length, 50);
    assert.ok(Math.hypot(zones[0].x - zones[1].x, zones[0].y - zones[1].y) >= 0.2);
    const colors = new Set([zones[0].color, zones[1].color, blocks[0].color]);
    assert.equal(colors.size, 3);
    for (const c of colors) assert.ok(TRAIN_COLORS.includes(c));
    assert.ok(blocks.every((b) => b.color === blocks[0].color));
    // Settled on the table (1 cm cubes: centre ~4 mm up; a few may rest on others).
    assert.ok(blocks.filter((b) => Math.abs(b.z - 0.004) < 0.002).length > 40);
    assert.equal(info.max_steps, 20);
    assert.match(String(info.lang_goal), /^push the pile of \w+ blocks into the \w+ square$/);
  } finally {
    env.close();
  }
});

test("a push through the pile toward the target zone moves blocks into it and pays the fraction inside", () => {
  const env = make("Tabletop-separating-piles-seen-colors-v0", {
    renderObservations: false,
  }) as unknown as TabletopEnv;
  try {
    env.reset({ seed: 1 });
    const goal = env.currentGoal();
    assert.ok(goal);
    const zone = goal.targets[0];
    const blocks = () => env.objectStates().filter((s) => s.kind === "block");
    const meanDistance = () => {
      const b = blocks();
      return b.reduce((sum, s) => sum + Math.hypot(s.x - zone.x, s.y - zone.y), 0) / b.length;
    };
    const before = meanDistance();
    // Push from the far side of the pile's centre through it to the zone.
    const b = blocks();
    const cx = b.reduce((s, o) => s + o.x, 0) / b.length;
    const cy = b.reduce((s, o) => s + o.y, 0) / b.length;
    const r = env.step({ pose0: poseOf(cx, cy, 0), pose1: poseOf(zone.x, zone.y, 0) });
    assert.equal((r.info.primitive as { outcome: string }).outcome, "pushed");
    assert.ok(meanDistance() < before, `mean distance ${meanDistance()} vs ${before}`);
    const inside = blocks().filter(
      (s) => Math.abs(s.x - zone.x) < 0.075 && Math.abs(s.y - zone.y) < 0.075,
    ).length;
    assert.ok(inside > 0, "some blocks reached the zone");
    assert.ok(Math.abs(r.reward - inside / 50) < 0.021, `reward ${r.reward} for ${inside} blocks inside`);
  } finally {
    env.close();
  }
});
