/**
 * A progress bar for long collections, on stderr and only on a terminal, so that piped output and --json
 * stay clean.
 */
import cliProgress from "cli-progress";

export interface Progress {
  increment(): void;
  stop(): void;
}

const SILENT: Progress = { increment() {}, stop() {} };

/** `show`: true, false, or "auto"/undefined for "when stderr is a terminal". */
export function progressBar(total: number, label: string, show: boolean | "auto" = "auto"): Progress {
  const visible = show === true || (show !== false && process.stderr.isTTY === true);
  if (!visible || total <= 0) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(12)} {bar} {value}/{total} episodes | {duration_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    increment: () => bar.increment(),
    stop: () => bar.stop(),
  };
}
