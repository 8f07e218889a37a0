/**
 * Attacks on the sandbox by the programs it runs, one class per describe block (docs/SECURITY.md): forging
 * other checks' results, replacing checks, changing the prelude under everyone, hanging or crashing the host
 * through shared memory or microtasks, memory outside the heap limit, nondeterminism, and slow source scans.
 * Each attack runs in the in-process ProgramSandbox (the first wall); supervised.test.ts covers the second.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ProgramError } from "../../src/program/errors.ts";
import type { RewardProgram } from "../../src/program/program.ts";
import { CHECK_FALSE, CHECK_TRUE } from "../../src/program/results.ts";
import type { SandboxOptions } from "../../src/program/sandbox.ts";
import { makeProgram, paint, RED, sandboxForTest, solid } from "./fixtures.ts";

const sandbox = sandboxForTest;

function compileErrors(program: RewardProgram) {
  try {
    sandbox(program);
  } catch (error) {
    assert.ok(error instanceof ProgramError, String(error));
    return error.errors;
  }
  assert.fail("expected the program not to compile");
}

/** `name` spelled with a unicode escape, so the source scan (a diagnostic, not a wall) does not see it. */
function hide(name: string): string {
  return `\\u${name.charCodeAt(0).toString(16).padStart(4, "0")}${name.slice(1)}`;
}

const first = solid(16, 16);
const withRed = paint(first, 2, 2, 3, 3, RED);
// An honest sub-task: "a red square is visible".
const RED_VISIBLE = "(frame) => countColor(frame, [255, 0, 0]) === 9";

/** Runs `attack` as the goal after the honest sub-task, on [first, withRed, first]; returns the results. */
function runAttack(attack: string, helpers = "", options?: SandboxOptions) {
  const s = sandbox(makeProgram({ red: RED_VISIBLE }, attack, helpers), options);
  return { s, r: s.evaluate([first, withRed, first], first) };
}

describe("results cannot be forged", () => {
  // Results come back as the call's return value. Frames are shared memory a check can write (for speed),
  // which changes only its own program's later inputs; verification's determinism probe catches that.
  const writers: [string, string][] = [
    [
      "ones over the whole shared buffer",
      "(frame) => { new Uint8Array(frame.data.buffer).fill(1); return false; }",
    ],
    ["-1 as 32-bit words", "(frame) => { new Int32Array(frame.data.buffer).fill(-1); return false; }"],
    [
      "every seventh byte",
      "(frame) => { const all = new Uint8Array(frame.data.buffer); for (let i = 0; i < all.length; i += 7) all[i] = 1; return false; }",
    ],
  ];
  for (const [what, attack] of writers) {
    it(`a goal check writing ${what} makes no false sub-task read as true`, () => {
      const s = sandbox(makeProgram({ red: RED_VISIBLE }, attack));
      const r = s.evaluate([withRed, withRed, first], withRed);
      assert.ok(r.ok, JSON.stringify(r.errors));
      // Frame 0's sub-task ran before the write; later frames were overwritten, so "red" no longer sees red;
      // nothing reads as true that a check did not return.
      assert.deepEqual(
        [...r.values],
        [CHECK_TRUE, CHECK_FALSE, CHECK_FALSE, CHECK_FALSE, CHECK_FALSE, CHECK_FALSE],
      );
      // The next call copies its frames in again.
      assert.equal(s.evaluate([withRed], first).fired(0, 0), true);
    });
  }

  it("a microtask that writes after the check returned changes no result", () => {
    const attack =
      "(frame) => { Promise.resolve().then(() => new Uint8Array(frame.data.buffer).fill(1)); return false; }";
    const { r } = runAttack(attack);
    assert.deepEqual([...r.values], [0, 0, 1, 0, 0, 0]);
  });

  it("a check called as a plain function sees `this` undefined, not the list of checks", () => {
    const attacks = [
      "function (frame) { this[0] = () => true; return false; }",
      "(frame) => { this[0] = () => true; return false; }",
      "function (frame) { return this === undefined; }",
    ];
    const r0 = runAttack(attacks[0]).r;
    assert.equal(r0.errors[0]?.check, "goal");
    assert.match(r0.errors[0]?.message ?? "", /TypeError/);
    assert.deepEqual(
      [...r0.values].filter((_, i) => i % 2 === 0),
      [0, 1, 0],
      "the sub-task still answers",
    );
    const r1 = runAttack(attacks[1]).r;
    assert.deepEqual(
      [...r1.values].filter((_, i) => i % 2 === 0),
      [0, 1, 0],
    );
    assert.equal(runAttack(attacks[2]).r.fired(1, 0), true);
  });
});

describe("the prelude and runtime cannot be changed", () => {
  const helpersAttacks: [string, string][] = [
    ["reassigning Math", "Math = { abs: () => 0, max: () => 0, min: () => 0, floor: () => 0 };"],
    ["reassigning Int32Array", "Int32Array = null;"],
    ["reassigning Uint8Array through the script's this", "this.Uint8Array = Array;"],
    ["shadowing Math with a global let", "let Math = {};"],
    ["shadowing Array with a function declaration", "function Array() { return []; }"],
    ["replacing a prelude function", "sameColor = () => true;"],
    ["redeclaring a prelude function with var", "var countColor = () => 9;"],
    ["deleting a global", "delete this.Math;"],
  ];
  for (const [what, helpers] of helpersAttacks) {
    it(`refuses helpers ${what}`, () => {
      const errors = compileErrors(makeProgram({ red: RED_VISIBLE }, "(frame) => false", helpers));
      assert.equal(errors[0].check, "helpers", errors[0].message);
    });
  }

  it("keeps sameColor honest whatever a check tried before", () => {
    const attack = `(frame) => {
      const tries = [
        () => { Math.abs = () => 0; },
        () => { Object.getPrototypeOf(Math).valueOf = () => 0; },
        () => { Object.getPrototypeOf(Promise.resolve()).then = () => 0; },
        () => { Object.getPrototypeOf(new Uint8Array(1)).subarray = () => null; },
        () => { frame.data.length = 0; },
        () => { frame.width = 1; },
        () => { Array.isArray = () => true; },
      ];
      let blocked = 0;
      for (const t of tries) { try { t(); } catch { blocked++; } }
      return blocked === tries.length && !sameColor([0, 0, 0], [255, 0, 0]) && countColor(frame, [255, 0, 0]) >= 0;
    }`;
    const s = sandbox(makeProgram({ attack }, "(frame) => sameColor(pixel(frame, 2, 2), [255, 0, 0])"));
    const r = s.evaluate([withRed, first], first);
    assert.ok(r.ok, JSON.stringify(r.errors));
    assert.deepEqual([...r.values], [1, 1, 1, 0]);
  });

  it("an error object with throwing getters is reported, not thrown into the host", () => {
    const attack = `(frame) => {
      throw new ${hide("Proxy")}({}, { get() { throw new Error("gotcha"); }, getPrototypeOf() { throw new Error("gotcha"); } });
    }`;
    const { r } = runAttack(attack);
    assert.equal(r.errors[0]?.check, "goal");
    assert.equal(r.completed, 3);
    const returned = runAttack(
      `(frame) => new ${hide("Proxy")}({}, { get() { throw new Error('x'); }, getPrototypeOf() { throw new Error('y'); } })`,
    ).r;
    assert.equal(returned.errors[0]?.kind, "non-boolean");
  });
});

describe("no WebAssembly, Atomics, timers, clocks or other nondeterminism inside", () => {
  const absent = ["WebAssembly", "Atomics", "SharedArrayBuffer", "WeakRef", "FinalizationRegistry", "Intl"];
  for (const name of absent) {
    it(`has no ${name}`, () => {
      const { r } = runAttack(`(frame) => typeof ${hide(name)} === "undefined"`);
      assert.deepEqual(
        [...r.values].filter((_, i) => i % 2 === 1),
        [1, 1, 1],
      );
    });
  }

  const refused: [string, string][] = [
    ["Date.now", "(frame) => Date.now() > 0"],
    ["new Date()", "(frame) => new Date().getTime() > 0"],
    ["Date()", "(frame) => Date().length > 0"],
    [
      "a SharedArrayBuffer from the frame's buffer",
      "(frame) => new frame.data.buffer['con' + 'structor'](1 << 30) !== null",
    ],
  ];
  for (const [what, attack] of refused) {
    it(`refuses ${what} as forbidden`, () => {
      const { r } = runAttack(attack);
      assert.equal(r.errors[0]?.kind, "forbidden", r.errors[0]?.message);
    });
  }

  it("has no timers, performance clock or host queue", () => {
    const names = ["setTimeout", "setInterval", "setImmediate", "queueMicrotask", "performance", "console"];
    const attack = `(frame) => [${names.map((n) => `typeof ${hide(n)}`).join(", ")}].every((t) => t === "undefined")`;
    assert.equal(runAttack(attack).r.fired(1, 0), true);
  });
});

describe("microtasks and hangs", () => {
  it("a microtask loop is stopped by the time limit as the check's timeout", () => {
    const attack = "(frame) => { const spin = () => Promise.resolve().then(spin); spin(); return false; }";
    const { s, r } = runAttack(attack, "", { timeLimitMs: 50, warmupMs: 0, memoryLimitMb: 32 });
    assert.ok(r.fatal, "the batch stopped");
    assert.ok(["timeout", "memory"].includes(r.fatal.kind), r.fatal.message);
    assert.ok(s.evaluate([first], first).values.length === 2, "the sandbox answers again");
  });

  it("a microtask that spins forever after the check returned is a timeout, not a host hang", () => {
    const attack = "(frame) => { Promise.resolve().then(() => { for (;;) {} }); return false; }";
    const { r } = runAttack(attack, "", { timeLimitMs: 50, warmupMs: 0 });
    assert.equal(r.fatal?.kind, "timeout");
    assert.match(r.fatal?.message ?? "", /measured: [\d.]+ ms of CPU time/);
  });

  it("an async function that throws after the check returned is reported as the check's error", () => {
    const { s, r } = runAttack("(frame) => { (async () => { throw new Error('later'); })(); return false; }");
    const error = r.fatal ?? r.errors[0];
    assert.equal(error?.check, "goal");
    assert.match(error?.message ?? "", /later/);
    assert.equal(s.evaluate([first], first).values.length, 2, "the sandbox answers again");
  });
});

describe("memory limits cover what the isolate can allocate", () => {
  const bombs: [string, string][] = [
    ["ArrayBuffers", "(frame) => { const keep = []; for (;;) keep.push(new ArrayBuffer(8 << 20)); }"],
    ["typed arrays", "(frame) => { const keep = []; for (;;) keep.push(new Float64Array(1 << 20)); }"],
    ["a doubling string", "(frame) => { let s = 'x'; for (;;) s += s; }"],
    ["objects", "(frame) => { const keep = []; for (;;) keep.push({ a: [1, 2, 3], b: 'x'.repeat(100) }); }"],
  ];
  for (const [what, bomb] of bombs) {
    it(`stops ${what} at the limit as a memory error of the check`, () => {
      const { r } = runAttack(bomb, "", { memoryLimitMb: 16, timeLimitMs: 5000 });
      const error = r.fatal ?? r.errors[0];
      assert.equal(error?.check, "goal");
      assert.equal(error?.kind, "memory", error?.message);
    });
  }
});

describe("time limits mean the code, not the machine", () => {
  it("tells the measured CPU time and the limit when a check is too slow", () => {
    const { r } = runAttack("(frame) => { for (;;) {} }", "", { timeLimitMs: 30, warmupMs: 0 });
    assert.equal(r.fatal?.kind, "timeout");
    assert.match(r.fatal?.message ?? "", /30 ms of CPU time per frame/);
    assert.match(
      r.fatal?.message ?? "",
      /measured: [\d.]+ ms of CPU time; allowed: [\d.]+ ms for the 3 frames/,
    );
  });
});
