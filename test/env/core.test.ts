import assert from "node:assert/strict";
import { test } from "node:test";
import { BaseEnv, EnvError, type ResetResult, type StepResult } from "../../src/env/core.ts";
import type { Frame } from "../../src/image/frame.ts";
import "../../src/env/minigrid/index.ts";
import { closestIds, make } from "../../src/env/registry.ts";
import { Discrete } from "../../src/env/spaces.ts";

/** Counts down from 3; each step returns the remaining count and terminates at 0. */
class CountdownEnv extends BaseEnv<number> {
  readonly id = "Test-Countdown-v0";
  readonly observationSpace = new Discrete(4);
  readonly actionSpace = new Discrete(2);
  private left = 0;
  protected doReset(): ResetResult<number> {
    this.left = 3;
    return { obs: this.left, info: {} };
  }
  protected doStep(): StepResult<number> {
    this.left--;
    return { obs: this.left, reward: 1, terminated: this.left === 0, truncated: false, info: {} };
  }
  render(): Frame {
    return { width: 1, height: 1, data: new Uint8Array(3) };
  }
}

test("step before reset is an error that says to call reset", () => {
  const env = new CountdownEnv();
  assert.throws(
    () => env.step(0),
    (e: unknown) => e instanceof EnvError && /before reset\(\)/.test(e.message),
  );
  const grid = make("MiniGrid-Empty-5x5-v0");
  assert.throws(() => grid.step(2), /before reset\(\)/);
});

test("step after the episode ended is an error until the next reset", () => {
  const env = new CountdownEnv();
  env.reset();
  env.step(0);
  env.step(0);
  assert.equal(env.step(0).terminated, true);
  assert.equal(env.running, false);
  assert.throws(() => env.step(0), /after the episode ended/);
  env.reset();
  assert.equal(env.step(1).obs, 2);
});

test("actions outside the action space are errors naming the space", () => {
  const env = make("MiniGrid-DoorKey-5x5-v0");
  env.reset({ seed: 0 });
  for (const bad of [7, -1, 2.5, Number.NaN]) {
    assert.throws(() => env.step(bad), /not in the action space Discrete\(7\)/);
  }
  // The rejected actions did not advance or end the episode.
  assert.doesNotThrow(() => env.step(2));
});

test("seeds must be non-negative integers", () => {
  const env = new CountdownEnv();
  assert.throws(() => env.reset({ seed: -1 }), /non-negative integer/);
  assert.throws(() => env.reset({ seed: 1.5 }), /non-negative integer/);
});

test("an unknown id names the closest registered ids", () => {
  assert.throws(
    () => make("MiniGrid-DoorKey-8x8"),
    (e: unknown) => e instanceof EnvError && /Did you mean "MiniGrid-DoorKey-8x8-v0"/.test(e.message),
  );
  assert.equal(closestIds("minigrid-doorkey-16x16-v0", 1)[0], "MiniGrid-DoorKey-16x16-v0");
  assert.equal(closestIds("LavaGapS6", 1)[0], "MiniGrid-LavaGapS6-v0");
});
