import { join, resolve } from "node:path";
import type { Command } from "commander";
import { EXPERIMENT_FILES } from "../../experiments/runner.ts";
import { StoreError } from "../../experiments/store.ts";
import { writeReport } from "../../report/report.ts";
import { CommandOutput, checkWritableFolder, UserError } from "../output.ts";

interface ReportOptions {
  experiment?: string;
  db?: string;
  out?: string;
  skipPrograms?: boolean;
  json?: boolean;
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("write learning curves (SVG) and an HTML report of an experiment")
    .option("--experiment <dir>", "experiment folder (holds results.sqlite)")
    .option("--db <file>", "results store file")
    .option("--out <dir>", "where to write the report (default <experiment>/report)")
    .option("--skip-programs", "leave out program timing and example frames (faster)")
    .option("--json", "end with one JSON line")
    .action(async (opts: ReportOptions) => {
      const out = new CommandOutput(opts);
      if (!opts.experiment && !opts.db) throw new UserError("give --experiment DIR or --db FILE");
      const db = resolve(opts.db ?? join(opts.experiment as string, EXPERIMENT_FILES.db));
      const dir = resolve(opts.out ?? join(opts.experiment ?? resolve(db, ".."), "report"));
      checkWritableFolder(dir);
      let result: Awaited<ReturnType<typeof writeReport>>;
      try {
        result = await writeReport({ db, out: dir, skipPrograms: opts.skipPrograms });
      } catch (error) {
        if (error instanceof RangeError || error instanceof StoreError) throw new UserError(error.message);
        throw error;
      }
      out.say(`report: ${result.html}`);
      for (const [env, file] of Object.entries(result.curves)) out.say(`curves ${env}: ${file}`);
      out.result({
        html: result.html,
        json: result.json,
        curves: result.curves,
        series: result.series,
        finals: result.finals.map((f) => ({
          env: f.envId,
          reward: f.reward,
          n: f.n,
          mean: f.mean,
          se: f.se,
        })),
        runs: result.runs,
      });
    });
}
