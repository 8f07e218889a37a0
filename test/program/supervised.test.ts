/**
 * The second wall: SupervisedSandbox runs programs in a child process, so whatever V8 does inside an isolate
 * (a fatal out-of-memory, a deadlock, an abort, a segfault) the host survives, reports a fatal error naming
 * the check and the cause, and goes on. Each crash here is real or a real signal to the child.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, describe, it } from "node:test";
import { ProgramError } from "../../src/program/errors.ts";
import type { RewardProgram } from "../../src/program/program.ts";
import { CHECK_ERROR } from "../../src/program/results.ts";
import { ProgramSandbox, type SandboxOptions } from "../../src/program/sandbox.ts";
import { openSandbox, SupervisedSandbox, sandboxChildPid } from "../../src/program/supervised.ts";
import { makeProgram, paint, RED, solid } from "./fixtures.ts";

const open: { dispose(): void }[] = [];
after(() => {
  for (const s of open) s.dispose();
});

function supervised(program: RewardProgram, options?: SandboxOptions): SupervisedSandbox {
  const s = new SupervisedSandbox(program, options);
  open.push(s);
  return s;
}

const first = solid(16, 16);
const withRed = paint(first, 2, 2, 3, 3, RED);
/** Code that runs `body` only on a frame with the red square, and returns true otherwise. */
const onRed = (body: string) =>
  `(frame) => { if (frame.data[(2 * 16 + 2) * 3] !== 255) return true; ${body} }`;
const withBad = (bad: string) =>
  makeProgram(
    { fine: "(frame) => frame.width === 16", bad },
    "(frame) => countColor(frame, [255, 0, 0]) > 0",
  );

describe("SupervisedSandbox: the same answers as in-process", () => {
  it("evaluates, reports check errors and latches like ProgramSandbox", () => {
    const program = withBad(
      "(frame) => { if (frame.data[(2 * 16 + 2) * 3] === 255) throw new Error('red'); return true; }",
    );
    const inside = new ProgramSandbox(program);
    open.push(inside);
    const outside = supervised(program);
    for (const options of [{}, { latchFrom: 0 }, { reverseChecks: true }]) {
      const a = inside.evaluate([first, withRed, first], first, options);
      const b = outside.evaluate([first, withRed, first], first, options);
      assert.deepEqual([...b.values], [...a.values]);
      assert.deepEqual(b.errors, a.errors);
    }
    assert.deepEqual(outside.checkNames, ["fine", "bad", "goal"]);
  });

  it("throws ProgramError for a program that does not compile, as in-process", () => {
    assert.throws(
      () => openSandbox(withBad("(frame) => {"), { isolation: "process" }),
      (error) => error instanceof ProgramError && error.errors[0].check === "bad",
    );
  });
});

describe("SupervisedSandbox: the host survives what kills an isolate's process", () => {
  function expectCrash(bad: string, options: SandboxOptions, during?: (pid: number) => void) {
    const bystander = supervised(
      makeProgram({ red: "(frame) => hasColor(frame, [255, 0, 0])" }, "(f) => false"),
    );
    assert.equal(bystander.evaluate([withRed], first).fired(0, 0), true);
    const s = supervised(withBad(bad), options);
    s.evaluate([first], first); // the child is up
    const pid = sandboxChildPid();
    assert.ok(pid !== undefined);
    during?.(pid);
    const r = s.evaluate([first, first, withRed, first], first);
    assert.ok(r.fatal, "the call reports a fatal error");
    assert.equal(r.fatal.check, "bad", r.fatal.message);
    assert.equal(r.fatal.frameIndex, 2, r.fatal.message);
    assert.equal(r.value(1, 2), CHECK_ERROR);
    if (r.fatal.kind === "isolate-crashed") {
      assert.equal(r.completed, 2, "the frames before the crash keep their values (run again)");
      assert.deepEqual([...r.row(0)], [1, 1, 0]);
    }
    // A crash replaces the child; a memory error that isolated-vm caught in time leaves the child running.
    if (r.fatal.kind === "isolate-crashed") assert.notEqual(sandboxChildPid(), pid, "a new child took over");
    // The host goes on: the same sandbox and one opened before the crash both answer.
    assert.deepEqual([...s.evaluate([first], first).values], [1, 1, 0]);
    assert.equal(bystander.evaluate([withRed], first).fired(0, 0), true);
    return r.fatal;
  }

  // V8 usually aborts (or deadlocks) on these; on a busy machine isolated-vm sometimes stops them first as a
  // memory error. Either way the host reports it and goes on.
  it("a Map grown past V8's limits (fatal out-of-memory, then a deadlock)", () => {
    const fatal = expectCrash(onRed("const m = new Map(); for (let i = 0; ; i++) m.set(i, i);"), {
      memoryLimitMb: 32,
    });
    assert.ok(["isolate-crashed", "memory"].includes(fatal.kind), fatal.message);
    assert.match(fatal.message, /out of memory|memory limit/);
  });

  it("an array too large for V8 (fatal invalid size)", () => {
    const fatal = expectCrash(onRed("return new Array(2 ** 28).fill(0).length > 0;"), { memoryLimitMb: 32 });
    assert.ok(["isolate-crashed", "memory"].includes(fatal.kind), fatal.message);
  });

  for (const signal of ["SIGSEGV", "SIGABRT"] as const) {
    it(`a ${signal} of the process while a check runs`, () => {
      const fatal = expectCrash(onRed("for (;;) {}"), { timeLimitMs: 300, warmupMs: 0 }, (pid) => {
        // Sent from another process: this thread is blocked in the call until the child dies.
        spawn("sh", ["-c", `sleep 0.7; kill -${signal.slice(3)} ${pid}`], {
          stdio: "ignore",
          detached: true,
        }).unref();
      });
      assert.equal(fatal.kind, "isolate-crashed");
      assert.match(fatal.message, /the sandbox process/);
    });
  }
});
