#!/usr/bin/env node
// In a checkout the CLI runs from the TypeScript sources through tsx's loader, so there is no build step
// between an edit and a run; an installed package has no src/ and runs its compiled dist/.
import { existsSync } from "node:fs";

const source = new URL("../src/cli/main.ts", import.meta.url);
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source.href);
} else {
  await import(new URL("../dist/cli/main.js", import.meta.url).href);
}
