/**
 * Best of K (issue 13): every check is asked K times; each candidate's fire pattern is scored once and the best
 * combination kept. Three FIXTURE candidates per check, only one of them right: accepted in round one.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import "../../src/env/minigrid/index.ts";
import { generateProgram } from "../../src/generate/generate.ts";
import * as F from "./fixtures.ts";

test("K = 3 candidates with one good one per check: the best combination is accepted in round one", async (t) => {
  // The right candidate is the third for the key, the first for the door, the second for the goal.
  const good = { pick_up_key: 2000, open_door: undefined, goal: 1000 } as Record<string, number | undefined>;
  const vlm = F.keyedVlm((question, seed) => {
    if (/final goal is\?/.test(question)) return F.GOAL_REPLY;
    if (/What tasks must the agent complete/.test(question)) return F.PLAN_REPLY;
    if (/pick_up_key/.test(question))
      return seed === good.pick_up_key ? F.PICK_UP_KEY_REPLY : F.neverReply("pickUpKey");
    if (/open_door/.test(question))
      return seed === good.open_door ? F.OPEN_DOOR_REPLY : F.neverReply("openDoor");
    if (/final goal is completed/.test(question))
      return seed === good.goal ? F.GOAL_CHECK_REPLY : F.neverReply("goalReached");
    throw new Error(`fixture VLM: unexpected question ${question.slice(0, 80)}`);
  });
  const lines: string[] = [];
  const { summary } = await generateProgram({
    ...F.SMALL,
    vlm,
    vlmSpec: `fixture:${F.FIXTURE_MODEL}`,
    outDir: join(F.tempDir(t), "gen"),
    provenanceSource: "fixture",
    candidates: 3,
    log: (line) => lines.push(line),
  });
  assert.equal(summary.verdict, "accepted", lines.join("\n"));
  assert.equal(summary.rounds.length, 1);
  assert.equal(vlm.requests.length, 2 + 3 * 3, "goal, plan, then three candidates for each of three checks");
  const selection = summary.rounds[0].candidates;
  assert.ok(selection);
  assert.equal(selection.combinations, 27);
  assert.deepEqual(
    selection.stages.map((s) => [s.check, s.chosen, s.passing, s.candidates]),
    [
      ["pick_up_key", 2, 1, 3],
      ["open_door", 0, 1, 3],
      ["goal", 1, 1, 3],
    ],
  );
  assert.ok(selection.stages.every((s) => s.passRate === 1 / 3));
  assert.deepEqual(selection.stages[0].expertFireRates.slice(0, 2), [0, 0], "the never-true candidates");
  assert.equal(selection.stages[0].expertFireRates[2], 1);
  assert.match(lines.join("\n"), /pass rate per stage: pick_up_key 1\/3, open_door 1\/3, goal 1\/3/);
  assert.deepEqual(
    summary.rounds[0].turns.filter((turn) => turn.check === "goal").map((turn) => turn.candidate ?? 0),
    [0, 1, 2],
  );
});
