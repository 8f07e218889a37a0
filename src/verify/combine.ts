/**
 * Best of K: several candidate checks per sub-task (and for the goal), scored together cheaply.
 *
 * Checks are pure functions of (frame, first) and independent of each other until the tracker, so each
 * candidate's values on the verification trajectories are computed once, and any combination of candidates is
 * judged by assembling those values and running only the tracker and the acceptance rules, never the sandbox
 * again. The candidates travel as K "column" programs: column k holds candidate k of every check that has one
 * (a check with fewer candidates repeats its last one), so the trajectories are collected once and streamed
 * through K sandboxes side by side.
 */
import type { CheckError } from "../program/errors.ts";
import { checkNames, type RewardProgram } from "../program/program.ts";
import { CHECK_TRUE } from "../program/results.ts";
import { ProgramSandbox, type SandboxOptions } from "../program/sandbox.ts";
import { collectTrajectories, envOptionsFor } from "../trajectories/collect.ts";
import { policyFor } from "../trajectories/policies.ts";
import { defaultRenderFor, type RenderSpec } from "../trajectories/render-spec.ts";
import type { EpisodeVisitor } from "../trajectories/rollout.ts";
import { analyzeEpisode } from "./analyze.ts";
import { resolveCriteria, type VerifyCriteria } from "./criteria.ts";
import { type EpisodeEvaluation, type Group, ProgramEvaluator } from "./evaluate.ts";
import { judge } from "./verify.ts";

export interface CombineOptions {
  envId: string;
  envOptions?: Record<string, unknown>;
  render?: RenderSpec;
  /** Expert and random trajectories (defaults 20 and 100), episode i on seed `seed + i`, as verifyProgram. */
  experts?: number;
  random?: number;
  seed?: number;
  criteria?: Partial<VerifyCriteria>;
  sandbox?: SandboxOptions;
  /** Above this many combinations, search greedily (one check at a time) instead of trying them all (default 256). */
  maxExhaustive?: number;
}

/** How the candidates of one check fared. */
export interface StageScore {
  readonly check: string;
  readonly candidates: number;
  /** Candidates with which some combination is accepted (all combinations, or the greedy neighbourhood). */
  readonly passing: number;
  readonly passRate: number;
  /** The candidate kept. */
  readonly chosen: number;
  /** Per candidate: the fraction of expert and of random trajectories in which it returned true after frame 0. */
  readonly expertFireRates: readonly number[];
  readonly randomFireRates: readonly number[];
}

export interface CombineResult {
  /** The candidate kept for each check, in check order. */
  readonly choice: readonly number[];
  /** Whether the kept combination passes every acceptance rule (its full verification follows). */
  readonly accepted: boolean;
  readonly combinations: number;
  readonly searched: "exhaustive" | "greedy";
  readonly stages: readonly StageScore[];
}

/**
 * Scores every combination of candidates (or greedily, when there are too many) and returns the best:
 * accepted first, then more rules passed, more experts completed, fewer random trajectories reaching the goal,
 * fewer erring checks. Ties go to lower candidate indexes (the first candidate is the chain's own).
 * `counts[c]` is how many candidates check c has; `columns[k]` is the program of candidate k of every check.
 * Throws ProgramError when a column does not compile (candidates are probed before, so this means a bug).
 */
export function combineCandidates(
  columns: readonly RewardProgram[],
  counts: readonly number[],
  options: CombineOptions,
): CombineResult {
  const names = checkNames(columns[0]);
  if (counts.length !== names.length || columns.length !== Math.max(...counts)) {
    throw new RangeError(
      `combineCandidates: ${columns.length} columns and counts [${counts.join(", ")}] do not fit ${names.length} checks`,
    );
  }
  const criteria = resolveCriteria(options.criteria);
  const perColumn = evaluateColumns(columns, options);
  const subtaskNames = names.slice(0, -1);
  const episodes = perColumn[0].length;
  const n = names.length;

  const scoreOf = (choice: readonly number[]): Score => {
    const analyses = [];
    const errors: { check: string }[] = [];
    for (let i = 0; i < episodes; i++) {
      const base = perColumn[0][i];
      const frames = base.values.length / n;
      const values = new Uint8Array(base.values.length);
      for (let c = 0; c < n; c++) {
        const source = perColumn[choice[c]][i].values;
        for (let t = 0; t < frames; t++) values[t * n + c] = source[t * n + c];
      }
      for (let c = 0; c < n; c++) {
        for (const e of perColumn[choice[c]][i].errors) if (e.check === names[c]) errors.push(e);
      }
      analyses.push(analyzeEpisode({ ...base, values }, subtaskNames, criteria));
    }
    const experts = analyses.filter((a) => a.group === "expert");
    const random = analyses.filter((a) => a.group === "random");
    const rules = judge({ compileErrors: [] as CheckError[], experts, random, errors, criteria });
    return {
      accepted: rules.every((r) => r.passed),
      key: [
        rules.every((r) => r.passed) ? 1 : 0,
        rules.filter((r) => r.passed).length,
        experts.filter((a) => a.completed).length,
        -random.filter((a) => a.completed).length,
        -new Set(errors.map((e) => e.check)).size,
      ],
    };
  };

  const combinations = counts.reduce((a, b) => a * b, 1);
  const exhaustive = combinations <= (options.maxExhaustive ?? 256);
  const passing = counts.map((k) => new Array<boolean>(k).fill(false));
  const start = new Array<number>(n).fill(0);
  const best = { choice: [...start], score: scoreOf(start) };
  const consider = (choice: number[], score: Score): void => {
    if (score.accepted) for (let c = 0; c < n; c++) passing[c][choice[c]] = true;
    if (better(score.key, best.score.key)) {
      best.choice = [...choice];
      best.score = score;
    }
  };
  consider(start, best.score);
  if (exhaustive) {
    // Odometer order from all zeros (already scored): the last check's candidate turns fastest.
    const choice = [...start];
    for (;;) {
      let c = n - 1;
      while (c >= 0 && ++choice[c] >= counts[c]) choice[c--] = 0;
      if (c < 0) break;
      consider(choice, scoreOf(choice));
    }
  } else {
    // One check at a time, keeping the others, until nothing improves.
    for (let improved = true; improved; ) {
      improved = false;
      for (let c = 0; c < n; c++) {
        for (let k = 0; k < counts[c]; k++) {
          if (k === best.choice[c]) continue;
          const trial = [...best.choice];
          trial[c] = k;
          const before = best.score.key;
          consider(trial, scoreOf(trial));
          if (best.score.key !== before) improved = true;
        }
      }
    }
  }
  const kept = best;
  const stages: StageScore[] = names.map((check, c) => {
    const pass = passing[c].filter(Boolean).length;
    return {
      check,
      candidates: counts[c],
      passing: pass,
      passRate: pass / counts[c],
      chosen: kept.choice[c],
      expertFireRates: fireRates(perColumn, counts[c], c, n, "expert"),
      randomFireRates: fireRates(perColumn, counts[c], c, n, "random"),
    };
  });
  return {
    choice: kept.choice,
    accepted: kept.score.accepted,
    combinations,
    searched: exhaustive ? "exhaustive" : "greedy",
    stages,
  };
}

interface Score {
  accepted: boolean;
  key: number[];
}

function better(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return false;
}

/** Each column program's values on the same trajectories, collected once (expert successes, then random). */
function evaluateColumns(columns: readonly RewardProgram[], options: CombineOptions): EpisodeEvaluation[][] {
  const render = options.render ?? defaultRenderFor(options.envId);
  const envOptions = envOptionsFor(render, options.envOptions);
  const seed = options.seed ?? 0;
  const sandboxes: ProgramSandbox[] = [];
  try {
    for (const program of columns) sandboxes.push(new ProgramSandbox(program, options.sandbox));
    const evaluators = sandboxes.map((s) => new ProgramEvaluator(s));
    const fanOut: EpisodeVisitor = {
      frame: (frame, t) => {
        for (const e of evaluators) e.frame(frame, t);
      },
      end: (trajectory, kept) => {
        for (const e of evaluators) e.end(trajectory, kept);
      },
    };
    const groups: [Group, number, boolean][] = [
      ["expert", options.experts ?? 20, true],
      ["random", options.random ?? 100, false],
    ];
    for (const [group, episodes, onlySuccesses] of groups) {
      for (const e of evaluators) e.startGroup(group);
      collectTrajectories(
        {
          envId: options.envId,
          envOptions,
          render,
          policy: policyFor(group, options.envId, seed),
          episodes,
          seedBase: seed,
          onlySuccesses,
          hashFrames: false,
          progress: false,
        },
        fanOut,
      );
    }
    return evaluators.map((e) => e.episodes);
  } finally {
    for (const s of sandboxes) s.dispose();
  }
}

/** Per candidate of check c: the fraction of the group's trajectories where it returned true after frame 0. */
function fireRates(
  perColumn: readonly EpisodeEvaluation[][],
  count: number,
  c: number,
  n: number,
  group: Group,
): number[] {
  const rates: number[] = [];
  for (let k = 0; k < count; k++) {
    const episodes = perColumn[k].filter((e) => e.group === group);
    const fired = episodes.filter((e) => {
      for (let i = n + c; i < e.values.length; i += n) if (e.values[i] === CHECK_TRUE) return true;
      return false;
    }).length;
    rates.push(episodes.length === 0 ? 0 : fired / episodes.length);
  }
  return rates;
}
