import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";

const repo = resolve(import.meta.dirname, "../..");

test("vlmcar --version prints the package version and, in a checkout, the git commit", () => {
  const { version } = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { version: string };
  const commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repo, encoding: "utf8" }).trim();
  const out = execFileSync(process.execPath, [join(repo, "bin", "vlmcar.mjs"), "--version"], {
    encoding: "utf8",
  });
  assert.match(
    out,
    new RegExp(`^vlmcar ${version.replaceAll(".", "\\.")} \\(git ${commit.slice(0, 12)}(, dirty)?\\)\\n$`),
  );
});
