/** Replies that carry a progress term beside the check: the check is still the check, the term is found. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCheckReply, parseProgressTerm } from "../../src/generate/parse.ts";

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
