/** A scratch git directory for this checkout's work tree, so a test can show git another commit safely. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A git directory for this checkout's work tree whose HEAD and index say `path` holds other bytes. */
export function scratchGitDir(
  t: { after(fn: () => void): void },
  path: string,
): { gitDir: string; commit: string } {
  const dir = mkdtempSync(join(tmpdir(), "vlmcar-gitdir-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const gitDir = join(dir, ".git");
  const git = (args: string[], input?: string) =>
    execFileSync("git", [`--git-dir=${gitDir}`, ...args], { encoding: "utf8", input }).trim();
  execFileSync("git", ["init", "-q", dir]);
  const blob = git(["hash-object", "-w", "--stdin"], "not what the checkout holds\n");
  git(["update-index", "--add", "--cacheinfo", `100644,${blob},${path}`]);
  const tree = git(["write-tree"]);
  const commit = git([
    "-c",
    "user.name=test",
    "-c",
    "user.email=test@example.invalid",
    "commit-tree",
    tree,
    "-m",
    "scratch",
  ]);
  git(["update-ref", "HEAD", commit]);
  return { gitDir, commit };
}
