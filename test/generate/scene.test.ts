import assert from "node:assert/strict";
import { test } from "node:test";
import "../../src/env/index.ts";
import { envSpec } from "../../src/env/registry.ts";
import { buildScene, familyTask } from "../../src/generate/scene.ts";

test("an env without mission text gets its registered task text (panda-gym's observations carry none)", () => {
  const examples = [{ seed: 0 } as never, { seed: 1 } as never];
  assert.equal(familyTask("PandaPushJoints-v3", examples), "Push the cube to the target position.");
  assert.match(familyTask("PandaSlideJoints-v3", examples) ?? "", /^Slide the puck to the target position/);
  for (const id of ["PandaReach-v3", "PandaPickAndPlaceDense-v3", "PandaStackJoints-v3", "PandaFlip-v3"]) {
    assert.ok(envSpec(id).task, `${id} has a task text`);
  }
  // An env with missions keeps them.
  const withMission = [
    { seed: 0, mission: "open the door" } as never,
    { seed: 1, mission: "open the door" } as never,
  ];
  assert.equal(familyTask("MiniGrid-DoorKey-6x6-v0", withMission), "open the door");
});

test("a CLIPort task's text comes from its language goal (info.lang_goal), not from --task", () => {
  const scene = buildScene({
    envId: "Tabletop-packing-shapes-v0",
    examples: 2,
    taskText: "family",
  });
  for (const example of scene.examples) assert.match(example.mission ?? "", /^pack the .+ in the brown box$/);
  assert.ok(
    scene.examples.every((e) => scene.task.includes(e.mission ?? "?")),
    scene.task,
  );
});
