/** Reply parsing: code in prose and markdown, helpers next to the check, arrows, signatures, sub-task lists. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  codeBlocks,
  functionNameFor,
  parseCheckReply,
  parseSubtaskList,
  shiftLines,
  topLevelStatements,
} from "../../src/generate/parse.ts";
import { describeProblems, probeCheck } from "../../src/generate/probe.ts";
import { createFrame } from "../../src/image/frame.ts";

const frames = { initial: createFrame(8, 8), goal: createFrame(8, 8) };

function ok(reply: string, name = "isDone") {
  const parsed = parseCheckReply(reply, name);
  assert.ok(parsed.ok, parsed.ok ? "" : parsed.problem);
  return parsed.value;
}

function problem(reply: string, name = "isDone", truncated = false): string {
  const parsed = parseCheckReply(reply, name, { truncated });
  assert.ok(!parsed.ok, "expected the reply to be rejected");
  return parsed.problem;
}

test("code blocks: with and without a language tag, ~~~ fences, an unclosed last block", () => {
  const blocks = codeBlocks("a\n```js\nx\n```\nb\n~~~\ny\n~~~\n```python\nz");
  assert.deepEqual(
    blocks.map((b) => [b.lang, b.code, b.unclosed]),
    [
      ["js", "x", false],
      ["", "y", false],
      ["python", "z", true],
    ],
  );
});

test("a lone named function is kept verbatim", () => {
  const check = ok("Here:\n```javascript\nfunction isDone(frame, first) {\n  return true;\n}\n```\nDone.");
  assert.equal(check.code, "function isDone(frame, first) {\n  return true;\n}");
  assert.equal(check.lineOffset, 0);
  assert.deepEqual(probeCheck("task", check.code, frames), []);
});

test("a bare arrow, and code with no fence at all, are accepted", () => {
  assert.equal(
    ok("```\n(frame, first) => diffCount(frame, first) > 0\n```").code,
    "(frame, first) => diffCount(frame, first) > 0",
  );
  assert.equal(ok("(frame, first) => false").code, "(frame, first) => false");
});

test("helpers next to the check go inside one function that calls it; it runs in the sandbox", () => {
  const reply = [
    "Some prose.",
    "```js",
    "const RED = [255, 0, 0];",
    "function reds(f) { return countColor(f, RED, 10); }",
    "```",
    "Then the check:",
    "```javascript",
    "const isDone = (frame, first) => reds(frame) > reds(first);",
    "```",
  ].join("\n");
  const check = ok(reply);
  assert.equal(check.lineOffset, 1);
  assert.match(check.code, /^\(frame, first\) => \{\nconst RED/);
  assert.match(check.code, /return isDone\(frame, first\);\n\}$/);
  assert.deepEqual(probeCheck("task", check.code, frames), []);
});

test("the requested function is the check even when others have the same shape; later versions replace earlier ones", () => {
  const reply = [
    "```js",
    "function helper(frame, first) { return 1; }",
    "function isDone(frame, first) { return false; }",
    "```",
    "Fixed version:",
    "```js",
    "function isDone(frame, first) { return helper(frame, first) === 1; }",
    "```",
  ].join("\n");
  const check = ok(reply);
  assert.equal(check.functionName, "isDone");
  assert.equal((check.code.match(/function isDone/g) ?? []).length, 1, "the earlier isDone was dropped");
  assert.match(check.code, /=== 1/);
});

test("`export` is dropped; a statement split finds declarations at depth 0 only", () => {
  assert.equal(
    ok("```js\nexport function isDone(frame, first) { return false; }\n```").code,
    "function isDone(frame, first) { return false; }",
  );
  const statements = topLevelStatements(
    "const A = 1;\nfunction f(x) {\n  const B = 2;\n  return (x);\n}\n(frame) => f(frame)",
  );
  assert.deepEqual(
    statements.map((s) => [s.name ?? "", s.params ?? null, Boolean(s.bare)]),
    [
      ["A", null, false],
      ["f", "x", false],
      ["", "frame", true],
    ],
  );
});

test("no code, another language, Python, a wrong signature, async, a cut-off block: each says what to do", () => {
  assert.match(problem("I would look at the key."), /no code/);
  assert.match(
    problem("```python\ndef is_done(frame, first):\n    return True\n```"),
    /in python.*JavaScript/,
  );
  assert.match(problem("```\ndef is_done(frame, first):\n    return True\n```"), /Python/);
  assert.match(
    problem("```js\nfunction isDone(frame, first, state) { return true; }\n```"),
    /3 arguments \(frame, first, state\)/,
  );
  assert.match(problem("```js\nfunction isDone() { return true; }\n```"), /no arguments/);
  assert.match(problem("```js\nasync function isDone(frame, first) { return true; }\n```"), /async/);
  assert.match(problem("```js\nconst X = 1;\n```"), /defines no function/);
  assert.match(
    problem("```js\nfunction isDone(frame, first) {\n  return", "isDone", true),
    /cut off at the token limit/,
  );
});

test("sandbox problems found by the probe: syntax, throwing on a shown frame, non-boolean", () => {
  const [syntax] = probeCheck("task", "function isDone(frame, first) { return 1 < ; }", frames);
  assert.equal(syntax.kind, "syntax");
  const [threw] = probeCheck("goal", "(frame, first) => first.nothing.here", frames);
  assert.equal(threw.kind, "threw");
  assert.equal(threw.check, "goal");
  const [nonBoolean] = probeCheck("task", "(frame, first) => 1", frames);
  assert.equal(nonBoolean.kind, "non-boolean");
  assert.equal(shiftLines("at line 3, column 4 of check", 1), "at line 2, column 4 of check");
});

test("sub-task lists: numbered with names, bold names, plain sentences, JSON; the last list wins", () => {
  const numbered = parseSubtaskList(
    "Plan:\n1. pick_up_key: the key is gone\n2. open_door: the door is open\n",
    5,
  );
  assert.ok(numbered.ok);
  assert.deepEqual(numbered.value, [
    { name: "pick_up_key", description: "the key is gone" },
    { name: "open_door", description: "the door is open" },
  ]);
  const bold = parseSubtaskList(
    "1) **Pick up key** - the key is gone\n2) **Open door** - the door is open",
    5,
  );
  assert.ok(bold.ok);
  assert.deepEqual(
    bold.value.map((s) => s.name),
    ["pick_up_key", "open_door"],
  );
  const sentences = parseSubtaskList("Draft:\n1. a\n2. b\nFinal:\n1. Walk to the yellow key now\n", 5);
  assert.ok(sentences.ok);
  assert.deepEqual(sentences.value, [
    { name: "walk_to_the_yellow_key", description: "Walk to the yellow key now" },
  ]);
  const json = parseSubtaskList(
    '```json\n[{"name": "reach lever", "description": "next to it"}, "pullLever: lever down"]\n```',
    5,
  );
  assert.ok(json.ok);
  assert.deepEqual(
    json.value.map((s) => s.name),
    ["reach_lever", "pull_lever"],
  );
});

test("sub-task lists: none, too many, reserved and duplicate names", () => {
  const none = parseSubtaskList("First get the key, then open the door.", 5);
  assert.ok(!none.ok && /no numbered list/.test(none.problem));
  const many = parseSubtaskList([1, 2, 3, 4, 5, 6].map((n) => `${n}. step${n}: s`).join("\n"), 5);
  assert.ok(!many.ok && /at most 5/.test(many.problem));
  const odd = parseSubtaskList("1. goal: reach it\n2. a: x\n3. a: y", 5);
  assert.ok(odd.ok);
  assert.deepEqual(
    odd.value.map((s) => s.name),
    ["subtask_1", "a", "a_3"],
  );
  assert.equal(functionNameFor("pick_up_key"), "pickUpKey");
  assert.equal(functionNameFor("goal_reached"), "goalReached");
});

test("issue 13 (10): the code is kept as written: semicolons, blank lines and comments stay", () => {
  const body = [
    "const TILE = 32;",
    "",
    "// the key's colour",
    "const KEY = [255, 255, 0];",
    "",
    "function isDone(frame, first) {",
    "  return countColor(frame, KEY, 10) < countColor(first, KEY, 10);",
    "}",
  ].join("\n");
  const check = ok(`Here:\n\`\`\`javascript\n${body}\n\`\`\``);
  assert.equal(check.code, `(frame, first) => {\n${body}\nreturn isDone(frame, first);\n}`);
  assert.equal(check.lineOffset, 1);
  // The legacy assembly (generation revision 1, kept so recorded zoo runs replay to the same hash).
  const legacy = parseCheckReply(`\`\`\`javascript\n${body}\n\`\`\``, "isDone", { legacy: true });
  assert.ok(legacy.ok);
  assert.match(legacy.value.code, /const KEY = \[255, 255, 0\]\nfunction isDone/);
});

test("issue 13 (10): a statement the next line would continue keeps its semicolon (no ASI surprise)", () => {
  // Without its semicolon, `let n = 0` would call 0 with the function on the next line, and throw.
  const body = "let n = 0;\n(function () { n = 1; })();\nfunction isDone(frame, first) { return n === 1; }";
  const check = ok(`\`\`\`js\n${body}\n\`\`\``);
  assert.match(check.code, /let n = 0;/);
  assert.deepEqual(probeCheck("task", check.code, frames), []);
});

test("issue 13 (6): a description ending in ')' keeps it; one wrapped whole in parentheses loses them", () => {
  const parsed = parseSubtaskList(
    "1. pick_up_key: the key is gone (carried by the agent)\n2. open_door: (the door is open)",
    5,
  );
  assert.ok(parsed.ok);
  assert.deepEqual(
    parsed.value.map((s) => s.description),
    ["the key is gone (carried by the agent)", "the door is open"],
  );
});

test("the probe also tries the other episodes' initial frames, and names the image a problem was on", () => {
  const other = createFrame(8, 8);
  other.data[0] = 7;
  const code =
    "(frame, first) => { if (first.data[0] === 7) throw new Error('another layout'); return false; }";
  assert.deepEqual(probeCheck("task", code, frames), [], "fine on the two frames of revision 1");
  const [threw] = probeCheck("task", code, { ...frames, others: [createFrame(8, 8), other] });
  assert.equal(threw.kind, "threw");
  assert.match(threw.message, /on the initial frame of image 3/);
  const [nonBoolean] = probeCheck("task", "(frame, first) => 1", frames);
  assert.match(describeProblems([nonBoolean], 4), /initial frame \(image 1\)/);
  const goal = createFrame(8, 8);
  goal.data[0] = 9;
  const goalOnly = probeCheck("goal", "(frame, first) => (frame.data[0] === 9 ? 1 : false)", {
    ...frames,
    goal,
  });
  assert.match(describeProblems(goalOnly, 4), /goal frame \(image 4\)/);
});
