/** Small programs and synthetic frames shared by the program tests. */
import { after } from "node:test";
import type { Frame } from "../../src/image/frame.ts";
import { parseRewardProgram, type RewardProgram } from "../../src/program/program.ts";
import { ProgramSandbox, type SandboxOptions } from "../../src/program/sandbox.ts";

/** A ProgramSandbox that is disposed after the test file's tests. */
export function sandboxForTest(program: RewardProgram, options?: SandboxOptions): ProgramSandbox {
  const s = new ProgramSandbox(program, options);
  after(() => s.dispose());
  return s;
}

export type Rgb = [number, number, number];

/** A frame filled with one colour. */
export function solid(width: number, height: number, color: Rgb = [0, 0, 0]): Frame {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(color, i);
  return { width, height, data };
}

/** A copy of `frame` with the rectangle (x, y, w, h) painted in `color`. */
export function paint(frame: Frame, x: number, y: number, w: number, h: number, color: Rgb): Frame {
  const data = frame.data.slice();
  for (let row = y; row < y + h; row++) {
    for (let col = x; col < x + w; col++) data.set(color, (row * frame.width + col) * 3);
  }
  return { width: frame.width, height: frame.height, data };
}

/** A valid program: sub-task checks by name and code, a goal, optional helpers. */
export function makeProgram(subtasks: Record<string, string>, goal: string, helpers = ""): RewardProgram {
  return parseRewardProgram({
    format: "vlmcar.program/1",
    task: { description: "test program" },
    helpers,
    subtasks: Object.entries(subtasks).map(([name, code]) => ({ name, description: `${name} done`, code })),
    goal: { description: "goal reached", code: goal },
    provenance: { source: "fixture" },
  });
}

/** `program` with progress terms added to the named sub-tasks. */
export function withProgress(program: RewardProgram, terms: Record<string, string>): RewardProgram {
  return parseRewardProgram({
    ...program,
    subtasks: program.subtasks.map((s) => (s.name in terms ? { ...s, progress: terms[s.name] } : s)),
  });
}

export const RED: Rgb = [255, 0, 0];
export const GREEN: Rgb = [0, 255, 0];
export const BLUE: Rgb = [0, 0, 255];
