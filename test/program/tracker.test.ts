import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CHECK_ERROR, CHECK_FALSE, CHECK_TRUE } from "../../src/program/results.ts";
import { SubtaskTracker } from "../../src/program/tracker.ts";

const T = true;
const F = false;

describe("SubtaskTracker", () => {
  it("latches sub-tasks in order, once, and reports the step of each", () => {
    const tracker = new SubtaskTracker(["key", "door"]);
    assert.deepEqual(tracker.update([F, F, F], 1), { subtasks: [], goal: false });
    assert.deepEqual(tracker.update([T, F, F], 2), { subtasks: [0], goal: false });
    assert.deepEqual(
      tracker.update([T, F, F], 3),
      { subtasks: [], goal: false },
      "a latched sub-task never latches again",
    );
    assert.deepEqual(
      tracker.update([F, T, F], 4),
      { subtasks: [1], goal: false },
      "stays done when its check stops firing",
    );
    assert.deepEqual(tracker.update([F, F, T], 5), { subtasks: [], goal: true });
    assert.deepEqual(tracker.update([T, T, T], 6), { subtasks: [], goal: false });
    assert.deepEqual(tracker.latchedAt, [2, 4]);
    assert.equal(tracker.goalLatchedAt, 5);
    assert.deepEqual(tracker.completed, ["key", "door"]);
  });

  it("ignores a sub-task whose check fires before the earlier ones are done", () => {
    const tracker = new SubtaskTracker(["key", "door", "box"]);
    tracker.update([F, T, T, F], 1);
    assert.equal(tracker.done, 0);
    tracker.update([T, F, T, F], 2);
    assert.equal(tracker.done, 1, "box fired but door is not done");
    tracker.update([F, F, T, F], 3);
    assert.equal(tracker.done, 1);
    assert.deepEqual(tracker.latchedAt, [2, null, null]);
  });

  it("latches the goal only after every sub-task", () => {
    const tracker = new SubtaskTracker(["a", "b"]);
    assert.equal(tracker.update([F, F, T], 1).goal, false);
    assert.equal(tracker.update([T, F, T], 2).goal, false);
    assert.equal(tracker.goalDone, false);
    assert.equal(tracker.update([F, T, T], 3).goal, true);
  });

  it("lets several sub-tasks and the goal latch on one frame, still in order", () => {
    const tracker = new SubtaskTracker(["a", "b"]);
    assert.deepEqual(tracker.update([T, T, T], 7), { subtasks: [0, 1], goal: true });
    assert.deepEqual(tracker.latchedAt, [7, 7]);
  });

  it("starts from nothing after reset", () => {
    const tracker = new SubtaskTracker(["a"]);
    tracker.update([T, T], 1);
    tracker.reset();
    assert.equal(tracker.done, 0);
    assert.equal(tracker.goalDone, false);
    assert.deepEqual(tracker.latchedAt, [null]);
    assert.deepEqual(tracker.update([T, F], 1), { subtasks: [0], goal: false });
  });

  it("reads sandbox values, where errors do not count as fired", () => {
    const tracker = new SubtaskTracker(["a"]);
    assert.deepEqual(tracker.update(Uint8Array.of(CHECK_ERROR, CHECK_FALSE), 1).subtasks, []);
    assert.deepEqual(tracker.update(Uint8Array.of(CHECK_TRUE, CHECK_FALSE), 2).subtasks, [0]);
  });

  it("rejects a row of the wrong length", () => {
    assert.throws(() => new SubtaskTracker(["a", "b"]).update([T, T], 1), /expected 3 check results/);
  });
});
