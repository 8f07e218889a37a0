import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { type CheckErrorKind, ProgramError } from "../../src/program/errors.ts";
import type { RewardProgram } from "../../src/program/program.ts";
import { CHECK_ERROR, CHECK_FALSE, CHECK_NOT_RUN, CHECK_TRUE } from "../../src/program/results.ts";
import type { SandboxOptions } from "../../src/program/sandbox.ts";
import { BLUE, GREEN, makeProgram, paint, RED, sandboxForTest, solid } from "./fixtures.ts";

const sandbox = sandboxForTest;

/** The compile errors of a program, or fails when it compiles. */
function compileErrors(program: RewardProgram, options?: SandboxOptions) {
  try {
    sandbox(program, options);
  } catch (error) {
    assert.ok(error instanceof ProgramError, String(error));
    return error.errors;
  }
  assert.fail("expected the program not to compile");
}

// A red square appears (sub-task 1), then a green one (sub-task 2); the goal is "something is blue".
const helpers = `
const RED = [255, 0, 0];
const GREEN = [0, 255, 0];
function appeared(frame, first, color) { return countColor(frame, color, 10) > 0 && countColor(first, color, 10) === 0; }
`;
const squares = makeProgram(
  {
    red: "function red(frame, first) { return appeared(frame, first, RED); }",
    green: "(frame, first) => appeared(frame, first, GREEN)",
  },
  "function (frame, first) { return hasColor(frame, [0, 0, 255], 0, 4); }",
  helpers,
);

const first = solid(16, 16);
const withRed = paint(first, 2, 2, 3, 3, RED);
const withGreen = paint(withRed, 8, 8, 2, 2, GREEN);
const withBlue = paint(withGreen, 12, 0, 2, 2, BLUE);

/** A program whose `bad` sub-task has the given code, next to a working one. */
function withBad(code: string, badHelpers = "") {
  return makeProgram({ fine: "(frame) => frame.width === 16", bad: code }, "(frame) => false", badHelpers);
}

function expectRunError(code: string, kind: CheckErrorKind, options?: SandboxOptions) {
  const s = sandbox(withBad(code), options);
  const r = s.evaluate([first, withRed], first);
  const error = r.fatal ?? r.errors.find((e) => e.check === "bad");
  assert.ok(error, `expected a ${kind} error`);
  assert.equal(error.check, "bad");
  assert.equal(error.kind, kind, error.message);
  assert.equal(error.frameIndex, 0);
  assert.match(error.message, /"bad"/);
  return { sandbox: s, results: r, error };
}

describe("ProgramSandbox: a correct program", () => {
  it("evaluates every check on every frame of a batch, frame-major", () => {
    const s = sandbox(squares);
    const r = s.evaluate([first, withRed, withGreen, withBlue], first);
    assert.ok(r.ok);
    assert.deepEqual(r.checkNames, ["red", "green", "goal"]);
    assert.equal(r.completed, 4);
    assert.deepEqual([...r.values], [0, 0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 1]);
    assert.equal(r.fired(1, 2), true);
    assert.deepEqual([...r.row(3)], [CHECK_TRUE, CHECK_TRUE, CHECK_TRUE]);
  });

  it("uses `first` as given, also when it changes between calls", () => {
    const s = sandbox(squares);
    assert.equal(s.evaluate([withRed], first).fired(0, 0), true);
    assert.equal(s.evaluate([withRed], withRed).fired(0, 0), false);
    assert.equal(s.evaluate([withRed], first).fired(0, 0), true);
  });

  it("splits long batches and adapts to a new frame size", () => {
    const s = sandbox(squares, { maxBatchBytes: 16 * 16 * 3 * 4 });
    const frames = Array.from({ length: 11 }, (_, i) => (i % 2 ? withRed : first));
    const r = s.evaluate(frames, first);
    assert.equal(r.completed, 11);
    for (let i = 0; i < 11; i++) assert.equal(r.fired(0, i), i % 2 === 1);
    const big = solid(40, 24);
    assert.equal(s.evaluate([paint(big, 0, 0, 1, 1, RED)], big).fired(0, 0), true);
  });

  it("runs checks in the tracker's order with latchFrom, carrying progress across frames and batches", () => {
    const s = sandbox(squares, { maxBatchBytes: 16 * 16 * 3 * 3 });
    const r = s.evaluate([first, withRed, withGreen, withBlue, withBlue], first, { latchFrom: 0 });
    const N = CHECK_NOT_RUN;
    assert.equal(r.completed, 5);
    // Per frame: the checks from where the last frame stopped, until one is false; nothing after the goal.
    assert.deepEqual([...r.values], [0, N, N, 1, 0, N, N, 1, 0, N, N, 1, N, N, N]);
    assert.deepEqual([...s.evaluate([withBlue], first, { latchFrom: 1 }).values], [N, 1, 1]);
    assert.deepEqual([...s.evaluate([withBlue], first, { latchFrom: 3 }).values], [N, N, N]);
    // Without latchFrom every check runs again.
    assert.deepEqual([...s.evaluate([withGreen], first).values], [1, 1, 0]);
    assert.throws(
      () => s.evaluate([first], first, { latchFrom: 4 }),
      /latchFrom must be an integer from 0 to 3/,
    );
  });

  it("rejects frames of different sizes as a host error", () => {
    const s = sandbox(squares);
    assert.throws(() => s.evaluate([solid(8, 8)], first), /frame 0 is 8x8/);
  });

  it("accepts the three documented check forms and tolerates a trailing semicolon", () => {
    const p = makeProgram(
      { a: "function named(frame, first) { return true; }", b: "function (frame) { return true; };" },
      "\n\n(frame, first) => true;\n",
    );
    const r = sandbox(p).evaluate([first], first);
    assert.deepEqual([...r.values], [1, 1, 1]);
  });
});

describe("ProgramSandbox: compile errors", () => {
  it("reports a syntax error with its line, naming the check", () => {
    const errors = compileErrors(withBad("(frame) => {\n  return frame.width >;\n}"));
    assert.equal(errors.length, 1);
    assert.equal(errors[0].check, "bad");
    assert.equal(errors[0].kind, "syntax");
    assert.match(errors[0].message, /line 2/);
    assert.match(errors[0].message, /\(frame, first\)/);
  });

  it("tells valid code that is not one function apart from a syntax error", () => {
    const errors = compileErrors(withBad("const x = 1;\nfunction bad(frame) { return x > 0; }"));
    assert.equal(errors[0].kind, "not-a-function");
    assert.match(errors[0].message, /single function/);
    assert.equal(compileErrors(withBad("42"))[0].kind, "not-a-function");
  });

  it("reports helper problems as the helpers' and every broken check at once", () => {
    const p = makeProgram({ a: "(f) => {", b: "(f) => process.env" }, "(f) => true", "function broken( {");
    const errors = compileErrors(p);
    assert.deepEqual(
      errors.map((e) => [e.check, e.kind]),
      [
        ["helpers", "syntax"],
        ["a", "syntax"],
        ["b", "forbidden"],
      ],
    );
  });

  it("reports helpers that throw, loop or redeclare a prelude function", () => {
    const throws = compileErrors(makeProgram({ a: "(f) => true" }, "(f) => true", "const x = null;\nx.y;"));
    assert.equal(throws[0].kind, "threw");
    assert.match(throws[0].message, /line 2 of the helpers/);
    const loops = compileErrors(makeProgram({ a: "(f) => true" }, "(f) => true", "while (true) {}"), {
      compileTimeLimitMs: 50,
    });
    assert.equal(loops[0].kind, "timeout");
    const shadow = compileErrors(
      makeProgram({ a: "(f) => true" }, "(f) => true", "function mask() { return 1; }"),
    );
    assert.equal(shadow[0].kind, "forbidden");
    assert.match(shadow[0].message, /mask/);
  });
});

describe("ProgramSandbox: source size", () => {
  it("refuses a check or helpers over the size limit, naming it", () => {
    const long = `(frame) => ${"1 + ".repeat(6000)}1 > 0`;
    const errors = compileErrors(withBad(long, `const A = [${"0, ".repeat(14_000)}0];`));
    assert.deepEqual(
      errors.map((e) => [e.check, e.kind]),
      [
        ["helpers", "too-long"],
        ["bad", "too-long"],
      ],
    );
    assert.match(errors[1].message, /Check "bad" is 24,\d{3} characters long; the limit is 20,000/);
  });
});

describe("ProgramSandbox: run-time errors", () => {
  it("records a check that throws, keeps the other checks' results and goes on", () => {
    const { results, error } = expectRunError("(frame) => frame.missing.value", "threw");
    assert.match(error.message, /TypeError/);
    assert.match(error.message, /line 1, column \d+ of check "bad"/);
    assert.equal(error.count, 2);
    assert.equal(results.completed, 2);
    assert.deepEqual(
      [...results.values],
      [CHECK_TRUE, CHECK_ERROR, CHECK_FALSE, CHECK_TRUE, CHECK_ERROR, CHECK_FALSE],
    );
  });

  it("reports errors only for the batch they happened in", () => {
    const s = sandbox(
      withBad(
        "(frame) => { if (frame.data[(2 * 16 + 2) * 3] === 255) throw new Error('red'); return true; }",
      ),
    );
    assert.equal(s.evaluate([withRed], first).errors.length, 1);
    const clean = s.evaluate([first, first], first);
    assert.ok(clean.ok, JSON.stringify(clean.errors));
    assert.equal(s.evaluate([first, withRed], first).errors[0].frameIndex, 1);
  });

  it("records non-boolean results, saying what came back", () => {
    assert.match(
      expectRunError("(frame) => countColor(frame, [255, 0, 0])", "non-boolean").error.message,
      /number 0/,
    );
    assert.match(
      expectRunError("(frame) => { if (frame.width > 99) return true; }", "non-boolean").error.message,
      /undefined/,
    );
    assert.match(expectRunError("async (frame) => true", "non-boolean").error.message, /Promise/);
  });

  it("turns an endless loop into a timeout naming the check, keeps earlier results and recovers", () => {
    const code =
      "(frame, first) => { if (frame.data[(2 * 16 + 2) * 3] === 255) { for (;;) {} } return true; }";
    const s = sandbox(withBad(code), { timeLimitMs: 40 });
    const r = s.evaluate([first, first, withRed, first], first);
    assert.equal(r.fatal?.kind, "timeout");
    assert.equal(r.fatal?.check, "bad");
    assert.equal(r.fatal?.frameIndex, 2);
    assert.match(r.fatal?.message ?? "", /40 ms/);
    assert.equal(r.completed, 2);
    assert.deepEqual([...r.row(0)], [CHECK_TRUE, CHECK_TRUE, CHECK_FALSE]);
    assert.deepEqual([...r.row(2)], [CHECK_TRUE, CHECK_ERROR, CHECK_NOT_RUN]);
    assert.deepEqual([...r.row(3)], [CHECK_NOT_RUN, CHECK_NOT_RUN, CHECK_NOT_RUN]);
    // The isolate was replaced; the same sandbox keeps working.
    const again = s.evaluate([first], first);
    assert.ok(again.ok);
    // Once for the timeout, and once more per busy-machine retry (the watchdog fired before the CPU budget).
    assert.ok(s.restarts >= 1);
  });

  it("turns a memory bomb into a memory error naming check and frame, and recovers", () => {
    const bomb =
      "(frame) => { if (frame.data[(2 * 16 + 2) * 3] !== 255) return true; const keep = []; for (;;) keep.push(new Array(1e5).fill(1.5)); }";
    const s = sandbox(withBad(bomb), { memoryLimitMb: 16, timeLimitMs: 2000 });
    const r = s.evaluate([first, withRed, first], first);
    assert.equal(r.fatal?.kind, "memory");
    assert.equal(r.fatal?.check, "bad");
    assert.equal(r.fatal?.frameIndex, 1);
    assert.match(r.fatal?.message ?? "", /16 MB/);
    // The values of a batch killed for memory are lost (they lived in the isolate): not run, not guessed.
    assert.equal(r.completed, 0);
    assert.equal(r.value(1, 1), CHECK_ERROR);
    assert.equal(r.value(0, 0), CHECK_NOT_RUN);
    assert.deepEqual([...s.evaluate([first], first).values], [CHECK_TRUE, CHECK_TRUE, CHECK_FALSE]);
  });

  it("reports running out of buffer memory as a memory problem", () => {
    const hoard = "(frame) => { const keep = []; for (;;) keep.push(new Uint8Array(1 << 20)); }";
    expectRunError(hoard, "memory", { memoryLimitMb: 16, timeLimitMs: 5000 });
  });

  it("leaves other programs in other isolates unaffected", () => {
    const looping = sandbox(withBad("(f) => { for (;;) {} }"), { timeLimitMs: 30 });
    const good = sandbox(squares);
    assert.equal(looping.evaluate([withRed], first).fatal?.kind, "timeout");
    assert.deepEqual([...good.evaluate([withBlue], first).values], [1, 1, 1]);
  });
});

describe("ProgramSandbox: escape attempts", () => {
  const attempts: [string, string][] = [
    ["process", "(frame) => typeof process.exit === 'function'"],
    ["require", "(frame) => require('fs') !== undefined"],
    ["dynamic import", "(frame) => { import('node:fs'); return true; }"],
    ["constructor trick", "(frame) => this.constructor.constructor('return process')() !== undefined"],
    ["globalThis", "(frame) => { globalThis.leak = 1; return true; }"],
    ["builtin prototype", "(frame) => { Array.prototype.push = () => 0; return true; }"],
    ["eval", "(frame) => eval('1 + 1') === 2"],
  ];
  for (const [what, code] of attempts) {
    it(`rejects ${what} before running, as forbidden`, () => {
      const errors = compileErrors(withBad(code));
      assert.equal(errors.length, 1);
      assert.equal(errors[0].check, "bad");
      assert.equal(errors[0].kind, "forbidden", errors[0].message);
    });
  }

  // The same attempts with names hidden from the scan must fail at run time, still as "forbidden".
  const hidden: [string, string][] = [
    [
      "the Function constructor",
      "(frame) => { const F = (() => 0)['con' + 'structor']; return F('return 1')() === 1; }",
    ],
    [
      "generator constructor",
      "(frame) => { const G = (function* () {})['con' + 'structor']; return G('yield 1') !== null; }",
    ],
    ["Array.prototype", "(frame) => { Object.getPrototypeOf([]).push = () => 0; return true; }"],
    ["Object.prototype", "(frame) => { Object.getPrototypeOf({}).polluted = 1; return true; }"],
    ["a prelude function", "(frame) => { countColor.cache = 1; return true; }"],
    ["a prelude global", "(frame) => { mask = () => null; return true; }"],
    [
      "Object.prototype through Object.assign",
      "function (frame) { return Object.getPrototypeOf(Math)['con' + 'structor']['assign'](Object.getPrototypeOf(Math), { x: 1 }) !== null; }",
    ],
    ["Math.random", "(frame) => Math.random() < 2"],
  ];
  for (const [what, code] of hidden) {
    it(`stops modifying or using ${what} at run time, as forbidden`, () => {
      expectRunError(code, "forbidden");
    });
  }

  it("has no host objects, even for names spelled past the scan", () => {
    // A unicode escape spells the same identifier (s\u0065tTimeout is setTimeout) without the scan seeing it.
    const names = ["process", "require", "setTimeout", "fetch", "Buffer", "module"];
    const code = `(frame) => [${names.map((n) => `typeof ${n.replace("e", "\\u0065")}`).join(", ")}].every((t) => t === "undefined")`;
    assert.equal(sandbox(withBad(code)).evaluate([first], first).fired(1, 0), true);
    const error = expectRunError("(frame) => pr\\u006fcess.exit() === 1", "forbidden").error;
    assert.match(error.message, /`process`/);
  });

  it("reports an unknown name as a plain mistake, not an escape", () => {
    const { error } = expectRunError("(frame) => [0].map(() => prOcess)[0] === 1", "threw");
    assert.match(error.message, /prOcess is not defined/);
  });

  it("pollution attempts do not change what the prelude or later checks compute", () => {
    const polluter = `(frame) => {
      const tries = [
        () => { Object.getPrototypeOf([]).push = () => 0; },
        () => { Object.getPrototypeOf(new Uint8Array(1)).fill = () => null; },
        () => { Object.getPrototypeOf(new Map()).get = () => 1; },
        () => { Object.getPrototypeOf(new WeakMap()).get = () => 1; },
        () => { Math.abs = () => 0; },
        () => { Object["define" + "Property"](Object.getPrototypeOf({}), "count", { get: () => 99 }); },
        () => { countColor.length = 0; },
      ];
      let blocked = 0;
      for (const t of tries) { try { t(); } catch { blocked++; } }
      return blocked === tries.length;
    }`;
    const p = makeProgram(
      {
        polluter,
        after:
          "(frame, first) => countColor(frame, [255, 0, 0]) === 9 && blobs(frame, [255, 0, 0]).length === 1 && mask(frame, [255, 0, 0]).count === 9",
      },
      "(frame, first) => diffCount(frame, first) === 9 && [1, 2].map((x) => x * 2)[1] === 4",
    );
    const r = sandbox(p).evaluate([withRed, withRed], first);
    assert.ok(r.ok, JSON.stringify(r.errors));
    assert.deepEqual([...r.values], [1, 1, 1, 1, 1, 1]);
  });

  it("keeps the host process and its globals untouched", () => {
    const before = Object.getOwnPropertyNames(globalThis).length;
    expectRunError("(frame) => { Object.getPrototypeOf([]).push = () => 0; return true; }", "forbidden");
    assert.equal(Object.getOwnPropertyNames(globalThis).length, before);
    const list: number[] = [];
    list.push(1);
    assert.equal(list.length, 1);
  });
});

describe("ProgramSandbox: time limits are CPU time", () => {
  it("does not reject a slow but finite check while other processes keep the CPUs busy", () => {
    // About 10-40 ms of CPU per frame against a limit of 100 ms: fine on any machine, however loaded. Wall
    // time under three busy processes on a shared machine can be several times that.
    const slow =
      "(frame) => { let s = 0; for (let i = 0; i < 2e7; i++) s = (s + i * frame.width) | 0; return s !== 0.5; }";
    const burners = [0, 1, 2].map(() => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
    try {
      const s = sandbox(withBad(slow), { timeLimitMs: 100 });
      const r = s.evaluate([first, withRed, first, withRed, first, withRed], first);
      assert.equal(r.fatal, undefined, r.fatal?.message);
      assert.equal(r.completed, 6);
    } finally {
      for (const b of burners) b.kill("SIGKILL");
    }
  });
});
