/**
 * RewardProgram: the reward code a VLM writes (or a person, for reference programs), as plain JSON.
 *
 * A program is a list of ordered sub-task checks and one goal check, each a JavaScript function
 * `(frame, first) => boolean` over RGB pixels, plus shared helper code and where it came from. The program
 * holds no state: the framework's tracker (tracker.ts) decides when a sub-task counts as done. A sub-task may
 * also carry a progress term `(frame, first) => number` in [0, 1], paid as potential-based shaping.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { canonical, type RenderSpec, renderSpecSchema } from "../trajectories/render-spec.ts";

export const PROGRAM_FORMAT = "vlmcar.program/1";

/** The most sub-tasks a program may have; the VLM chooses how many (the paper's scripts use 1 to 3). */
export const MAX_SUBTASKS = 5;

/** Check names that mean something else in errors and reports. */
const RESERVED_NAMES = new Set(["goal", "helpers"]);

const codeField = z
  .string({ error: "must be a string of JavaScript code" })
  .refine((code) => code.trim().length > 0, {
    message: "is empty; write a function (frame, first) => boolean",
  });

const subtaskSchema = z.object({
  name: z
    .string({ error: "must be a string" })
    .regex(/^[A-Za-z][A-Za-z0-9_ -]{0,63}$/, {
      message: "must start with a letter and use at most 64 letters, digits, spaces, '_' or '-'",
    })
    .refine((name) => !RESERVED_NAMES.has(name), { message: 'must not be "goal" or "helpers"' }),
  description: z.string({ error: "must be a string" }),
  code: codeField.meta({
    description: "JavaScript: one function (frame, first) => boolean, true once the sub-task is done",
  }),
  progress: z
    .string({ error: "must be a string of JavaScript code" })
    .refine((code) => code.trim().length > 0, {
      message: "is empty; write a function (frame, first) => number in [0, 1], or leave the field out",
    })
    .optional(),
});

const provenanceSchema = z.object({
  source: z
    .enum(["vlm", "hand-written", "fixture"], { error: 'must be "vlm", "hand-written" or "fixture"' })
    .meta({ description: "who wrote the code; never label hand-written code as a VLM's" }),
  provider: z.string().optional(),
  model: z.string().optional(),
  transcriptId: z.string().optional(),
  createdAt: z.iso.datetime({ error: "must be an ISO 8601 date-time, e.g. 2024-05-01T12:00:00Z" }).optional(),
  notes: z.string().optional(),
});

export const programSchema = z.object({
  format: z.literal(PROGRAM_FORMAT, { error: `must be "${PROGRAM_FORMAT}"` }),
  task: z.object({ envId: z.string().optional(), description: z.string().optional() }),
  helpers: z
    .string({ error: "must be a string of JavaScript (may be empty)" })
    .meta({ description: "JavaScript shared by every check (functions, constants); may be empty" }),
  subtasks: z
    .array(subtaskSchema, { error: "must be a list of { name, description, code }" })
    .meta({ description: `the sub-tasks in the order they must be done (1 to ${MAX_SUBTASKS})` })
    .min(1, { message: "needs at least one sub-task" })
    .max(MAX_SUBTASKS, { message: `may have at most ${MAX_SUBTASKS} sub-tasks` })
    .refine((list) => new Set(list.map((s) => s.name)).size === list.length, {
      message: "names must be unique",
    }),
  goal: z
    .object({ description: z.string({ error: "must be a string" }), code: codeField })
    .meta({ description: "the final check: (frame, first) => true when the task is solved" }),
  provenance: provenanceSchema.meta({ description: "where the program came from" }),
  render: renderSpecSchema
    .meta({ description: "the frames the checks were written and verified for; training renders the same" })
    .optional(),
});

/** One sub-task: a name used in reports and errors, what it means, and its completion check. */
export interface Subtask {
  readonly name: string;
  readonly description: string;
  /** JavaScript: one function `(frame, first) => boolean` (see CHECK_FORMS in errors.ts). */
  readonly code: string;
  /**
   * Optional JavaScript: one function `(frame, first) => number` in [0, 1], how far the sub-task has got
   * (0 = not started, 1 = done). Paid as potential-based shaping (reward-wrapper.ts) and verified to rise on
   * expert trajectories and stay low on random ones (src/verify/progress.ts).
   */
  readonly progress?: string;
}

/** Where a program came from. Never label hand-written text as a VLM's output. */
export interface Provenance {
  readonly source: "vlm" | "hand-written" | "fixture";
  readonly provider?: string;
  readonly model?: string;
  /** Id of the VLM transcript that produced it, so the exchange can be replayed. */
  readonly transcriptId?: string;
  /** ISO 8601 date-time. */
  readonly createdAt?: string;
  readonly notes?: string;
}

/**
 * A reward program as JSON. Inside the sandbox, every check is called as `check(frame, first)` where both are
 * `{ width, height, data: Uint8Array }` (RGB, row-major) and `first` is the episode's first frame; `helpers`
 * is run once before the checks, so its functions and constants are visible to every check.
 */
export interface RewardProgram {
  readonly format: typeof PROGRAM_FORMAT;
  readonly task: { readonly envId?: string; readonly description?: string };
  /** Shared JavaScript declarations (functions, constants); may be empty. */
  readonly helpers: string;
  /** Ordered: sub-task k counts only after sub-tasks 1..k-1. One to MAX_SUBTASKS of them. */
  readonly subtasks: readonly Subtask[];
  readonly goal: { readonly description: string; readonly code: string };
  readonly provenance: Provenance;
  /**
   * The frames the checks read: the render spec the program was generated and verified with. Training renders
   * exactly this; absent means the env's default (`defaultRenderFor`), as for programs written before the field.
   */
  readonly render?: RenderSpec;
}

/** Raised by parseRewardProgram; `problems` lists every problem found, one line each. */
export class ProgramValidationError extends Error {
  override name = "ProgramValidationError";
  constructor(readonly problems: readonly string[]) {
    super(`invalid reward program:\n${problems.map((p) => `- ${p}`).join("\n")}`);
  }
}

function pathText(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || "program";
}

/**
 * Checks that `value` is a well-formed RewardProgram and returns it typed; unknown fields are dropped.
 * Throws ProgramValidationError listing every problem (e.g. `subtasks[1].code: is empty; ...`).
 */
export function parseRewardProgram(value: unknown): RewardProgram {
  const result = programSchema.safeParse(value);
  if (!result.success) {
    throw new ProgramValidationError(result.error.issues.map((i) => `${pathText(i.path)}: ${i.message}`));
  }
  return result.data as RewardProgram;
}

/** The check names in evaluation order: the sub-tasks', then "goal". Results and trackers use this order. */
export function checkNames(program: RewardProgram): string[] {
  return [...program.subtasks.map((s) => s.name), "goal"];
}

/**
 * A content hash of what determines the program's rewards: format, helpers, and each check's name and code
 * (and progress term, where a sub-task has one), in order. Descriptions, the task and provenance are left out,
 * so the same code from two sources hashes alike; a sub-task without a progress term serialises exactly as
 * before progress terms existed, so such programs keep their hashes. The render spec counts (the same code on
 * other frames gives other rewards) and is appended only when present, for the same reason.
 * Returns 64 hex digits (SHA-256 of a canonical JSON serialisation).
 */
export function programHash(program: RewardProgram): string {
  const serialised = JSON.stringify([
    program.format,
    program.helpers,
    program.subtasks.map((s) => (s.progress === undefined ? [s.name, s.code] : [s.name, s.code, s.progress])),
    program.goal.code,
    ...(program.render === undefined ? [] : [canonical(program.render)]),
  ]);
  return createHash("sha256").update(serialised).digest("hex");
}

/** Whether any sub-task of `program` carries a progress term. */
export function hasProgressTerms(program: RewardProgram): boolean {
  return program.subtasks.some((s) => s.progress !== undefined);
}

/** Reads and validates a program from a JSON file. */
export function loadRewardProgram(path: string): RewardProgram {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ProgramValidationError([`${path}: cannot read it as JSON (${(error as Error).message})`]);
  }
  return parseRewardProgram(json);
}

/** Writes a program as pretty-printed JSON (validated first, so only loadable files are written). */
export function saveRewardProgram(path: string, program: RewardProgram): void {
  writeFileSync(path, `${JSON.stringify(parseRewardProgram(program), null, 2)}\n`);
}
