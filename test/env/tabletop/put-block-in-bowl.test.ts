/**
 * put-block-in-bowl: objects, counts, sizes and colours per CLIPort's sampling; reward, language goal, step
 * limit and events; the pick-place primitive (suction holds a block through the move and lets go on place);
 * heightmap; bad input.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { EnvError, make, registeredIds } from "../../../src/env/index.ts";
import { defaultRng } from "../../../src/env/minigrid/rng.ts";
import {
  COLOR_NAMES,
  PickPlaceSpace,
  poseOf,
  type TabletopEnv,
  TRAIN_COLORS,
} from "../../../src/env/tabletop/index.ts";
import { putBlockInBowl } from "../../../src/env/tabletop/tasks/put-block-in-bowl.ts";

const ID = "Tabletop-put-block-in-bowl-seen-colors-v0";

function env(options: Record<string, unknown> = {}): TabletopEnv {
  return make(ID, { renderShadows: false, ...options }) as unknown as TabletopEnv;
}

test("the put-block-in-bowl ids are registered under CLIPort's names with the Tabletop- prefix", () => {
  const ids = registeredIds();
  for (const id of [
    ID,
    "Tabletop-put-block-in-bowl-unseen-colors-v0",
    "Tabletop-put-block-in-bowl-full-v0",
  ]) {
    assert.ok(ids.includes(id), id);
  }
});

test("sampling follows CLIPort: 1-3 bowls, 1..n_bowls blocks, 6 distractors, two distinct seen colours", () => {
  const task = putBlockInBowl("seen");
  const rng = defaultRng(7);
  const bowlCounts = new Set<number>();
  for (let i = 0; i < 60; i++) {
    const layout = task.sample(rng, "test");
    const bowls = layout.objects.filter((o) => o.role === "goal" && o.kind === "bowl");
    const blocks = layout.objects.filter((o) => o.role === "goal" && o.kind === "block");
    const distractors = layout.objects.filter((o) => o.role === "distractor");
    assert.ok(bowls.length >= 1 && bowls.length <= 3);
    assert.ok(blocks.length >= 1 && blocks.length <= bowls.length);
    bowlCounts.add(bowls.length);
    assert.equal(distractors.length, 6);
    assert.ok(bowls.every((b) => b.fixed));
    assert.ok(
      distractors.every((d) => !d.fixed),
      "distractor bowls are rigid, not fixed",
    );
    const place = bowls[0].color;
    const pick = blocks[0].color;
    assert.notEqual(pick, place);
    assert.ok(TRAIN_COLORS.includes(pick) && TRAIN_COLORS.includes(place));
    assert.ok(bowls.every((b) => b.color === place) && blocks.every((b) => b.color === pick));
    const others = COLOR_NAMES.filter((c) => c !== pick && c !== place);
    distractors.forEach((d, k) => {
      assert.equal(d.color, others[k % others.length]);
    });
    assert.equal(layout.maxSteps, blocks.length + 1);
    assert.equal(layout.goals[0].langGoal, `put the ${pick} blocks in a ${place} bowl`);
    // Footprints do not overlap and stay on the workspace.
    for (const o of layout.objects) {
      assert.ok(o.pose.x > 0.25 && o.pose.x < 0.75 && o.pose.y > -0.5 && o.pose.y < 0.5);
    }
  }
  assert.equal(bowlCounts.size, 3);
});

test("a seed gives its objects with CLIPort's sizes and colours, the goal in info, and settles", () => {
  const e = env();
  try {
    const { obs, info } = e.reset({ seed: 3 });
    assert.equal(obs.length, 480 * 640 * 3);
    const states = e.objectStates();
    const goal = e.currentGoal();
    assert.ok(goal);
    assert.equal(info.lang_goal, goal.langGoal);
    assert.match(String(info.lang_goal), /^put the \w+ blocks in a \w+ bowl$/);
    for (const s of states) {
      if (s.kind === "block") {
        // A 4 cm cube resting on the plane (top at −1 mm).
        assert.ok(Math.abs(s.z - 0.019) < 1e-3, `block z ${s.z}`);
      } else {
        assert.ok(Math.abs(s.z + 0.001) < 1e-3, `bowl z ${s.z}`);
      }
    }
    assert.equal(states.filter((s) => s.role === "distractor").length, 6);
    // Nothing moves after the reset's settling.
    const before = e.objectStates();
    e.sim.step(48);
    e.objectStates().forEach((s, i) => {
      assert.ok(Math.hypot(s.x - before[i].x, s.y - before[i].y) < 1e-3);
    });
  } finally {
    e.close();
  }
});

test("suction holds a block through the fast pick-place move and releases it in the bowl", () => {
  const e = env();
  try {
    e.reset({ seed: 3 });
    const goal = e.currentGoal();
    assert.ok(goal);
    const block = e.objectState(goal.objects[0]);
    const bowl = goal.targets[0];
    const r = e.step({ pose0: poseOf(block.x, block.y, 0.04), pose1: poseOf(bowl.x, bowl.y, 0.02) });
    const report = r.info.primitive as { outcome: string; picked: number; heldDrift: number };
    assert.equal(report.outcome, "placed");
    assert.equal(report.picked, goal.objects[0]);
    assert.ok(report.heldDrift < 0.002, `held drift ${report.heldDrift} m`);
    assert.equal(e.heldObject, -1, "released");
    const after = e.objectState(goal.objects[0]);
    assert.ok(Math.hypot(after.x - bowl.x, after.y - bowl.y) < 0.01, "the block sits in the bowl");
    assert.ok(after.z < 0.035, "resting inside the bowl, not held up");
    assert.ok(r.reward > 0);
    const events = (r.info.events ?? []).map((ev) => ev.type);
    assert.ok(events.includes("pick") && events.includes("place"), events.join(","));
  } finally {
    e.close();
  }
});

test("a pick where nothing is picks nothing; a place outside the workspace is clipped", () => {
  const e = env();
  try {
    e.reset({ seed: 5 });
    // Find an empty spot: far from every object.
    const states = e.objectStates();
    let spot: [number, number] | null = null;
    for (let x = 0.27; x < 0.74 && !spot; x += 0.02) {
      for (let y = -0.48; y < 0.48 && !spot; y += 0.02) {
        if (states.every((s) => Math.hypot(s.x - x, s.y - y) > 0.1)) spot = [x, y];
      }
    }
    assert.ok(spot);
    const r = e.step({ pose0: poseOf(spot[0], spot[1], 0), pose1: poseOf(2, 3, 0) });
    const report = r.info.primitive as { outcome: string; picked: number };
    assert.equal(report.outcome, "nothing picked");
    assert.equal(report.picked, -1);
    assert.equal(r.reward, 0);
    assert.ok(Array.isArray(r.info.clipped) && (r.info.clipped as string[])[0].startsWith("pose1"));
  } finally {
    e.close();
  }
});

test("a pose with NaN is rejected with an error naming it, and the episode continues", () => {
  const e = env();
  try {
    e.reset({ seed: 1 });
    assert.throws(
      () => e.step({ pose0: Float64Array.of(Number.NaN, 0, 0, 0, 0, 0, 1), pose1: poseOf(0.5, 0, 0) }),
      (err: unknown) => err instanceof EnvError && /pose0\[0\] is NaN/.test(err.message),
    );
    assert.throws(
      () => e.step({ pose0: [1, 2], pose1: poseOf(0.5, 0, 0) } as never),
      /pose0 must be 7 numbers/,
    );
    const r = e.step(new PickPlaceSpace().sample(() => 0.5));
    assert.equal(e.elapsedSteps, 1);
    assert.ok(typeof r.reward === "number");
  } finally {
    e.close();
  }
});

test("a primitive past its substep cap stops and says so", () => {
  const e = env({ primitiveSubstepCap: 50 });
  try {
    e.reset({ seed: 3 });
    const goal = e.currentGoal();
    assert.ok(goal);
    const block = e.objectState(goal.objects[0]);
    const r = e.step({ pose0: poseOf(block.x, block.y, 0.04), pose1: poseOf(0.5, 0, 0.02) });
    assert.equal((r.info.primitive as { outcome: string }).outcome, "step cap");
    assert.equal(e.heldObject, -1);
  } finally {
    e.close();
  }
});

test("the episode ends at n_blocks + 1 steps with random actions, and the heightmap shows blocks 4 cm tall", () => {
  const e = env();
  try {
    e.reset({ seed: 11 });
    const front = e.render();
    const left = e.renderView("left");
    assert.equal(left.width, 640);
    assert.equal(left.height, 480);
    assert.notDeepEqual(left.data, front.data, "the left camera sees the scene from elsewhere");
    assert.deepEqual(e.renderView("front").data, front.data);
    const hm = e.heightmap();
    assert.equal(hm.height.length, 320 * 160);
    const block = e.objectStates().find((s) => s.kind === "block");
    assert.ok(block);
    const u = Math.round((block.y + 0.5) / 0.003125);
    const v = Math.round((block.x - 0.25) / 0.003125);
    assert.ok(Math.abs(hm.height[u * 160 + v] - 0.04) < 0.003, `height ${hm.height[u * 160 + v]}`);
    const space = new PickPlaceSpace();
    const rng = defaultRng(2);
    let steps = 0;
    for (;;) {
      const r = e.step(space.sample(() => rng.random()));
      steps++;
      if (r.terminated || r.truncated) break;
      assert.ok(steps < 10);
    }
    assert.ok(steps <= (e.episodeSteps as number));
  } finally {
    e.close();
  }
});

test("an object knocked off the workspace is reported, and the episode goes on", () => {
  const e = env();
  try {
    e.reset({ seed: 2 });
    const block = e.objectStates().find((s) => s.kind === "block" && !s.fixed);
    assert.ok(block);
    e.placeObject(block.id, 0.9, 0.7, 0.019);
    const r = e.step({ pose0: poseOf(0.3, -0.45, 0), pose1: poseOf(0.3, -0.45, 0) });
    assert.ok((r.info.objects_outside_workspace as number[]).includes(block.id));
    assert.ok((r.info.events ?? []).some((ev) => ev.type === "left_workspace"));
    assert.ok(!r.terminated || r.info.is_success === true);
  } finally {
    e.close();
  }
});
