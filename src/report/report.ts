/**
 * The experiment report: reads a results store (and the run and generation folders it points to) and writes
 *
 *   <out>/index.html        self-contained: inline SVG curves, frames as PNG data URLs
 *   <out>/curves/<env>.svg  the learning curves, one file per env
 *   <out>/report.json       every figure in the HTML, for scripts
 *
 * A program's generation folder is the folder of its program file: when it holds transcript.jsonl, its
 * calls, tokens and dollars go in the cost section; a summary.json and verification reports found there are
 * shown with the program only when they name the program's own hash (a folder may hold another program's
 * verification, or earlier rounds'), and the report says which files it left out and why.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import "../env/minigrid/index.ts";
import { resolveReward } from "../experiments/reward-modes.ts";
import { ResultsStore, type RunRecord } from "../experiments/store.ts";
import { encodePng } from "../image/png.ts";
import { ProgramError, ProgramSandbox, type RewardProgram } from "../program/index.ts";
import type { VerificationReport } from "../verify/report.ts";
import { readTranscript } from "../vlm/transcript.ts";
import {
  type GenerationCost,
  generationCost,
  measureRewardCall,
  type PerStepVlmEstimate,
  perStepVlmEstimate,
  type RewardCallTiming,
} from "./cost.ts";
import {
  type Curve,
  curvesSvg,
  type FinalRow,
  finalTable,
  learningCurves,
  runEvals,
  successCell,
} from "./curves.ts";
import { type ExampleEpisode, exampleEpisode } from "./examples.ts";
import { hyperparameterSets } from "./hyperparameters.ts";
import { separateSettings } from "./settings.ts";
import { escapeXml as esc } from "./svg.ts";

export interface ReportOptions {
  /** The results store. */
  db: string;
  /** Where to write index.html and the rest. */
  out: string;
  /** Skip the expert episode and the timing of each program (faster; for tests). */
  skipPrograms?: boolean;
}

export interface ProgramSection {
  envId: string;
  reward: string;
  programHash: string;
  programFile: string | null;
  program: RewardProgram;
  /** Frames of all runs trained with this program (every seed). */
  trainingFrames: number;
  runs: number;
  generationDir: string | null;
  generation: GenerationCost | null;
  summary: unknown;
  /** Verification reports of this very program (their program hash is `programHash`). */
  verification: { file: string; report: VerificationReport }[];
  /** Files next to the program that look like verification or a summary but are not this program's. */
  notShown: string[];
  timing: RewardCallTiming | null;
  perStep: PerStepVlmEstimate | null;
  example: ExampleEpisode | null;
  problems: string[];
}

export interface ReportResult {
  html: string;
  json: string;
  curves: Record<string, string>;
  envs: string[];
  /** Series per env, named as in the SVG legends' data-series attributes. */
  series: Record<string, string[]>;
  finals: FinalRow[];
  runs: number;
}

export async function writeReport(options: ReportOptions): Promise<ReportResult> {
  const db = resolve(options.db);
  if (!existsSync(db)) throw new RangeError(`no results store at ${db}; run \`vlmcar experiment\` first`);
  const store = new ResultsStore(db, { readOnly: true });
  let runs: RunRecord[];
  let curves: Map<string, Curve[]>;
  let experiments: ReturnType<ResultsStore["experiments"]>;
  try {
    runs = separateSettings(store.runs());
    curves = learningCurves(runEvals(store, runs));
    experiments = store.experiments();
  } finally {
    store.close();
  }
  const finals = finalTable(runs);
  const out = resolve(options.out);
  mkdirSync(join(out, "curves"), { recursive: true });

  const svgs = new Map<string, string>();
  const curveFiles: Record<string, string> = {};
  for (const [envId, envCurves] of curves) {
    const svg = curvesSvg(envId, envCurves);
    svgs.set(envId, svg);
    const file = join(out, "curves", `${envId.replace(/[^A-Za-z0-9._-]/g, "_")}.svg`);
    writeFileSync(file, svg);
    curveFiles[envId] = file;
  }
  const programs = options.skipPrograms ? [] : await programSections(runs);

  const html = renderHtml({ db, experiments, runs, curves, svgs, finals, programs });
  const htmlPath = join(out, "index.html");
  writeFileSync(htmlPath, html);
  const jsonPath = join(out, "report.json");
  const series = Object.fromEntries([...curves].map(([envId, cs]) => [envId, cs.map((c) => c.reward)]));
  writeFileSync(
    jsonPath,
    `${JSON.stringify(
      {
        db,
        curves: Object.fromEntries([...curves].map(([k, v]) => [k, v])),
        finals,
        hyperparameters: hyperparameterSets(runs),
        programs: programs.map(({ program: _p, example, ...rest }) => ({
          ...rest,
          example: example && { ...example, frames: example.frames.map(({ frame: _f, ...f }) => f) },
        })),
      },
      null,
      2,
    )}\n`,
  );
  return {
    html: htmlPath,
    json: jsonPath,
    curves: curveFiles,
    envs: [...curves.keys()],
    series,
    finals,
    runs: runs.length,
  };
}

/** One section per distinct (env, program) among the runs that used a program. */
async function programSections(runs: readonly RunRecord[]): Promise<ProgramSection[]> {
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs) {
    // Rewards that run no program: the env's own, sparse or dense.
    if (run.config.reward.kind === "sparse" || run.config.reward.kind === "dense-env") continue;
    const key = `${run.envId}\u0000${run.reward}\u0000${run.programHash ?? ""}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const sections: ProgramSection[] = [];
  for (const group of groups.values()) {
    const first = group[0];
    const problems: string[] = [];
    let program: RewardProgram;
    let hash: string;
    try {
      const resolved = await resolveReward(first.envId, first.config.reward);
      program = resolved.program as RewardProgram;
      hash = resolved.programHash as string;
    } catch (error) {
      console.warn(`report: skipping the program of ${first.id}: ${(error as Error).message}`);
      continue;
    }
    if (first.programHash && first.programHash !== hash) {
      problems.push(
        `the program file now hashes to ${hash.slice(0, 12)}, but the runs were trained with ${first.programHash.slice(0, 12)}: it changed since`,
      );
    }
    const programFile = first.config.reward.program ?? null;
    const generationDir = programFile
      ? existsSync(programFile) && statSync(programFile).isDirectory()
        ? programFile
        : dirname(programFile)
      : null;
    let generation: GenerationCost | null = null;
    const transcriptPath = generationDir && join(generationDir, "transcript.jsonl");
    if (transcriptPath && existsSync(transcriptPath)) {
      try {
        generation = generationCost(readTranscript(transcriptPath));
      } catch (error) {
        problems.push(`transcript.jsonl could not be read: ${(error as Error).message}`);
      }
    }
    const notShown: string[] = [];
    const summaryPath = generationDir && join(generationDir, "summary.json");
    let summary = summaryPath && existsSync(summaryPath) ? readJson(summaryPath) : null;
    const summaryHash = (summary as { programHash?: unknown } | null)?.programHash;
    if (summary !== null && summaryHash !== hash) {
      notShown.push(
        `summary.json (${typeof summaryHash === "string" ? `its program is ${summaryHash.slice(0, 12)}` : "it names no program hash"})`,
      );
      summary = null;
    }
    const compileProblems = compileErrors(program);
    problems.push(...compileProblems);
    const verification: ProgramSection["verification"] = [];
    for (const found of generationDir ? verificationReports(generationDir) : []) {
      const report = found.report;
      if (!isVerificationReport(report) || report.program?.hash !== hash)
        notShown.push(`${found.file} (${whyNotShown(report)})`);
      else if (compileProblems.length > 0 && report.verdict.accepted)
        notShown.push(`${found.file} (it says accepted, but the program does not compile)`);
      else verification.push({ file: found.file, report });
    }
    let timing: RewardCallTiming | null = null;
    let example: ExampleEpisode | null = null;
    if (compileProblems.length === 0) {
      try {
        timing = measureRewardCall(first.envId, program);
      } catch (error) {
        problems.push(`timing the reward call failed: ${(error as Error).message}`);
      }
      try {
        example = exampleEpisode(first.envId, program);
      } catch (error) {
        problems.push(`no example episode: ${(error as Error).message}`);
      }
    }
    const trainingFrames = group.reduce((a, r) => a + (r.final?.frames ?? r.frames), 0);
    sections.push({
      envId: first.envId,
      reward: first.reward,
      programHash: hash,
      programFile,
      program,
      trainingFrames,
      runs: group.length,
      generationDir: generation || summary || verification.length ? generationDir : null,
      generation,
      summary,
      verification,
      notShown,
      timing,
      perStep: timing ? perStepVlmEstimate(first.frames, generation, timing.frame) : null,
      example,
      problems,
    });
  }
  return sections;
}

/** The program's compile errors, as lines for the report (none when it compiles). */
function compileErrors(program: RewardProgram): string[] {
  try {
    new ProgramSandbox(program).dispose();
    return [];
  } catch (error) {
    if (!(error instanceof ProgramError)) throw error;
    return error.errors.map((e) => `the program does not compile: ${e.message}`);
  }
}

function whyNotShown(report: unknown): string {
  if (!isVerificationReport(report)) return "not a verification report";
  const other = (report as { program?: { hash?: unknown } }).program?.hash;
  return typeof other === "string"
    ? `verifies program ${other.slice(0, 12)}, another program`
    : "names no program hash";
}

/** Verification report JSON files in a generation folder (and its sub-folders), in name order. */
function verificationReports(dir: string): { file: string; report: unknown }[] {
  const found: string[] = [];
  const walk = (d: string, depth: number) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) {
        if (depth < 2 && name !== "images") walk(path, depth + 1);
      } else if (/verif.*\.json$|^report\.json$/i.test(name)) {
        found.push(path);
      }
    }
  };
  walk(dir, 0);
  return found.map((file) => ({ file: relative(dir, file), report: readJson(file) }));
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return { unreadable: basename(path) };
  }
}

// ───────────────────────────────────────────── HTML ─────────────────────────────────────────────

interface HtmlInput {
  db: string;
  experiments: { id: string; name: string; createdAt: string }[];
  runs: readonly RunRecord[];
  curves: Map<string, Curve[]>;
  svgs: Map<string, string>;
  finals: readonly FinalRow[];
  programs: readonly ProgramSection[];
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.3rem; margin-top: 2.5rem; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.92rem; }
th, td { border: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f7f7f7; border: 1px solid #e3e3e3; padding: 0.7rem; overflow-x: auto; font-size: 0.85rem; }
.muted { color: #666; } .warn { color: #a40; } .estimate { color: #555; font-size: 0.88rem; }
.curves { display: flex; flex-wrap: wrap; gap: 1rem; }
.frames { display: flex; flex-wrap: wrap; gap: 0.8rem; }
figure { margin: 0; max-width: 220px; } figure img { width: 200px; image-rendering: pixelated; border: 1px solid #ccc; }
figcaption { font-size: 0.82rem; } .latched { color: #0a6; font-weight: 600; }
`;

function renderHtml(input: HtmlInput): string {
  const parts: string[] = [];
  const anySuccess = input.finals.some((f) => f.success !== null);
  const names = input.experiments.map((e) => e.name).join(", ") || "experiment";
  parts.push(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>vlmcar report: ${esc(names)}</title>`,
  );
  parts.push(`<style>${STYLE}</style></head><body>`);
  parts.push(`<h1>vlmcar report: ${esc(names)}</h1>`);
  const commits = [
    ...new Set(
      input.runs.map((r) =>
        r.codeVersion.commit
          ? `${r.codeVersion.commit.slice(0, 10)}${r.codeVersion.dirty ? " (with uncommitted changes)" : ""}`
          : "unknown",
      ),
    ),
  ];
  parts.push(
    `<p class="muted">${input.runs.length} runs from <code>${esc(input.db)}</code>; code version: ${commits.map(esc).join(", ")}; written ${esc(new Date().toISOString())}.</p>`,
  );
  parts.push(
    `<p class="muted">Every curve and table shows the environment's own return, measured by evaluation episodes on an env without the reward program, whatever reward the agent was trained on. Curves: mean over seeds, shaded ± one standard error.${anySuccess ? " Envs that report success (panda-gym's <code>is_success</code>) are plotted as the success rate instead, mean over seeds shaded ± one standard deviation, as the paper's Fig. 3." : ""}</p>`,
  );

  parts.push("<h2>Learning curves</h2>");
  if (input.svgs.size === 0) parts.push(`<p class="muted">No evaluations recorded yet.</p>`);
  parts.push(`<div class="curves">`);
  for (const [envId, svg] of input.svgs) parts.push(`<div data-env="${esc(envId)}">${svg}</div>`);
  parts.push("</div>");

  parts.push("<h2>Final returns</h2>");
  parts.push(
    table(
      [
        "env",
        "reward",
        "final env return (mean ± SE)",
        ...(anySuccess ? ["final success rate (mean ± std)"] : []),
        "seeds",
        "per seed",
        "frames",
        "mean wall time",
        "failed",
        "unfinished",
      ],
      input.finals.map((f) => [
        esc(f.envId),
        esc(f.reward),
        num(f.mean === null ? "–" : `${f.mean.toFixed(3)} ± ${(f.se ?? 0).toFixed(3)}`),
        ...(anySuccess ? [num(successCell(f))] : []),
        num(String(f.n)),
        f.returns.map((r) => `${r.seed}: ${r.mean.toFixed(3)}`).join(", "),
        num(f.frames?.toLocaleString("en-US") ?? "–"),
        num(f.wallSecondsMean === null ? "–" : `${f.wallSecondsMean.toFixed(0)} s`),
        num(String(f.failed)),
        num(String(f.unfinished)),
      ]),
    ),
  );
  parts.push(
    `<p class="muted">Final return: each run's last evaluation (${esc(finalEpisodesText(input.runs))} episodes after training), then mean and standard error over seeds.</p>`,
  );

  parts.push("<h2>Reward programs</h2>");
  if (input.programs.length === 0) parts.push(`<p class="muted">No run used a reward program.</p>`);
  for (const p of input.programs) parts.push(programHtml(p));

  parts.push("<h2>Cost</h2>");
  parts.push(costHtml(input.programs));

  const sets = hyperparameterSets(input.runs);
  if (sets.length > 0) {
    parts.push("<h2>Hyperparameters</h2>");
    parts.push(
      "<p>Every PPO setting of the runs (defaults included); runs that differ only in seed share a column." +
        (sets.every((s) => s.recorded)
          ? ""
          : " Columns marked * come from runs of an older version, rebuilt from their overrides and this version's defaults.") +
        "</p>",
    );
    const keys = Object.keys(sets[0].settings) as (keyof (typeof sets)[number]["settings"])[];
    parts.push(
      table(
        ["setting", ...sets.map((s) => `${s.usedBy.join(", ")}${s.recorded ? "" : " *"}`)],
        keys.map((k) => [`<code>${esc(k)}</code>`, ...sets.map((s) => num(String(s.settings[k])))]),
      ),
    );
  }
  parts.push("<h2>Runs</h2>");
  parts.push(
    table(
      ["run", "status", "frames", "final return", "wall time", "attempts", "code", "error"],
      input.runs.map((r) => [
        `<code>${esc(r.id)}</code>`,
        esc(r.status),
        num((r.final?.frames ?? r.frames).toLocaleString("en-US")),
        num(r.finalMean === null ? "–" : `${r.finalMean.toFixed(3)} ± ${(r.finalStd ?? 0).toFixed(3)} (std)`),
        num(r.wallSeconds === null ? "–" : `${r.wallSeconds.toFixed(0)} s`),
        num(String(r.attempts)),
        esc(
          r.codeVersion.commit
            ? `${r.codeVersion.commit.slice(0, 10)}${r.codeVersion.dirty ? "+dirty" : ""}`
            : "–",
        ),
        r.error ? `<pre>${esc(r.error.split("\n").slice(0, 6).join("\n"))}</pre>` : "",
      ]),
    ),
  );
  parts.push("</body></html>");
  return `${parts.join("\n")}\n`;
}

function finalEpisodesText(runs: readonly RunRecord[]): string {
  const counts = [...new Set(runs.map((r) => r.config.evaluation.finalEpisodes))];
  return counts.join(" or ") || "–";
}

function programHtml(p: ProgramSection): string {
  const parts: string[] = [];
  const prov = p.program.provenance;
  parts.push(`<h3>${esc(p.envId)}: ${esc(p.reward)}</h3>`);
  parts.push(
    `<p>Program <code>${esc(p.programHash.slice(0, 16))}</code>${p.programFile ? ` from <code>${esc(p.programFile)}</code>` : ""}; ` +
      `provenance: ${esc(prov.source)}${prov.provider ? `, ${esc(prov.provider)}` : ""}${prov.model ? ` / ${esc(prov.model)}` : ""}` +
      `${prov.transcriptId ? `, transcript ${esc(prov.transcriptId)}` : ""}. Trained in ${p.runs} run(s).</p>`,
  );
  for (const problem of p.problems) parts.push(`<p class="warn">${esc(problem)}</p>`);
  const source = [
    p.program.helpers.trim() ? `// helpers\n${p.program.helpers.trim()}` : "",
    ...p.program.subtasks.map(
      (s, i) => `// sub-task ${i + 1}: ${s.name} — ${s.description}\n${s.code.trim()}`,
    ),
    `// goal — ${p.program.goal.description}\n${p.program.goal.code.trim()}`,
  ].filter(Boolean);
  parts.push(`<details open><summary>Source</summary><pre>${esc(source.join("\n\n"))}</pre></details>`);

  if (p.verification.length > 0) {
    parts.push("<h4>Verification</h4>");
    for (const v of p.verification) {
      parts.push(`<p class="muted"><code>${esc(v.file)}</code></p>`);
      const verifiedOn = v.report.env?.id;
      if (verifiedOn && verifiedOn !== p.envId)
        parts.push(`<p class="warn">verified on ${esc(verifiedOn)}, not on ${esc(p.envId)}</p>`);
      parts.push(verificationHtml(v.report));
    }
  } else {
    parts.push(`<p class="muted">No verification report of this program next to the program file.</p>`);
  }
  if (p.notShown.length > 0) {
    parts.push(
      `<p class="muted">Not shown, as they are not this program's: ${p.notShown.map(esc).join("; ")}.</p>`,
    );
  }
  if (p.summary) parts.push(`<h4>Generation summary</h4>${generationSummaryHtml(p.summary)}`);

  if (p.example) {
    const e = p.example;
    parts.push(
      `<h4>Example: an expert episode (seed ${e.seed}) under the program</h4><p>${e.steps} steps, ${e.success ? "solved" : "not solved"} by the expert; ` +
        `${e.missed.length ? `<span class="warn">never latched: ${esc(e.missed.join(", "))}</span>` : "every sub-task and the goal latched"}. ` +
        `Frames shown: the first, each frame on which a sub-task latched (with the env's ground-truth events on that step), and the last.</p>`,
    );
    parts.push(`<div class="frames">`);
    for (const f of e.frames) {
      const caption = f.latched.length
        ? `<span class="latched">step ${f.step}: ${esc(f.latched.join(" + "))} latched</span>`
        : `step ${f.step}${f.step === 0 ? " (start)" : " (end)"}`;
      const events = f.events.length
        ? `<br><span class="muted">true events: ${esc(f.events.join("; "))}</span>`
        : "";
      parts.push(
        `<figure><img alt="step ${f.step}" src="data:image/png;base64,${Buffer.from(encodePng(f.frame)).toString("base64")}"><figcaption>${caption}${events}</figcaption></figure>`,
      );
    }
    parts.push("</div>");
  }
  return parts.join("\n");
}

function isVerificationReport(value: unknown): value is VerificationReport {
  const v = value as Partial<VerificationReport> | null;
  return v?.format === "vlmcar.verification/1" && Array.isArray(v.checks) && Array.isArray(v.verdict?.rules);
}

/** The verdict's rules and one row per check: how often it fires for experts and random agents, and truth. */
function verificationHtml(r: VerificationReport): string {
  const pct = (x: number | null | undefined) =>
    x === null || x === undefined ? "–" : `${(100 * x).toFixed(0)}%`;
  const step = (x: number | null) => (x === null ? "–" : x.toFixed(1));
  const parts = [
    `<p><strong>${r.verdict.accepted ? "accepted" : "rejected"}</strong> on ${r.settings.experts} expert and ${r.settings.random} random trajectories (seed ${r.settings.seed}).</p>`,
    table(
      ["rule", "passed", "detail"],
      r.verdict.rules.map((rule) => [
        esc(rule.rule),
        rule.passed ? "yes" : `<span class="warn">no</span>`,
        esc(rule.message),
      ]),
    ),
    table(
      [
        "check",
        "expert: fires",
        "expert: latches",
        "expert: first fire (step)",
        "random: fires",
        "random: latches",
        "true event",
        "precision",
        "recall",
        "errors",
      ],
      r.checks.map((c) => {
        const truth = c.groundTruth;
        return [
          `${esc(c.name)}${c.role === "goal" ? " (goal)" : ""}`,
          num(pct(c.expert.fireRate)),
          num(pct(c.expert.latchRate)),
          num(step(c.expert.meanFirstFire)),
          num(pct(c.random.fireRate)),
          num(pct(c.random.latchRate)),
          esc(truth?.event ?? "–"),
          num(truth ? truth.precision.toFixed(3) : "–"),
          num(truth ? truth.recall.toFixed(3) : "–"),
          num(String(c.errorFrames)),
        ];
      }),
    ),
    `<p class="muted">Precision and recall: frames on which the check is true against frames on which its best-matching ground-truth event has happened, over all trajectories.</p>`,
  ];
  const feedback = (r as { feedback?: { text?: string } }).feedback?.text;
  if (feedback) parts.push(`<p>Feedback for the VLM: ${esc(feedback)}</p>`);
  return parts.join("\n");
}

/** A generation's summary.json: its verdict and rounds when it has the known shape, else any JSON. */
function generationSummaryHtml(summary: unknown): string {
  const s = summary as {
    verdict?: string;
    vlm?: string;
    rounds?: {
      round: number;
      action?: string;
      accepted?: boolean;
      failedRules?: string[];
      turns?: unknown[];
    }[];
  };
  if (!Array.isArray(s?.rounds)) return jsonHtml(summary);
  return [
    `<p>Verdict: <strong>${esc(String(s.verdict ?? "–"))}</strong>; VLM: <code>${esc(String(s.vlm ?? "–"))}</code>.</p>`,
    table(
      ["round", "action", "VLM calls", "accepted", "failed rules"],
      s.rounds.map((r) => [
        num(String(r.round)),
        esc(r.action ?? "–"),
        num(String(r.turns?.length ?? "–")),
        r.accepted ? "yes" : "no",
        esc((r.failedRules ?? []).join(", ")),
      ]),
    ),
  ].join("\n");
}

function costHtml(programs: readonly ProgramSection[]): string {
  if (programs.length === 0)
    return `<p class="muted">No reward programs, so no generation or reward-call cost.</p>`;
  const parts: string[] = [];
  parts.push("<h3>Generating the programs</h3>");
  parts.push(
    table(
      [
        "env / reward",
        "VLM calls",
        "failed",
        "input tokens",
        "output tokens",
        "dollars",
        "mean latency",
        "models",
      ],
      programs.map((p) => {
        const g = p.generation;
        if (!g) return [esc(`${p.envId} / ${p.reward}`), "no transcript", "", "", "", "", "", ""];
        return [
          esc(`${p.envId} / ${p.reward}`),
          num(
            `${g.calls} (${g.paidCalls} answered${g.replayedCalls ? `, ${g.replayedCalls} replayed` : ""})`,
          ),
          num(String(g.failedCalls)),
          num(`${g.inputTokens.toLocaleString("en-US")}${g.tokensEstimated ? " (estimated)" : ""}`),
          num(`${g.outputTokens.toLocaleString("en-US")}${g.tokensEstimated ? " (estimated)" : ""}`),
          num(
            g.paidCalls === 0
              ? "none (nothing answered in this run)"
              : g.manualCalls === g.paidCalls
                ? "none charged (manual provider)"
                : g.dollars === null
                  ? "unknown (no price for the model)"
                  : `$${g.dollars.toFixed(4)}${g.unpricedCalls ? ` + ${g.unpricedCalls} unpriced calls` : ""}`,
          ),
          num(g.meanLatencyMs === null ? "– (no network calls)" : `${(g.meanLatencyMs / 1000).toFixed(1)} s`),
          esc(g.providers.join(", ")),
        ];
      }),
    ),
  );
  parts.push(
    `<p class="muted">From each program's transcript.jsonl: every call, with the provider's token counts and the dollars charged at the price table's rates. Cache hits and replays are counted as calls but cost nothing; the tokens of a replayed call are those recorded when it was first answered, so a replayed generation still shows what producing the program took.</p>`,
  );

  parts.push("<h3>Running the programs as rewards</h3>");
  parts.push(
    table(
      ["env / reward", "µs per reward call", "µs per env step + render", "frame", "calls timed"],
      programs.map((p) => [
        esc(`${p.envId} / ${p.reward}`),
        num(p.timing ? p.timing.microsPerCall.toFixed(0) : "–"),
        num(p.timing ? p.timing.microsPerEnvStep.toFixed(0) : "–"),
        p.timing ? `${p.timing.frame.width}×${p.timing.frame.height}` : "–",
        num(p.timing ? String(p.timing.calls) : "–"),
      ]),
    ),
  );
  parts.push(
    `<p class="muted">Measured on this machine while writing the report: the median time of one sandbox call on one frame (as the reward wrapper calls it during training), over the frames of an expert episode.</p>`,
  );

  parts.push("<h3>What a VLM queried at every training step would have cost instead</h3>");
  parts.push(
    `<p class="estimate">These figures are <strong>estimates</strong>, not measurements: no VLM was queried per step. Each says what it rests on.</p>`,
  );
  const row = (label: string, value: string, basis: string) => [
    esc(label),
    num(value),
    `<span class="estimate">${esc(basis)}</span>`,
  ];
  for (const p of programs) {
    if (!p.perStep) continue;
    const s = p.perStep;
    parts.push(
      `<h4>${esc(p.envId)}: one run of ${s.trainingSteps.toLocaleString("en-US")} training steps</h4>`,
    );
    const dollars = (v: number | null) =>
      v === null ? "–" : `$${v.toLocaleString("en-US", { maximumFractionDigits: 0 })}`;
    parts.push(
      table(
        ["figure", "value", "basis"],
        [
          row(
            "dollars, prompt like the generation calls",
            dollars(s.dollarsLikeGeneration.value),
            s.dollarsLikeGeneration.basis,
          ),
          row(
            "dollars, frame only (lower bound)",
            dollars(s.dollarsFrameOnly.value),
            s.dollarsFrameOnly.basis,
          ),
          row(
            "time waiting for the VLM",
            s.hoursSequential.value === null ? "–" : duration(s.hoursSequential.value * 3600),
            s.hoursSequential.basis,
          ),
          row(
            "time in the reward code (measured rate)",
            p.timing ? duration((p.timing.microsPerCall * s.trainingSteps) / 1e6) : "–",
            p.timing
              ? `${s.trainingSteps.toLocaleString("en-US")} steps × ${p.timing.microsPerCall.toFixed(0)} µs measured above`
              : "",
          ),
        ],
      ),
    );
  }
  return parts.join("\n");
}

/** 42 s, 12 min, 3.5 h, 12 days. */
function duration(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(0)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(0)} days`;
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = `<tr>${headers.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>`;
  const body = rows
    .map((r) => `<tr>${r.map((c) => (c.startsWith("<td") ? c : `<td>${c}</td>`)).join("")}</tr>`)
    .join("\n");
  return `<table>${head}\n${body}</table>`;
}

/** A right-aligned number cell (already escaped or plain). */
function num(text: string): string {
  return `<td class="num">${esc(text)}</td>`;
}

/**
 * Any JSON as HTML: arrays of flat objects as tables (e.g. per-check verification rates), objects as
 * key/value tables, the rest as text. Verification reports have no fixed shape here, so nothing is assumed.
 */
function jsonHtml(value: unknown, depth = 0): string {
  if (value === null || typeof value !== "object") return esc(formatScalar(value));
  if (depth > 3) return `<pre>${esc(JSON.stringify(value, null, 2).slice(0, 2000))}</pre>`;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const flat = value.every((v) => v && typeof v === "object" && !Array.isArray(v));
    if (flat) {
      const keys = [...new Set(value.flatMap((v) => Object.keys(v as object)))].slice(0, 14);
      return table(
        keys,
        value
          .slice(0, 200)
          .map((v) => keys.map((k) => jsonHtml((v as Record<string, unknown>)[k], depth + 1))),
      );
    }
    return esc(value.map((v) => (typeof v === "object" ? JSON.stringify(v) : formatScalar(v))).join(", "));
  }
  const entries = Object.entries(value as Record<string, unknown>).slice(0, 60);
  return table(
    ["field", "value"],
    entries.map(([k, v]) => [`<code>${esc(k)}</code>`, jsonHtml(v, depth + 1)]),
  );
}

function formatScalar(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(4);
  if (value === null || value === undefined) return "–";
  return String(value);
}
