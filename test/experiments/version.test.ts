/**
 * The code version a run records: the commit, and whether code differs from it. Each case runs codeVersion()
 * in a fresh process (it asks git once per process) against a scratch git directory whose commit holds other
 * contents for one path of this checkout, so the checkout's own files are never touched.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { scratchGitDir } from "./git-scratch.ts";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

function versionIn(gitDir: string): { commit: string | null; dirty: boolean } {
  const script = `import(${JSON.stringify(join(ROOT, "src/experiments/version.ts"))}).then((m) => console.log(JSON.stringify(m.codeVersion())))`;
  const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, GIT_DIR: gitDir, GIT_WORK_TREE: ROOT },
  });
  return JSON.parse(out.trim());
}

test("changed code marks the version dirty; changed files under docs/ (committed results a run rewrites) do not", (t) => {
  const code = scratchGitDir(t, "src/experiments/version.ts");
  assert.deepEqual(versionIn(code.gitDir), { commit: code.commit, dirty: true });
  const docs = scratchGitDir(t, "docs/ARCHITECTURE.md");
  assert.deepEqual(versionIn(docs.gitDir), { commit: docs.commit, dirty: false });
});
