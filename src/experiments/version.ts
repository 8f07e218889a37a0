/** The code version a run was made with: the git commit and whether the working tree had changes. */
import { execFileSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { VERSION } from "../version.ts";

export interface CodeVersion {
  /** The commit hash, or null outside a git checkout. */
  commit: string | null;
  /** True when tracked files differ from the commit (the results may not be reproducible from it). */
  dirty: boolean;
}

let cached: CodeVersion | undefined;

/** Asks git once per process, in the folder of this source file (so it works from any current directory). */
export function codeVersion(): CodeVersion {
  if (cached) return cached;
  const cwd = dirname(fileURLToPath(import.meta.url));
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  try {
    // An installed package lives inside its user's project, often a git repository: that commit is not ours.
    const packageRoot = resolve(cwd, "..", "..");
    if (resolve(git("rev-parse", "--show-toplevel")) !== packageRoot)
      throw new Error("not vlmcar's checkout");
    const commit = git("rev-parse", "HEAD");
    // Untracked files are left out: run folders and scratch files should not mark the code as changed. So is
    // docs/: it holds committed results (docs/results/*/grid) that a running experiment rewrites, which would
    // mark every later run of it dirty, and text that runs nowhere.
    const dirty =
      git("status", "--porcelain", "--untracked-files=no", "--", ":/", ":(top,exclude)docs") !== "";
    cached = { commit, dirty };
  } catch {
    cached = { commit: null, dirty: false };
  }
  return cached;
}

/** `vlmcar --version`: the package version, and the commit (marked dirty) when running from a checkout. */
export function versionLine(): string {
  const { commit, dirty } = codeVersion();
  return commit
    ? `vlmcar ${VERSION} (git ${commit.slice(0, 12)}${dirty ? ", dirty" : ""})`
    : `vlmcar ${VERSION}`;
}
