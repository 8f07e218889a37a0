/**
 * Shows an experiment's progress: one bar per running run on a terminal (cli-progress, on stderr), plain
 * lines otherwise (logs, CI), so progress is readable either way and stdout stays free for --json.
 */
import cliProgress from "cli-progress";
import type { RunnerEvent } from "./runner.ts";

export interface ProgressView {
  onEvent(event: RunnerEvent): void;
  stop(): void;
}

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
          say(`${e.resumed ? "resume" : "start "} ${e.runId}${e.resumed ? ` at ${e.frames} frames` : ""}`);
          break;
        case "eval":
          say(`eval   ${e.runId} @ ${e.frames}: ${e.returnMean.toFixed(3)} ± ${e.returnStd.toFixed(3)}`);
          break;
        case "done":
          say(
            `done   ${e.runId}: return ${e.result.finalEval.returnMean.toFixed(3)} ± ${e.result.finalEval.returnStd.toFixed(3)}, ${e.result.wallSeconds.toFixed(0)} s`,
          );
          break;
        case "failed":
          say(`FAILED ${e.runId}: ${e.error.split("\n")[0]}`);
          break;
      }
    },
    stop() {},
  };
}

function barView(stream: NodeJS.WriteStream): ProgressView {
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: " {bar} {percentage}% | {value}/{total} frames | {fps} f/s | eval {ret} | {run}",
      hideCursor: true,
      clearOnComplete: false,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  let overall: cliProgress.SingleBar | undefined;
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    onEvent(e) {
      switch (e.type) {
        case "plan":
          overall = multi.create(e.toRun, 0, { run: "runs finished", fps: "-", ret: "-" });
          overall.setTotal(Math.max(1, e.toRun));
          break;
        case "start":
          bars.set(e.runId, multi.create(e.totalFrames, e.frames, { run: e.runId, fps: "-", ret: "-" }));
          break;
        case "update":
          bars.get(e.runId)?.update(Math.min(e.frames, e.totalFrames), { fps: e.fps.toFixed(0) });
          break;
        case "eval":
          bars.get(e.runId)?.update({ ret: e.returnMean.toFixed(2) });
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
              : `FAILED ${e.runId}: ${e.error.split("\n")[0]}\n`,
          );
          break;
        }
        case "skip":
          break;
      }
    },
    stop() {
      multi.stop();
    },
  };
}
