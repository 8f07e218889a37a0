import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { rewardLabel } from "../../src/experiments/reward-modes.ts";
import { runId } from "../../src/experiments/run.ts";
import {
  expandSpec,
  loadExperimentSpec,
  parseExperimentSpec,
  SpecError,
  trainingOrder,
} from "../../src/experiments/spec.ts";

const PROGRAM = fileURLToPath(new URL("../../zoo/MiniGrid-Unlock-v0/program.json", import.meta.url));

test("reward labels tell apart settings that train differently, and keep the plain names otherwise", () => {
  assert.equal(rewardLabel({ kind: "sparse" }), "sparse");
  assert.equal(rewardLabel({ kind: "vlmcar", program: PROGRAM }), "vlmcar");
  assert.equal(rewardLabel({ kind: "vlmcar", shaping: "code+env" }), "vlmcar");
  assert.equal(rewardLabel({ kind: "vlmcar", shaping: "code" }), "vlmcar-code");
  assert.equal(rewardLabel({ kind: "reference", subtaskBonus: 0.1 }), "reference-bonus0.1");
  assert.equal(rewardLabel({ kind: "vlmcar", shaping: "code", subtaskBonus: 0.5 }), "vlmcar-code-bonus0.5");
  assert.equal(rewardLabel({ kind: "vlmcar", subtaskBonus: 0.5, label: "mine" }), "mine");
  assert.equal(rewardLabel({ kind: "vlmcar", bonusForm: "potential" }), "vlmcar-potential");
  assert.equal(rewardLabel({ kind: "vlmcar", bonusForm: "one-time" }), "vlmcar");
  assert.equal(
    rewardLabel({ kind: "reference", bonusForm: "potential", subtaskBonus: 0.1 }),
    "reference-potential-bonus0.1",
  );
});

test("a spec selects the potential bonus form per reward entry, and rejects an unknown form", () => {
  const spec = parseExperimentSpec({
    envs: ["MiniGrid-Unlock-v0"],
    rewards: [
      "reference",
      { kind: "reference", bonusForm: "potential" },
      { kind: "reference", bonusForm: "one-time", subtaskBonus: 0.1 },
    ],
    seeds: 1,
    frames: 1000,
  });
  const runs = expandSpec(spec);
  assert.deepEqual(
    runs.map((r) => rewardLabel(r.reward)),
    ["reference", "reference-potential", "reference-bonus0.1"],
  );
  assert.equal(runs[1].reward.bonusForm, "potential");
  assert.equal(
    runs[2].reward.bonusForm,
    undefined,
    "the default form is not written, so run ids stay as before",
  );
  assert.throws(
    () =>
      parseExperimentSpec({
        envs: ["MiniGrid-Unlock-v0"],
        rewards: [{ kind: "reference", bonusForm: "twice" }],
        seeds: 1,
        frames: 1000,
      }),
    (e: unknown) => e instanceof SpecError && /rewards\.0/.test(e.message),
  );
});

test("a spec comparing bonuses gets one label, and one run id, per setting", () => {
  const spec = parseExperimentSpec({
    envs: ["MiniGrid-Unlock-v0"],
    rewards: [
      "sparse",
      { kind: "vlmcar", program: PROGRAM },
      { kind: "vlmcar", program: PROGRAM, subtaskBonus: 0.1 },
    ],
    seeds: 1,
    frames: 1000,
  });
  const runs = expandSpec(spec);
  assert.deepEqual(
    runs.map((r) => rewardLabel(r.reward)),
    ["sparse", "vlmcar", "vlmcar-bonus0.1"],
  );
  assert.equal(new Set(runs.map(runId)).size, 3);
  assert.match(runId(runs[2]), /^MiniGrid-Unlock-v0\.vlmcar-bonus0\.1\.s0\.[0-9a-f]{8}$/);
});

test("two reward entries that would share a label are a spec error that says to add a label", () => {
  const spec = parseExperimentSpec({
    envs: ["MiniGrid-Unlock-v0"],
    rewards: [
      { kind: "vlmcar", program: PROGRAM },
      { kind: "vlmcar", program: PROGRAM },
    ],
    seeds: 1,
    frames: 1000,
  });
  assert.throws(
    () => expandSpec(spec),
    (e: unknown) =>
      e instanceof SpecError &&
      /entries 1 and 2 would both be labelled "vlmcar"/.test(e.message) &&
      /"label"/.test(e.message),
  );
  const labelled = parseExperimentSpec({
    envs: ["MiniGrid-Unlock-v0"],
    rewards: [
      { kind: "vlmcar", program: PROGRAM },
      { kind: "vlmcar", program: PROGRAM, label: "vlmcar-v2" },
    ],
    seeds: 1,
    frames: 1000,
  });
  assert.deepEqual(
    expandSpec(labelled).map((r) => rewardLabel(r.reward)),
    ["vlmcar", "vlmcar-v2"],
  );
  assert.throws(
    () =>
      parseExperimentSpec({
        envs: ["MiniGrid-Unlock-v0"],
        rewards: [{ kind: "vlmcar", program: PROGRAM, label: "has space" }],
        seeds: 1,
        frames: 1000,
      }),
    /label/,
  );
});

test("the potential-bonus grid documented in docs/BENCHMARKS.md loads: 3 envs × 3 seeds, vlmcar-potential", () => {
  const file = fileURLToPath(new URL("../../docs/results/potential/spec.json", import.meta.url));
  const runs = expandSpec(loadExperimentSpec(file));
  assert.equal(runs.length, 9);
  assert.deepEqual([...new Set(runs.map((r) => rewardLabel(r.reward)))], ["vlmcar-potential"]);
  assert.ok(runs.every((r) => r.frames === 1_000_000 && r.reward.bonusForm === "potential"));
});

test("runs train seed-major, so a grid stopped part-way has every setting at its first seeds", () => {
  const spec = parseExperimentSpec({
    envs: ["MiniGrid-Unlock-v0", "MiniGrid-DoorKey-5x5-v0"],
    rewards: ["sparse", "reference"],
    seeds: [3, 1],
    frames: 1000,
  });
  const listed = expandSpec(spec).map((r) => `${r.envId}/${rewardLabel(r.reward)}/${r.seed}`);
  assert.equal(listed[0], "MiniGrid-Unlock-v0/sparse/3", "the spec's own listing stays env-major");
  assert.deepEqual(
    trainingOrder(expandSpec(spec)).map((r) => `${r.envId}/${rewardLabel(r.reward)}/${r.seed}`),
    [
      "MiniGrid-Unlock-v0/sparse/1",
      "MiniGrid-Unlock-v0/reference/1",
      "MiniGrid-DoorKey-5x5-v0/sparse/1",
      "MiniGrid-DoorKey-5x5-v0/reference/1",
      "MiniGrid-Unlock-v0/sparse/3",
      "MiniGrid-Unlock-v0/reference/3",
      "MiniGrid-DoorKey-5x5-v0/sparse/3",
      "MiniGrid-DoorKey-5x5-v0/reference/3",
    ],
  );
});
