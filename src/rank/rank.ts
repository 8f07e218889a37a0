/**
 * The reward-ranking experiment of VLM-CaR's Fig. 4: does a reward program rank demonstrators of known skill
 * in the right order (random < novice < sub-optimal < expert)?
 *
 * Every policy plays the same env seeds (episode i: seed + i), so the policies meet the same layouts. Each
 * episode runs through the RewardWrapper exactly as training would pay the program (sub-task bonuses, the
 * goal bonus in "code" mode, progress terms as potential-based shaping, frames from the program's render spec
 * or the env's default), and the episode's program reward is the sum of what the wrapper pays. The env's own
 * reward is summed beside it; Kendall's τ-b between the two over all episodes says how well the program's
 * episode rewards agree with the task's.
 */
import type { Env } from "../env/core.ts";
import { make } from "../env/registry.ts";
import "../env/tabletop/index.ts";
import { type CodeVersion, codeVersion } from "../experiments/version.ts";
import type { Policy } from "../policies/policy.ts";
import { tabletopPolicy } from "../policies/tabletop/index.ts";
import { programHash, type RewardProgram } from "../program/program.ts";
import { type RewardMode, RewardWrapper, type SubtaskInfo } from "../program/reward-wrapper.ts";
import { meanAndSe } from "../report/curves.ts";
import { policyFor } from "../trajectories/policies.ts";
import { defaultRenderFor, type RenderSpec, renderOptions } from "../trajectories/render-spec.ts";
import { checkOrder, type KendallTau, kendallTauB, type OrderCheck } from "./stats.ts";

export const RANK_FORMAT = "vlmcar.rank/1";

/** Fig. 4's demonstrators, from the one expected to earn least to the one expected to earn most. */
export const RANK_POLICIES = ["random", "novice", "suboptimal", "expert"] as const;
export type RankPolicy = (typeof RANK_POLICIES)[number];

export function isRankPolicy(name: string): name is RankPolicy {
  return (RANK_POLICIES as readonly string[]).includes(name);
}

export interface RankOptions {
  envId: string;
  program: RewardProgram;
  /** Episodes per policy (default 20, as in the paper). */
  episodes?: number;
  /** Policies to play, in any order; they are reported in Fig. 4's order. Default all four. */
  policies?: readonly RankPolicy[];
  /** Episode i of every policy plays env seed `seed + i` (default 0). */
  seed?: number;
  /** How the wrapper pays (default "code": the program's reward alone, goal bonus 1). */
  rewardMode?: RewardMode;
  /** Discount of the potential-based shaping (default 0.99, the learner's). */
  gamma?: number;
  /** Scale of the progress terms' potential (default 1). */
  progressScale?: number;
  /** Called after each episode, e.g. to stream it to a file, so an interrupted run keeps what it played. */
  onEpisode?: (episode: RankEpisode) => void;
}

export interface RankEpisode {
  policy: RankPolicy;
  /** The env seed (also the policy's). */
  seed: number;
  steps: number;
  /** Σ of what the wrapper paid for the program (bonuses, goal, shaping). */
  programReward: number;
  /** Σ of the env's own reward. */
  envReward: number;
  /** The env says the task was solved (a terminated episode with a positive last reward or `info.is_success`). */
  success: boolean;
  subtasksLatched: number;
  goal: boolean;
  /** Steps on which some check or progress term failed (counted as not fired / 0). */
  checkErrorSteps: number;
  seconds: number;
}

export interface PolicySummary {
  policy: RankPolicy;
  episodes: number;
  seeds: number[];
  program: { mean: number; se: number };
  env: { mean: number; se: number };
  successes: number;
  goals: number;
}

export interface RankResult {
  format: typeof RANK_FORMAT;
  envId: string;
  program: {
    hash: string;
    source: RewardProgram["provenance"]["source"];
    writtenFor: string | null;
    subtasks: string[];
  };
  config: {
    episodes: number;
    policies: RankPolicy[];
    seed: number;
    rewardMode: RewardMode;
    gamma: number;
    progressScale: number;
    subtaskBonus: number;
    goalBonus: number;
    render: RenderSpec;
  };
  codeVersion: CodeVersion;
  createdAt: string;
  /** Wall-clock seconds of the whole measurement. */
  seconds: number;
  /** Per policy, in Fig. 4's order. */
  policies: PolicySummary[];
  order: {
    expected: RankPolicy[];
    /** The program's mean episode rewards in the expected order. */
    program: OrderCheck;
    /** The env's own, for comparison: a demonstrator set that the task itself cannot tell apart says so here. */
    env: OrderCheck;
  };
  /** Kendall's τ-b between the program's and the env's episode rewards, over every episode. */
  kendall: KendallTau;
  checkErrors: { steps: number; examples: string[] };
  episodes: RankEpisode[];
}

/** A problem with the experiment's input (not a bug): the message says what to change. */
export class RankError extends Error {
  override name = "RankError";
}

function isTabletop(envId: string): boolean {
  return envId.startsWith("Tabletop-");
}

function policyOf(kind: RankPolicy, envId: string, seed: number): Policy<unknown, unknown> {
  if (isTabletop(envId)) {
    return tabletopPolicy(kind === "expert" ? "oracle" : kind) as unknown as Policy<unknown, unknown>;
  }
  return policyFor(kind, envId, seed);
}

/** The frames the program reads: its own render spec, else the env's default. */
export function renderFor(program: RewardProgram, envId: string): RenderSpec {
  return program.render ?? defaultRenderFor(envId);
}

function envOptions(envId: string, render: RenderSpec): Record<string, unknown> {
  // The program reads env.render(); the policies here never look at observations (the oracle is privileged,
  // the random one samples the action space), so a tabletop env need not render them a second time.
  return { ...renderOptions(render), ...(isTabletop(envId) ? { renderObservations: false } : {}) };
}

/** Runs the experiment. Throws RankError on bad input; a check that fails on a frame is counted, not fatal. */
export function runRanking(options: RankOptions): RankResult {
  const started = performance.now();
  // Taken before playing: the code that ran, even if the checkout changes while it plays.
  const version = codeVersion();
  const createdAt = new Date().toISOString();
  const { envId, program } = options;
  const episodes = options.episodes ?? 20;
  if (!(Number.isInteger(episodes) && episodes >= 1)) {
    throw new RankError(`episodes must be a whole number >= 1, got ${episodes}`);
  }
  const wanted = options.policies ?? RANK_POLICIES;
  for (const p of wanted) {
    if (!isRankPolicy(p)) throw new RankError(`unknown policy "${p}": use ${RANK_POLICIES.join(", ")}`);
  }
  const policies = RANK_POLICIES.filter((p) => wanted.includes(p));
  if (policies.length === 0) throw new RankError(`no policies: name some of ${RANK_POLICIES.join(", ")}`);
  const seed = options.seed ?? 0;
  const render = renderFor(program, envId);
  const rewardMode = options.rewardMode ?? "code";
  const env = make(envId, envOptions(envId, render)) as Env<unknown, unknown>;
  const wrapper = new RewardWrapper(env, program, {
    mode: rewardMode,
    gamma: options.gamma ?? 0.99,
    progressScale: options.progressScale ?? 1,
  });
  const played: RankEpisode[] = [];
  const errorExamples = new Set<string>();
  try {
    for (const kind of policies) {
      for (let i = 0; i < episodes; i++) {
        const episode = playEpisode(wrapper, kind, envId, seed + i, errorExamples);
        played.push(episode);
        options.onEpisode?.(episode);
      }
    }
  } finally {
    wrapper.close();
  }

  const summaries = policies.map((kind): PolicySummary => {
    const mine = played.filter((e) => e.policy === kind);
    return {
      policy: kind,
      episodes: mine.length,
      seeds: mine.map((e) => e.seed),
      program: meanAndSe(mine.map((e) => e.programReward)),
      env: meanAndSe(mine.map((e) => e.envReward)),
      successes: mine.filter((e) => e.success).length,
      goals: mine.filter((e) => e.goal).length,
    };
  });
  return {
    format: RANK_FORMAT,
    envId,
    program: {
      hash: programHash(program),
      source: program.provenance.source,
      writtenFor: program.task.envId ?? null,
      subtasks: program.subtasks.map((s) => s.name),
    },
    config: {
      episodes,
      policies,
      seed,
      rewardMode,
      gamma: wrapper.gamma,
      progressScale: wrapper.progressScale,
      subtaskBonus: wrapper.subtaskBonus,
      goalBonus: wrapper.goalBonus,
      render,
    },
    codeVersion: version,
    createdAt,
    seconds: (performance.now() - started) / 1000,
    policies: summaries,
    order: {
      expected: policies,
      program: checkOrder(summaries.map((s) => ({ name: s.policy, mean: s.program.mean }))),
      env: checkOrder(summaries.map((s) => ({ name: s.policy, mean: s.env.mean }))),
    },
    kendall: kendallTauB(
      played.map((e) => e.programReward),
      played.map((e) => e.envReward),
    ),
    checkErrors: {
      steps: played.reduce((a, e) => a + e.checkErrorSteps, 0),
      examples: [...errorExamples].slice(0, 5),
    },
    episodes: played,
  };
}

function playEpisode(
  wrapper: RewardWrapper<unknown, unknown>,
  kind: RankPolicy,
  envId: string,
  seed: number,
  errorExamples: Set<string>,
): RankEpisode {
  const started = performance.now();
  const policy = policyOf(kind, envId, seed);
  const errorsBefore = wrapper.checkErrorSteps;
  let { obs } = wrapper.reset({ seed });
  policy.reset(wrapper, seed);
  let programReward = 0;
  let envReward = 0;
  let steps = 0;
  let success = false;
  let last: SubtaskInfo | undefined;
  for (;;) {
    const r = wrapper.step(policy.act(obs, wrapper));
    obs = r.obs;
    steps++;
    const info = r.info.subtasks as SubtaskInfo;
    last = info;
    programReward += r.reward - (rewardIncludesEnv(wrapper.mode) ? info.envReward : 0);
    envReward += info.envReward;
    for (const e of info.errors ?? []) if (errorExamples.size < 20) errorExamples.add(e.message);
    if (r.terminated || r.truncated) {
      success =
        r.info.is_success === true ||
        (r.terminated && (info.envReward > 0 || (r.info.events ?? []).some((e) => e.type === "success")));
      break;
    }
  }
  return {
    policy: kind,
    seed,
    steps,
    programReward,
    envReward,
    success,
    subtasksLatched: last?.completed.length ?? 0,
    goal: last?.goal ?? false,
    checkErrorSteps: wrapper.checkErrorSteps - errorsBefore,
    seconds: (performance.now() - started) / 1000,
  };
}

function rewardIncludesEnv(mode: RewardMode): boolean {
  return mode !== "code";
}

/** A few lines for people: per policy mean ± SE, the order verdicts and τ. */
export function formatRanking(result: RankResult): string {
  const lines = [
    `${result.envId}, program ${result.program.hash.slice(0, 12)} (${result.program.source}), ` +
      `${result.config.episodes} episodes per policy, seeds ${result.config.seed}-${result.config.seed + result.config.episodes - 1}`,
    `${"policy".padEnd(12)}${"program reward".padStart(18)}${"env reward".padStart(18)}${"env successes".padStart(16)}`,
  ];
  for (const p of result.policies) {
    lines.push(
      `${p.policy.padEnd(12)}${`${fmt(p.program.mean)} ± ${fmt(p.program.se)}`.padStart(18)}` +
        `${`${fmt(p.env.mean)} ± ${fmt(p.env.se)}`.padStart(18)}${`${p.successes}/${p.episodes}`.padStart(16)}`,
    );
  }
  lines.push("(mean ± standard error over episodes)");
  const verdict = (o: OrderCheck) =>
    o.strict ? "yes" : `no (${o.violations.join("; ")})${o.weak ? ", ties only" : ""}`;
  lines.push(`order ${result.order.expected.join(" < ")} by the program: ${verdict(result.order.program)}`);
  lines.push(`order ${result.order.expected.join(" < ")} by the env:     ${verdict(result.order.env)}`);
  const k = result.kendall;
  lines.push(
    `Kendall's tau-b (program vs env episode rewards, ${k.n} episodes): ${k.tau === null ? "undefined (a constant list)" : k.tau.toFixed(3)}`,
  );
  if (result.checkErrors.steps > 0) {
    lines.push(
      `warning: ${result.checkErrors.steps} steps had failing checks (counted as not fired), e.g. ${result.checkErrors.examples[0]}`,
    );
  }
  lines.push(`wall time ${result.seconds.toFixed(1)} s`);
  return `${lines.join("\n")}\n`;
}

function fmt(x: number): string {
  return x.toFixed(3);
}
