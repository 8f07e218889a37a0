/**
 * A conversation with the VLM, and the turns the chain is made of: ask for a check (or a sub-task list), parse
 * the reply, try the check in the sandbox, and send the problem back as the next turn until the reply is
 * usable or the repair budget is spent.
 */
import { PRELUDE_API, preludeApiFor } from "../program/prelude/index.ts";
import type { ChatReply, ContentPart, Message, Vlm } from "../vlm/types.ts";
import { frameDescription } from "./families.ts";
import {
  functionNameFor,
  type PlannedSubtask,
  parseCheckReply,
  parseProgressTerm,
  parseSubtaskList,
  shiftLines,
} from "./parse.ts";
import { describeProblems, probeCheck, probeProgress } from "./probe.ts";
import type { Scene } from "./scene.ts";
import { renderTemplate, renderText } from "./templates.ts";

/** The most sub-tasks the VLM may list (the RewardProgram limit). */
export { MAX_SUBTASKS } from "../program/program.ts";

/**
 * How a generation asks and assembles. 1: two images and the seed's mission (the zoo's recordings); 2: the
 * initial frames of several episodes, a task text true of every episode, the env family's frame description,
 * and checks kept exactly as written; 3: revision 2, and each sub-task's question (and refine) also asks for a
 * progress term where the sub-task moves something somewhere; 4: revision 3 with the faults blind answerers
 * reported on Panda fixed (FEEDBACK_REVISION); 5: revision 4 with the faults blind answerers reported on the
 * tabletop tasks fixed (TABLETOP_FEEDBACK_REVISION). A folder keeps the revision it was started with, so it
 * resumes and replays to the same requests.
 */
export type GenerationRevision = 1 | 2 | 3 | 4 | 5;
export const CURRENT_REVISION: GenerationRevision = 5;

/** From this revision on, a sub-task's check question also asks for a progress term (prompts/progress-term.md). */
export const PROGRESS_REVISION: GenerationRevision = 3;

/**
 * From this revision on: the API text fits the frames (no tiles or cell functions for frames that are no grid,
 * scan costs at the frames' size); Panda's frame description says what each task's object and target look
 * like; the progress-term question leaves no way round it where a sub-task moves something toward a place and
 * fits episodes of a few steps; a restarted chain is shown the failed attempt's feedback frames; verification
 * words feedback its third way (wording 3: a missed goal shows the episode's last frames, the goal's timing is
 * judged against the env's own success step with the tolerance stated) and judges with the current criteria.
 */
export const FEEDBACK_REVISION: GenerationRevision = 4;

/**
 * From this revision on: the API text says plainly that the time limit covers all checks and progress terms of
 * a frame together, and that only the API functions cache what they find in `first` (a check's own work on
 * `first` runs again on every call; one answerer's program spent twice the physics step's time that way);
 * and when the order question changes the plan, the check rewrites of that round are shown the plan and the
 * program as they then stand (revision 4 showed the rejected plan, so a replaced sub-task appeared under its
 * old name).
 */
export const TABLETOP_FEEDBACK_REVISION: GenerationRevision = 5;

export interface ChatSettings {
  temperature?: number;
  maxTokens?: number;
  /** Varies a restarted chain's requests, so the cache does not hand back the rejected answers. */
  seed?: number;
}

/** One call of the run, for the summary and the per-round record. */
export interface Turn {
  readonly stage: "goal" | "subtasks" | "check" | "repair" | "refine" | "order";
  /** The check it is about ("goal" for the goal check), when it is about one. */
  readonly check?: string;
  readonly callId: string;
  readonly source: ChatReply["source"];
  /** What was wrong with the reply, when it could not be used. */
  readonly problem?: string;
  /** Which of the candidates asked for the same check this turn belongs to (best of K; absent for the first). */
  readonly candidate?: number;
}

/** A usable check: its assembled code, and what wrote it. */
export interface CheckDraft {
  readonly code: string;
  /** The sub-task's progress term from the same reply (revision 3 on), assembled like the check. */
  readonly progress?: string;
  readonly functionName: string;
  readonly lineOffset: number;
  readonly callId: string;
  readonly provider: string;
  readonly model: string;
}

/** Raised when a reply stayed unusable after every repair turn; the chain cannot go on. */
export class UnusableReplyError extends Error {
  override name = "UnusableReplyError";
}

export class Conversation {
  readonly messages: Message[] = [];

  constructor(
    private readonly vlm: Vlm,
    readonly settings: ChatSettings,
    private readonly system: string,
    private readonly turns: Turn[],
    private readonly candidate?: number,
  ) {
    this.messages.push({ role: "system", content: [system] });
  }

  /** A new conversation with the same messages so far, which goes on apart from this one. */
  branch(settings: ChatSettings, turns: Turn[], candidate?: number): Conversation {
    const copy = new Conversation(this.vlm, settings, this.system, turns, candidate);
    copy.messages.push(...this.messages.slice(1));
    return copy;
  }

  /** Sends `content` as the next user turn; the reply joins the conversation. */
  async ask(content: ContentPart[], stage: Turn["stage"], check?: string): Promise<ChatReply> {
    this.messages.push({ role: "user", content });
    const reply = await this.vlm.chat({
      messages: this.messages,
      ...(this.settings.temperature === undefined ? {} : { temperature: this.settings.temperature }),
      ...(this.settings.maxTokens === undefined ? {} : { maxTokens: this.settings.maxTokens }),
      ...(this.settings.seed === undefined ? {} : { seed: this.settings.seed }),
    });
    this.messages.push({ role: "assistant", content: [reply.text] });
    this.turns.push({
      stage,
      ...(check ? { check } : {}),
      callId: reply.callId,
      source: reply.source,
      ...(this.candidate ? { candidate: this.candidate } : {}),
    });
    return reply;
  }

  /** Marks the last turn's reply as unusable, with the reason. */
  flagLast(problem: string): void {
    const last = this.turns.at(-1);
    if (last) this.turns[this.turns.length - 1] = { ...last, problem };
  }
}

/**
 * The system prompt: the program contract, the frame format and the prelude API, verbatim. Revision 2 adds
 * what the env family's renderer draws and what varies between episodes (families.ts); revision 1 is the
 * text recorded generations were asked with.
 */
export function systemPrompt(scene: Scene, revision: GenerationRevision = CURRENT_REVISION): string {
  const { width, height } = scene.initial;
  const described = revision >= 2 ? frameDescription(scene.envId, scene.render, revision) : "";
  const frames: Record<string, string> =
    revision >= 2 ? { frames: described ? `How the frames are drawn:\n\n${described}` : "" } : {};
  return renderText(revision >= 2 ? "system" : "system-v1", {
    ...frames,
    width,
    height,
    tile_line:
      scene.tileSize === undefined
        ? ""
        : `- The scene is a grid of square tiles of ${scene.tileSize} x ${scene.tileSize} pixels ` +
          `(${Math.floor(width / scene.tileSize)} columns, ${Math.floor(height / scene.tileSize)} rows); use ` +
          `tile = ${scene.tileSize} with the cell functions.`,
    api:
      revision >= FEEDBACK_REVISION
        ? preludeApiFor(
            { width, height, grid: scene.tileSize !== undefined },
            { ownWorkOnFirst: revision >= TABLETOP_FEEDBACK_REVISION },
          )
        : PRELUDE_API.trim(),
  });
}

/**
 * Asks for a check and repairs the reply until the sandbox accepts it on the two frames the VLM saw.
 * `check` is the sub-task name or "goal". Throws UnusableReplyError after `maxRepairs` repair turns.
 */
export async function askForCheck(
  conversation: Conversation,
  question: ContentPart[],
  check: string,
  scene: Scene,
  options: { maxRepairs: number; stage: Turn["stage"]; revision?: GenerationRevision },
): Promise<CheckDraft> {
  const fn = functionNameFor(check === "goal" ? "goal_reached" : check);
  let reply = await conversation.ask(question, options.stage, check);
  for (let repair = 0; ; repair++) {
    const parsed = parseCheckReply(reply.text, fn, {
      truncated: reply.finishReason === "length",
      legacy: (options.revision ?? CURRENT_REVISION) < 2,
    });
    let problem: string;
    if (parsed.ok) {
      const errors = probeCheck(check, parsed.value.code, {
        initial: scene.initial,
        goal: scene.goal,
        others: (scene.examples ?? []).slice(1).map((e) => e.initial),
      });
      // From revision 3 a sub-task's reply may carry a progress term; it is tried like the check.
      const wantsTerm = check !== "goal" && (options.revision ?? CURRENT_REVISION) >= PROGRESS_REVISION;
      const term = wantsTerm && errors.length === 0 ? parseProgressTerm(reply.text) : undefined;
      if (term !== undefined) {
        errors.push(
          ...probeProgress(check, term.code, {
            initial: scene.initial,
            goal: scene.goal,
            others: (scene.examples ?? []).slice(1).map((e) => e.initial),
          }),
        );
      }
      if (errors.length === 0) {
        return {
          code: parsed.value.code,
          ...(term ? { progress: term.code } : {}),
          functionName: parsed.value.functionName || fn,
          lineOffset: parsed.value.lineOffset,
          callId: reply.callId,
          provider: reply.provider,
          model: reply.model,
        };
      }
      problem = shiftLines(
        describeProblems(errors, (scene.examples?.length ?? 1) + 1),
        parsed.value.lineOffset,
      );
    } else {
      problem = parsed.problem;
    }
    conversation.flagLast(problem);
    if (repair >= options.maxRepairs) {
      throw new UnusableReplyError(
        `the reply for ${check === "goal" ? "the goal check" : `sub-task "${check}"`} was still unusable after ` +
          `${options.maxRepairs} repair turn(s): ${problem}`,
      );
    }
    reply = await conversation.ask(renderTemplate("repair-code", { problem, function: fn }), "repair", check);
  }
}

/** Asks for the sub-task list and repairs the reply until it parses. */
export async function askForPlan(
  conversation: Conversation,
  question: ContentPart[],
  options: { maxRepairs: number; maxSubtasks: number; stage: Turn["stage"]; revision?: GenerationRevision },
): Promise<PlannedSubtask[]> {
  let reply = await conversation.ask(question, options.stage);
  for (let repair = 0; ; repair++) {
    const parsed = parseSubtaskList(reply.text, options.maxSubtasks, {
      legacy: (options.revision ?? CURRENT_REVISION) < 2,
    });
    if (parsed.ok) return parsed.value;
    conversation.flagLast(parsed.problem);
    if (repair >= options.maxRepairs) {
      throw new UnusableReplyError(
        `the sub-task list was still unreadable after ${options.maxRepairs} repair turn(s): ${parsed.problem}`,
      );
    }
    reply = await conversation.ask(
      renderTemplate("repair-subtasks", { problem: parsed.problem, max_subtasks: options.maxSubtasks }),
      "repair",
    );
  }
}
