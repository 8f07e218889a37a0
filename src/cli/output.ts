/**
 * Output conventions every command shares: readable lines for people, and with --json a last line that is
 * one JSON object with the command's results, so scripts and CI can read it.
 */
export interface OutputOptions {
  json?: boolean;
}

export class CommandOutput {
  constructor(private readonly options: OutputOptions = {}) {}
  /** A human-readable line (stderr under --json, so stdout's last line stays the JSON object). */
  say(line: string): void {
    if (this.options.json) process.stderr.write(`${line}\n`);
    else process.stdout.write(`${line}\n`);
  }
  /** Prints the result object as the last stdout line under --json, or a short readable form otherwise. */
  result(obj: Record<string, unknown>): void {
    if (this.options.json) process.stdout.write(`${JSON.stringify(obj)}\n`);
  }
}

/** A failure the user can act on: the message names the problem and what to do. */
export class UserError extends Error {
  override name = "UserError";
}
