/**
 * Generation revision 5: the faults blind answerers reported on the tabletop tasks, fixed in new prompt text
 * while revisions 1-4 keep asking as recorded (the zoo replays them).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import "../../src/env/minigrid/index.ts";
import { type GenerationRevision, systemPrompt } from "../../src/generate/conversation.ts";
import { generateProgram } from "../../src/generate/generate.ts";
import { loadRewardProgram } from "../../src/program/program.ts";
import * as F from "./fixtures.ts";

test("revision 5: the API text says the time limit is shared and that a check's own work on `first` is redone; revision 4 keeps its words", () => {
  const text = (revision: GenerationRevision, tile?: number) =>
    systemPrompt(
      tile
        ? F.blankScene("MiniGrid-DoorKey-6x6-v0", 192, 192, tile)
        : F.blankScene("Tabletop-packing-shapes-v0", 640, 480),
      revision,
    ).replace(/\s+/g, " ");
  for (const five of [text(5), text(5, 32)]) {
    assert.match(five, /100 ms for all checks and progress terms of the program together \(not per check\)/);
    assert.match(five, /whatever your own code computes from `first` .* runs again on every call/);
    assert.doesNotMatch(five, /Results derived from `first` are cached/, "the misleading sentence is gone");
  }
  assert.match(text(5, 32), /Cell functions \(`cellCount`, `cellColor`\) read only one tile/);
  assert.match(text(5), /cost about 0\.5 ms on these 640x480 frames/);
  for (const four of [text(4), text(4, 32)]) {
    assert.match(four, /default 100 ms for all checks together\) and the sandbox/);
    assert.match(four, /Results derived from `first` are cached for the whole episode/);
    assert.doesNotMatch(four, /runs again on every call/);
  }
});

/**
 * Round 1 lists the sub-tasks in the wrong order and its door check throws; round 2's order question is answered
 * with a plan that replaces `pick_up_key` by `grab_key`. The door check's rewrite in that round must be shown
 * the plan as it now stands.
 */
async function replanned(t: { after(fn: () => void): void }, revision: GenerationRevision) {
  const grabKey = F.PICK_UP_KEY_REPLY.replaceAll("pickUpKey", "grabKey");
  const vlm = F.keyedVlm((question) => {
    if (/may be listed in the wrong order/.test(question))
      return "(fixture reply)\n1. grab_key: the yellow key is gone from its starting cell\n2. open_door: the yellow door is open\n";
    if (/Rewrite the check of sub-task "open_door"/.test(question)) return F.OPEN_DOOR_REPLY;
    if (/final goal is\?/.test(question)) return F.GOAL_REPLY;
    if (/What tasks must the agent complete/.test(question)) return F.PLAN_WRONG_ORDER;
    if (/Sub-task \d of 2: open_door/.test(question)) return F.OPEN_DOOR_THROWS_REPLY;
    if (/Sub-task \d of 2: pick_up_key/.test(question)) return F.PICK_UP_KEY_REPLY;
    if (/Sub-task \d of 2: grab_key/.test(question)) return grabKey;
    if (/final goal is completed/.test(question)) return F.GOAL_CHECK_REPLY;
    throw new Error(`fixture VLM: unexpected question ${question.slice(-300)}`);
  });
  const out = join(F.tempDir(t), "gen");
  const { summary } = await generateProgram({
    ...F.SMALL,
    vlm,
    vlmSpec: `fixture:${F.FIXTURE_MODEL}`,
    outDir: out,
    provenanceSource: "fixture",
    revision,
  });
  const rewrite = vlm.requests
    .map((r) =>
      (r.messages.filter((m) => m.role === "user").at(-1)?.content ?? [])
        .filter((p) => typeof p === "string")
        .join(""),
    )
    .find((q) => /Rewrite the check of sub-task "open_door"/.test(q));
  assert.ok(rewrite, "the door check was rewritten");
  return { summary, out, rewrite };
}

test("revision 5: after the order question replaces a sub-task, the round's rewrites are shown the revised plan and program", async (t) => {
  const { summary, out, rewrite } = await replanned(t, 5);
  assert.equal(summary.verdict, "accepted", summary.error);
  assert.deepEqual(
    loadRewardProgram(join(out, "program.json")).subtasks.map((s) => s.name),
    ["grab_key", "open_door"],
  );
  const plan = rewrite.slice(
    rewrite.indexOf("The sub-tasks, in order:"),
    rewrite.indexOf("The current program"),
  );
  assert.match(plan, /1\. grab_key: the yellow key is gone[\s\S]*2\. open_door/);
  assert.doesNotMatch(plan, /pick_up_key/, "the replaced sub-task is not listed under its old name");
  assert.match(plan, /You revised this plan in this round/);
  assert.match(
    rewrite,
    /Sub-task 1, grab_key \(the yellow key is gone[^)]*\):\n```javascript\n[\s\S]*function grabKey/,
  );
  assert.match(rewrite, /- Sub-task 1, grab_key: new in this round, not verified yet/);
  assert.match(rewrite, /- Sub-task 2, open_door: true in .* flagged by verification/);
  assert.match(rewrite, /- pick_up_key \(sub-task 2 of the rejected plan\): no longer in the plan/);
});

test("revision 4 keeps asking with the rejected plan after the order question (as its recordings replay)", async (t) => {
  const { rewrite } = await replanned(t, 4);
  const plan = rewrite.slice(
    rewrite.indexOf("The sub-tasks, in order:"),
    rewrite.indexOf("The current program"),
  );
  assert.match(plan, /1\. open_door[\s\S]*2\. pick_up_key/);
  assert.doesNotMatch(rewrite, /grab_key|You revised this plan/);
});
