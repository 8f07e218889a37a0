/**
 * Shows an experiment's progress: one bar per running run on a terminal (cli-progress, on stderr), plain
 * lines otherwise (logs, CI), so progress is readable either way and stdout stays free for --json.
 */
import cliProgress from "cli-progress";
import type { QueueNotice } from "./queue/coordinator.ts";
import type { RunnerEvent } from "./runner.ts";

export interface ProgressView {
  onEvent(event: RunnerEvent): void;
  /** What happens on a job queue (experiments run with --queue). */
  onNotice(notice: QueueNotice): void;
  stop(): void;
}

/**
 * An error for one console line or a few: its first line, and the lines after it when the first only
 * announces them ("the reward program has 1 problem:"), so the problem itself is always shown.
 */
export function errorSummary(error: string, maxLines = 6): string {
  // Stack frames belong in the store's error column, not on the console.
  const lines = error.split("\n").filter((l) => l.trim() !== "" && !/^\s+at /.test(l));
  if (lines.length === 0) return "(no message)";
  if (!lines[0].trimEnd().endsWith(":")) return lines[0];
  const shown = lines.slice(0, maxLines);
  const more = lines.length - shown.length;
  return `${shown.join("\n")}${more > 0 ? `\n  (${more} more line${more === 1 ? "" : "s"})` : ""}`;
}

/** A queue notice as one line, or null for those the progress bars already show. */
function noticeLine(n: QueueNotice): string | null {
  switch (n.type) {
    case "queued":
      return n.how === "waiting" ? `queued ${n.runId}: still on the queue from before` : null;
    case "retry":
      return `retry  ${n.runId}: its process on ${n.worker} died (${n.error.split("\n")[0]}); it goes back to the queue`;
    case "refused":
      return `REFUSED ${n.runId} by worker ${n.worker}: ${n.reason}`;
    case "checkpoint":
      return null;
    case "idle":
      return `no word from any worker for ${n.seconds} s (${n.waiting} runs to go); is one running? vlmcar worker --queue ${n.url}`;
  }
}

const onWorker = (e: { worker?: string }) => (e.worker ? ` on ${e.worker}` : "");

export function progressView(stream: NodeJS.WriteStream = process.stderr): ProgressView {
  return stream.isTTY ? barView(stream) : lineView(stream);
}

function lineView(stream: NodeJS.WritableStream): ProgressView {
  const say = (line: string) => stream.write(`${line}\n`);
  return {
    onEvent(e) {
      switch (e.type) {
        case "plan":
          say(`${e.total} runs, ${e.toRun} to train (${e.total - e.toRun} finished earlier)`);
          break;
        case "skip":
          say(`skip   ${e.runId}: finished earlier (return ${e.result.finalEval.returnMean.toFixed(3)})`);
          break;
        case "start":
          say(
            `${e.resumed ? "resume" : "start "} ${e.runId}${e.resumed ? ` at ${e.frames} frames` : ""}${onWorker(e)}`,
          );
          break;
        case "eval":
          say(
            `eval   ${e.runId} @ ${e.frames}: ${e.returnMean.toFixed(3)} ± ${e.returnStd.toFixed(3)}${successText(e.successRate)}`,
          );
          break;
        case "done":
          say(
            `done   ${e.runId}: return ${e.result.finalEval.returnMean.toFixed(3)} ± ${e.result.finalEval.returnStd.toFixed(3)}${successText(e.result.finalEval.successRate)}, ${e.result.wallSeconds.toFixed(0)} s`,
          );
          break;
        case "failed":
          say(`FAILED ${e.runId}: ${errorSummary(e.error)}`);
          break;
        case "warning":
          say(`warning: ${e.message}`);
          break;
      }
    },
    onNotice(n) {
      const line = noticeLine(n);
      if (line) say(line);
    },
    stop() {},
  };
}

function barView(stream: NodeJS.WriteStream): ProgressView {
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: " {bar} {percentage}% | {value}/{total} {unit} | ETA {eta_formatted} | {rate} | {run}",
      hideCursor: true,
      clearOnComplete: false,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  let overall: cliProgress.SingleBar | undefined;
  const bars = new Map<string, cliProgress.SingleBar>();
  const fps = new Map<string, string>();
  const returns = new Map<string, string>();
  const rate = (runId: string) => `${fps.get(runId)}, ${returns.get(runId)}`;
  return {
    onEvent(e) {
      switch (e.type) {
        case "plan":
          overall = multi.create(e.toRun, 0, { run: "all runs", unit: "runs", rate: "" });
          overall.setTotal(Math.max(1, e.toRun));
          break;
        case "start": {
          // A run resumed on another worker gets a fresh bar, starting where it resumed.
          const earlier = bars.get(e.runId);
          if (earlier) multi.remove(earlier);
          bars.set(
            e.runId,
            multi.create(e.totalFrames, e.frames, {
              run: `${e.runId}${onWorker(e)}`,
              unit: "frames",
              rate: "",
            }),
          );
          fps.set(e.runId, "- frames/s");
          returns.set(e.runId, "eval -");
          break;
        }
        case "update":
          fps.set(e.runId, `${e.fps.toFixed(0)} frames/s`);
          bars.get(e.runId)?.update(Math.min(e.frames, e.totalFrames), { rate: rate(e.runId) });
          break;
        case "eval":
          returns.set(e.runId, `eval ${e.returnMean.toFixed(2)}`);
          bars.get(e.runId)?.update({ rate: rate(e.runId) });
          break;
        case "done":
        case "failed": {
          const bar = bars.get(e.runId);
          if (bar) multi.remove(bar);
          bars.delete(e.runId);
          overall?.increment();
          multi.log(
            e.type === "done"
              ? `done   ${e.runId}: return ${e.result.finalEval.returnMean.toFixed(3)}\n`
              : `FAILED ${e.runId}: ${errorSummary(e.error)}\n`,
          );
          break;
        }
        case "warning":
          multi.log(`warning: ${e.message}\n`);
          break;
        case "skip":
          break;
      }
    },
    onNotice(n) {
      const line = noticeLine(n);
      if (line) multi.log(`${line}\n`);
    },
    stop() {
      multi.stop();
    },
  };
}

/** ", success 0.45" for envs that report success, nothing otherwise. */
export function successText(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? "" : `, success ${rate.toFixed(2)}`;
}
