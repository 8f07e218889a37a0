/** Prompt templates: placeholders filled strictly, images placed where the template says, neutral wording. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { systemPrompt } from "../../src/generate/conversation.ts";
import type { Scene } from "../../src/generate/scene.ts";
import { placeholders, renderTemplate, TEMPLATE_NAMES, templateText } from "../../src/generate/templates.ts";
import { createFrame } from "../../src/image/frame.ts";
import { PRELUDE_API } from "../../src/program/prelude/index.ts";

const image = { type: "image" as const, image: createFrame(4, 4) };

test("images go where their placeholders stand; an empty optional paragraph leaves no line", () => {
  const parts = renderTemplate("1-goal-v1", {
    task: "open the box",
    "image:initial": [image],
    "image:goal": [image],
    restart_note: [],
  });
  assert.equal(parts.length, 5);
  assert.match(parts[0] as string, /^The task: open the box\n\nImage 1, the initial frame:$/);
  assert.equal(parts[1], image);
  assert.match(parts[2] as string, /^Image 2, a goal frame/);
  assert.equal(parts[3], image);
  assert.match(parts[4] as string, /^What do you think the final goal is\?/);
});

test("a missing or unused value is an error naming it", () => {
  assert.throws(() => renderTemplate("repair-code", { problem: "x" }), /no value for \{\{function\}\}/);
  assert.throws(
    () => renderTemplate("repair-code", { problem: "x", function: "f", extra: "y" }),
    /no placeholder for extra/,
  );
});

test("every template exists and uses simple placeholders", () => {
  for (const name of TEMPLATE_NAMES) {
    assert.ok(templateText(name).length > 0);
    for (const key of placeholders(name)) assert.match(key, /^[a-z_]+(:[a-z_]+)?$/);
  }
});

test("the system prompt states the contract, the frame and tile size, RGB order and the prelude API verbatim", () => {
  const scene = {
    initial: createFrame(160, 160),
    goal: createFrame(160, 160),
    tileSize: 32,
  } as unknown as Scene;
  const text = systemPrompt(scene, 1);
  assert.ok(text.includes(PRELUDE_API.trim()), "the API text, verbatim");
  assert.match(text, /160 x 160 pixels, RGB \(red, green, blue in that order/);
  assert.match(text, /tiles of 32 x 32 pixels \(5 columns, 5 rows\)/);
  assert.match(text, /`\(frame, first\) => boolean`/);
  assert.match(text, /must not keep anything between calls/);
  const noTiles = systemPrompt({ ...scene, tileSize: undefined } as Scene, 1);
  assert.doesNotMatch(noTiles, /tiles of \d+ x \d+ pixels/);
  // Environment-neutral: the prompts name no environment, and the task text is an input.
  for (const name of TEMPLATE_NAMES)
    assert.doesNotMatch(templateText(name), /minigrid|doorkey|door|key\b/i, name);
});

test("issue 13 (1, 2): the first turn shows several episodes; the system prompt says what the renderer draws", () => {
  const parts = renderTemplate("1-goal", {
    task: "open the box",
    count: 3,
    goal_index: 4,
    "image:initials": [
      "Image 1, episode seed 0:\n",
      image,
      "Image 2, episode seed 1:\n",
      image,
      "Image 3:\n",
      image,
    ],
    "image:goal": [image],
    restart_note: "",
  });
  assert.equal(parts.filter((p) => typeof p !== "string").length, 4);
  assert.match(parts[0] as string, /Images 1 to 3, the initial frames of 3 different episodes/);
  const scene = {
    envId: "MiniGrid-KeyCorridorS3R3-v0",
    render: { mode: "full", tileSize: 32, highlight: true },
    initial: createFrame(224, 224),
    goal: createFrame(224, 224),
    tileSize: 32,
  } as unknown as Scene;
  const text = systemPrompt(scene, 2);
  assert.match(
    text,
    /drawn lighter: every colour channel c of a pixel there becomes\s+c \+ 0\.3 x \(255 - c\)/,
  );
  assert.match(text, /An object the agent carries is not drawn anywhere/);
  assert.match(text, /never depend on a position or a colour that only the examples have/);
  const plain = systemPrompt(
    { ...scene, render: { mode: "full", tileSize: 32, highlight: false } } as Scene,
    2,
  );
  assert.doesNotMatch(plain, /drawn lighter/);
  assert.match(plain, /not drawn anywhere/);
  const robot = systemPrompt({ ...scene, envId: "PandaPickAndPlace-v3", tileSize: undefined } as Scene, 2);
  assert.match(robot, /3D scene seen through a fixed camera/);
  // The headless renderer draws the target solid (as panda-gym's TinyRenderer does): the text must not say otherwise.
  assert.match(robot, /same colour,\s+solid, not see-through/);
  assert.doesNotMatch(robot, /translucent/);
  const tabletop = systemPrompt(
    { ...scene, envId: "Tabletop-put-block-in-bowl-seen-colors-v0", tileSize: undefined } as Scene,
    2,
  );
  assert.match(tabletop, /3D tabletop scene[\s\S]*UR5 robot arm/);
  assert.match(tabletop, /palette of named colours/);
  const unknown = systemPrompt({ ...scene, envId: "Other-v0" } as Scene, 2);
  assert.doesNotMatch(unknown, /grid world|3D scene/);
});
