/**
 * The results store: one SQLite file per experiment (better-sqlite3) holding every run and its evaluations,
 * so reports and scripts query results without walking run folders.
 *
 *   experiments(id, name, spec, created_at)
 *   runs(id, experiment_id, env_id, reward, seed, frames, config, program_hash, code_commit, code_dirty,
 *        status, dir, attempts, started_at, finished_at, wall_seconds, final_mean, final_std, final, error)
 *   evals(run_id, frames, updates, return_mean, return_std, returns, success_rate)   one row per evaluation
 *
 * `success_rate` (evals) and `final_success` (runs) are the share of episodes that ended with
 * `info.is_success` true (panda-gym), NULL for envs that never say (MiniGrid). Stores made before these
 * columns existed get them when opened for writing.
 *
 * `status` is pending → running → done | failed. Only the runner process writes (workers report to it), and
 * WAL mode lets a report read while an experiment is running.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { EvalStats } from "../rl/ppo.ts";
import { rewardLabel } from "./reward-modes.ts";
import { plannedFrames, type RunConfig, type RunResult } from "./run.ts";
import type { CodeVersion } from "./version.ts";

export type RunStatus = "pending" | "running" | "done" | "failed";

export interface RunRecord {
  id: string;
  experimentId: string;
  envId: string;
  reward: string;
  seed: number;
  frames: number;
  config: RunConfig;
  programHash: string | null;
  codeVersion: CodeVersion;
  status: RunStatus;
  dir: string;
  /** How many times the run was started (resumes included). */
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  wallSeconds: number | null;
  finalMean: number | null;
  finalStd: number | null;
  /** The final evaluation's success rate; null when the env does not report success. */
  finalSuccess: number | null;
  final: RunResult | null;
  error: string | null;
}

export interface EvalRecord {
  runId: string;
  frames: number;
  updates: number;
  returnMean: number;
  returnStd: number;
  returns: number[];
  /** Share of the episodes that succeeded; null when the env does not report success (or an older store). */
  successRate: number | null;
}

export interface ExperimentRecord {
  id: string;
  name: string;
  spec: unknown;
  createdAt: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS experiments (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  spec TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  experiment_id TEXT NOT NULL REFERENCES experiments(id),
  env_id TEXT NOT NULL,
  reward TEXT NOT NULL,
  seed INTEGER NOT NULL,
  frames INTEGER NOT NULL,
  config TEXT NOT NULL,
  program_hash TEXT,
  code_commit TEXT,
  code_dirty INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
  dir TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  started_at TEXT,
  finished_at TEXT,
  wall_seconds REAL,
  final_mean REAL,
  final_std REAL,
  final_success REAL,
  final TEXT,
  error TEXT
);
CREATE TABLE IF NOT EXISTS evals (
  run_id TEXT NOT NULL REFERENCES runs(id),
  frames INTEGER NOT NULL,
  updates INTEGER NOT NULL,
  return_mean REAL NOT NULL,
  return_std REAL NOT NULL,
  returns TEXT NOT NULL,
  success_rate REAL,
  PRIMARY KEY (run_id, frames)
);
`;

/** Columns added after the first stores were written: [table, column, type]. */
const ADDED_COLUMNS = [
  ["runs", "final_success", "REAL"],
  ["evals", "success_rate", "REAL"],
] as const;

interface RunRow {
  id: string;
  experiment_id: string;
  env_id: string;
  reward: string;
  seed: number;
  frames: number;
  config: string;
  program_hash: string | null;
  code_commit: string | null;
  code_dirty: number;
  status: RunStatus;
  dir: string;
  attempts: number;
  started_at: string | null;
  finished_at: string | null;
  wall_seconds: number | null;
  final_mean: number | null;
  final_std: number | null;
  final_success?: number | null;
  final: string | null;
  error: string | null;
}

/** The file is missing, or is not a results store (not SQLite, or SQLite without the store's tables). */
export class StoreError extends Error {
  override name = "StoreError";
}

export class ResultsStore {
  private readonly db: Database.Database;

  /** Opens (creating when needed) the store at `path`; `readOnly` opens an existing file only to read it. */
  constructor(
    readonly path: string,
    options: { readOnly?: boolean } = {},
  ) {
    const notAStore = (why: string) =>
      new StoreError(
        `${path} is not a vlmcar results store (${why}); give the results.sqlite of an experiment folder`,
      );
    try {
      if (options.readOnly) {
        this.db = new Database(path, { readonly: true, fileMustExist: true });
        const tables = this.db
          .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('experiments', 'runs', 'evals')",
          )
          .all();
        if (tables.length < 3) {
          this.db.close();
          throw notAStore("it has no experiments, runs and evals tables");
        }
        return;
      }
      mkdirSync(dirname(path), { recursive: true });
      this.db = new Database(path);
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("foreign_keys = ON");
      this.db.exec(SCHEMA);
      this.addMissingColumns();
    } catch (error) {
      if (error instanceof Database.SqliteError) throw notAStore(error.message);
      throw error;
    }
  }

  /** Brings a store written by an older version up to the current columns (NULL in its old rows). */
  private addMissingColumns(): void {
    for (const [table, column, type] of ADDED_COLUMNS) {
      const columns = this.db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
      if (!columns.some((c) => c.name === column))
        this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
    }
  }

  putExperiment(id: string, name: string, spec: unknown): void {
    this.db
      .prepare(
        `INSERT INTO experiments (id, name, spec, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, spec = excluded.spec`,
      )
      .run(id, name, JSON.stringify(spec), new Date().toISOString());
  }

  experiments(): ExperimentRecord[] {
    const rows = this.db.prepare("SELECT * FROM experiments ORDER BY created_at").all() as {
      id: string;
      name: string;
      spec: string;
      created_at: string;
    }[];
    return rows.map((r) => ({ id: r.id, name: r.name, spec: JSON.parse(r.spec), createdAt: r.created_at }));
  }

  /** Adds a run as pending; an existing run keeps its status and results and moves to this experiment. */
  addRun(
    experimentId: string,
    run: { id: string; config: RunConfig; dir: string; programHash: string | null; codeVersion: CodeVersion },
  ): void {
    const c = run.config;
    this.db
      .prepare(
        `INSERT INTO runs (id, experiment_id, env_id, reward, seed, frames, config, program_hash, code_commit,
                           code_dirty, status, dir)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)
         ON CONFLICT(id) DO UPDATE SET experiment_id = excluded.experiment_id`,
      )
      .run(
        run.id,
        experimentId,
        c.envId,
        rewardLabel(c.reward),
        c.seed,
        // What the run trains (rounded up to whole PPO updates), not the budget asked for.
        plannedFrames(c),
        JSON.stringify(c),
        run.programHash,
        run.codeVersion.commit,
        run.codeVersion.dirty ? 1 : 0,
        run.dir,
      );
  }

  /** The code a run's training process loaded (it can be newer than the runner's, on a long grid). */
  setCodeVersion(id: string, codeVersion: CodeVersion): void {
    this.db
      .prepare("UPDATE runs SET code_commit = ?, code_dirty = ? WHERE id = ?")
      .run(codeVersion.commit, codeVersion.dirty ? 1 : 0, id);
  }

  markRunning(id: string, codeVersion?: CodeVersion): void {
    this.db
      .prepare(
        `UPDATE runs SET status = 'running', attempts = attempts + 1, error = NULL,
           started_at = COALESCE(started_at, ?),
           code_commit = COALESCE(?, code_commit), code_dirty = COALESCE(?, code_dirty)
         WHERE id = ?`,
      )
      .run(
        new Date().toISOString(),
        codeVersion?.commit ?? null,
        codeVersion === undefined ? null : codeVersion.dirty ? 1 : 0,
        id,
      );
  }

  /**
   * Records a finished run, with the code version its final.json names (the one its config.json recorded when
   * it started), so a store rebuilt from the run folders by a runner of newer code still says what trained it.
   */
  markDone(id: string, result: RunResult): void {
    const code = result.codeVersion as CodeVersion | undefined; // absent in final.json files of older runs
    this.db
      .prepare(
        `UPDATE runs SET status = 'done', finished_at = ?, wall_seconds = ?, final_mean = ?, final_std = ?,
           final_success = ?, final = ?, program_hash = ?, error = NULL,
           code_commit = CASE WHEN ? THEN ? ELSE code_commit END,
           code_dirty = CASE WHEN ? THEN ? ELSE code_dirty END
         WHERE id = ?`,
      )
      .run(
        result.finishedAt,
        result.wallSeconds,
        result.finalEval.returnMean,
        result.finalEval.returnStd,
        result.finalEval.successRate ?? null,
        JSON.stringify(result),
        result.programHash,
        code === undefined ? 0 : 1,
        code?.commit ?? null,
        code === undefined ? 0 : 1,
        code?.dirty ? 1 : 0,
        id,
      );
  }

  markFailed(id: string, error: string): void {
    this.db.prepare("UPDATE runs SET status = 'failed', error = ? WHERE id = ?").run(error, id);
  }

  /** Records one evaluation; a redone evaluation (after a resume) replaces the earlier row. */
  putEval(
    runId: string,
    e: Pick<EvalStats, "frames" | "update" | "returnMean" | "returnStd" | "returns" | "successRate">,
  ): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO evals (run_id, frames, updates, return_mean, return_std, returns, success_rate)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        runId,
        e.frames,
        e.update,
        e.returnMean,
        e.returnStd,
        JSON.stringify(e.returns),
        e.successRate ?? null,
      );
  }

  /** Replaces a run's evaluations with `evals` (e.g. from its metrics log, the source of truth). */
  replaceEvals(runId: string, evals: readonly EvalStats[]): void {
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM evals WHERE run_id = ?").run(runId);
      for (const e of evals) this.putEval(runId, e);
    })();
  }

  run(id: string): RunRecord | null {
    const row = this.db.prepare("SELECT * FROM runs WHERE id = ?").get(id) as RunRow | undefined;
    return row ? toRecord(row) : null;
  }

  runs(filter: { experimentId?: string; status?: RunStatus } = {}): RunRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.experimentId) {
      where.push("experiment_id = ?");
      args.push(filter.experimentId);
    }
    if (filter.status) {
      where.push("status = ?");
      args.push(filter.status);
    }
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY env_id, reward, seed`;
    return (this.db.prepare(sql).all(...args) as RunRow[]).map(toRecord);
  }

  evals(runId: string): EvalRecord[] {
    const rows = this.db.prepare("SELECT * FROM evals WHERE run_id = ? ORDER BY frames").all(runId) as {
      run_id: string;
      frames: number;
      updates: number;
      return_mean: number;
      return_std: number;
      returns: string;
      success_rate?: number | null;
    }[];
    return rows.map((r) => ({
      runId: r.run_id,
      frames: r.frames,
      updates: r.updates,
      returnMean: r.return_mean,
      returnStd: r.return_std,
      returns: JSON.parse(r.returns) as number[],
      successRate: r.success_rate ?? null,
    }));
  }

  close(): void {
    this.db.close();
  }
}

function toRecord(r: RunRow): RunRecord {
  return {
    id: r.id,
    experimentId: r.experiment_id,
    envId: r.env_id,
    reward: r.reward,
    seed: r.seed,
    frames: r.frames,
    config: JSON.parse(r.config) as RunConfig,
    programHash: r.program_hash,
    codeVersion: { commit: r.code_commit, dirty: r.code_dirty === 1 },
    status: r.status,
    dir: r.dir,
    attempts: r.attempts,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    wallSeconds: r.wall_seconds,
    finalMean: r.final_mean,
    finalStd: r.final_std,
    finalSuccess: r.final_success ?? null,
    final: r.final ? (JSON.parse(r.final) as RunResult) : null,
    error: r.error,
  };
}
