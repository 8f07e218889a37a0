/**
 * generateProgram: initial + goal frame → prompt chain → RewardProgram → verify → refine, until the program
 * passes or the rounds run out. Every round is written to the generation folder as it happens (see
 * zoo/README.md for the layout), so a killed run can be resumed: run it again into the same folder and the VLM
 * client answers every request it already paid for from the folder's transcript (the loop is deterministic
 * given the replies), and stored verification reports are reused.
 *
 *   const vlm = createVlmClient("openai:gpt-4o", { transcript: transcriptPath(dir) });
 *   const { summary } = await generateProgram({ envId: "MiniGrid-DoorKey-5x5-v0", vlm, vlmSpec: "openai:gpt-4o", outDir: dir });
 *
 * A round is: get a program (the whole chain in round 1 and after a restart; otherwise rewrite only what
 * verification flagged), verify it, record both. The chain is the paper's: what is the final goal; which
 * sub-tasks lead there, in order; for each, how would you know it is done (a check); how would you know the
 * goal is reached (a check). Every check is tried in the sandbox as it arrives, and its problems go straight
 * back to the VLM (a bounded number of repair turns).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Frame } from "../image/frame.ts";
import { decodePng, encodePng } from "../image/png.ts";
import {
  MAX_SUBTASKS,
  PROGRAM_FORMAT,
  parseRewardProgram,
  programHash,
  type RewardProgram,
  saveRewardProgram,
} from "../program/program.ts";
import { defaultRenderFor, type RenderSpec, sameRender } from "../trajectories/render-spec.ts";
import { combineCandidates, type StageScore } from "../verify/combine.ts";
import { LEGACY_RULES, resolveCriteria, type VerifyCriteria } from "../verify/criteria.ts";
import type { FeedbackItem, Verification, VerificationReport, Wording } from "../verify/report.ts";
import { writeVerification } from "../verify/report.ts";
import { verifyProgram } from "../verify/verify.ts";
import { VlmClient } from "../vlm/client.ts";
import { VlmError } from "../vlm/errors.ts";
import type { ContentPart, Vlm } from "../vlm/types.ts";
import {
  askForCheck,
  askForPlan,
  type ChatSettings,
  type CheckDraft,
  Conversation,
  CURRENT_REVISION,
  FEEDBACK_REVISION,
  type GenerationRevision,
  PROGRESS_REVISION,
  systemPrompt,
  TABLETOP_FEEDBACK_REVISION,
  type Turn,
  UnusableReplyError,
} from "./conversation.ts";
import { functionNameFor, type PlannedSubtask, shiftLines } from "./parse.ts";
import { flaggedChecks, nextStreaks, planRefinement, type RefinePlan } from "./refine.ts";
import { buildScene, type Scene, type SceneExample } from "./scene.ts";
import { renderTemplate, renderText, type TemplateValue } from "./templates.ts";

export const GENERATION_FORMAT = "vlmcar.generation/1";

export interface GenerateOptions {
  envId: string;
  /** The task in words; default: the env's mission. */
  task?: string;
  /** The VLM, normally a VlmClient writing `transcriptPath(outDir)`. */
  vlm: Vlm;
  /** The `provider:model` spec, recorded in the summary. */
  vlmSpec: string;
  outDir: string;
  /** Verification rounds at most (default 4). */
  maxRounds?: number;
  /** Expert and random trajectories per verification (defaults 20 and 100). */
  experts?: number;
  random?: number;
  /** Seed of the goal frame's expert episode and of the first verification episodes (default 0). */
  seed?: number;
  render?: RenderSpec;
  /** Repair turns per reply that cannot be used (default 2). */
  maxRepairs?: number;
  /** Restart the chain when a check is flagged this many rounds in a row (default 2). */
  restartAfter?: number;
  /** Sampling temperature (default 0: the most repeatable answers). */
  temperature?: number;
  maxTokens?: number;
  criteria?: Partial<VerifyCriteria>;
  /**
   * Candidates asked for each check (default 1). With K > 1 every check question is asked K times (sampling
   * seeds differ), each candidate's fire pattern is scored once on the verification trajectories, and the best
   * combination is kept (checks are independent until the tracker); the round records pass rates per stage.
   */
  candidates?: number;
  /** Initial frames shown in the chain's first turn, of as many episodes (default 3; revision 2 only). */
  initialFrames?: number;
  /**
   * How the generation asks (see GenerationRevision); default: the folder's own revision when resuming, the
   * recording's when replaying a transcript whose folder names one, else the current one.
   */
  revision?: GenerationRevision;
  /** How provenance labels the program: "vlm", or "fixture" for replies scripted by tests. */
  provenanceSource?: "vlm" | "fixture";
  /** Progress lines for people (default: none). */
  log?: (line: string) => void;
  /** Verification progress bars (default false). */
  progress?: boolean | "auto";
}

export interface RoundRecord {
  readonly round: number;
  /** Which chain attempt produced the program (0 = the first; each restart adds one). */
  readonly attempt: number;
  /** "chain": the whole chain ran; "refine": only flagged parts were rewritten. */
  readonly action: "chain" | "refine";
  /** Why this round did what it did (after round 1). */
  readonly reason?: string;
  readonly program?: string;
  readonly programHash?: string;
  readonly verification?: string;
  readonly accepted: boolean;
  readonly failedRules: readonly string[];
  /** Set when the round produced no program (a reply stayed unusable). */
  readonly error?: string;
  /** Best of K: how the candidates were scored, and each stage's pass rate (absent when K = 1). */
  readonly candidates?: CandidateSelection;
  readonly turns: readonly Turn[];
}

/** The outcome of scoring a round's candidate checks (see src/verify/combine.ts). */
export interface CandidateSelection {
  readonly combinations: number;
  readonly searched: "exhaustive" | "greedy";
  /** Whether the combination kept passed every rule when scored (its full verification is the round's). */
  readonly accepted: boolean;
  readonly stages: readonly StageScore[];
}

export interface GenerationSummary {
  readonly format: typeof GENERATION_FORMAT;
  readonly env: string;
  readonly task: string;
  readonly vlm: string;
  /**
   * "running" while rounds are still to come (the summary is rewritten after every round); "waiting" when a
   * `manual` reply did not come in time: no verdict yet, and rerunning the command resumes.
   */
  readonly verdict: "accepted" | "rejected" | "failed" | "running" | "waiting";
  /** Why the run stopped early (a VLM error, the budget, no experts). */
  readonly error?: string;
  readonly program: string | null;
  readonly programHash: string | null;
  readonly rounds: readonly RoundRecord[];
  readonly calls: {
    readonly total: number;
    readonly paid: number;
    readonly cached: number;
    readonly replayed: number;
    readonly failed: number;
    readonly repairs: number;
  };
  readonly tokens: { readonly input: number; readonly output: number };
  readonly costUsd: number;
  /** This run's wall time, and that of every run into this folder together. */
  readonly wallSeconds: number;
  readonly totalWallSeconds: number;
  readonly settings: Record<string, unknown>;
  readonly startedAt: string;
  readonly finishedAt: string;
}

export interface GenerationResult {
  readonly dir: string;
  readonly summary: GenerationSummary;
  /** The final program (accepted or, when the rounds ran out, the last one), or null when none was made. */
  readonly program: RewardProgram | null;
}

/** Where a generation folder keeps its transcript. */
export function transcriptPath(outDir: string): string {
  return join(outDir, "transcript.jsonl");
}

/**
 * Where a `manual` provider writes a generation's request folders unless VLMCAR_MANUAL_DIR says otherwise: inside
 * the generation folder, so that a request is matched only with replies written for this generation (a folder
 * shared between runs handed an earlier run's reply to an identical prompt back as this run's answer).
 */
export function manualDirFor(outDir: string): string {
  return join(outDir, "manual");
}

/** Raised for inputs a generation cannot start with; the message says what to change. */
export class GenerateError extends Error {
  override name = "GenerateError";
}

/** The chain's state: what the VLM said the goal and plan are, and the current check for each. */
interface Draft {
  attempt: number;
  goal: string;
  plan: PlannedSubtask[];
  checks: Map<string, CheckDraft>;
  /** This round's candidates per check, when more than one was asked (best of K); the first is in `checks`. */
  alternatives: Map<string, CheckDraft[]>;
}

export async function generateProgram(options: GenerateOptions): Promise<GenerationResult> {
  const started = new Date();
  const dir = options.outDir;
  const maxRounds = positive("maxRounds", options.maxRounds ?? 4);
  const experts = positive("experts", options.experts ?? 20);
  const random = positive("random", options.random ?? 100, true);
  const maxRepairs = positive("maxRepairs", options.maxRepairs ?? 2, true);
  const restartAfter = positive("restartAfter", options.restartAfter ?? 2);
  const seed = options.seed ?? 0;
  const log = options.log ?? (() => {});
  const revision = resolveRevision(options, dir);
  // Revisions 1-3 are judged by the rules they were recorded with, so they replay to the same verdicts.
  const criteria = resolveCriteria({
    ...(revision < FEEDBACK_REVISION ? LEGACY_RULES : {}),
    ...options.criteria,
  });
  const initialFrames = revision >= 2 ? positive("initialFrames", options.initialFrames ?? 3) : 1;
  const candidates = positive("candidates", options.candidates ?? 1);
  const settings = {
    revision,
    ...(revision >= 2 ? { initialFrames } : {}),
    ...(candidates > 1 ? { candidates } : {}),
    maxRounds,
    experts,
    random,
    seed,
    maxRepairs,
    restartAfter,
    temperature: options.temperature ?? 0,
    ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
    ...(options.render ? { render: options.render } : {}),
    ...(options.criteria ? { criteria: options.criteria } : {}),
  };

  mkdirSync(dir, { recursive: true });
  const scene = framesShownBefore(
    dir,
    buildScene({
      envId: options.envId,
      task: options.task,
      render: options.render,
      seed,
      examples: initialFrames,
      taskText: revision >= 2 ? "family" : "mission",
    }),
    log,
  );
  claimFolder(dir, scene, options.vlmSpec, settings);
  const previous = readJson<GenerationSummary>(join(dir, "summary.json"));

  const system = systemPrompt(scene, revision);
  const chatSettings = (attempt: number): ChatSettings => ({
    temperature: settings.temperature,
    ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
    ...(attempt > 0 ? { seed: attempt } : {}),
  });
  const ctx: Context = { scene, vlm: options.vlm, system, maxRepairs, chatSettings, revision, candidates };

  const rounds: RoundRecord[] = [];
  let draft: Draft | null = null;
  let attempt = 0;
  let restartNote: RestartNote | null = null;
  let last: { program: RewardProgram; verification: Verification } | null = null;
  let nextPlan: RefinePlan | null = null;
  let streaks = new Map<string, number>();
  let stopError: string | undefined;
  let waiting = false;

  // The summary is rewritten after every round, so a run cut short still shows how far it got.
  const writeProgress = (): void => {
    const progress = summarize({
      options,
      scene,
      rounds,
      program: null,
      accepted: false,
      started,
      previous,
      settings,
      running: true,
    });
    writeJson(join(dir, "summary.json"), progress);
  };
  const finish = (): GenerationResult => {
    const accepted = last?.verification.report.verdict.accepted ?? false;
    let program: RewardProgram | null = null;
    if (last && !waiting) {
      const r = rounds.filter((x) => x.program).at(-1)?.round;
      program = withNotes(last.program, `verification: ${accepted ? "accepted" : "rejected"} in round ${r}`);
      saveRewardProgram(join(dir, "program.json"), program);
    }
    const summary = summarize({
      options,
      scene,
      rounds,
      program,
      accepted,
      error: stopError,
      started,
      previous,
      settings,
      waiting,
    });
    writeJson(join(dir, "summary.json"), summary);
    return { dir, summary, program };
  };

  try {
    for (let round = 1; round <= maxRounds; round++) {
      const turns: Turn[] = [];
      const action: RoundRecord["action"] = draft === null ? "chain" : "refine";
      const reason = round === 1 ? undefined : (nextPlan?.reason ?? "starting the chain again");
      log(`round ${round}: ${action === "chain" ? `prompt chain (attempt ${attempt + 1})` : reason}`);
      try {
        if (draft === null) draft = await runChain(ctx, attempt, restartNote, turns);
        else if (nextPlan && last) await refineDraft(ctx, draft, nextPlan, last, criteria, turns);
      } catch (error) {
        if (!(error instanceof UnusableReplyError)) throw error;
        rounds.push({
          round,
          attempt,
          action,
          reason,
          accepted: false,
          failedRules: [],
          error: error.message,
          turns,
        });
        log(`  ${error.message}`);
        writeProgress();
        restartNote = {
          failures: 1,
          problems: `- ${error.message}`,
          feedback: "- (none: no program was made)",
        };
        draft = null;
        attempt++;
        continue;
      }

      let selection: CandidateSelection | undefined;
      if (draft.alternatives.size > 0) {
        selection = chooseCandidates(draft, scene, options.provenanceSource ?? "vlm", dir, {
          experts,
          random,
          seed,
          criteria,
        });
        log(
          `  best of ${candidates}: ${selection.combinations} combinations scored; pass rate per stage: ${selection.stages
            .map((st) => `${st.check} ${st.passing}/${st.candidates}`)
            .join(", ")}`,
        );
      }
      const program = assemble(draft, scene, options.provenanceSource ?? "vlm", dir);
      const programFile = `program_round${round}.json`;
      saveRewardProgram(join(dir, programFile), program);
      const verifyDir = join(dir, `verify_round${round}`);
      const verification = verifyOrReuse(program, verifyDir, {
        options,
        scene,
        experts,
        random,
        seed,
        criteria,
        wording: revision < 2 ? 1 : revision < FEEDBACK_REVISION ? 2 : 3,
      });
      const report = verification.report;
      last = { program, verification };
      const failedRules = report.verdict.rules.filter((r) => !r.passed).map((r) => r.rule);
      rounds.push({
        round,
        attempt,
        action,
        ...(reason ? { reason } : {}),
        program: programFile,
        programHash: programHash(program),
        verification: `verify_round${round}/report.json`,
        accepted: report.verdict.accepted,
        failedRules,
        ...(selection ? { candidates: selection } : {}),
        turns,
      });
      log(
        `  program ${programHash(program).slice(0, 12)}: ${report.verdict.accepted ? "accepted" : `rejected (${failedRules.join(", ")})`}`,
      );
      writeProgress();
      if (report.verdict.accepted || round === maxRounds) break;

      streaks = nextStreaks(streaks, flaggedChecks(report));
      nextPlan = planRefinement(report, checkNamesOf(draft), streaks, restartAfter);
      if (nextPlan === null) {
        stopError = `verification could not judge the program: ${report.verdict.rules
          .filter((r) => !r.passed)
          .map((r) => r.message)
          .join("; ")}`;
        break;
      }
      if (nextPlan.restart) {
        const attemptStart = rounds.findLast((r) => r.action === "chain")?.round ?? 1;
        restartNote = {
          failures: round - attemptStart + 1,
          problems: failedRuleLines(report),
          feedback: report.feedback.items.map((item) => `- ${item.message}`).join("\n") || "- (none)",
          frames: feedbackFrames(report.feedback.items, verification, revision),
        };
        draft = null;
        attempt++;
        streaks = new Map();
      }
    }
  } catch (error) {
    // A VLM error that retries could not fix (auth, budget, a provider down): stop, keeping all that was
    // paid for; running again into this folder resumes from the transcript.
    stopError = error instanceof Error ? error.message : String(error);
    if (error instanceof VlmError && error.kind === "manual-timeout") {
      // Nobody answered yet: that is no verdict on the program, only a pause.
      waiting = true;
      stopError = `waiting for a manual reply: ${stopError.replace(/ and run again.*$/, "")}, then run the same command again to resume (every answered request is kept; wait longer with VLMCAR_MANUAL_TIMEOUT_S)`;
    }
    log(`${waiting ? "paused" : "stopped"}: ${stopError}`);
  }
  return finish();
}

// ---- the chain ----

interface Context {
  scene: Scene;
  vlm: Vlm;
  system: string;
  maxRepairs: number;
  chatSettings: (attempt: number) => ChatSettings;
  revision: GenerationRevision;
  /** Candidates asked per check (best of K). */
  candidates: number;
}

/** Which revision this generation asks with (see GenerateOptions.revision). */
function resolveRevision(options: GenerateOptions, dir: string): GenerationRevision {
  if (options.revision !== undefined) return options.revision;
  const recorded = (path: string): GenerationRevision | null => {
    const task = readJson<{ settings?: { revision?: unknown } }>(path);
    if (task === null) return null;
    // A folder from before revisions were recorded asked as revision 1 does.
    const revision = task.settings?.revision;
    return revision === 2 || revision === 3 || revision === 4 || revision === 5 ? revision : 1;
  };
  const own = recorded(join(dir, "task.json"));
  if (own !== null) return own;
  if (options.vlmSpec.startsWith("replay:")) {
    const replayed = recorded(join(dirname(options.vlmSpec.slice("replay:".length)), "task.json"));
    if (replayed !== null) return replayed;
  }
  return CURRENT_REVISION;
}

/** The images of the chain's first turn (and of every refine turn): each example's initial frame, captioned. */
function exampleImages(scene: Scene): ContentPart[] {
  return scene.examples.flatMap((e, k) => [
    `Image ${k + 1}, episode seed ${e.seed}${e.mission ? `, mission "${e.mission}"` : ""}:\n`,
    { type: "image" as const, image: e.initial },
  ]);
}

/** The first turn's text and images, as the generation's revision asks it. */
function openingQuestion(ctx: Context, note: TemplateValue): ContentPart[] {
  const { scene } = ctx;
  if (ctx.revision < 2) {
    return renderTemplate("1-goal-v1", {
      task: scene.task,
      "image:initial": [{ type: "image", image: scene.initial }],
      "image:goal": [{ type: "image", image: scene.goal }],
      restart_note: note,
    });
  }
  return renderTemplate("1-goal", {
    task: scene.task,
    count: scene.examples.length,
    goal_index: scene.examples.length + 1,
    "image:initials": exampleImages(scene),
    "image:goal": [{ type: "image", image: scene.goal }],
    restart_note: note,
  });
}

/**
 * What the restarted chain is told about the attempt that failed: the rules and the feedback behind them, and
 * (revision 4 on) the frames that feedback names, as a refine turn shows them.
 */
interface RestartNote {
  failures: number;
  problems: string;
  feedback: string;
  frames?: ContentPart[];
}

async function runChain(
  ctx: Context,
  attempt: number,
  restartNote: RestartNote | null,
  turns: Turn[],
): Promise<Draft> {
  const conversation = new Conversation(ctx.vlm, ctx.chatSettings(attempt), ctx.system, turns);
  // A paragraph of its own: a blank line parts it from the question that follows.
  let note: TemplateValue = "";
  if (restartNote && ctx.revision < 2) {
    // Revision 1's note, exactly as recorded runs asked it (no feedback, and glued to the next line).
    note = renderTemplate("restart-note-v1", {
      attempt: attempt + 1,
      failures: restartNote.failures,
      problems: restartNote.problems,
    });
  } else if (restartNote && ctx.revision < FEEDBACK_REVISION) {
    // Revisions 2-3: the feedback as text only.
    note = `${renderText("restart-note-v2", {
      attempt: attempt + 1,
      failures: restartNote.failures,
      problems: restartNote.problems,
      feedback: restartNote.feedback,
    })}\n`;
  } else if (restartNote) {
    // The template drops the line break after a list value; the blank line goes in the list.
    note = [
      ...renderTemplate("restart-note", {
        attempt: attempt + 1,
        failures: restartNote.failures,
        problems: restartNote.problems,
        feedback: restartNote.feedback,
        frames: restartNote.frames ?? [],
      }),
      "\n\n",
    ];
  }
  const goalReply = await conversation.ask(openingQuestion(ctx, note), "goal");
  const goal = goalReply.text.trim();
  const plan = await askForPlan(conversation, renderTemplate("2-subtasks", { max_subtasks: MAX_SUBTASKS }), {
    maxRepairs: ctx.maxRepairs,
    maxSubtasks: MAX_SUBTASKS,
    stage: "subtasks",
    revision: ctx.revision,
  });
  const checks = new Map<string, CheckDraft>();
  const alternatives = new Map<string, CheckDraft[]>();
  const keep = (name: string, candidates: CheckDraft[]): void => {
    checks.set(name, candidates[0]);
    if (candidates.length > 1) alternatives.set(name, candidates);
  };
  for (const [k, subtask] of plan.entries()) {
    const question = withProgressAsk(
      ctx,
      renderTemplate("3-subtask-check", {
        index: k + 1,
        count: plan.length,
        name: subtask.name,
        description: subtask.description,
        function: functionNameFor(subtask.name),
      }),
    );
    keep(subtask.name, await askCandidates(ctx, conversation, question, subtask.name, "check", turns));
  }
  const goalQuestion = renderTemplate("4-goal-check", { function: functionNameFor("goal_reached") });
  keep("goal", await askCandidates(ctx, conversation, goalQuestion, "goal", "check", turns));
  return { attempt, goal, plan, checks, alternatives };
}

// ---- refinement ----

/** Rewrites what verification flagged: the plan's order first (when in question), then each failing check. */
async function refineDraft(
  ctx: Context,
  draft: Draft,
  plan: RefinePlan,
  last: { program: RewardProgram; verification: Verification },
  criteria: VerifyCriteria,
  turns: Turn[],
): Promise<void> {
  const { scene } = ctx;
  const report = last.verification.report;
  const flagged = flaggedChecks(report);
  let context = refineContext(scene, draft, last.program, report, criteria, flagged, ctx.revision);
  const settings = ctx.chatSettings(draft.attempt);
  const toRewrite = new Map(plan.checks);

  if (plan.order.length > 0) {
    const conversation = new Conversation(ctx.vlm, settings, ctx.system, turns);
    const question = joinParts(
      context,
      renderTemplate("refine-order", {
        feedback: feedbackText(plan.order, draft),
        frames: feedbackFrames(plan.order, last.verification, ctx.revision),
        max_subtasks: MAX_SUBTASKS,
      }),
    );
    const revised = await askForPlan(conversation, question, {
      maxRepairs: ctx.maxRepairs,
      maxSubtasks: MAX_SUBTASKS,
      stage: "order",
      revision: ctx.revision,
    });
    const before = draft.plan.map((s) => s.name);
    const after = revised.map((s) => s.name);
    if (after.join("\n") === before.join("\n")) {
      // The order stands, so the check that fired early is the one to rewrite.
      for (const item of plan.order) {
        if (item.check === undefined) continue;
        toRewrite.set(item.check, [...(toRewrite.get(item.check) ?? []), item]);
      }
    } else {
      for (const [k, subtask] of revised.entries()) {
        if (draft.checks.has(subtask.name)) continue;
        const question = withProgressAsk(
          ctx,
          renderTemplate("3-subtask-check", {
            index: k + 1,
            count: revised.length,
            name: subtask.name,
            description: subtask.description,
            function: functionNameFor(subtask.name),
          }),
        );
        const candidates = await askCandidates(ctx, conversation, question, subtask.name, "check", turns);
        draft.checks.set(subtask.name, candidates[0]);
        if (candidates.length > 1) draft.alternatives.set(subtask.name, candidates);
        toRewrite.delete(subtask.name);
      }
      for (const name of before) {
        if (after.includes(name)) continue;
        draft.checks.delete(name);
        draft.alternatives.delete(name);
      }
      draft.plan = revised;
      // The rewrites below are about the plan as it now stands, so they are shown it (revision 4 showed the
      // rejected plan: a replaced sub-task under its old name, its replacement missing).
      if (ctx.revision >= TABLETOP_FEEDBACK_REVISION)
        context = refineContext(
          scene,
          draft,
          draftListing(draft),
          report,
          criteria,
          flagged,
          ctx.revision,
          true,
        );
    }
  }

  // Every failing check is rewritten on its own, in its own conversation, all at once (the client bounds how
  // many calls run together). Each question carries the whole program and where every check stands.
  const ordered = [...draft.plan.map((s) => s.name), "goal"].filter((c) => toRewrite.has(c));
  const rewrites = await Promise.all(
    ordered.map(async (check) => {
      const own: Turn[] = [];
      const items = toRewrite.get(check) ?? [];
      const current = draft.checks.get(check);
      if (!current) return { check, own, candidates: [] as CheckDraft[] };
      const subtask = draft.plan.find((s) => s.name === check);
      const conversation = new Conversation(ctx.vlm, settings, ctx.system, own);
      const refine = renderTemplate("refine-check", {
        label: check === "goal" ? "the goal check" : `the check of sub-task "${check}"`,
        description: subtask ? subtask.description : draft.goal,
        feedback: feedbackText(items, draft),
        frames: feedbackFrames(items, last.verification, ctx.revision),
        function: current.functionName || functionNameFor(check === "goal" ? "goal_reached" : check),
      });
      const question = joinParts(context, check === "goal" ? refine : withProgressAsk(ctx, refine));
      const candidates = await askCandidates(ctx, conversation, question, check, "refine", own);
      return { check, own, candidates };
    }),
  );
  for (const { check, own, candidates } of rewrites) {
    turns.push(...own);
    if (candidates.length === 0) continue;
    draft.checks.set(check, candidates[0]);
    if (candidates.length > 1) draft.alternatives.set(check, candidates);
  }
}

/**
 * Asks `question` for `ctx.candidates` candidate checks: the first in `conversation` (which goes on with it),
 * the others in branches of it, each with its own sampling seed so that neither the provider nor the cache
 * hands back the same reply. A branch whose reply stays unusable is dropped; the first candidate's failure
 * is the chain's (UnusableReplyError).
 */
async function askCandidates(
  ctx: Context,
  conversation: Conversation,
  question: ContentPart[],
  check: string,
  stage: Turn["stage"],
  turns: Turn[],
): Promise<CheckDraft[]> {
  const options = { maxRepairs: ctx.maxRepairs, stage, revision: ctx.revision };
  const branches = Array.from({ length: ctx.candidates - 1 }, (_, k) => {
    const own: Turn[] = [];
    const seed = (conversation.settings.seed ?? 0) + 1000 * (k + 1);
    const branch = conversation.branch({ ...conversation.settings, seed }, own, k + 1);
    return { own, asked: askForCheck(branch, question, check, ctx.scene, options) };
  });
  const first = askForCheck(conversation, question, check, ctx.scene, options);
  const settled = await Promise.allSettled([first, ...branches.map((b) => b.asked)]);
  for (const b of branches) turns.push(...b.own);
  const head = settled[0];
  if (head.status === "rejected") throw head.reason;
  const out: CheckDraft[] = [head.value];
  for (const r of settled.slice(1)) {
    if (r.status === "fulfilled") out.push(r.value);
    else if (!(r.reason instanceof UnusableReplyError)) throw r.reason;
  }
  return out;
}

/** What a refine turn shows of a program: each check's code and progress term. */
interface ProgramListing {
  readonly subtasks: readonly {
    readonly name: string;
    readonly description: string;
    readonly code: string;
    readonly progress?: string;
  }[];
  readonly goal: { readonly code: string };
}

/** The draft's checks as a listing, for the refine turns after the order question changed the plan. */
function draftListing(draft: Draft): ProgramListing {
  return {
    subtasks: draft.plan.map((s) => {
      const { code, progress } = draftCheck(draft, s.name);
      return {
        name: s.name,
        description: s.description,
        code,
        ...(progress === undefined ? {} : { progress }),
      };
    }),
    goal: { code: draftCheck(draft, "goal").code },
  };
}

/**
 * The opening of every refine turn: images, goal, plan, the program as it stands, and why it was rejected.
 * `replanned`: the order question has just changed the plan, so `program` is the draft with the revised plan's
 * checks (some not verified yet), while the report is still the rejected program's.
 */
function refineContext(
  scene: Scene,
  draft: Draft,
  program: ProgramListing,
  report: VerificationReport,
  criteria: VerifyCriteria,
  flagged: ReadonlySet<string>,
  revision: GenerationRevision,
  replanned = false,
): ContentPart[] {
  const checks = [
    ...program.subtasks.flatMap((s, k) => [
      { title: `Sub-task ${k + 1}, ${s.name} (${s.description})`, code: s.code },
      // Revision 1 and 2 programs have no progress terms, so their context text is unchanged.
      ...(s.progress === undefined
        ? []
        : [{ title: `The progress term of sub-task ${k + 1}, ${s.name}`, code: s.progress }]),
    ]),
    { title: "The goal check", code: program.goal.code },
  ];
  if (revision < 2) {
    return renderTemplate("refine-context-v1", {
      task: scene.task,
      "image:initial": [{ type: "image", image: scene.initial }],
      "image:goal": [{ type: "image", image: scene.goal }],
      goal: draft.goal,
      plan: draft.plan.map((s, k) => `${k + 1}. ${s.name}: ${s.description}`).join("\n"),
      program: checks.map((c) => `${c.title}:\n\`\`\`javascript\n${c.code}\n\`\`\``).join("\n\n"),
      experts: report.experts.count,
      random: report.random.count,
      random_limit: `${Math.round(criteria.maxRandomGoalRate * 100)}%`,
      rules: failedRuleLines(report),
    });
  }
  const current = revision >= FEEDBACK_REVISION;
  return renderTemplate(current ? "refine-context" : "refine-context-v2", {
    ...(current
      ? {
          goal_timing:
            criteria.successTolerance === null
              ? `the goal only in the last max(${criteria.nearEndMinSteps}, ${Math.round(criteria.nearEndFraction * 100)}%) of the steps`
              : `the goal at most max(${criteria.nearEndMinSteps}, ${Math.round(criteria.successTolerance * 100)}% of the ` +
                "episode's steps) steps before the step where the environment counts the task done",
        }
      : {}),
    task: scene.task,
    count: scene.examples.length,
    goal_index: scene.examples.length + 1,
    "image:initials": exampleImages(scene),
    "image:goal": [{ type: "image", image: scene.goal }],
    goal: draft.goal,
    plan:
      draft.plan.map((s, k) => `${k + 1}. ${s.name}: ${s.description}`).join("\n") +
      (replanned
        ? "\n\n(You revised this plan in this round. The program below has its checks; a sub-task new in it is\n" +
          "not verified yet, and the verification results below are those of the rejected program.)"
        : ""),
    program: checks.map((c) => `${c.title}:\n\`\`\`javascript\n${c.code}\n\`\`\``).join("\n\n"),
    experts: report.experts.count,
    random: report.random.count,
    random_limit: `${Math.round(criteria.maxRandomGoalRate * 100)}%`,
    rules: failedRuleLines(report),
    state: programState(report, flagged, replanned ? draft.plan.map((s) => s.name) : undefined),
  });
}

/**
 * Where each check stands, so the question about one check shows the whole program's state: how often it
 * fires on expert and random trajectories (each check on its own), how often the tracker counted it, and
 * whether verification flagged it (it is then being rewritten in this round too).
 */
export function programState(
  report: VerificationReport,
  flagged: ReadonlySet<string>,
  plan?: readonly string[],
): string {
  const title = (c: { role: string; name: string }, position: number): string =>
    c.role === "goal" ? "The goal check" : `Sub-task ${position}, ${c.name}`;
  if (plan === undefined)
    return report.checks.map((c) => checkState(c, title(c, c.position), flagged)).join("\n");
  // After the order question changed the plan: the revised plan's checks in its order, then those it dropped.
  const byName = new Map(report.checks.filter((c) => c.role !== "goal").map((c) => [c.name, c]));
  const goal = report.checks.filter((c) => c.role === "goal");
  return [
    ...plan.map((name, k) => {
      const c = byName.get(name);
      return c === undefined
        ? `- Sub-task ${k + 1}, ${name}: new in this round, not verified yet`
        : checkState(c, title(c, k + 1), flagged);
    }),
    ...goal.map((c) => checkState(c, title(c, 0), flagged)),
    ...[...byName.values()]
      .filter((c) => !plan.includes(c.name))
      .map((c) => `- ${c.name} (sub-task ${c.position} of the rejected plan): no longer in the plan`),
  ].join("\n");
}

/** One check's line of programState. */
function checkState(
  c: VerificationReport["checks"][number],
  title: string,
  flagged: ReadonlySet<string>,
): string {
  const share = (x: number, n: number): string => `${Math.round(x * n)} of ${n}`;
  const firstAt =
    c.expert.meanFirstFireFraction === null
      ? ""
      : `, first true on average ${Math.round(c.expert.meanFirstFireFraction * 100)}% into the episode`;
  return (
    `- ${title}: true in ${share(c.expert.fireRate, c.expert.trajectories)} expert trajectories${firstAt}; ` +
    `counted by the tracker in ${share(c.expert.latchRate, c.expert.trajectories)}; true in ` +
    `${share(c.random.fireRate, c.random.trajectories)} random trajectories; ` +
    `${c.errorFrames > 0 ? `erred on ${c.errorFrames} frames; ` : ""}` +
    (flagged.has(c.name) ? "flagged by verification" : "no problem found")
  );
}

function failedRuleLines(report: VerificationReport): string {
  return report.verdict.rules
    .filter((r) => !r.passed)
    .map((r) => `- ${r.message}`)
    .join("\n");
}

/** The feedback items as a list, line numbers pointing into the code the VLM wrote. */
function feedbackText(items: readonly FeedbackItem[], draft: Draft): string {
  return items
    .map((item) => {
      const offset = item.check === undefined ? 0 : (draft.checks.get(item.check)?.lineOffset ?? 0);
      return `- ${shiftLines(item.message, offset)}`;
    })
    .join("\n");
}

/**
 * The frames the feedback names, each after its caption; at most `limit` of them. From revision 4 a step of a
 * trajectory that two items name is shown once (revisions 2-3 showed it per item, and replay asks so).
 */
function feedbackFrames(
  items: readonly FeedbackItem[],
  verification: Verification,
  revision: GenerationRevision,
  limit = 6,
): ContentPart[] {
  const parts: ContentPart[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    for (const f of item.frames) {
      const frame = verification.frames.get(f.file);
      const key = revision >= FEEDBACK_REVISION ? `${f.group}:${f.episode}:${f.step}` : f.file;
      if (!frame || seen.has(key) || seen.size >= limit) continue;
      seen.add(key);
      parts.push(`${f.group === "expert" ? "Expert" : "Random"} trajectory ${f.episode}, ${f.caption}:\n`, {
        type: "image",
        image: frame,
      });
    }
  }
  return parts;
}

/** A sub-task's question, from revision 3 on followed by the request for a progress term. */
function withProgressAsk(ctx: Context, question: ContentPart[]): ContentPart[] {
  if (ctx.revision < PROGRESS_REVISION) return question;
  return joinParts(
    question,
    renderTemplate(ctx.revision >= FEEDBACK_REVISION ? "progress-term" : "progress-term-v3", {}),
  );
}

/** Concatenates message contents, with a blank line between them. */
function joinParts(...lists: ContentPart[][]): ContentPart[] {
  const out: ContentPart[] = [];
  for (const list of lists) {
    if (out.length > 0) out.push("\n\n");
    out.push(...list);
  }
  return out;
}

// ---- the program ----

function checkNamesOf(draft: Draft): string[] {
  return [...draft.plan.map((s) => s.name), "goal"];
}

/** The draft's check for a sub-task name or "goal"; every planned check has one by the time it is read. */
function draftCheck(draft: Draft, name: string): CheckDraft {
  const check = draft.checks.get(name);
  if (!check) throw new Error(`internal: no check for "${name}" in the draft`);
  return check;
}

function assemble(draft: Draft, scene: Scene, source: "vlm" | "fixture", dir: string): RewardProgram {
  const names = checkNamesOf(draft);
  const drafts = names.map((n) => draftCheck(draft, n));
  const providers = [...new Set(drafts.map((d) => d.provider))];
  const models = [...new Set(drafts.map((d) => d.model))];
  return parseRewardProgram({
    format: PROGRAM_FORMAT,
    task: { envId: scene.envId, description: scene.task },
    helpers: "",
    subtasks: draft.plan.map((s, k) => ({
      name: s.name,
      description: s.description,
      code: drafts[k].code,
      ...(drafts[k].progress === undefined ? {} : { progress: drafts[k].progress }),
    })),
    goal: { description: shortGoal(draft.goal), code: drafts[drafts.length - 1].code },
    // The frames the checks were written and verified for, recorded when they are not the env's default (so a
    // program generated on the default frames serialises, and hashes, as before render specs existed).
    ...(sameRender(scene.render, defaultRenderFor(scene.envId)) ? {} : { render: scene.render }),
    provenance: {
      source,
      provider: providers.join(", "),
      model: models.join(", "),
      transcriptId: `${basename(dir)}/transcript.jsonl`,
      createdAt: new Date().toISOString(),
      notes: `written by transcript calls ${names.map((n, k) => `${n}: ${drafts[k].callId}`).join(", ")}`,
    },
  });
}

/**
 * Best of K: scores every combination of this round's candidates on the verification trajectories and puts
 * the best one in the draft (see src/verify/combine.ts). Checks with one candidate keep it.
 */
function chooseCandidates(
  draft: Draft,
  scene: Scene,
  source: "vlm" | "fixture",
  dir: string,
  v: { experts: number; random: number; seed: number; criteria: VerifyCriteria },
): CandidateSelection {
  const names = checkNamesOf(draft);
  const lists = names.map((name) => {
    const current = draft.checks.get(name);
    if (!current) throw new Error(`internal: no check for "${name}" in the draft`);
    return draft.alternatives.get(name) ?? [current];
  });
  const counts = lists.map((l) => l.length);
  const columns = Array.from({ length: Math.max(...counts) }, (_, k) =>
    assemble(
      { ...draft, checks: new Map(names.map((name, c) => [name, lists[c][Math.min(k, counts[c] - 1)]])) },
      scene,
      source,
      dir,
    ),
  );
  const result = combineCandidates(columns, counts, {
    envId: scene.envId,
    render: scene.render,
    experts: v.experts,
    random: v.random,
    seed: v.seed,
    criteria: v.criteria,
  });
  for (const [c, name] of names.entries()) draft.checks.set(name, lists[c][result.choice[c]]);
  draft.alternatives.clear();
  return {
    combinations: result.combinations,
    searched: result.searched,
    accepted: result.accepted,
    stages: result.stages,
  };
}

function withNotes(program: RewardProgram, note: string): RewardProgram {
  const notes = program.provenance.notes ? `${program.provenance.notes}; ${note}` : note;
  return { ...program, provenance: { ...program.provenance, notes } };
}

/** The VLM's goal statement, cut to its first two sentences for the program's goal description. */
function shortGoal(text: string): string {
  const plain = text
    .replace(/[*_`#>]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  const sentences = plain.match(/[^.!?]+[.!?]+/g) ?? [plain];
  const short = sentences.slice(0, 2).join("").trim();
  return short.length > 400 ? `${short.slice(0, 397)}...` : short;
}

// ---- verification ----

function verifyOrReuse(
  program: RewardProgram,
  verifyDir: string,
  v: {
    options: GenerateOptions;
    scene: Scene;
    experts: number;
    random: number;
    seed: number;
    criteria: VerifyCriteria;
    /** Generations quote feedback in the words of their revision (see VerifyOptions.wording). */
    wording: Wording;
  },
): Verification {
  const stored = readJson<VerificationReport>(join(verifyDir, "report.json"));
  if (
    stored &&
    stored.program.hash === programHash(program) &&
    stored.settings.experts === v.experts &&
    stored.settings.random === v.random &&
    stored.settings.seed === v.seed &&
    sameCriteria(stored.settings.criteria, v.criteria)
  ) {
    // A resumed run: the same program was verified already; its frames are the stored PNGs.
    const frames = new Map<string, Frame>();
    for (const item of stored.feedback.items) {
      for (const f of item.frames) {
        const path = join(verifyDir, f.file);
        if (existsSync(path)) frames.set(f.file, decodePng(readFileSync(path)));
      }
    }
    return { report: stored, frames };
  }
  const verification = verifyProgram(program, {
    envId: v.scene.envId,
    render: v.scene.render,
    experts: v.experts,
    random: v.random,
    seed: v.seed,
    criteria: v.criteria,
    progress: v.options.progress ?? false,
    wording: v.wording,
  });
  writeVerification(verifyDir, verification);
  return verification;
}

/**
 * Whether a stored report was judged by `criteria`. A report written before a criterion existed was judged
 * as that criterion's legacy value says (LEGACY_RULES), so it is read that way.
 */
function sameCriteria(stored: Partial<VerifyCriteria>, criteria: VerifyCriteria): boolean {
  try {
    return JSON.stringify(resolveCriteria({ ...LEGACY_RULES, ...stored })) === JSON.stringify(criteria);
  } catch {
    return false;
  }
}

// ---- the folder ----

/**
 * A resumed generation keeps showing the frames it showed: the folder's `frames/*.png` (and the goal frame's
 * step) replace the freshly built scene's, so the conversation goes on as it was asked and a recording
 * replays even after the expert or the renderer changed what its seed's episode looks like (verification
 * still plays today's trajectories). A new folder, or another generation's, keeps the built scene.
 */
function framesShownBefore(dir: string, scene: Scene, log: (line: string) => void): Scene {
  const task = readJson<{ env?: string; task?: string; seed?: number; goalFrameStep?: number }>(
    join(dir, "task.json"),
  );
  if (!task || task.env !== scene.envId || task.task !== scene.task || task.seed !== scene.seed) return scene;
  const read = (name: string): Frame | undefined => {
    const path = join(dir, "frames", name);
    return existsSync(path) ? decodePng(readFileSync(path)) : undefined;
  };
  const initial = read("initial.png");
  const goal = read("goal.png");
  if (!initial || !goal) return scene;
  const examples: SceneExample[] = [];
  for (const [k, example] of scene.examples.entries()) {
    const shown = k === 0 ? initial : read(`initial-seed${example.seed}.png`);
    if (!shown) return scene;
    examples.push({ ...example, initial: shown });
  }
  const built = [scene.initial, scene.goal, ...scene.examples.map((e) => e.initial)];
  const kept = [initial, goal, ...examples.map((e) => e.initial)];
  if (built.some((frame, k) => !sameFrame(frame, kept[k]))) {
    log(
      `note: the env now draws seed ${scene.seed}'s frames differently from those this folder showed the VLM; ` +
        "the folder's frames are shown again so the conversation continues as it was asked",
    );
  }
  return { ...scene, initial, goal, examples, steps: task.goalFrameStep ?? scene.steps };
}

function sameFrame(a: Frame, b: Frame): boolean {
  return a.width === b.width && a.height === b.height && Buffer.compare(a.data, b.data) === 0;
}

/** Writes task.json, or checks that the folder's existing one describes this same generation. */
function claimFolder(dir: string, scene: Scene, vlm: string, settings: Record<string, unknown>): void {
  const task = {
    format: GENERATION_FORMAT,
    env: scene.envId,
    task: scene.task,
    seed: scene.seed,
    render: scene.render,
    frame: {
      width: scene.initial.width,
      height: scene.initial.height,
      ...(scene.tileSize ? { tileSize: scene.tileSize } : {}),
    },
    goalFrameStep: scene.steps,
  };
  const path = join(dir, "task.json");
  const existing = readJson<typeof task>(path);
  if (existing && (existing.env !== task.env || existing.task !== task.task || existing.seed !== task.seed)) {
    throw new GenerateError(
      `${dir} holds a generation for ${existing.env} ("${existing.task}", seed ${existing.seed}); resume it with the ` +
        "same --env, --task and --seed, or choose another --out",
    );
  }
  writeJson(path, { ...task, vlm, settings });
  mkdirSync(join(dir, "frames"), { recursive: true });
  writeFileSync(join(dir, "frames", "initial.png"), encodePng(scene.initial));
  writeFileSync(join(dir, "frames", "goal.png"), encodePng(scene.goal));
  for (const example of scene.examples.slice(1)) {
    writeFileSync(join(dir, "frames", `initial-seed${example.seed}.png`), encodePng(example.initial));
  }
}

function summarize(s: {
  options: GenerateOptions;
  scene: Scene;
  rounds: readonly RoundRecord[];
  program: RewardProgram | null;
  accepted: boolean;
  error?: string;
  started: Date;
  previous: GenerationSummary | null;
  settings: Record<string, unknown>;
  running?: boolean;
  waiting?: boolean;
}): GenerationSummary {
  const finished = new Date();
  const wallSeconds = (finished.getTime() - s.started.getTime()) / 1000;
  const calls = { total: 0, paid: 0, cached: 0, replayed: 0, failed: 0, repairs: 0 };
  const tokens = { input: 0, output: 0 };
  let costUsd = 0;
  if (s.options.vlm instanceof VlmClient) {
    for (const e of s.options.vlm.transcript.entries) {
      calls.total++;
      if (e.error) calls.failed++;
      if (e.source === "cache") calls.cached++;
      if (e.source === "replay") calls.replayed++;
      if (e.source === "network" || e.source === "manual") {
        calls.paid++;
        tokens.input += e.usage?.inputTokens ?? 0;
        tokens.output += e.usage?.outputTokens ?? 0;
        costUsd += e.costUsd ?? 0;
      }
    }
  } else {
    calls.total = s.rounds.reduce((n, r) => n + r.turns.length, 0);
  }
  calls.repairs = s.rounds.reduce((n, r) => n + r.turns.filter((t) => t.stage === "repair").length, 0);
  return {
    format: GENERATION_FORMAT,
    env: s.scene.envId,
    task: s.scene.task,
    vlm: s.options.vlmSpec,
    verdict: s.running
      ? "running"
      : s.waiting
        ? "waiting"
        : s.program === null
          ? "failed"
          : s.accepted
            ? "accepted"
            : "rejected",
    ...(s.error ? { error: s.error } : {}),
    program: s.program ? "program.json" : null,
    programHash: s.program ? programHash(s.program) : null,
    rounds: s.rounds,
    calls,
    tokens,
    costUsd,
    wallSeconds,
    totalWallSeconds: (s.previous?.totalWallSeconds ?? 0) + wallSeconds,
    settings: s.settings,
    startedAt: s.started.toISOString(),
    finishedAt: finished.toISOString(),
  };
}

function readJson<T>(path: string): T | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return null;
  }
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

function positive(name: string, value: number, zeroOk = false): number {
  if (!Number.isInteger(value) || value < (zeroOk ? 0 : 1)) {
    throw new GenerateError(`${name} must be an integer ${zeroOk ? ">= 0" : ">= 1"}, got ${value}`);
  }
  return value;
}
