/**
 * Trying one check in the sandbox as soon as it arrives, before any verification: compile it, then run it on
 * the two frames the VLM was shown (initial and goal, with the initial frame as `first`). A syntax error, a
 * forbidden name, a throw or a non-boolean on those frames goes straight back to the VLM as a repair turn,
 * which costs one call instead of a verification round.
 */
import type { Frame } from "../image/frame.ts";
import { type CheckError, ProgramError } from "../program/errors.ts";
import { PROGRAM_FORMAT, parseRewardProgram } from "../program/program.ts";
import type { Sandbox } from "../program/sandbox.ts";
import { type OpenSandboxOptions, openSandbox } from "../program/supervised.ts";

/** Used for the other slot of the one-check program a probe compiles; it is never reported. */
const NEVER = "(frame, first) => false";
const PROBE_SUBTASK = "probe";

/**
 * The problems of one check's code, as sandbox errors (empty when it compiled and answered true or false on
 * both frames). `check` is the sub-task's name, or "goal".
 */
export function probeCheck(
  check: string,
  code: string,
  frames: {
    initial: Frame;
    goal: Frame;
    /**
     * Initial frames of the other episodes shown (image 2, 3, ...), each tried as its own first frame, so a
     * check that breaks on another layout goes back at once. Their errors name the image.
     */
    others?: readonly Frame[];
  },
  sandboxOptions?: OpenSandboxOptions,
): CheckError[] {
  const isGoal = check === "goal";
  const program = parseRewardProgram({
    format: PROGRAM_FORMAT,
    task: {},
    helpers: "",
    subtasks: [{ name: isGoal ? PROBE_SUBTASK : check, description: "", code: isGoal ? NEVER : code }],
    goal: { description: "", code: isGoal ? code : NEVER },
    provenance: { source: "vlm" },
  });
  let sandbox: Sandbox;
  try {
    sandbox = openSandbox(program, sandboxOptions);
  } catch (error) {
    if (error instanceof ProgramError) return error.errors.filter((e) => e.check !== PROBE_SUBTASK);
    throw error;
  }
  const index = isGoal ? 1 : 0;
  return problemsOnFrames(
    sandbox,
    frames,
    (e) => e.check === sandbox.checkNames[index] && e.term === undefined,
  );
}

/**
 * The errors `mine` selects from running `sandbox` on the initial and goal frames, then on each other
 * episode's initial frame as its own first frame (errors there name the image); disposes the sandbox.
 */
function problemsOnFrames(
  sandbox: Sandbox,
  frames: { initial: Frame; goal: Frame; others?: readonly Frame[] },
  mine: (error: CheckError) => boolean,
): CheckError[] {
  try {
    const own = (results: ReturnType<Sandbox["evaluate"]>): CheckError[] =>
      [...results.errors, ...(results.fatal ? [results.fatal] : [])].filter(mine);
    const errors = own(sandbox.evaluate([frames.initial, frames.goal], frames.initial));
    if (errors.length > 0) return errors;
    for (const [k, other] of (frames.others ?? []).entries()) {
      const found = own(sandbox.evaluate([other], other));
      if (found.length > 0) {
        // "frame 0" of this call is another episode's initial frame: say which image it was.
        return found.map((e) => ({
          ...e,
          message: e.message.replace(/ on frame 0\b/, ` on the initial frame of image ${k + 2}`),
        }));
      }
    }
    return [];
  } finally {
    sandbox.dispose();
  }
}

/**
 * The sandbox's words for a list of problems, with frame indexes named as the images the VLM saw: the
 * initial frame is image 1, the goal frame image `goalImage` (2 with one initial frame shown).
 */
export function describeProblems(errors: readonly CheckError[], goalImage = 2): string {
  return errors
    .map((e) =>
      e.message
        .replace(/ on frame 0\b/, " on the initial frame (image 1)")
        .replace(/ on frame 1\b/, ` on the goal frame (image ${goalImage})`),
    )
    .join(" ");
}

/**
 * The problems of a sub-task's progress term, tried like a check (probeCheck): it must compile and return a
 * number in [0, 1] on the frames the VLM saw. Errors name the term (`term: "progress"`).
 */
export function probeProgress(
  subtask: string,
  code: string,
  frames: { initial: Frame; goal: Frame; others?: readonly Frame[] },
  sandboxOptions?: OpenSandboxOptions,
): CheckError[] {
  const program = parseRewardProgram({
    format: PROGRAM_FORMAT,
    task: {},
    helpers: "",
    subtasks: [{ name: subtask, description: "", code: NEVER, progress: code }],
    goal: { description: "", code: NEVER },
    provenance: { source: "vlm" },
  });
  let sandbox: Sandbox;
  try {
    sandbox = openSandbox(program, sandboxOptions);
  } catch (error) {
    if (error instanceof ProgramError) return error.errors.filter((e) => e.term === "progress");
    throw error;
  }
  return problemsOnFrames(sandbox, frames, (e) => e.term === "progress");
}
