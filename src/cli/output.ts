import { accessSync, constants, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

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

/** The exit codes of every command (documented in the README). */
export const EXIT = {
  /** The command did what was asked. */
  done: 0,
  /** A negative verdict (a rejected program) or a failed run. */
  failed: 1,
  /** A usage or input error: the message says what to change. */
  usage: 2,
  /** A bug in vlmcar: printed with its stack trace and where to report it. */
  internal: 3,
} as const;

/**
 * Checks, without creating anything, that `dir` (an --out folder) can be written: it is a folder, or it does
 * not exist yet and its nearest existing parent is a writable folder. A UserError names `flag` otherwise.
 */
export function checkWritableFolder(dir: string, flag = "--out"): void {
  let path = resolve(dir);
  for (;;) {
    let stats: ReturnType<typeof statSync> | undefined;
    try {
      stats = statSync(path);
    } catch {
      stats = undefined;
    }
    if (stats !== undefined) {
      if (!stats.isDirectory()) {
        throw new UserError(
          path === resolve(dir)
            ? `${flag} ${dir} is a file, not a folder; give a folder (it is created when missing)`
            : `${flag} ${dir} cannot be created: ${path} is a file`,
        );
      }
      try {
        accessSync(path, constants.W_OK);
      } catch {
        throw new UserError(
          `${flag} ${dir} cannot be written: ${path === resolve(dir) ? "the folder" : path} is read-only for this user; give another folder`,
        );
      }
      return;
    }
    const parent = dirname(path);
    if (parent === path) return;
    path = parent;
  }
}

/**
 * File-system errors that come from the user's paths (permissions, a file where a folder should be, a full
 * disk), as UserErrors; anything else unchanged.
 */
export function asUserError(error: unknown): unknown {
  const e = error as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EROFS: "read-only file system",
    ENOSPC: "no space left on the device",
    ENOTDIR: "a part of the path is a file, not a folder",
    EISDIR: "it is a folder, not a file",
  };
  if (e instanceof Error && typeof e.code === "string" && e.code in reasons) {
    return new UserError(
      `cannot use ${e.path ?? "a path"}: ${reasons[e.code]} (${e.code}); check the path and its permissions`,
    );
  }
  return error;
}
