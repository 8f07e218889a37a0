/**
 * The VerificationReport: JSON a program can be judged by (and a person can read), a text summary, and the
 * files `vlmcar verify` writes (report.json, summary.txt, feedback PNGs).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Frame } from "../image/frame.ts";
import { encodePng } from "../image/png.ts";
import type { CheckError } from "../program/errors.ts";
import type { Provenance } from "../program/program.ts";
import type { RenderSpec } from "../trajectories/render-spec.ts";
import { describeRender } from "../trajectories/render-spec.ts";
import type { EventAgreement } from "./analyze.ts";
import type { VerifyCriteria } from "./criteria.ts";
import type { EpisodeCheckError, Group } from "./evaluate.ts";
import { describeNegatives, type NegativesReport } from "./negatives.ts";
import { describeProgress, type ProgressTermReport } from "./progress.ts";

export const REPORT_FORMAT = "vlmcar.verification/1";

/** The acceptance rules, each reported as passed or failed. */
export type Rule =
  /** The program compiles in the sandbox. */
  | "compiles"
  /** Enough expert trajectories complete every sub-task in order, and the goal. */
  | "expert-completion"
  /** In expert trajectories, no check first fires before the check listed before it. */
  | "order"
  /** In expert trajectories, the goal check first fires only near the end. */
  | "goal-near-end"
  /** Few enough random trajectories reach the goal. */
  | "random-goal"
  /** No check threw, returned a non-boolean, timed out or ran out of memory. */
  | "check-errors"
  /** There were expert trajectories to judge by, and every frame was evaluated. */
  | "evaluation"
  /** No check fires in an expert trajectory cut just before its sub-task (only with criteria.rejectTruncatedFires). */
  | "truncated-negatives"
  /** No expert trajectory played backwards completes the program (only with criteria.rejectReversedCompletion). */
  | "reversed-negatives"
  /** Each progress term rises with time on expert trajectories (programs with progress terms only). */
  | "progress-rises"
  /** Each progress term ends near 1 where its sub-task latches on expert trajectories. */
  | "progress-ends-high"
  /** Each progress term stays low on random trajectories. */
  | "progress-random-low";

export interface RuleResult {
  readonly rule: Rule;
  readonly passed: boolean;
  /** One sentence with the numbers, e.g. "18 of 20 expert trajectories (90%) complete ...". */
  readonly message: string;
}

/** A check's behaviour on one group of trajectories. Rates are fractions of trajectories. */
export interface GroupCheckStats {
  readonly trajectories: number;
  /** Returned true on at least one frame. */
  readonly fireRate: number;
  /** Returned true already on the first frame, before any action. */
  readonly firstFrameRate: number;
  /** Latched by the tracker (in order, on frames 1..T). */
  readonly latchRate: number;
  /** Mean first frame on which it fired, over the trajectories where it did. */
  readonly meanFirstFire: number | null;
  /** Mean of first fire / episode length, over the trajectories where it fired (1 = on the last frame). */
  readonly meanFirstFireFraction: number | null;
  /** First firing frame per trajectory, null where it never fired. */
  readonly firstFire: readonly (number | null)[];
}

export interface CheckReport {
  readonly name: string;
  readonly role: "subtask" | "goal";
  /** 1-based position among the sub-tasks; the goal comes after them. */
  readonly position: number;
  readonly description: string;
  readonly expert: GroupCheckStats;
  readonly random: GroupCheckStats;
  /** Agreement with the best-matching ground-truth event, over all trajectories; null without events. */
  readonly groundTruth: EventAgreement | null;
  /** The same on expert trajectories only: does the check mark the demonstrated sub-task where it happens? */
  readonly expertGroundTruth: EventAgreement | null;
  readonly errorFrames: number;
}

export interface TrajectorySummary {
  readonly group: Group;
  readonly index: number;
  readonly seed: number;
  readonly steps: number;
  readonly envSuccess: boolean;
  /** Every sub-task and the goal latched in order. */
  readonly completed: boolean;
  readonly latchedAt: readonly (number | null)[];
  readonly goalAt: number | null;
  readonly firstFire: readonly (number | null)[];
  readonly framesNotRun: number;
}

/** A frame saved for the VLM, with what it shows. */
export interface FeedbackFrame {
  readonly file: string;
  readonly group: Group;
  readonly episode: number;
  readonly step: number;
  readonly caption: string;
}

export type FeedbackKind =
  | "compile-error"
  | "check-error"
  | "expert-miss"
  | "order"
  | "goal-early"
  | "random-goal"
  | "fires-at-start"
  | "no-experts"
  | "aborted"
  | "truncated-fires"
  | "reversed-completes"
  | "progress-falls"
  | "progress-ends-low"
  | "progress-random-high";

export interface FeedbackItem {
  readonly kind: FeedbackKind;
  /** The check concerned ("goal" for the goal, "helpers" for the helper code), if one. */
  readonly check?: string;
  /** `"progress"` when the item is about the sub-task's progress term rather than its check. */
  readonly term?: "progress";
  /** One or two plain sentences with numbers, for the VLM. */
  readonly message: string;
  readonly frames: readonly FeedbackFrame[];
}

export interface VerificationReport {
  readonly format: typeof REPORT_FORMAT;
  readonly createdAt: string;
  readonly env: {
    readonly id: string;
    readonly options: Readonly<Record<string, unknown>>;
    readonly render: RenderSpec;
  };
  readonly program: {
    readonly hash: string;
    readonly task?: string;
    readonly subtasks: readonly { readonly name: string; readonly description: string }[];
    readonly goal: string;
    readonly provenance: Provenance;
  };
  readonly settings: {
    readonly experts: number;
    readonly random: number;
    readonly seed: number;
    readonly criteria: VerifyCriteria;
    readonly sandbox: { readonly memoryLimitMb: number; readonly timeLimitMs: number };
  };
  readonly verdict: { readonly accepted: boolean; readonly rules: readonly RuleResult[] };
  readonly experts: {
    readonly count: number;
    readonly policy: string;
    readonly seeds: readonly number[];
    /** Expert episodes that did not reach the task and were replaced by the next seed. */
    readonly skipped: readonly { readonly seed: number; readonly reason: string }[];
    readonly completed: number;
    readonly completionRate: number;
    readonly goalNearEndRate: number;
    readonly meanSteps: number | null;
  };
  readonly random: {
    readonly count: number;
    readonly policy: string;
    readonly seeds: readonly number[];
    readonly goalReached: number;
    readonly goalRate: number;
    readonly envSuccessRate: number;
    readonly meanSteps: number | null;
  };
  readonly checks: readonly CheckReport[];
  /** Compile-time problems; when present nothing was evaluated. */
  readonly compileErrors: readonly CheckError[];
  /** Run-time check errors, the first of each check in each trajectory, with where they happened. */
  readonly errors: readonly EpisodeCheckError[];
  readonly trajectories: readonly TrajectorySummary[];
  readonly feedback: { readonly text: string; readonly items: readonly FeedbackItem[] };
  /** The harder negatives (negatives.ts), always computed; absent in reports written before they existed. */
  readonly negatives?: NegativesReport;
  /** How each progress term behaved (progress.ts); present only for programs with progress terms. */
  readonly progress?: readonly ProgressTermReport[];
  /** Wall time of the whole verification (collection included); frames seen, and distinct frames evaluated. */
  readonly timing: {
    readonly seconds: number;
    readonly frames: number;
    readonly distinctFrames: number;
    readonly framesPerSecond: number;
  };
  readonly warnings: readonly string[];
}

/** The result of verifyProgram: the report, and the feedback frames named in it, by file name. */
export interface Verification {
  readonly report: VerificationReport;
  readonly frames: ReadonlyMap<string, Frame>;
}

const pct = (x: number | null): string => (x === null ? "-" : `${Math.round(x * 100)}%`);
const num = (x: number | null): string => (x === null ? "-" : x.toFixed(1));

/** A readable summary: verdict, per-check table, rules, feedback. */
export function formatSummary(report: VerificationReport): string {
  const lines: string[] = [];
  const verdict = report.verdict.accepted ? "ACCEPTED" : "REJECTED";
  lines.push(
    `Verification of program ${report.program.hash.slice(0, 12)} on ${report.env.id} (${describeRender(report.env.render)}): ${verdict}`,
  );
  lines.push(
    `  ${report.experts.count} expert trajectories, ${report.random.count} random; ` +
      `${report.timing.frames} frames in ${report.timing.seconds.toFixed(2)} s ` +
      `(${Math.round(report.timing.framesPerSecond)} frames/s)`,
  );
  if (report.checks.length > 0) {
    lines.push("");
    const header = [
      "check",
      "expert fires",
      "expert latched",
      "first fire",
      "random fires",
      "random latched",
      "ground truth (P/R)",
    ];
    const rows = report.checks.map((c) => [
      c.role === "goal" ? "goal" : `${c.position}. ${c.name}`,
      pct(c.expert.fireRate),
      pct(c.expert.latchRate),
      c.expert.meanFirstFire === null
        ? "-"
        : `${num(c.expert.meanFirstFire)} (${pct(c.expert.meanFirstFireFraction)})`,
      pct(c.random.fireRate),
      pct(c.random.latchRate),
      c.groundTruth
        ? `${c.groundTruth.event} ${c.groundTruth.precision.toFixed(2)}/${c.groundTruth.recall.toFixed(2)}`
        : "-",
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const fmt = (r: string[]): string => `  ${r.map((v, i) => v.padEnd(widths[i])).join("  ")}`.trimEnd();
    lines.push(fmt(header));
    for (const r of rows) lines.push(fmt(r));
    lines.push("  (first fire: mean frame index in expert trajectories, and as a fraction of the episode)");
  }
  if (report.progress && report.progress.length > 0) {
    lines.push("", "Progress terms:", ...describeProgress(report.progress));
  }
  lines.push("", "Rules:");
  for (const r of report.verdict.rules) lines.push(`  [${r.passed ? "ok" : "FAIL"}] ${r.message}`);
  if (report.negatives) {
    // Reported always; they count for the verdict only when their criteria ask (then they are rules above).
    const words = describeNegatives(report.negatives);
    const judged = new Set(report.verdict.rules.map((r) => r.rule));
    lines.push("", "Harder negatives:");
    if (!judged.has("truncated-negatives"))
      lines.push(`  [${report.negatives.truncated.passed ? "ok" : "warn"}] ${words.truncated}`);
    else lines.push("  (truncated experts: judged above)");
    if (!judged.has("reversed-negatives"))
      lines.push(`  [${report.negatives.reversed.passed ? "ok" : "warn"}] ${words.reversed}`);
    else lines.push("  (reversed experts: judged above)");
  }
  for (const w of report.warnings) lines.push(`  warning: ${w}`);
  if (report.feedback.items.length > 0) lines.push("", "Feedback:", report.feedback.text);
  return `${lines.join("\n")}\n`;
}

/** The verdict and per-check rates as one object: the last line of `vlmcar verify --json`. */
export function verdictJson(
  report: VerificationReport,
  paths: Record<string, string> = {},
): Record<string, unknown> {
  return {
    accepted: report.verdict.accepted,
    env: report.env.id,
    program: report.program.hash,
    failed: report.verdict.rules.filter((r) => !r.passed).map((r) => r.rule),
    experts: report.experts.count,
    random: report.random.count,
    expertCompletionRate: report.experts.completionRate,
    randomGoalRate: report.random.goalRate,
    checks: report.checks.map((c) => ({
      name: c.name,
      expertFireRate: c.expert.fireRate,
      expertLatchRate: c.expert.latchRate,
      randomFireRate: c.random.fireRate,
      randomLatchRate: c.random.latchRate,
      precision: c.groundTruth?.precision ?? null,
      recall: c.groundTruth?.recall ?? null,
      event: c.groundTruth?.event ?? null,
    })),
    ...(report.progress
      ? {
          progress: report.progress.map((p) => ({
            subtask: p.subtask,
            expertCorrelation: p.expert.meanCorrelation,
            expertAtEnd: p.expert.meanAtEnd,
            randomMean: p.random.meanValue,
            failed: p.failed,
          })),
        }
      : {}),
    seconds: report.timing.seconds,
    ...paths,
  };
}

/** Writes report.json, summary.txt and the feedback PNGs (under feedback/) into `dir`; returns the paths. */
export function writeVerification(
  dir: string,
  verification: Verification,
): { report: string; summary: string; feedback: string[] } {
  mkdirSync(dir, { recursive: true });
  const report = join(dir, "report.json");
  const summary = join(dir, "summary.txt");
  writeFileSync(report, `${JSON.stringify(verification.report, null, 2)}\n`);
  writeFileSync(summary, formatSummary(verification.report));
  const feedback: string[] = [];
  for (const [file, frame] of verification.frames) {
    const path = join(dir, file);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, encodePng(frame));
    feedback.push(path);
  }
  return { report, summary, feedback };
}

/**
 * How verification words its rules and feedback: 3 (current), 2 as generations of revisions 2-3 quote it, 1 as
 * revision 1 (before issue 13) quotes it. Recorded generations replay their refine rounds only in their words.
 */
export type Wording = 1 | 2 | 3;
