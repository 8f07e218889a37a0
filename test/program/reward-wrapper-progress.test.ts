/** RewardWrapper: progress terms paid as potential-based shaping. */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { BaseEnv, type ResetOptions, type ResetResult, type StepResult } from "../../src/env/core.ts";
import { Discrete } from "../../src/env/spaces.ts";
import type { Frame } from "../../src/image/frame.ts";
import {
  RewardProgramError,
  RewardWrapper,
  type RewardWrapperOptions,
  type SubtaskInfo,
} from "../../src/program/reward-wrapper.ts";
import { GREEN, makeProgram, paint, RED, solid, withProgress } from "./fixtures.ts";

/** A corridor of 6 tiles (4x4 px): the agent (red) moves right (1) or left (0); cell 2 lights a green mark. */
class Corridor extends BaseEnv<number> {
  readonly id = "Test-ProgressCorridor-v0";
  readonly observationSpace = new Discrete(6);
  readonly actionSpace = new Discrete(2);
  private position = 0;
  private visited2 = false;
  private steps = 0;

  constructor(private readonly limit = 100) {
    super();
  }

  protected doReset(_options: ResetOptions): ResetResult<number> {
    this.position = 0;
    this.visited2 = false;
    this.steps = 0;
    return { obs: 0, info: {} };
  }

  protected doStep(action: number): StepResult<number> {
    this.position = Math.max(0, Math.min(5, this.position + (action === 1 ? 1 : -1)));
    if (this.position === 2) this.visited2 = true;
    this.steps++;
    const done = this.position === 5;
    const truncated = !done && this.steps >= this.limit;
    return { obs: this.position, reward: done ? 1 : 0, terminated: done, truncated, info: {} };
  }

  render(): Frame {
    let f = paint(solid(24, 4), this.position * 4, 0, 4, 4, RED);
    if (this.visited2) f = paint(f, 21, 1, 2, 2, GREEN);
    return f;
  }
}

const helpers = `
function agentCell(frame) {
  for (let c = 0; c < 6; c++) if (cellCount(frame, c, 0, 4, [255, 0, 0], 0) > 8) return c;
  return -1;
}`;
// Sub-task "mid": the agent reached cell 3, progress (cell + 1) / 4; sub-task "mark": no term; goal: cell 5.
const plain = makeProgram(
  {
    mid: "(frame) => agentCell(frame) >= 3",
    mark: "(frame) => hasColor(frame, [0, 255, 0])",
  },
  "(frame) => agentCell(frame) === 5",
  helpers,
);
const program = withProgress(plain, { mid: "(frame) => Math.min(1, (agentCell(frame) + 1) / 4)" });

const wrappers: RewardWrapper<number>[] = [];
after(() => {
  for (const w of wrappers) w.close();
});

function wrap(options: RewardWrapperOptions<number, number> = {}, env = new Corridor(), p = program) {
  const w = new RewardWrapper<number>(env, p, options);
  wrappers.push(w);
  return w;
}

function episode(w: RewardWrapper<number>, actions: number[]) {
  const phi0 = (w.reset().info.subtasks as SubtaskInfo).potential ?? Number.NaN;
  const steps = actions.map((a) => w.step(a));
  return { phi0, steps, infos: steps.map((s) => s.info.subtasks as SubtaskInfo) };
}

const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

describe("RewardWrapper: progress terms as potential-based shaping", () => {
  it("pays γΦ(s′) − Φ(s) each step; a terminated episode's discounted shaping sums to −Φ(s_0)", () => {
    const gamma = 0.9;
    // Code mode without bonuses: the reward is the progress shaping alone.
    const w = wrap({ mode: "code", subtaskBonus: 0, goalBonus: 0, gamma, progressScale: 2 });
    const { phi0, steps, infos } = episode(w, [1, 0, 1, 1, 1, 1, 1]);
    // One sub-task has a term, so Φ = 2 × φ_mid: (cell + 1) / 4 until "mid" latches at cell 3, then 1.
    close(phi0, 2 * 0.25, "Φ(s_0)");
    const phis = infos.map((i) => i.potential ?? Number.NaN);
    const expected = [0.5, 0.25, 0.5, 0.75, 1, 1, 1].map((p) => 2 * p);
    for (const [t, e] of expected.entries()) close(phis[t], e, `Φ after step ${t + 1}`);
    assert.ok(steps[6].terminated);
    const before = [phi0, ...phis];
    for (const [t, s] of steps.entries()) {
      const after = s.terminated ? 0 : phis[t];
      close(s.reward, gamma * after - before[t], `shaping of step ${t + 1}`);
    }
    const discounted = steps.reduce((sum, s, t) => sum + gamma ** t * s.reward, 0);
    close(discounted, -phi0, "Σ γ^t F_t of a terminated episode");
  });

  it("keeps Φ(s′) on a truncated step: the discounted shaping sums to γ^T Φ(s_T) − Φ(s_0)", () => {
    const gamma = 0.95;
    const w = wrap({ mode: "code", subtaskBonus: 0, goalBonus: 0, gamma }, new Corridor(3));
    const { phi0, steps, infos } = episode(w, [1, 1, 0]);
    assert.ok(steps[2].truncated && !steps[2].terminated);
    const phiT = infos[2].potential ?? Number.NaN;
    close(phiT, 0.5, "Φ(s_T)");
    const discounted = steps.reduce((sum, s, t) => sum + gamma ** t * s.reward, 0);
    close(discounted, gamma ** 3 * phiT - phi0, "Σ γ^t F_t of a truncated episode");
  });

  it("adds the shaping to the one-time bonuses and the env reward (code+env)", () => {
    const gamma = 0.99;
    const w = wrap({ gamma });
    const { phi0, steps, infos } = episode(w, [1, 1, 1, 1, 1]);
    // Both sub-tasks latch on step 3 (cell 3; the mark lit at cell 2): 2 × 0.5, then the env's 1 at cell 5.
    const plainRewards = [0, 0, 1, 0, 1];
    const phis = [phi0, ...infos.map((i) => i.potential ?? Number.NaN)];
    for (const [t, s] of steps.entries()) {
      const shaping = gamma * (s.terminated ? 0 : phis[t + 1]) - phis[t];
      close(s.reward, plainRewards[t] + shaping, `reward of step ${t + 1}`);
      close(infos[t].bonus, s.reward - infos[t].envReward, `bonus of step ${t + 1}`);
    }
  });

  it("leaves programs without progress terms, and progressScale 0, exactly as before", () => {
    for (const w of [wrap({}, new Corridor(), plain), wrap({ progressScale: 0 })]) {
      const { phi0, steps, infos } = episode(w, [1, 0, 1, 1, 1, 1, 1]);
      assert.ok(Number.isNaN(phi0));
      assert.deepEqual(
        steps.map((s) => s.reward),
        [0, 0, 0, 0, 1, 0, 1],
      );
      assert.ok(infos.every((i) => !("potential" in i)));
      assert.equal(w.progressShaping, false);
    }
  });

  it("treats a failing term as 0 and reports it, or raises it in throw mode, naming the sub-task's term", () => {
    const broken = withProgress(plain, { mid: "(frame) => agentCell(frame) === 1 ? 0 / 0 : 0.5" });
    const w = wrap({ mode: "code", subtaskBonus: 0, goalBonus: 0, gamma: 1 }, new Corridor(), broken);
    const { infos } = episode(w, [1, 1]);
    assert.equal(infos[0].potential, 0);
    assert.equal(infos[0].errors?.[0].term, "progress");
    assert.match(
      infos[0].errors?.[0].message ?? "",
      /progress term of sub-task "mid" returned the number NaN/,
    );
    assert.equal(infos[1].potential, 0.5);
    const strict = wrap({ onCheckError: "throw" }, new Corridor(), broken);
    strict.reset();
    assert.throws(
      () => strict.step(1),
      (error: unknown) =>
        error instanceof RewardProgramError &&
        error.errors[0].check === "mid" &&
        /The progress term of sub-task "mid" returned the number NaN/.test(error.message),
    );
  });

  it("rejects a negative or infinite progressScale", () => {
    assert.throws(() => wrap({ progressScale: -1 }), /progressScale must be a finite number >= 0/);
    assert.throws(() => wrap({ progressScale: Number.POSITIVE_INFINITY }), /progressScale/);
  });
});
