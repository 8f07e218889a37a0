/**
 * What a worker must share with the coordinator to train a run exactly as it would have been trained locally:
 * the code (git commit, plus a hash of the source files themselves, so uncommitted edits and copies without
 * git are compared too) and the dependency versions the package asks for.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type CodeVersion, codeVersion } from "../version.ts";

export interface CodeFingerprint extends CodeVersion {
  /** SHA-256 of every file under src/ (path and bytes, in path order) and package.json's dependencies. */
  source: string;
}

const SRC = fileURLToPath(new URL("../../", import.meta.url));
const PACKAGE_JSON = fileURLToPath(new URL("../../../package.json", import.meta.url));

let cached: CodeFingerprint | undefined;

export function codeFingerprint(): CodeFingerprint {
  if (cached) return cached;
  const hash = createHash("sha256");
  const files = (readdirSync(SRC, { recursive: true }) as string[])
    .map((entry) => join(SRC, entry))
    .filter((path) => statSync(path).isFile())
    .sort();
  for (const path of files) {
    hash.update(relative(SRC, path).split("\\").join("/"));
    hash.update("\0");
    hash.update(readFileSync(path));
    hash.update("\0");
  }
  const pkg = JSON.parse(readFileSync(PACKAGE_JSON, "utf8")) as { dependencies?: Record<string, string> };
  hash.update(JSON.stringify(pkg.dependencies ?? {}));
  cached = { ...codeVersion(), source: hash.digest("hex") };
  return cached;
}

/** Why `worker` may not run a job made by `coordinator`, or null when they match. */
export function fingerprintMismatch(coordinator: CodeFingerprint, worker: CodeFingerprint): string | null {
  if (coordinator.source === worker.source) return null;
  const describe = (f: CodeFingerprint) =>
    `commit ${f.commit?.slice(0, 12) ?? "(no git)"}${f.dirty ? " with uncommitted changes" : ""}, source ${f.source.slice(0, 12)}`;
  return (
    `code version differs: the coordinator runs ${describe(coordinator)}, this worker runs ${describe(worker)}; ` +
    "check out the coordinator's commit (and its changes) on this worker, npm install, and start it again"
  );
}
