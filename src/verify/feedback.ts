/**
 * Feedback for the VLM: each problem in plain words, with numbers, one or two example trajectories, and the
 * frames that show it. The frames are named here and rendered later by replay (verify.ts), so choosing them
 * costs nothing.
 *
 * Which frames: for an expert miss, the frames around the step where the sub-task truly happens according to
 * the ground-truth events (else the last frames); for a random false positive, the frame where the goal fired
 * and the episode's first frame; for an error, the frame it happened on.
 */
import type { CheckError } from "../program/errors.ts";
import type { EpisodeAnalysis } from "./analyze.ts";
import type { VerifyCriteria } from "./criteria.ts";
import type { EpisodeCheckError, Group } from "./evaluate.ts";
import type { NegativesReport } from "./negatives.ts";
import { type ProgressTermReport, progressFeedback } from "./progress.ts";
import type { CheckReport, FeedbackFrame, FeedbackItem, Wording } from "./report.ts";

export interface FeedbackOptions {
  /** Example trajectories per problem (default 1). */
  maxExamples?: number;
  /** Problems described in all (default 10). */
  maxItems?: number;
}

export interface FeedbackInput {
  readonly checks: readonly CheckReport[];
  readonly experts: readonly EpisodeAnalysis[];
  readonly random: readonly EpisodeAnalysis[];
  readonly errors: readonly EpisodeCheckError[];
  readonly compileErrors: readonly CheckError[];
  readonly criteria: VerifyCriteria;
  /** Why evaluation stopped early or had nothing to judge, if it did. */
  readonly evaluationProblem?: string;
  /** The harder negatives; they become feedback only when their criteria make them rules. */
  readonly negatives?: NegativesReport;
  /**
   * 3 (default): every check judged on its own; a missed goal is shown by the episode's last frames, and the
   * goal's timing is stated against the env's success step with its tolerance. 2: as 3, but a missed goal is
   * shown around its best-matching event and its timing against the episode's end (revisions 2-3). 1: revision
   * 1's expert misses (only the first check along the chain that did not count, in its words). Recorded
   * generations replay their refine rounds only in their own words.
   */
  readonly wording?: Wording;
  /** The progress terms' reports (programs with progress terms), and their values by episode and step. */
  readonly progress?: readonly ProgressTermReport[];
  readonly progressValue?: (group: Group, episode: number, subtask: number, step: number) => number | null;
}

/** The problems found, most fundamental first, and the text that lists them. */
export function buildFeedback(
  input: FeedbackInput,
  options: FeedbackOptions = {},
): { text: string; items: FeedbackItem[] } {
  const maxExamples = options.maxExamples ?? 1;
  const items: FeedbackItem[] = [];
  const names = input.checks.map((c) => c.name);
  const label = (c: number): string => checkLabel(input.checks[c]);
  const frame = (group: Group, a: { index: number }, step: number, caption: string): FeedbackFrame => ({
    file: `feedback/${String(items.length + 1).padStart(2, "0")}-${group}${a.index}-t${step}.png`,
    group,
    episode: a.index,
    step,
    caption,
  });
  const ref = (a: EpisodeAnalysis): string =>
    `${a.group} trajectory ${a.index} (seed ${a.seed}, ${a.steps} steps)`;

  for (const e of input.compileErrors)
    items.push({ kind: "compile-error", check: e.check, message: e.message, frames: [] });
  if (input.evaluationProblem) items.push({ kind: "aborted", message: input.evaluationProblem, frames: [] });

  // Run-time errors: the first error of each check, with the frame it happened on.
  const seenErrors = new Set<string>();
  for (const e of [...input.errors].sort((a, b) => Number(b.fatal) - Number(a.fatal))) {
    // A sub-task's check and its progress term are reported apart.
    const key = `${e.term ?? "check"}:${e.check}`;
    if (seenErrors.has(key)) continue;
    seenErrors.add(key);
    const inCheck = input.errors.filter((x) => x.check === e.check && x.term === e.term);
    const trajectories = new Set(inCheck.map((x) => `${x.group}${x.episode}`)).size;
    const where = `${e.group} trajectory ${e.episode} (seed ${e.seed}), frame ${e.frame}`;
    items.push({
      kind: "check-error",
      check: e.check,
      ...(e.term ? { term: e.term } : {}),
      message: `${e.message} First seen in ${where}; it happened in ${trajectories} trajectories.`,
      frames: [
        frame(
          e.group,
          { index: e.episode },
          e.frame,
          `the frame on which ${e.term ? `the progress term of "${e.check}"` : e.check === "goal" ? "the goal check" : `"${e.check}"`} failed`,
        ),
      ],
    });
  }

  if (input.wording === 1) legacyExpertMisses(input, items, frame, ref, label, maxExamples);
  // Expert misses, each check judged on its own: a check is flagged when it never returns true after the
  // first frame in some expert trajectory, whatever the checks before it did (so every failing check is seen
  // in one round, not only the first along the chain), or when it is the first check that did not count
  // although it fired (it fired only before the check listed before it was done).
  const subtaskCount = names.length - 1;
  for (let c = 0; c < names.length && input.wording !== 1; c++) {
    const never = input.experts.filter((a) => a.firstFire[c] === null);
    const onlyAtStart = input.experts.filter((a) => firedOnlyAtStart(a, c));
    const tooEarly = input.experts.filter(
      (a) => firstUnlatched(a, subtaskCount) === c && a.firstFire[c] !== null && !firedOnlyAtStart(a, c),
    );
    const missed = [...never, ...onlyAtStart, ...tooEarly];
    if (missed.length === 0) continue;
    const examples = missed.slice(0, maxExamples);
    const frames: FeedbackFrame[] = [];
    const stories: string[] = [];
    for (const a of examples) {
      const miss = expertMissStory(input, c, a, frame, ref, label);
      stories.push(miss.story);
      frames.push(...miss.frames);
    }
    const parts = [
      ...(never.length > 0 ? [`it never returned true in ${never.length}`] : []),
      ...(onlyAtStart.length > 0 ? [`it was true only on the first frame in ${onlyAtStart.length}`] : []),
      ...(tooEarly.length > 0
        ? [`it was true only before ${label(c - 1)} was done in ${tooEarly.length}`]
        : []),
    ];
    items.push({
      kind: "expert-miss",
      check: names[c],
      message:
        `${capitalize(label(c))} did not count in ${missed.length} of ${input.experts.length} expert trajectories: ` +
        `${joinAnd(parts)}. ${stories.join(" ")} The check must return true on frames like these.`,
      frames,
    });
  }

  // Order: a check first fires before the check listed just before it.
  for (let c = 1; c < names.length; c++) {
    const bad = input.experts.filter((a) => a.orderViolations.some((v) => v.check === c));
    if (bad.length === 0) continue;
    const a = bad[0];
    const v = a.orderViolations.find((x) => x.check === c);
    if (v === undefined) continue;
    items.push({
      kind: "order",
      check: names[c],
      message:
        `${capitalize(label(c))} first fires before ${label(c - 1)}, which is listed before it, in ${bad.length} of ` +
        `${input.experts.length} expert trajectories: in ${ref(a)} at step ${v.step}, but ${label(c - 1)} only at step ` +
        `${v.afterStep}. List the sub-tasks in the order they happen, or make each check detect its own sub-task only.`,
      frames: [
        frame("expert", a, v.step, `step ${v.step}: ${label(c)} fires`),
        frame("expert", a, v.afterStep, `step ${v.afterStep}: ${label(c - 1)} fires`),
      ],
    });
  }

  // Goal early: the goal check fires on an expert frame before the end window.
  const goal = names.length - 1;
  const early = input.experts.filter(
    (a) => a.firstFire[goal] !== null && (a.firstFire[goal] ?? 0) < a.nearEndFrom,
  );
  const current = input.wording === undefined || input.wording === 3;
  const earlyBySuccess = current ? early.filter((a) => a.goalTolerance !== null) : [];
  if (earlyBySuccess.length > 0) {
    // Stated against the env's own success step, with the tolerance in steps and the frames that bound it.
    const a = earlyBySuccess[0];
    const step = a.firstFire[goal] ?? 0;
    const done = a.successStep ?? a.steps;
    const tolerance = a.goalTolerance ?? 0;
    const earliest = a.nearEndFrom;
    items.push({
      kind: "goal-early",
      check: "goal",
      message:
        `The goal check fires too early in ${early.length} of ${input.experts.length} expert trajectories: in ${ref(a)} ` +
        `it is first true at step ${step}, but the env counts the task done only at step ${done}` +
        `${done === a.steps ? ", where the episode ends" : ""}. The goal check may first fire at most ${tolerance} steps ` +
        `before that (from step ${earliest} on; the tolerance is max(${input.criteria.nearEndMinSteps}, ` +
        `${Math.round((input.criteria.successTolerance ?? 0) * 100)}% of the steps to the env's success)). It must be ` +
        "true only once the whole task is done, as the env judges it: compare the frame where it fires with the " +
        "frame where the env counts the task done.",
      frames: [
        frame("expert", a, step, `step ${step}: the goal check fires`),
        frame("expert", a, earliest, `step ${earliest}: the earliest step the goal check may first fire`),
        frame("expert", a, done, `step ${done}: the env counts the task done`),
      ],
    });
  } else if (early.length > 0) {
    const a = early[0];
    const step = a.firstFire[goal] ?? 0;
    items.push({
      kind: "goal-early",
      check: "goal",
      message:
        `The goal check fires long before the end in ${early.length} of ${input.experts.length} expert trajectories: in ` +
        `${ref(a)} it is first true at step ${step}, but the task is only done at step ${a.steps}. The goal check must be ` +
        "true only once the whole task is done.",
      frames: [
        frame("expert", a, step, `step ${step}: the goal check fires`),
        frame("expert", a, a.steps, `step ${a.steps}: the task is done`),
      ],
    });
  }

  // Random trajectories that reach the goal.
  const reached = input.random.filter((a) => a.completed);
  const rate = input.random.length === 0 ? 0 : reached.length / input.random.length;
  if (rate >= input.criteria.maxRandomGoalRate && reached.length > 0) {
    const falsePositives = reached.filter((a) => !a.envSuccess);
    const a = (falsePositives.length > 0 ? falsePositives : reached)[0];
    const step = a.goalAt ?? 0;
    const atStart =
      (a.firstFire[goal] ?? -1) === 0 ? " (the goal check was already true on its first frame)" : "";
    items.push({
      kind: "random-goal",
      check: "goal",
      message:
        `${reached.length} of ${input.random.length} random trajectories (${Math.round(rate * 100)}%, limit below ` +
        `${Math.round(input.criteria.maxRandomGoalRate * 100)}%) complete every sub-task and the goal, though the env says ` +
        `only ${reached.length - falsePositives.length} of them did the task. In ${ref(a)} the goal counted at step ` +
        `${step}${atStart}. Make the checks stricter so that random behaviour does not satisfy them.`,
      frames: [
        frame("random", a, step, `step ${step}: the goal counted`),
        frame("random", a, 0, "the episode's first frame"),
      ],
    });
  }

  // Harder negatives, when they are acceptance rules.
  const negatives = input.negatives;
  if (negatives && input.criteria.rejectTruncatedFires) {
    for (const t of negatives.truncated.checks) {
      const c = names.indexOf(t.check);
      if (t.fired === 0 || t.example === undefined || c < 0) continue;
      const e = t.example;
      items.push({
        kind: "truncated-fires",
        check: t.check,
        message:
          `${capitalize(label(c))} already returns true before ${c === names.length - 1 ? "the task is done" : "its sub-task happens"} ` +
          `in ${t.fired} of ${t.trajectories} expert trajectories: in expert trajectory ${e.episode} (seed ${e.seed}) it fires ` +
          `at step ${e.firedAt}, but ${t.event === "task done" ? "the task is done" : `"${t.event}" happens`} only at step ${e.cut}. ` +
          "The check must see the sub-task done, not the approach to it.",
        frames: [
          frame("expert", { index: e.episode }, e.firedAt, `step ${e.firedAt}: the check fires`),
          frame("expert", { index: e.episode }, e.cut, `step ${e.cut}: the sub-task happens`),
        ],
      });
    }
  }
  if (negatives && input.criteria.rejectReversedCompletion && !negatives.reversed.passed) {
    const r = negatives.reversed;
    items.push({
      kind: "reversed-completes",
      check: "goal",
      message:
        `Played backwards (the last frame as the first), ${r.completed} of ${r.trajectories} expert trajectories still ` +
        `complete every sub-task and the goal${r.example ? `, e.g. expert trajectory ${r.example.episode} (seed ${r.example.seed})` : ""}. ` +
        "Each check must detect its sub-task done, which undoing it in reverse does not show.",
      frames: [],
    });
  }
  if (input.progress && input.progressValue)
    progressFeedback(input.progress, input.criteria, items, frame, input.progressValue);

  // Checks that are true before anything happened (e.g. "always true").
  const rejected = items.length > 0;
  const all = [...input.experts, ...input.random];
  for (let c = 0; c < names.length && rejected; c++) {
    const atStart = all.filter((a) => a.firstFire[c] === 0);
    if (all.length === 0 || atStart.length / all.length < 0.5) continue;
    const a = atStart[0];
    items.push({
      kind: "fires-at-start",
      check: names[c],
      message:
        `${capitalize(label(c))} is already true on the first frame, before any action, in ${atStart.length} of ` +
        `${all.length} trajectories. It must detect a change from the first frame (compare with \`first\`), not ` +
        "something that is always visible.",
      frames: [frame(a.group, a, 0, "the first frame, where the check is already true")],
    });
  }

  const kept = items.slice(0, options.maxItems ?? 10);
  const text =
    kept.length === 0
      ? "No problems found."
      : kept
          .map((item, i) => {
            const files = item.frames.map((f) => `${f.file} (${f.caption})`).join("; ");
            return `${i + 1}. ${item.message}${files ? ` Frames: ${files}.` : ""}`;
          })
          .join("\n");
  return { text, items: kept };
}

/** Revision 1's expert misses, verbatim: per check, the experts where it is the first check that did not latch. */
function legacyExpertMisses(
  input: FeedbackInput,
  items: FeedbackItem[],
  frame: (group: Group, a: { index: number }, step: number, caption: string) => FeedbackFrame,
  ref: (a: EpisodeAnalysis) => string,
  label: (c: number) => string,
  maxExamples: number,
): void {
  const names = input.checks.map((c) => c.name);
  const subtaskCount = names.length - 1;
  for (let c = 0; c < names.length; c++) {
    const missed = input.experts.filter((a) => firstUnlatched(a, subtaskCount) === c);
    if (missed.length === 0) continue;
    const neverFired = missed.filter((a) => a.firstFire[c] === null);
    const examples = (neverFired.length > 0 ? neverFired : missed).slice(0, maxExamples);
    const frames: FeedbackFrame[] = [];
    const stories: string[] = [];
    for (const a of examples) {
      const miss = expertMissStory(input, c, a, frame, ref, label);
      stories.push(miss.story);
      frames.push(...miss.frames);
    }
    items.push({
      kind: "expert-miss",
      check: names[c],
      message:
        `${capitalize(label(c))} was not completed in ${missed.length} of ${input.experts.length} expert trajectories ` +
        `(never true in ${neverFired.length}). ${stories.join(" ")} The check must return true on frames like these.`,
      frames,
    });
  }
}

/**
 * One expert trajectory where check `c` did not count, in words and frames: what the expert did (the ground
 * truth, when the env reports it), what the check did instead, and the frames around that step. Both wordings
 * say it alike (in a missed example of revision 1 the check never latched, so "only on the first frame" is
 * firedOnlyAtStart there too).
 */
function expertMissStory(
  input: FeedbackInput,
  c: number,
  a: EpisodeAnalysis,
  frame: (group: Group, a: { index: number }, step: number, caption: string) => FeedbackFrame,
  ref: (a: EpisodeAnalysis) => string,
  label: (c: number) => string,
): { story: string; frames: FeedbackFrame[] } {
  // A missed goal is seen where the env counted the task done, at the episode's end (wording 3); the event
  // the goal check matched best may be an earlier one (the object starting to move), whose frames hide it.
  const goalAtEnd = input.checks[c].role === "goal" && (input.wording === undefined || input.wording === 3);
  const truth = goalAtEnd ? successTruth(a) : truthOf(input.checks[c], a);
  const fired = a.firstFire[c];
  const how =
    fired === null
      ? "the check returned false on every frame"
      : firedOnlyAtStart(a, c)
        ? "the check was true only on the first frame, which does not count"
        : `the check first returned true at step ${fired}, but ${c > 0 ? `before ${label(c - 1)} was done` : "not in a way the tracker counted"}`;
  const endsThere =
    goalAtEnd && truth !== null && truth.frame === a.steps
      ? " The episode ends on the first frame where the env counts the task done, so the goal check must " +
        "already be true on that very frame: a check even a little stricter than the env's own condition never " +
        `fires.${a.goalTolerance !== null ? ` It may fire up to ${a.goalTolerance} steps earlier.` : ""}`
      : "";
  const story = truth
    ? `In ${ref(a)}, ${truth.text} at step ${truth.frame}, but ${how}.${endsThere}`
    : `In ${ref(a)}, ${how}; the expert completed the task at step ${a.steps}.`;
  const around = goalAtEnd
    ? [(truth?.frame ?? a.steps) - 2, (truth?.frame ?? a.steps) - 1, truth?.frame ?? a.steps]
    : truth
      ? [truth.frame - 1, truth.frame, truth.frame + 1]
      : [a.steps - 1, a.steps];
  const frames = around
    .filter((t) => t >= 0 && t <= a.steps)
    .map((t) =>
      frame(
        "expert",
        a,
        t,
        truth && t === truth.frame ? `step ${t}: ${truth.text}` : `step ${t} of ${a.steps}`,
      ),
    );
  return { story, frames };
}

/** The check returned true on the first frame and on no other, so the tracker (frames 1..T) never saw it. */
function firedOnlyAtStart(a: EpisodeAnalysis, c: number): boolean {
  return a.firstFire[c] === 0 && a.firedFrames[c] === 1;
}

/** "a", "a and b", "a, b and c". */
function joinAnd(parts: readonly string[]): string {
  return parts.length <= 1 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

/** Index of the first check (sub-tasks, then goal) that did not latch; -1 when everything did. */
function firstUnlatched(a: EpisodeAnalysis, subtaskCount: number): number {
  for (let k = 0; k < subtaskCount; k++) if (a.latchedAt[k] === null) return k;
  return a.goalAt === null ? subtaskCount : -1;
}

/** The env's success step as a ground-truth happening, when the env counted the task done. */
function successTruth(a: EpisodeAnalysis): { frame: number; text: string } | null {
  return a.successStep === null ? null : { frame: a.successStep, text: "the env counted the task done" };
}

/** When and how the check's best-matching ground-truth event happened in this trajectory, if it did. */
function truthOf(check: CheckReport, a: EpisodeAnalysis): { frame: number; text: string } | null {
  // A check that never agrees with any event (F1 0, e.g. never true) has no meaningful match.
  const match = check.groundTruth;
  return match && match.f1 > 0 ? (a.events.get(match.event) ?? null) : null;
}

function checkLabel(check: CheckReport): string {
  return check.role === "goal" ? "the goal check" : `sub-task ${check.position} "${check.name}"`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
