/**
 * Garbled reward programs for fuzzing the sandbox: seeded mutations of working programs (spans deleted,
 * duplicated or moved, characters swapped, tokens a broken or hostile program would contain inserted). The
 * fuzz test and `npm run bench:program -- --fuzz` push them through compile and evaluate in one host and
 * count what came back: a working result, a ProgramError at compile time, or errors in the results. Anything
 * else (an exception of another kind, a hang, the host dying) is a failure of the sandbox.
 */
import "../env/minigrid/index.ts";
import { make } from "../env/registry.ts";
import type { Frame } from "../image/frame.ts";
import { ProgramError } from "./errors.ts";
import { parseRewardProgram, type RewardProgram } from "./program.ts";
import type { Sandbox } from "./sandbox.ts";
import { type OpenSandboxOptions, openSandbox } from "./supervised.ts";

/** Tokens that broken or hostile code contains; a mutation inserts one of them. */
const TOKENS = [
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ";",
  ",",
  "/",
  '"',
  "'",
  "`",
  "=>",
  "return ",
  "this",
  "this.",
  "async ",
  "await ",
  "function ",
  "new ",
  "for (;;) {}",
  "while (true) {}",
  "new Array(1e9)",
  "new Map()",
  "1e9",
  "-1",
  "0",
  "null",
  "undefined",
  "frame.data.buffer",
  "first.data.fill(1)",
  "Promise.resolve().then(() => 0)",
  "throw 1;",
  "[].co\\u006estructor",
  "Date.now()",
  "Math.random()",
  "'x'.repeat(1 << 28)",
  "countColor(",
  "blobs(",
  "findCells(",
  "mask(",
];

/** A small seeded generator (mulberry32): the same seed always gives the same mutants. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `code` with 1-3 random mutations. */
export function garbleCode(code: string, random: () => number): string {
  let out = code;
  const mutations = 1 + Math.floor(random() * 3);
  for (let m = 0; m < mutations; m++) {
    const at = Math.floor(random() * (out.length + 1));
    const span = 1 + Math.floor(random() * Math.min(40, out.length + 1));
    const kind = Math.floor(random() * 5);
    if (kind === 0) out = out.slice(0, at) + out.slice(at + span);
    else if (kind === 1) out = out.slice(0, at) + out.slice(at, at + span) + out.slice(at);
    else if (kind === 2 && out.length > 1) {
      const i = Math.floor(random() * (out.length - 1));
      out = out.slice(0, i) + out[i + 1] + out[i] + out.slice(i + 2);
    } else if (kind === 3) {
      const to = Math.floor(random() * (out.length + 1));
      const piece = out.slice(at, at + span);
      const rest = out.slice(0, at) + out.slice(at + span);
      out = rest.slice(0, to) + piece + rest.slice(to);
    } else {
      const token = TOKENS[Math.floor(random() * TOKENS.length)];
      out = out.slice(0, at) + token + out.slice(at);
    }
  }
  return out;
}

/** A mutant of `program`: one of its checks or its helpers garbled. */
export function garbleProgram(program: RewardProgram, random: () => number): RewardProgram {
  const parts = program.subtasks.length + 2;
  const target = Math.floor(random() * parts);
  const helpers = target === parts - 1 ? garbleCode(program.helpers, random) : program.helpers;
  return parseRewardProgram({
    ...program,
    helpers,
    subtasks: program.subtasks.map((s, i) => (i === target ? { ...s, code: garbleCode(s.code, random) } : s)),
    goal:
      target === program.subtasks.length
        ? { ...program.goal, code: garbleCode(program.goal.code, random) }
        : program.goal,
    provenance: { source: "fixture" },
  });
}

/** Frames to fuzz with: the first frame of a DoorKey-8x8 episode and the next four (real renders). */
export function fuzzFrames(): { first: Frame; frames: Frame[] } {
  const env = make("MiniGrid-DoorKey-8x8-v0");
  env.reset({ seed: 1 });
  const first = env.render();
  const frames: Frame[] = [];
  for (const action of [0, 2, 2, 1]) {
    env.step(action);
    frames.push(env.render());
  }
  return { first, frames };
}

/** What the fuzz run saw. */
export interface FuzzSummary {
  programs: number;
  /** Compiled and evaluated every frame without an error. */
  clean: number;
  /** Refused at compile time with a ProgramError. */
  compileErrors: number;
  /** Compiled; the results carry check errors or a fatal error (timeout, memory, crash). */
  runErrors: number;
  /** How many of the fatal errors were crashes of the sandbox process (the second wall at work). */
  crashes: number;
  /** Anything else: an exception that was not a ProgramError, or a malformed result. Must be empty. */
  hostFailures: string[];
  /** Programs whose compile + evaluate took longer than `hangMs` of wall time. Must be empty. */
  hangs: number;
  slowestMs: number;
}

export interface FuzzOptions {
  programs: readonly RewardProgram[];
  count: number;
  seed: number;
  frames: readonly Frame[];
  first: Frame;
  sandbox: OpenSandboxOptions;
  /** Wall time above which one program counts as a hang (default 60 s). */
  hangMs?: number;
  onProgress?: (done: number) => void;
}

/** Compiles and evaluates `count` mutants of `programs` in this process; never throws for a mutant's fault. */
export function fuzzSandbox(options: FuzzOptions): FuzzSummary {
  const random = seededRandom(options.seed);
  const hangMs = options.hangMs ?? 60_000;
  const summary: FuzzSummary = {
    programs: 0,
    clean: 0,
    compileErrors: 0,
    runErrors: 0,
    crashes: 0,
    hostFailures: [],
    hangs: 0,
    slowestMs: 0,
  };
  for (let i = 0; i < options.count; i++) {
    const base = options.programs[i % options.programs.length];
    const mutant = garbleProgram(base, random);
    const started = performance.now();
    summary.programs++;
    let sandbox: Sandbox | undefined;
    try {
      sandbox = openSandbox(mutant, options.sandbox);
      const r = sandbox.evaluate(options.frames, options.first);
      if (r.values.length !== options.frames.length * sandbox.checkNames.length)
        summary.hostFailures.push(
          `mutant ${i}: ${r.values.length} values for ${options.frames.length} frames`,
        );
      else if (r.ok) summary.clean++;
      else summary.runErrors++;
      if (r.fatal?.kind === "isolate-crashed") summary.crashes++;
    } catch (error) {
      if (error instanceof ProgramError) summary.compileErrors++;
      else summary.hostFailures.push(`mutant ${i}: ${error instanceof Error ? error.stack : String(error)}`);
    } finally {
      sandbox?.dispose();
    }
    const ms = performance.now() - started;
    summary.slowestMs = Math.max(summary.slowestMs, ms);
    if (ms > hangMs) summary.hangs++;
    options.onProgress?.(i + 1);
  }
  return summary;
}
