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
  const parts = renderTemplate("1-goal", {
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
  const text = systemPrompt(scene);
  assert.ok(text.includes(PRELUDE_API.trim()), "the API text, verbatim");
  assert.match(text, /160 x 160 pixels, RGB \(red, green, blue in that order/);
  assert.match(text, /tiles of 32 x 32 pixels \(5 columns, 5 rows\)/);
  assert.match(text, /`\(frame, first\) => boolean`/);
  assert.match(text, /must not keep anything between calls/);
  const noTiles = systemPrompt({ ...scene, tileSize: undefined } as Scene);
  assert.doesNotMatch(noTiles, /tiles of \d+ x \d+ pixels/);
  // Environment-neutral: the prompts name no environment, and the task text is an input.
  for (const name of TEMPLATE_NAMES)
    assert.doesNotMatch(templateText(name), /minigrid|doorkey|door|key\b/i, name);
});
