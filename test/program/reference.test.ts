import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { Env } from "../../src/env/core.ts";
import "../../src/env/minigrid/index.ts";
import { make } from "../../src/env/registry.ts";
import type { Frame } from "../../src/image/frame.ts";
import { expertFor } from "../../src/policies/minigrid/expert.ts";
import type { Policy } from "../../src/policies/policy.ts";
import { RandomPolicy } from "../../src/policies/random.ts";
import { parseRewardProgram } from "../../src/program/program.ts";
import { DOORKEY_REFERENCE } from "../../src/program/reference/doorkey.ts";
import { ProgramSandbox } from "../../src/program/sandbox.ts";
import { SubtaskTracker } from "../../src/program/tracker.ts";

const sandbox = new ProgramSandbox(DOORKEY_REFERENCE);
after(() => sandbox.dispose());

/** Plays one episode; returns when each sub-task and the goal latched, and when the env says they happened. */
function episode(id: string, policy: Policy<unknown, number>, seed: number, maxSteps: number, options = {}) {
  const env: Env<unknown, number> = make(id, options);
  let { obs } = env.reset({ seed });
  policy.reset(env, seed);
  const first = env.render();
  const frames: Frame[] = [];
  const truth: (number | null)[] = [null, null, null];
  for (let t = 0; t < maxSteps; t++) {
    const r = env.step(policy.act(obs, env));
    obs = r.obs;
    frames.push(env.render());
    for (const e of r.info.events ?? []) {
      const k = e.type === "pickup" ? 0 : e.type === "open" ? 1 : e.type === "goal" ? 2 : -1;
      if (k >= 0 && truth[k] === null) truth[k] = t;
    }
    if (r.terminated || r.truncated) break;
  }
  const results = sandbox.evaluate(frames, first);
  assert.ok(results.ok, JSON.stringify(results.errors));
  const tracker = new SubtaskTracker(["pick_up_key", "open_door"]);
  for (let t = 0; t < frames.length; t++) tracker.update(results.row(t), t);
  return { latched: [...tracker.latchedAt, tracker.goalLatchedAt], truth };
}

describe("DoorKey reference program", () => {
  it("is labelled hand-written", () => {
    assert.equal(DOORKEY_REFERENCE.provenance.source, "hand-written");
  });

  for (const id of ["MiniGrid-DoorKey-5x5-v0", "MiniGrid-DoorKey-8x8-v0"]) {
    it(`latches key, door and goal on the very steps they happen in expert episodes of ${id}`, () => {
      for (const seed of [0, 1, 2]) {
        const { latched, truth } = episode(id, expertFor(id), seed, 300);
        assert.ok(
          truth.every((t) => t !== null),
          `the expert should solve seed ${seed}`,
        );
        assert.deepEqual(latched, truth, `seed ${seed}`);
      }
    });
  }

  it("works on renders without the view highlight", () => {
    const id = "MiniGrid-DoorKey-6x6-v0";
    const { latched, truth } = episode(id, expertFor(id), 4, 300, { highlight: false });
    assert.deepEqual(latched, truth);
  });

  it("agrees with the env on random episodes (no false sub-tasks)", () => {
    for (const seed of [0, 1, 2]) {
      const { latched, truth } = episode("MiniGrid-DoorKey-5x5-v0", new RandomPolicy(seed), seed, 120);
      assert.deepEqual(latched, truth, `seed ${seed}`);
    }
  });

  it("answers on every frame as cellCount compared with each threshold would (its counts stop early)", () => {
    // The same program with each check counting its whole cell through the prelude.
    const plain = new ProgramSandbox(
      parseRewardProgram({
        ...DOORKEY_REFERENCE,
        subtasks: [
          {
            ...DOORKEY_REFERENCE.subtasks[0],
            code: `(frame, first) => { const key = keyCell(first);
  return key !== null && cellCount(frame, key.cx, key.cy, TILE, YELLOW, TOL) < 0.02 * CELL_PIXELS; }`,
          },
          {
            ...DOORKEY_REFERENCE.subtasks[1],
            code: `(frame, first) => { const door = doorCell(first);
  return door !== null && cellCount(frame, door.cx, door.cy, TILE, LOCKED_FILL, TOL) < 0.3 * CELL_PIXELS; }`,
          },
        ],
        goal: {
          ...DOORKEY_REFERENCE.goal,
          code: `(frame, first) => { const goal = goalCell(first);
  return goal !== null && cellCount(frame, goal.cx, goal.cy, TILE, AGENT_RED, TOL) > 0.1 * CELL_PIXELS; }`,
        },
      }),
    );
    try {
      let fired = 0;
      let frameCount = 0;
      for (const [id, options] of [
        ["MiniGrid-DoorKey-5x5-v0", {}],
        ["MiniGrid-DoorKey-6x6-v0", { highlight: false }],
        ["MiniGrid-DoorKey-8x8-v0", {}],
        ["MiniGrid-DoorKey-16x16-v0", {}],
      ] as const) {
        for (const seed of [0, 1, 2, 3]) {
          const env: Env<unknown, number> = make(id, options);
          const policy: Policy<unknown, number> = seed % 2 === 0 ? expertFor(id) : new RandomPolicy(seed);
          let { obs } = env.reset({ seed });
          policy.reset(env, seed);
          const first = env.render();
          const frames: Frame[] = [];
          for (let t = 0; t < 150; t++) {
            const r = env.step(policy.act(obs, env));
            obs = r.obs;
            frames.push(env.render());
            if (r.terminated || r.truncated) break;
          }
          const early = sandbox.evaluate(frames, first);
          const full = plain.evaluate(frames, first);
          assert.ok(early.ok && full.ok, JSON.stringify([early.errors, full.errors]));
          assert.deepEqual(early.values, full.values, `${id} seed ${seed}`);
          fired += early.values.filter((v) => v === 1).length;
          frameCount += frames.length;
        }
      }
      // Both answers occur, so the comparison covers thresholds passed and not passed.
      assert.ok(fired > 0 && fired < 3 * frameCount, `${fired} of ${3 * frameCount}`);
    } finally {
      plain.dispose();
    }
  });
});
