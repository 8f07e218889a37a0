/**
 * One process at a time in a run folder. Two trainers writing one folder interleave their metrics lines and
 * overwrite each other's checkpoints; it happens after a kill -9 of the runner, when the killed runner's worker
 * is still finishing its update while the rerun's worker resumes the same run. The lock is a file holding the
 * owner's pid: a live owner is waited for (it is usually an orphan that stops at its next update), a dead one
 * (killed, its lock left behind) is taken over.
 */
import { linkSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const RUN_LOCK_FILE = "run.lock";

/** The run folder is held by another live process for longer than we were willing to wait. */
export class RunLockedError extends Error {
  override name = "RunLockedError";
}

/** Locks this process holds, removed at exit even when the process ends with process.exit(). */
const held = new Set<string>();
let exitHooked = false;

function releaseAllAtExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on("exit", () => {
    for (const path of held) rmSync(path, { force: true });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function ownerOf(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8"), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock of run folder `dir` (which must exist), waiting up to `waitMs` for a live owner to finish.
 * Returns the function that releases it.
 */
export async function lockRunFolder(dir: string, waitMs = 120_000): Promise<() => void> {
  const path = join(dir, RUN_LOCK_FILE);
  const deadline = Date.now() + waitMs;
  for (;;) {
    // Written whole to a file of our own, then linked into place: link fails when the lock exists, and a
    // reader never sees a lock without its pid.
    const mine = `${path}.${process.pid}`;
    writeFileSync(mine, `${process.pid}\n`);
    try {
      linkSync(mine, path);
      held.add(path);
      releaseAllAtExit();
      return () => {
        held.delete(path);
        rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      rmSync(mine, { force: true });
    }
    const owner = ownerOf(path);
    if (owner === process.pid) {
      throw new RunLockedError(`${dir} is already being trained by this process`);
    }
    if (owner === null || !isAlive(owner)) {
      // Left behind by a killed process (or cut short while being written): take it over.
      rmSync(path, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new RunLockedError(
        `${dir} is being trained by process ${owner} (another vlmcar train or experiment); ` +
          "wait for it to finish or stop it, then run this again",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
