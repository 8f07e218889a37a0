/**
 * Replies that carry a progress term beside the check: the check is still the check, the term is found; the
 * prompt chain (revision 3) asks sub-tasks for one, probes it and keeps it. Replies are FIXTURES (fixtures.ts).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import "../../src/env/minigrid/index.ts";
import { generateProgram } from "../../src/generate/generate.ts";
import { parseCheckReply, parseProgressTerm } from "../../src/generate/parse.ts";
import { loadRewardProgram } from "../../src/program/program.ts";
import * as F from "./fixtures.ts";

const reply = `Here is the check, and a progress term since the box has to travel to the target:

\`\`\`javascript
const BOX = [255, 0, 0];
function boxCell(frame) { const c = findCells(frame, BOX, 10, 32); return c.length > 0 ? c[0] : null; }
function progress(frame, first) {
  const a = boxCell(first), b = boxCell(frame);
  if (a === null || b === null) return 0;
  return Math.min(1, Math.abs(b.cx - a.cx) / 3);
}
function box_moved(frame, first) {
  return progress(frame, first) === 1;
}
\`\`\``;

describe("parseProgressTerm", () => {
  it("finds the function named progress and keeps the reply's helpers around it", () => {
    const term = parseProgressTerm(reply);
    assert.ok(term);
    assert.equal(term.functionName, "progress");
    assert.match(term.code, /^\(frame, first\) => \{\nconst BOX/);
    assert.match(term.code, /return progress\(frame, first\);\n\}$/);
  });

  it("leaves the check alone, even when its name is not the one asked for", () => {
    const asked = parseCheckReply(reply, "box_moved");
    assert.ok(asked.ok);
    assert.equal(asked.value.functionName, "box_moved");
    // The name differs from the prompt's: the check is still not the progress term.
    const other = parseCheckReply(reply, "box_on_target");
    assert.ok(other.ok);
    assert.equal(other.value.functionName, "box_moved");
  });

  it("is undefined for a reply without a progress term", () => {
    assert.equal(
      parseProgressTerm("```js\nfunction door_open(frame, first) { return true; }\n```"),
      undefined,
    );
    assert.equal(parseProgressTerm("no code at all"), undefined);
  });
});

// ---- the prompt chain (revision 3) ----

/** FIXTURE: the pick-up-key reply with a progress term (cells the agent still has to walk, relative to the start). */
const WITH_PROGRESS = (body: string) =>
  F.PICK_UP_KEY_REPLY.replace(
    "\n```\n\nIt returns false",
    `\nfunction progress(frame, first) {\n${body}\n}\n\`\`\`\n\nIt returns false`,
  );
const TOWARD_KEY = `  const key = keyCell(first);
  const agent = (f) => findCells(f, AGENT_RED, TOL, TILE, 0.1)[0];
  if (key === null || agent(first) === undefined) return 0;
  if (pickUpKey(frame, first)) return 1;
  const a = agent(frame);
  if (a === undefined) return 0;
  const d = (c) => Math.abs(c.cx - key.cx) + Math.abs(c.cy - key.cy);
  const d0 = d(agent(first));
  return d0 <= 1 ? 0 : Math.min(1, Math.max(0, 1 - (d(a) - 1) / (d0 - 1)));`;

/** A FIXTURE VLM for the DoorKey chain; `asked` records every question as it was asked. */
function chainVlm(pickUpKey: (question: string) => string) {
  const asked: string[] = [];
  const vlm = F.keyedVlm((question) => {
    asked.push(question);
    if (/final goal is\?/.test(question)) return F.GOAL_REPLY;
    if (/What tasks must the agent complete/.test(question)) return F.PLAN_REPLY;
    if (/pick_up_key|That reply cannot be used yet/.test(question)) return pickUpKey(question);
    if (/open_door/.test(question)) return F.OPEN_DOOR_REPLY;
    if (/final goal is completed/.test(question)) return F.GOAL_CHECK_REPLY;
    throw new Error(`fixture VLM: unexpected question ${question.slice(0, 80)}`);
  });
  return Object.assign(vlm, { asked });
}

/** One round of generation into a fresh folder; returns the folder. */
async function generateOnce(
  t: { after(fn: () => void): void },
  vlm: ReturnType<typeof chainVlm>,
  revision?: 2 | 3 | 4,
): Promise<string> {
  const out = join(F.tempDir(t), "gen");
  await generateProgram({
    ...F.SMALL,
    vlm,
    vlmSpec: `fixture:${F.FIXTURE_MODEL}`,
    outDir: out,
    provenanceSource: "fixture",
    maxRounds: 1,
    ...(revision ? { revision } : {}),
  });
  return out;
}

describe("generation revisions 3 and 4: progress terms", () => {
  it("asks each sub-task (not the goal) for a progress term and keeps the one the reply gives", async (t) => {
    const vlm = chainVlm(() => WITH_PROGRESS(TOWARD_KEY));
    const out = await generateOnce(t, vlm);
    const asked = vlm.asked;
    const askedForTerm = asked.map((q) => /also write (its|this sub-task's) progress term/i.test(q));
    assert.deepEqual(
      askedForTerm,
      [false, false, true, true, false],
      "goal, plan, two sub-tasks, goal check",
    );
    const program = loadRewardProgram(join(out, "program_round1.json"));
    assert.match(program.subtasks[0].progress ?? "", /return progress\(frame, first\);/);
    assert.equal(program.subtasks[1].progress, undefined, "open_door's reply has no progress term");
    const report = JSON.parse(readFileSync(join(out, "verify_round1", "report.json"), "utf8"));
    assert.equal(report.progress[0].subtask, "pick_up_key");
    assert.ok(report.verdict.rules.some((r: { rule: string }) => r.rule === "progress-rises"));
  });

  it("sends a progress term that returns NaN on the shown frames back for repair, naming it", async (t) => {
    const vlm = chainVlm((question) =>
      /That reply cannot be used yet/.test(question)
        ? WITH_PROGRESS(TOWARD_KEY)
        : WITH_PROGRESS("  return 0 / 0;"),
    );
    const out = await generateOnce(t, vlm);
    const repair = vlm.asked.find((q) => /That reply cannot be used yet/.test(q));
    assert.match(
      repair ?? "",
      /The progress term of sub-task "pick_up_key" returned the number NaN on the initial frame/,
    );
    const program = loadRewardProgram(join(out, "program_round1.json"));
    assert.match(program.subtasks[0].progress ?? "", /Math\.min\(1/);
  });

  it("revision 4 leaves no way round the term where a check depends on a position; revision 3 asks as recorded", async (t) => {
    const current = chainVlm(() => WITH_PROGRESS(TOWARD_KEY));
    await generateOnce(t, current);
    const ask = current.asked.find((q) => /pick_up_key/.test(q)) ?? "";
    assert.match(ask, /A progress term is required whenever the check depends on where something is/);
    assert.match(ask, /includes a sub-task that only starts\s+or partly does a move/);
    assert.match(ask, /Leave the term out only when the check looks at no position/);
    assert.match(ask, /may jump\s+from 0 to 1 in a single step/, "episodes of a few steps are provided for");
    assert.doesNotMatch(ask, /not about moving something somewhere|rising steadily/);
    const recorded = chainVlm(() => WITH_PROGRESS(TOWARD_KEY));
    await generateOnce(t, recorded, 3);
    const old = recorded.asked.find((q) => /pick_up_key/.test(q)) ?? "";
    assert.match(old, /If the sub-task is not about moving\s+something somewhere, write only the check/);
    assert.match(old, /rising steadily/);
  });

  it("revision 2 asks as before, without a progress term", async (t) => {
    const vlm = chainVlm(() => WITH_PROGRESS(TOWARD_KEY));
    const out = await generateOnce(t, vlm, 2);
    assert.ok(vlm.asked.every((q) => !/progress term/.test(q)));
    const program = loadRewardProgram(join(out, "program_round1.json"));
    assert.equal(program.subtasks[0].progress, undefined);
  });
});
