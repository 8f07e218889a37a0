/**
 * Ctrl-C (SIGINT) and SIGTERM for long commands: say what was saved and how to go on, then exit with the
 * shell's codes for a signal (130, 143). The command sets the words once it knows its folder.
 */
let describe: (() => string) | null = null;
let hooked = false;

export function onInterrupt(message: () => string): void {
  describe = message;
  if (hooked) return;
  hooked = true;
  const stop = (signal: NodeJS.Signals) => {
    process.stderr.write(`\nvlmcar: ${describe?.() ?? "stopped"}\n`);
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
