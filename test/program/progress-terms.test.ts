/** Progress terms: optional `(frame, first) => number` functions beside sub-task checks. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ProgramError } from "../../src/program/errors.ts";
import { parseRewardProgram, programHash } from "../../src/program/program.ts";
import { CHECK_FALSE, CHECK_NOT_RUN, CHECK_TRUE } from "../../src/program/results.ts";
import { SupervisedSandbox } from "../../src/program/supervised.ts";
import { GREEN, makeProgram, paint, RED, sandboxForTest, solid, withProgress } from "./fixtures.ts";

// Sub-task "red": a red square appears; its progress is the square's width in columns over 4. Then "green".
const base = makeProgram(
  {
    red: "(frame, first) => countColor(frame, [255, 0, 0]) >= 16",
    green: "(frame, first) => countColor(frame, [0, 255, 0]) > 0",
  },
  "(frame) => false",
);
const redProgress = "(frame, first) => Math.min(1, countColor(frame, [255, 0, 0]) / 16)";
const program = withProgress(base, { red: redProgress });

const first = solid(16, 16);
const quarter = paint(first, 0, 0, 1, 4, RED); // 4 red pixels
const half = paint(first, 0, 0, 2, 4, RED);
const full = paint(first, 0, 0, 4, 4, RED);
const fullAndGreen = paint(full, 8, 8, 1, 1, GREEN);

describe("progress terms: the program", () => {
  it("is an optional field that is part of the hash; programs without it hash as before", () => {
    // Hash of `base` as computed before progress terms existed (same canonical form).
    assert.equal(programHash(base), programHash(parseRewardProgram(JSON.parse(JSON.stringify(base)))));
    assert.equal(base.subtasks[0].progress, undefined);
    assert.ok(!("progress" in JSON.parse(JSON.stringify(base)).subtasks[0]));
    assert.notEqual(programHash(program), programHash(base));
    const other = withProgress(base, { red: "(frame) => 0" });
    assert.notEqual(programHash(other), programHash(program));
  });

  it("refuses an empty progress term with a message saying what to write", () => {
    assert.throws(
      () => withProgress(base, { red: "  " }),
      /subtasks\[0\]\.progress: is empty; write a function \(frame, first\) => number in \[0, 1\]/,
    );
  });
});

describe("progress terms: the sandbox", () => {
  it("evaluates every term on every frame with all checks, NaN where a sub-task has none", () => {
    const s = sandboxForTest(program);
    const r = s.evaluate([first, quarter, half, full], first);
    assert.ok(r.ok, JSON.stringify(r.errors));
    assert.deepEqual(
      [0, 1, 2, 3].map((f) => r.progressOf(0, f)),
      [0, 0.25, 0.5, 1],
    );
    assert.ok(Number.isNaN(r.progressOf(1, 2)));
    assert.deepEqual([...r.row(3)], [CHECK_TRUE, CHECK_FALSE, CHECK_FALSE]);
  });

  it("leaves results of programs without terms as they were (no progress array)", () => {
    const r = sandboxForTest(base).evaluate([first, full], first);
    assert.equal(r.progress, undefined);
    assert.ok(Number.isNaN(r.progressOf(0, 0)));
  });

  it("in the tracker's order runs only the term of the first sub-task not latched after the frame", () => {
    const both = withProgress(base, { red: redProgress, green: "(frame) => 0.5" });
    const s = sandboxForTest(both);
    const r = s.evaluate([half, full, fullAndGreen], first, { latchFrom: 0 });
    assert.equal(r.progressOf(0, 0), 0.5);
    assert.ok(Number.isNaN(r.progressOf(1, 0)));
    // "red" latched on frame 1: the term that counts now is green's.
    assert.ok(Number.isNaN(r.progressOf(0, 1)));
    assert.equal(r.progressOf(1, 1), 0.5);
    // Both latched on frame 2: no term (the goal has none).
    assert.ok(Number.isNaN(r.progressOf(0, 2)) && Number.isNaN(r.progressOf(1, 2)));
    const only = s.evaluate([half], first, { latchFrom: 0, termOnly: true });
    assert.deepEqual([...only.row(0)], [CHECK_NOT_RUN, CHECK_NOT_RUN, CHECK_NOT_RUN]);
    assert.equal(only.progressOf(0, 0), 0.5);
  });

  for (const [returns, code, said] of [
    ["NaN", "(frame) => 0 / 0", /returned the number NaN on frame 1/],
    ["a negative number", "(frame) => -0.25", /returned the number -0\.25 on frame 1/],
    ["a number above 1", "(frame) => 1.5", /returned the number 1\.5 on frame 1/],
    ["a non-number", "(frame) => true", /returned a value of type boolean on frame 1/],
    ["a string", "(frame) => '0.5'", /returned the string "0\.5" on frame 1/],
  ] as const) {
    it(`reports a term returning ${returns} as an error naming the sub-task, the term and the frame`, () => {
      const s = sandboxForTest(withProgress(base, { red: code }));
      const r = s.evaluate([first, half], first);
      const error = r.errors.find((e) => e.term === "progress");
      assert.ok(error, "expected a progress error");
      assert.equal(error.check, "red");
      assert.equal(error.kind, "bad-progress");
      assert.equal(error.frameIndex, 0);
      assert.equal(error.count, 2);
      assert.match(error.message, /^The progress term of sub-task "red"/);
      assert.match(error.message.replace("frame 0", "frame 1"), said);
      assert.match(error.message, /number from 0 \(not started\) to 1 \(done\)/);
      // The checks still ran; the term has no value.
      assert.equal(r.value(0, 1), CHECK_FALSE);
      assert.ok(Number.isNaN(r.progressOf(0, 1)));
    });
  }

  it("keeps a term's errors apart from its check's", () => {
    const s = sandboxForTest(
      withProgress(makeProgram({ red: "(frame) => { throw new Error('check') }" }, "(frame) => false"), {
        red: "(frame) => { throw new Error('term') }",
      }),
    );
    const r = s.evaluate([first], first);
    assert.equal(r.errors.length, 2);
    const [check, term] = r.errors;
    assert.equal(check.term, undefined);
    assert.match(check.message, /^Check "red" threw Error: check/);
    assert.equal(term.term, "progress");
    assert.match(
      term.message,
      /^The progress term of sub-task "red" threw Error: term \(line 1, column \d+ of the progress term of "red"\)/,
    );
    assert.match(term.message, /return 0 instead/);
  });

  it("applies the checks' walls: compile errors and timeouts name the term", () => {
    try {
      sandboxForTest(withProgress(base, { red: "(frame) => {", green: "process.exit()" }));
      assert.fail("expected a ProgramError");
    } catch (error) {
      assert.ok(error instanceof ProgramError, String(error));
      assert.deepEqual(
        error.errors.map((e) => [e.check, e.term, e.kind]),
        [
          ["red", "progress", "syntax"],
          ["green", "progress", "forbidden"],
        ],
      );
      assert.match(error.message, /The progress term of sub-task "red" is not valid JavaScript/);
    }
    const s = sandboxForTest(
      withProgress(base, { red: "(frame) => { if (frame.data[0] === 255) for (;;) {} return 0; }" }),
      { timeLimitMs: 40, warmupMs: 200 },
    );
    const r = s.evaluate([first, quarter, first], first);
    assert.equal(r.fatal?.kind, "timeout");
    assert.equal(r.fatal?.check, "red");
    assert.equal(r.fatal?.term, "progress");
    assert.equal(r.fatal?.frameIndex, 1);
    assert.equal(r.completed, 1);
    assert.equal(r.progressOf(0, 0), 0);
    // The frame's checks finished before the term ran.
    assert.equal(r.value(0, 1), CHECK_FALSE);
    assert.ok(s.evaluate([first], first).ok);
  });

  it("come back the same from the supervised child process", () => {
    const s = new SupervisedSandbox(withProgress(base, { red: redProgress, green: "(frame) => -1" }));
    try {
      const r = s.evaluate([first, quarter, full], first);
      assert.deepEqual(
        [0, 1, 2].map((f) => r.progressOf(0, f)),
        [0, 0.25, 1],
      );
      assert.deepEqual(
        r.errors.map((e) => [e.check, e.term, e.kind, e.count]),
        [["green", "progress", "bad-progress", 3]],
      );
      const lazy = s.evaluate([half], first, { latchFrom: 0, termOnly: true });
      assert.equal(lazy.progressOf(0, 0), 0.5);
    } finally {
      s.dispose();
    }
  });
});
