#!/usr/bin/env node
// Builds the package into dist/: tsc compiles src/ (JavaScript + .d.ts, `.ts` import specifiers rewritten to
// `.js`), then the files src/ reads at run time (prompts, the sandbox prelude) are copied beside the output.
// Runs in `prepare`, so `npm install` in a clone and `npm pack` both leave a fresh dist/.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "src");
const dist = join(root, "dist");

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
} catch {
  // `npm install --omit=dev` in a checkout: no compiler, and no need for one (the bin runs src/ through tsx).
  if (process.env.npm_lifecycle_event === "prepare") {
    console.error("vlmcar build: typescript is not installed (dev dependencies omitted); dist/ not built");
    process.exit(0);
  }
  console.error("vlmcar build: typescript is not installed; run `npm install` first");
  process.exit(1);
}
rmSync(dist, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], {
  stdio: "inherit",
});
if (result.status !== 0) {
  console.error("vlmcar build: tsc failed (see above); dist/ is incomplete");
  process.exit(result.status ?? 1);
}

let copied = 0;
for (const entry of readdirSync(src, { recursive: true })) {
  const path = join(src, String(entry));
  if (path.endsWith(".ts") || !statSync(path).isFile()) continue;
  const target = join(dist, relative(src, path));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(path, target);
  copied++;
}
console.error(`vlmcar build: dist/ compiled, ${copied} asset files copied`);
