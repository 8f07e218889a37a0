/**
 * The run folder's logs for the tools researchers already use, beside metrics.jsonl (which stays the
 * record): a TensorBoard event file and two CSV files. docs/LOGS.md lists every column and tag.
 *
 *   <run>/tb/events.out.tfevents.0.vlmcar   `tensorboard --logdir <run or experiment folder>`
 *   <run>/metrics.csv                        one row per PPO update
 *   <run>/eval.csv                           one row per evaluation (the env's own return)
 *
 * They are derived from metrics.jsonl: a resumed run (whose metrics.jsonl PPO cut back to its checkpoint)
 * rewrites them from it, then appends, so they always hold exactly the updates metrics.jsonl holds.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EvalStats, UpdateStats } from "../rl/ppo.ts";
import { EVENT_FILE_PREFIX, EventFileWriter } from "./tensorboard.ts";

export const LOG_FILES = {
  tensorboard: join("tb", `${EVENT_FILE_PREFIX}0.vlmcar`),
  updatesCsv: "metrics.csv",
  evalCsv: "eval.csv",
} as const;

type Column<T> = readonly [name: string, value: (s: T) => number | null | undefined];

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Update rows: CSV column, TensorBoard tag (CleanRL's names where CleanRL has one), value. */
const UPDATE_COLUMNS: readonly (readonly [string, string, Column<UpdateStats>[1]])[] = [
  ["update", "", (s) => s.update],
  ["frames", "", (s) => s.frames],
  ["episodes", "charts/episodes", (s) => s.episodeReturns.length],
  ["return_mean", "charts/episodic_return", (s) => s.returnMean],
  ["length_mean", "charts/episodic_length", (s) => mean(s.episodeLengths)],
  ["env_return_mean", "reward/env_return", (s) => s.rewardComponents?.envReturn],
  ["program_bonus_mean", "reward/program_bonus", (s) => s.rewardComponents?.programBonus],
  ["subtasks_mean", "reward/subtasks_completed", (s) => s.rewardComponents?.subtasks],
  ["policy_loss", "losses/policy_loss", (s) => s.policyLoss],
  ["value_loss", "losses/value_loss", (s) => s.valueLoss],
  ["entropy", "losses/entropy", (s) => s.entropy],
  ["approx_kl", "losses/approx_kl", (s) => s.approxKl],
  ["clip_fraction", "losses/clipfrac", (s) => s.clipFraction],
  ["grad_norm", "losses/grad_norm", (s) => s.gradNorm],
  ["value_mean", "values/value", (s) => s.value],
  ["fps", "charts/SPS", (s) => s.fps],
  ["env_ms", "time/env_ms", (s) => s.time.env],
  ["policy_ms", "time/policy_ms", (s) => s.time.policy],
  ["learn_ms", "time/learn_ms", (s) => s.time.learn],
];

const EVAL_COLUMNS: readonly (readonly [string, string, Column<EvalStats>[1]])[] = [
  ["update", "", (s) => s.update],
  ["frames", "", (s) => s.frames],
  ["episodes", "", (s) => s.returns.length],
  ["return_mean", "eval/episodic_return", (s) => s.returnMean],
  ["return_std", "eval/episodic_return_std", (s) => s.returnStd],
  ["length_mean", "eval/episodic_length", (s) => mean(s.lengths)],
  // Empty for envs that never report `info.is_success` (MiniGrid).
  ["success_rate", "eval/success_rate", (s) => s.successRate],
];

export class RunLogs {
  private readonly events: EventFileWriter;

  constructor(private readonly dir: string) {
    mkdirSync(join(dir, "tb"), { recursive: true });
    this.events = new EventFileWriter(join(dir, LOG_FILES.tensorboard));
  }

  /** Starts the files afresh from the entries of a metrics.jsonl (none for a new run). */
  rebuild(metricsPath: string): void {
    this.events.create();
    writeFileSync(join(this.dir, LOG_FILES.updatesCsv), `${UPDATE_COLUMNS.map((c) => c[0]).join(",")}\n`);
    writeFileSync(join(this.dir, LOG_FILES.evalCsv), `${EVAL_COLUMNS.map((c) => c[0]).join(",")}\n`);
    if (!existsSync(metricsPath)) return;
    for (const line of readFileSync(metricsPath, "utf8").split("\n")) {
      if (!line.trim()) continue;
      let entry: UpdateStats | EvalStats;
      try {
        entry = JSON.parse(line);
      } catch {
        continue; // a line cut short by a kill
      }
      if (entry.type === "update") this.update(entry);
      else if (entry.type === "eval") this.evaluation(entry);
    }
  }

  update(stats: UpdateStats): void {
    this.write(LOG_FILES.updatesCsv, UPDATE_COLUMNS, stats);
  }

  evaluation(stats: EvalStats): void {
    this.write(LOG_FILES.evalCsv, EVAL_COLUMNS, stats);
  }

  private write<T extends { frames: number }>(
    csv: string,
    columns: readonly (readonly [string, string, Column<T>[1]])[],
    stats: T,
  ): void {
    const values = columns.map(([, , value]) => value(stats));
    appendFileSync(join(this.dir, csv), `${values.map(csvNumber).join(",")}\n`);
    const scalars: Record<string, number | null | undefined> = {};
    columns.forEach(([, tag], i) => {
      if (tag) scalars[tag] = values[i];
    });
    this.events.scalars(stats.frames, scalars);
  }
}

/** Empty for a missing value; numbers in JavaScript's shortest round-trip form. */
function csvNumber(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "" : String(value);
}
