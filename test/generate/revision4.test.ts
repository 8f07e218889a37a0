/**
 * Generation revision 4: the faults blind answerers reported on Panda, fixed in new prompt text while
 * revisions 1-3 keep asking as recorded (the zoo replays them).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type GenerationRevision, systemPrompt } from "../../src/generate/conversation.ts";
import { PRELUDE_API, PRELUDE_FUNCTIONS, preludeApiFor } from "../../src/program/prelude/index.ts";
import { blankScene } from "./fixtures.ts";

const CELL_FUNCTIONS = [
  "gridSize",
  "cellOf",
  "cellCenter",
  "cellCount",
  "cellColors",
  "cellColor",
  "findCells",
];

test("revision 4: a 3D scene's API text has no tiles or cell functions, and states scan costs at the frames' size", () => {
  const panda = systemPrompt(blankScene("PandaPushJoints-v3", 160, 120), 4);
  assert.doesNotMatch(panda, /Grid renders are made of square tiles|### cellCount|### findCells/);
  assert.doesNotMatch(panda, /256x256/, "no cost quoted for frames of another size");
  assert.match(panda, /cost about\s+0\.03 ms on these 160x120 frames/);
  assert.match(panda, /### blobs\(frame, color, tol = 0, minArea = 1\)/, "the functions that apply stay");
  const tabletop = systemPrompt(blankScene("Tabletop-put-block-in-bowl-full-v0", 640, 480), 4);
  assert.match(tabletop, /cost about\s+0\.5 ms on these 640x480 frames/);
  assert.doesNotMatch(tabletop, /### cell|tile = /);
  // Every function left out is a cell function; every other one is documented.
  const described = [...tabletop.matchAll(/^### (\w+)\(/gm)].map((m) => m[1]);
  assert.deepEqual(
    PRELUDE_FUNCTIONS.filter((f) => !described.includes(f)),
    CELL_FUNCTIONS,
  );
});

test("revision 4: grid frames keep the tiles and cell functions; revisions 1-3 keep the API text verbatim", () => {
  const grid = systemPrompt(blankScene("MiniGrid-DoorKey-6x6-v0", 192, 192, 32), 4);
  for (const f of CELL_FUNCTIONS) assert.match(grid, new RegExp(`### ${f}\\(`));
  assert.match(grid, /use tile = 32 with the cell functions/);
  assert.match(grid, /cost about\s+0\.06 ms on these 192x192 frames/);
  for (const revision of [1, 2, 3] as const) {
    const old = systemPrompt(blankScene("PandaPushJoints-v3", 160, 120), revision);
    assert.ok(old.includes(PRELUDE_API.trim()), `revision ${revision}: the recorded API text`);
  }
  assert.equal(preludeApiFor({ width: 256, height: 256, grid: true }).includes("### findCells"), true);
});

test("revision 4: each Panda task says what its object and target look like; revision 3 keeps its words", () => {
  const text = (id: string, revision: GenerationRevision = 4) =>
    systemPrompt(blankScene(id, 160, 120), revision);
  const push = text("PandaPushJoints-v3");
  assert.match(push, /object is a small green cube[\s\S]*target is a second green cube/);
  assert.doesNotMatch(push, /cylinder|puck/i, "Push has no cylinder");
  const slide = text("PandaSlideJoints-v3");
  assert.match(slide, /green puck \(a flat cylinder[\s\S]*target is a\s+second green puck/);
  assert.doesNotMatch(slide, /cube/);
  assert.match(text("PandaReach-v3"), /no object to move[\s\S]*green ball/);
  assert.match(text("PandaStack-v3"), /a blue one and a green one/);
  assert.match(text("PandaFlip-v3"), /faces have different colours/);
  assert.match(text("PandaPickAndPlaceDense-v3"), /floating in the air/);
  // The task line sits between the shared lines, not in place of them.
  assert.match(push, /two-finger gripper[\s\S]*green cube[\s\S]*never moves during an episode/);
  assert.match(text("PandaPushJoints-v3", 3), /a flat green cylinder when it slides/);
  assert.doesNotMatch(text("Tabletop-put-block-in-bowl-full-v0", 3), /pick-and-place/);
  assert.match(text("Tabletop-put-block-in-bowl-full-v0"), /one per\s+pick-and-place/);
});

test("a resumed generation reuses a stored report written before the new criteria existed (read as LEGACY_RULES)", async (t) => {
  const { generateProgram } = await import("../../src/generate/generate.ts");
  await import("../../src/env/minigrid/index.ts");
  const F = await import("./fixtures.ts");
  const { readFileSync, writeFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const out = join(F.tempDir(t), "gen");
  const vlm = F.keyedVlm((question) => {
    if (/final goal is\?/.test(question)) return F.GOAL_REPLY;
    if (/What tasks must the agent complete/.test(question)) return F.PLAN_REPLY;
    if (/pick_up_key/.test(question)) return F.PICK_UP_KEY_REPLY;
    if (/open_door/.test(question)) return F.OPEN_DOOR_REPLY;
    return F.GOAL_CHECK_REPLY;
  });
  const options = {
    ...F.SMALL,
    vlm,
    vlmSpec: `fixture:${F.FIXTURE_MODEL}`,
    outDir: out,
    provenanceSource: "fixture" as const,
    revision: 3 as const,
  };
  await generateProgram(options);
  // The report as a revision-3 run wrote it before successTolerance and progressShortSegment existed.
  const path = join(out, "verify_round1", "report.json");
  const report = JSON.parse(readFileSync(path, "utf8"));
  assert.equal(report.settings.criteria.successTolerance, null, "revision 3 is judged by the legacy rules");
  delete report.settings.criteria.successTolerance;
  delete report.settings.criteria.progressShortSegment;
  report.createdAt = "stored-before";
  writeFileSync(path, JSON.stringify(report));
  const { summary } = await generateProgram(options);
  assert.equal(summary.verdict, "accepted");
  assert.equal(
    JSON.parse(readFileSync(path, "utf8")).createdAt,
    "stored-before",
    "reused, not verified again",
  );
});
