import assert from "node:assert/strict";
import { test } from "node:test";
import "../../src/env/minigrid/index.ts";
import { make } from "../../src/env/registry.ts";
import { expertFor } from "../../src/policies/experts.ts";
import { RecordedPolicy } from "../../src/policies/recorded.ts";
import { collectTrajectories } from "../../src/trajectories/collect.ts";
import { succeeded } from "../../src/trajectories/trajectory.ts";

test("recorded actions replay into the same trajectories as the policy that made them", () => {
  const envId = "MiniGrid-DoorKey-5x5-v0";
  const original = collectTrajectories({ envId, policy: expertFor(envId), episodes: 3, seedBase: 4 });
  const recorded = Object.fromEntries(original.episodes.map((e) => [e.seed, e.actions]));
  const replayed = collectTrajectories({
    envId,
    policy: new RecordedPolicy(recorded),
    episodes: 3,
    seedBase: 4,
  });
  assert.equal(replayed.policy, "recorded");
  assert.deepEqual(
    replayed.episodes.map((e) => [e.seed, e.actions, e.rewards, e.frames]),
    original.episodes.map((e) => [e.seed, e.actions, e.rewards, e.frames]),
  );
  assert.ok(replayed.episodes.every(succeeded));
});

test("a seed without a recording, or a recording that ends before the episode, is a clear error", () => {
  const env = make<unknown, number>("MiniGrid-DoorKey-5x5-v0");
  const policy = new RecordedPolicy({ 0: [2] });
  assert.throws(() => policy.reset(env, 1), /no recorded episode for seed 1; recorded seeds: 0/);
  const { obs } = env.reset({ seed: 0 });
  policy.reset(env, 0);
  env.step(policy.act(obs, env));
  assert.throws(() => policy.act(obs, env), /has 1 actions, and the env has not ended/);
});
