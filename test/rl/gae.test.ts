import assert from "node:assert/strict";
import { test } from "node:test";
import { computeGae } from "../../src/rl/ppo.ts";

const close = (actual: ArrayLike<number>, expected: number[], tol = 1e-6) => {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => {
    assert.ok(Math.abs(actual[i] - e) < tol, `index ${i}: got ${actual[i]}, expected ${e}`);
  });
};

// Two envs, three steps, index t * 2 + i. γ = 0.9, λ = 0.5 so every term is visible by hand.
// Env 0: an episode terminates at t = 1 (no bootstrap), a new one runs on at t = 2 (bootstrap from lastValues).
// Env 1: an episode is truncated at t = 0 (bootstrap from V(final obs) = 2), then runs on.
test("GAE: hand-computed advantages with termination, truncation and the rollout's end", () => {
  const gamma = 0.9;
  const lambda = 0.5;
  const { advantages, returns } = computeGae({
    numSteps: 3,
    numEnvs: 2,
    rewards: [0, 0, 1, 0, 0, 1],
    values: [0.5, 1, 0.8, 0.3, 0.2, 0.4],
    terminated: [0, 0, 1, 0, 0, 0],
    truncated: [0, 1, 0, 0, 0, 0],
    finalValues: [0, 2, 0, 0, 0, 0],
    lastValues: [0.6, 0.7],
    gamma,
    lambda,
  });
  // Env 0, t = 2: δ = 0 + 0.9·0.6 − 0.2 = 0.34; the rollout ends, A = δ.
  const a02 = 0.34;
  // Env 0, t = 1: terminated, δ = 1 − 0.8 = 0.2; the sum restarts, A = δ.
  const a01 = 0.2;
  // Env 0, t = 0: δ = 0 + 0.9·0.8 − 0.5 = 0.22; A = δ + 0.45·A(t=1).
  const a00 = 0.22 + 0.45 * a01;
  // Env 1, t = 2: δ = 1 + 0.9·0.7 − 0.4 = 1.23.
  const a12 = 1.23;
  // Env 1, t = 1: δ = 0 + 0.9·0.4 − 0.3 = 0.06; A = δ + 0.45·A(t=2).
  const a11 = 0.06 + 0.45 * a12;
  // Env 1, t = 0: truncated, δ = 0 + 0.9·2 − 1 = 0.8; the sum restarts.
  const a10 = 0.8;
  close(advantages, [a00, a10, a01, a11, a02, a12]);
  close(returns, [a00 + 0.5, a10 + 1, a01 + 0.8, a11 + 0.3, a02 + 0.2, a12 + 0.4]);
});

test("GAE: λ = 1 gives discounted returns-to-go minus the value, λ = 0 the one-step TD error", () => {
  const base = {
    numSteps: 4,
    numEnvs: 1,
    rewards: [1, 2, 3, 4],
    values: [0.1, 0.2, 0.3, 0.4],
    terminated: [0, 0, 0, 1],
    truncated: [0, 0, 0, 0],
    finalValues: [0, 0, 0, 0],
    lastValues: [100], // ignored: the episode terminated on the last step
    gamma: 0.5,
  };
  const mc = computeGae({ ...base, lambda: 1 });
  const g3 = 4;
  const g2 = 3 + 0.5 * g3;
  const g1 = 2 + 0.5 * g2;
  const g0 = 1 + 0.5 * g1;
  close(mc.returns, [g0, g1, g2, g3]);
  const td = computeGae({ ...base, lambda: 0 });
  close(td.advantages, [1 + 0.5 * 0.2 - 0.1, 2 + 0.5 * 0.3 - 0.2, 3 + 0.5 * 0.4 - 0.3, 4 - 0.4]);
});

test("GAE: truncation on the last step bootstraps from the final observation, not from lastValues", () => {
  const { advantages } = computeGae({
    numSteps: 1,
    numEnvs: 1,
    rewards: [0],
    values: [1],
    terminated: [0],
    truncated: [1],
    finalValues: [3],
    lastValues: [50], // the next episode's first value: must not be used
    gamma: 0.9,
    lambda: 0.95,
  });
  close(advantages, [0.9 * 3 - 1]);
});
