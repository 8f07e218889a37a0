#!/usr/bin/env node
// Runs every *.test.ts below the given folders with node's own test runner through tsx.
// Node 20's `--test` does not expand globs, so the files are listed here.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const roots = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith("--"));
const files = [];
for (const root of roots.length ? roots : ["test"]) {
  if (statSync(root).isFile()) {
    files.push(root);
    continue;
  }
  for (const entry of readdirSync(root, { recursive: true })) {
    const path = join(root, String(entry));
    if (path.endsWith(".test.ts") && statSync(path).isFile()) files.push(path);
  }
}
files.sort();
if (files.length === 0) {
  console.error(`no test files found under ${roots.join(", ")}`);
  process.exit(1);
}

// Besides the usual report, a TAP copy lets this script tell an abort at process exit from a failing test.
const tapDir = mkdtempSync(join(tmpdir(), "vlmcar-tests-"));
const run = (list, tapFile) =>
  spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "--test",
      "--test-concurrency=2",
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      "--test-reporter=tap",
      `--test-reporter-destination=${tapFile}`,
      ...passThrough,
      ...list,
    ],
    { stdio: "inherit" },
  ).status ?? 1;

let status = run(files, join(tapDir, "all.tap"));
if (status !== 0) {
  // isolated-vm 5 can abort a test process at exit, after every test in the file passed (an assertion in its
  // teardown: "environment.h: IsolateEnvironment::GetCurrent(): Assertion `environment != nullptr' failed").
  // node:test then reports the file as failed. When that is the only failure, the files it hit run once more.
  const aborted = exitAbortsOnly(readFileSync(join(tapDir, "all.tap"), "utf8"), files);
  if (aborted.length > 0) {
    console.error(
      `\n${aborted.length} test file(s) passed every test but were killed by SIGABRT at process exit ` +
        `(isolated-vm's teardown); running them again:\n  ${aborted.join("\n  ")}\n`,
    );
    status = run(aborted, join(tapDir, "rerun.tap"));
    if (status === 0) console.error(`the rerun passed; counted as passed: ${aborted.join(", ")}`);
  }
}
rmSync(tapDir, { recursive: true, force: true });
process.exit(status);

/**
 * The test files whose only failure is an abort after their tests ran, or [] when anything else failed.
 * node:test's TAP reports a test process killed by a signal as a top-level "not ok N - <file>" whose details
 * name the signal; a failing test is a "not ok" of its own.
 */
function exitAbortsOnly(tap, testFiles) {
  const lines = tap.split("\n");
  const aborted = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^(\s*)not ok \d+ - (.*)$/.exec(lines[i]);
    if (!match) continue;
    const file = testFiles.find(
      (f) => match[2] === f || match[2].endsWith(`/${f}`) || match[2] === resolve(f),
    );
    if (match[1] !== "" || !file) return [];
    let signal = "";
    for (let j = i + 1; j < lines.length && !/^\s*\.\.\.$/.test(lines[j]); j++) {
      const s = /^\s*signal: '(\w+)'/.exec(lines[j]);
      if (s) signal = s[1];
    }
    if (signal !== "SIGABRT") return [];
    aborted.push(file);
  }
  return aborted;
}
