/**
 * The vision prelude as source text, and its API description for the VLM.
 *
 * The prelude is plain JavaScript that runs inside the sandbox (vision.js), followed by the runtime that
 * locks the sandbox down and runs batches (runtime.js). Both are read once, at import, from files next to
 * this module, so they stay readable, lintable JavaScript rather than strings inside TypeScript.
 */
import { readFileSync } from "node:fs";

function readSibling(name: string): string {
  return readFileSync(new URL(`./${name}`, import.meta.url), "utf8");
}

/** vision.js: an expression whose value is the namespace of prelude functions. */
export const PRELUDE_SOURCE: string = readSibling("vision.js");

/** runtime.js: an expression whose value is `(prelude) => runnerApi`. */
export const RUNTIME_SOURCE: string = readSibling("runtime.js");

/**
 * What check authors (the VLM, or a person) are told about the sandbox, in Markdown: the frame format, how a
 * check is written, the rules, and every prelude function. The prompt shows exactly this text.
 */
export const PRELUDE_API: string = readSibling("api.md");

/** The names of the prelude's functions, as PRELUDE_API documents them (`### name(` headings). */
export const PRELUDE_FUNCTIONS: readonly string[] = [...PRELUDE_API.matchAll(/^### (\w+)\(/gm)].map(
  (m) => m[1],
);
