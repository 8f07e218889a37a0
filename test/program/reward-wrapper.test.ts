import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { BaseEnv, type ResetOptions, type ResetResult, type StepResult } from "../../src/env/core.ts";
import { Discrete } from "../../src/env/spaces.ts";
import type { Frame } from "../../src/image/frame.ts";
import { RewardProgramError, RewardWrapper, type SubtaskInfo } from "../../src/program/reward-wrapper.ts";
import { ProgramSandbox } from "../../src/program/sandbox.ts";
import { GREEN, makeProgram, paint, RED, solid } from "./fixtures.ts";

/**
 * A 1-D corridor of 6 cells drawn as 6 tiles of 4x4 pixels: the agent (red) starts at cell 0 and moves
 * right (action 1) or left (action 0); a green mark lights up in the last tile once the agent has visited
 * cell 2, and reaching cell 5 ends the episode with env reward 1.
 */
class Corridor extends BaseEnv<number> {
  readonly id = "Test-Corridor-v0";
  readonly observationSpace = new Discrete(6);
  readonly actionSpace = new Discrete(2);
  renders = 0;
  private position = 0;
  private visited2 = false;

  protected doReset(_options: ResetOptions): ResetResult<number> {
    this.position = 0;
    this.visited2 = false;
    return { obs: 0, info: {} };
  }

  protected doStep(action: number): StepResult<number> {
    this.position = Math.max(0, Math.min(5, this.position + (action === 1 ? 1 : -1)));
    if (this.position === 2) this.visited2 = true;
    const done = this.position === 5;
    return { obs: this.position, reward: done ? 1 : 0, terminated: done, truncated: false, info: {} };
  }

  render(): Frame {
    this.renders++;
    let f = paint(solid(24, 4), this.position * 4, 0, 4, 4, RED);
    if (this.visited2) f = paint(f, 21, 1, 2, 2, GREEN);
    return f;
  }
}

/** The corridor cut by a time limit after `limit` steps (truncated, not terminated). */
class TimeLimitedCorridor extends Corridor {
  private steps = 0;
  constructor(private readonly limit: number) {
    super();
  }
  protected override doReset(options: ResetOptions): ResetResult<number> {
    this.steps = 0;
    return super.doReset(options);
  }
  protected override doStep(action: number): StepResult<number> {
    const result = super.doStep(action);
    this.steps++;
    return { ...result, truncated: !result.terminated && this.steps >= this.limit };
  }
}

// Sub-task 1: the agent left the start cell; sub-task 2: the green mark is on; goal: agent in the last cell.
const program = makeProgram(
  {
    left_start:
      "(frame, first) => cellCount(frame, 0, 0, 4, [255, 0, 0]) === 0 && cellCount(first, 0, 0, 4, [255, 0, 0]) > 0",
    mark: "(frame) => hasColor(frame, [0, 255, 0])",
  },
  "(frame) => cellCount(frame, 5, 0, 4, [255, 0, 0], 0) > 8",
);

const wrappers: RewardWrapper<number>[] = [];
after(() => {
  for (const w of wrappers) w.close();
});

function wrap(options: ConstructorParameters<typeof RewardWrapper<number>>[2] = {}, env = new Corridor()) {
  const w = new RewardWrapper<number>(env, program, options);
  wrappers.push(w);
  return w;
}

function run(w: RewardWrapper<number>, actions: number[]) {
  const rewards: number[] = [];
  let info: SubtaskInfo | undefined;
  for (const a of actions) {
    const r = w.step(a);
    rewards.push(r.reward);
    info = r.info.subtasks as SubtaskInfo;
  }
  return { rewards, info: info! };
}

describe("RewardWrapper", () => {
  it("pays each sub-task's bonus once, on the step it latches, plus the env reward (code+env)", () => {
    const w = wrap();
    const reset = w.reset({ seed: 0 });
    assert.deepEqual((reset.info.subtasks as SubtaskInfo).completed, []);
    // right, left (back at start), right, right (cell 2: mark on), right, right, right (cell 5).
    const { rewards, info } = run(w, [1, 0, 1, 1, 1, 1, 1]);
    assert.deepEqual(rewards, [0.5, 0, 0, 0.5, 0, 0, 1]);
    assert.deepEqual(info.completed, ["left_start", "mark"]);
    assert.deepEqual(info.latchedAt, [1, 4]);
    assert.equal(info.goal, true);
    assert.equal(info.goalAt, 7);
    assert.equal(info.envReward, 1);
  });

  it("pays bonuses and a goal bonus only in code mode", () => {
    const w = wrap({ mode: "code", subtaskBonus: 0.25, goalBonus: 2 });
    w.reset();
    assert.deepEqual(run(w, [1, 1, 1, 1, 1]).rewards, [0.25, 0.25, 0, 0, 2]);
  });

  it("pays only the env reward in sparse mode but still reports progress", () => {
    const w = wrap({ mode: "sparse" });
    w.reset();
    const { rewards, info } = run(w, [1, 1, 1, 1, 1]);
    assert.deepEqual(rewards, [0, 0, 0, 0, 1]);
    assert.deepEqual(info.completed, ["left_start", "mark"]);
    assert.equal(info.bonus, 0);
  });

  it("starts every episode from nothing", () => {
    const w = wrap();
    w.reset();
    assert.equal(
      run(w, [1, 1, 1, 1, 1]).rewards.reduce((a, b) => a + b),
      2,
    );
    w.reset();
    const again = run(w, [1, 1]);
    assert.deepEqual(again.rewards, [0.5, 0.5]);
  });

  it("reads frames through frameOf when given", () => {
    const env = new Corridor();
    const blank = solid(24, 4);
    const w = wrap({ frameOf: () => blank }, env);
    w.reset();
    assert.deepEqual(run(w, [1, 1, 1]).rewards, [0, 0, 0]);
    assert.equal(env.renders, 0);
  });

  it("reports a failing check as not fired, or throws when asked to", () => {
    const broken = makeProgram({ a: "(frame) => frame.nothing.here" }, "(frame) => false");
    const w = new RewardWrapper<number>(new Corridor(), broken);
    wrappers.push(w);
    w.reset();
    const r = w.step(1);
    assert.equal(r.reward, 0);
    const info = r.info.subtasks as SubtaskInfo;
    assert.equal(info.errors?.[0].kind, "threw");
    assert.equal(w.checkErrorSteps, 1);
    const strict = new RewardWrapper<number>(new Corridor(), broken, { onCheckError: "throw" });
    wrappers.push(strict);
    strict.reset();
    assert.throws(() => strict.step(1), RewardProgramError);
  });

  it("shares a sandbox between wrappers without disposing it", () => {
    const shared = new ProgramSandbox(program);
    const a = new RewardWrapper<number>(new Corridor(), shared);
    const b = new RewardWrapper<number>(new Corridor(), shared);
    a.reset();
    b.reset();
    assert.equal(a.step(1).reward, 0.5);
    assert.equal(b.step(1).reward, 0.5);
    a.close();
    assert.equal(shared.disposed, false);
    assert.equal(b.step(1).reward, 0.5);
    b.close();
    shared.dispose();
  });

  it("checks only what can latch, and not a frame that repeats the last one checked", () => {
    const sandbox = new ProgramSandbox(program);
    const calls: (number | undefined)[] = [];
    const evaluate = sandbox.evaluate.bind(sandbox);
    sandbox.evaluate = (frames, first, options) => {
      calls.push(options?.latchFrom);
      return evaluate(frames, first, options);
    };
    const w = new RewardWrapper<number>(new Corridor(), sandbox);
    wrappers.push(w);
    w.reset({ seed: 0 });
    // Left at cell 0 twice: the second frame repeats the first and is not checked.
    const { rewards } = run(w, [0, 0, 1, 1, 1, 1, 1]);
    assert.deepEqual(rewards, [0, 0, 0.5, 0.5, 0, 0, 1]);
    assert.deepEqual(calls, [0, 0, 1, 2, 2, 2]);
    sandbox.dispose();
  });

  it("pays the potential form γΦ(s′) − Φ(s), whose discounted sum over a terminated episode is 0", () => {
    const gamma = 0.9;
    const w = wrap({ bonusForm: "potential", gamma, subtaskBonus: 0.5 });
    w.reset();
    const steps = [1, 0, 1, 1, 1, 1, 1].map((a) => w.step(a));
    const shaping = steps.map((s) => s.reward - (s.info.subtasks as SubtaskInfo).envReward);
    // Φ after each step: 0.5 from step 1 (left the start), 1 from step 4 (the mark); the terminal state has Φ 0.
    const expected = [0.45, -0.05, -0.05, 0.4, -0.1, -0.1, -1];
    for (const [t, e] of expected.entries()) {
      assert.ok(Math.abs(shaping[t] - e) < 1e-12, `step ${t + 1}: ${shaping[t]} vs ${e}`);
    }
    assert.ok(steps[6].terminated);
    const discounted = shaping.reduce((sum, f, t) => sum + gamma ** t * f, 0);
    assert.ok(Math.abs(discounted) < 1e-12, `discounted shaping of a terminated episode is ${discounted}`);
  });

  it("keeps Φ(s′) on a truncated step: the discounted shaping sums to γ^T Φ(s_T)", () => {
    const gamma = 0.95;
    const bonus = 0.3;
    const w = wrap({ bonusForm: "potential", gamma, subtaskBonus: bonus }, new TimeLimitedCorridor(4));
    w.reset();
    const steps = [1, 1, 0, 1].map((a) => w.step(a));
    const last = steps[3];
    assert.ok(last.truncated && !last.terminated);
    const info = last.info.subtasks as SubtaskInfo;
    assert.equal(info.completed.length, 2);
    const discounted = steps.reduce((sum, s, t) => sum + gamma ** t * s.reward, 0);
    const phiT = bonus * info.completed.length;
    assert.ok(
      Math.abs(discounted - gamma ** 4 * phiT) < 1e-12,
      `${discounted} vs γ^T Φ(s_T) = ${gamma ** 4 * phiT}`,
    );
    // The next episode starts from Φ = 0 again.
    w.reset();
    assert.ok(Math.abs(w.step(1).reward - gamma * bonus) < 1e-12);
  });

  it("rejects an unknown bonus form and a discount outside [0, 1]", () => {
    assert.throws(
      () => new RewardWrapper<number>(new Corridor(), program, { bonusForm: "twice" as never }),
      /unknown bonus form "twice"/,
    );
    assert.throws(() => new RewardWrapper<number>(new Corridor(), program, { gamma: 1.5 }), /gamma must lie/);
  });

  it("rejects an unknown mode", () => {
    assert.throws(
      () => new RewardWrapper<number>(new Corridor(), program, { mode: "dense" as never }),
      /unknown reward mode/,
    );
  });
});
