import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  checkNames,
  PROGRAM_FORMAT,
  ProgramValidationError,
  parseRewardProgram,
  programHash,
} from "../../src/program/program.ts";
import { makeProgram } from "./fixtures.ts";

const valid = {
  format: PROGRAM_FORMAT,
  task: { envId: "MiniGrid-DoorKey-8x8-v0", description: "open the door" },
  helpers: "const KEY = [255, 255, 0];",
  subtasks: [{ name: "pick_up_key", description: "the key is gone", code: "(frame) => true" }],
  goal: { description: "at the goal", code: "(frame, first) => false" },
  provenance: {
    source: "vlm",
    provider: "openai",
    model: "gpt-4o",
    transcriptId: "t1",
    createdAt: "2024-05-01T12:00:00Z",
  },
};

function problems(value: unknown): readonly string[] {
  try {
    parseRewardProgram(value);
  } catch (error) {
    assert.ok(error instanceof ProgramValidationError);
    return error.problems;
  }
  assert.fail("expected a validation error");
}

describe("RewardProgram", () => {
  it("keeps the render spec it was verified with, and the spec counts in the hash", () => {
    const scene = { mode: "scene", width: 128, height: 96, shadows: false, camera: { yaw: 30, distance: 1 } };
    const withRender = parseRewardProgram({ ...valid, render: scene });
    assert.deepEqual(withRender.render, scene);
    const without = parseRewardProgram(valid);
    assert.equal(without.render, undefined);
    assert.notEqual(programHash(withRender), programHash(without));
    // Key order does not matter; a different size does.
    const reordered = {
      ...withRender,
      render: { camera: { distance: 1, yaw: 30 }, shadows: false, height: 96, width: 128, mode: "scene" },
    } as typeof withRender;
    assert.equal(programHash(reordered), programHash(withRender));
    assert.notEqual(
      programHash({ ...withRender, render: { ...scene, width: 160 } } as typeof withRender),
      programHash(withRender),
    );
    assert.ok(
      problems({ ...valid, render: { mode: "scene", width: -1, height: 96 } }).some((p) =>
        p.startsWith("render"),
      ),
    );
    assert.ok(problems({ ...valid, render: { mode: "photo" } }).some((p) => p.startsWith("render")));
  });

  it("accepts a well-formed program and survives a JSON round trip", () => {
    const program = parseRewardProgram(JSON.parse(JSON.stringify(valid)));
    assert.equal(program.subtasks[0].name, "pick_up_key");
    assert.deepEqual(checkNames(program), ["pick_up_key", "goal"]);
  });

  it("lists every problem with its path", () => {
    const bad = {
      ...valid,
      format: "vlmcar.program/0",
      subtasks: [
        { name: "goal", description: "x", code: "() => true" },
        { name: "b", description: "x", code: "   " },
      ],
      provenance: { source: "gpt" },
    };
    const found = problems(bad);
    assert.ok(
      found.some((p) => p.startsWith("format:")),
      found.join("\n"),
    );
    assert.ok(
      found.some((p) => p.startsWith("subtasks[0].name:") && p.includes('"goal"')),
      found.join("\n"),
    );
    assert.ok(
      found.some((p) => p.startsWith("subtasks[1].code:") && p.includes("empty")),
      found.join("\n"),
    );
    assert.ok(
      found.some((p) => p.startsWith("provenance.source:")),
      found.join("\n"),
    );
  });

  it("requires 1 to 5 sub-tasks with unique names", () => {
    assert.ok(problems({ ...valid, subtasks: [] }).some((p) => p.includes("at least one")));
    const six = Array.from({ length: 6 }, (_, i) => ({ name: `s${i}`, description: "", code: "() => true" }));
    assert.ok(problems({ ...valid, subtasks: six }).some((p) => p.includes("at most 5")));
    const twice = [valid.subtasks[0], valid.subtasks[0]];
    assert.ok(problems({ ...valid, subtasks: twice }).some((p) => p.includes("unique")));
  });

  it("hashes the code, not the provenance or descriptions", () => {
    const a = parseRewardProgram(valid);
    const b = parseRewardProgram({
      ...valid,
      goal: { ...valid.goal, description: "other words" },
      provenance: { source: "hand-written" },
    });
    assert.equal(programHash(a), programHash(b));
    assert.match(programHash(a), /^[0-9a-f]{64}$/);
    const c = parseRewardProgram({ ...valid, goal: { ...valid.goal, code: "(frame, first) => true" } });
    assert.notEqual(programHash(a), programHash(c));
    const d = parseRewardProgram({ ...valid, helpers: "const KEY = [255, 255, 1];" });
    assert.notEqual(programHash(a), programHash(d));
  });

  it("hashes sub-task order", () => {
    const ab = makeProgram({ a: "() => true", b: "() => false" }, "() => true");
    const ba = makeProgram({ b: "() => false", a: "() => true" }, "() => true");
    assert.notEqual(programHash(ab), programHash(ba));
  });
});
