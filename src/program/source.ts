/**
 * Source-level handling of check code before it reaches the sandbox: a scan for names that only make sense
 * as escape attempts (so they are reported as "forbidden" with a clear reason, before anything runs), and the
 * wrapping that turns a check's code into one function-valued expression.
 *
 * The scan is a diagnostic, not the security boundary: the sandbox has no host objects and frozen built-ins
 * whatever the scan says, and code that hides a name (e.g. `"con" + "structor"`) fails at run time instead.
 */
import { HOST_NAMES } from "./errors.ts";

const MODULE_NAMES = new Set(["import"]);
const CODEGEN_NAMES = new Set(["eval", "Function", "WebAssembly"]);
const INTRINSIC_NAMES = new Set([
  "globalThis",
  "constructor",
  "__proto__",
  "prototype",
  "Reflect",
  "Proxy",
  "defineProperty",
  "defineProperties",
  "setPrototypeOf",
  "__defineGetter__",
  "__defineSetter__",
  "__lookupGetter__",
  "__lookupSetter__",
]);

/** A forbidden name found in code, with its 1-based line. */
export interface ForbiddenUse {
  readonly name: string;
  readonly line: number;
  /** Why the name is forbidden, as a sentence fragment: "uses `process`, ...". */
  readonly reason: string;
}

/** Characters after which a `/` starts a regular expression rather than a division. */
const REGEX_PRECEDERS = new Set("(,=:[!&|?{};+-*%<>~^".split(""));
/** Keywords after which a `/` starts a regular expression. */
const REGEX_KEYWORDS = new Set([
  "return",
  "typeof",
  "case",
  "do",
  "else",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "yield",
  "await",
]);
const LONGEST_REGEX_KEYWORD = 6;

/** Most characters in a check's code and in the helpers: longer sources are refused before any scan. */
export const MAX_CHECK_CHARS = 20_000;
export const MAX_HELPERS_CHARS = 40_000;

/** Why `code` is too long to be a check (or the helpers), or undefined when it is not. */
export function sourceTooLong(code: string, what: "check" | "helpers"): string | undefined {
  const max = what === "check" ? MAX_CHECK_CHARS : MAX_HELPERS_CHARS;
  if (code.length <= max) return undefined;
  return `is ${code.length.toLocaleString("en-US")} characters long; the limit is ${max.toLocaleString("en-US")}`;
}

function isIdentifierChar(c: string | undefined): boolean {
  return c !== undefined && /[\w$]/.test(c);
}

/** True when the word ending at `end` (inclusive) is a keyword after which `/` starts a regex. */
function endsWithRegexKeyword(code: string, end: number): boolean {
  let start = end;
  while (start > 0 && end - start < LONGEST_REGEX_KEYWORD && isIdentifierChar(code[start - 1])) start--;
  if (isIdentifierChar(code[start - 1])) return false; // longer than any keyword
  return REGEX_KEYWORDS.has(code.slice(start, end + 1));
}

/**
 * Replaces comments, string and template literals and regular expressions by spaces (newlines kept), so a
 * name scan sees only code. Template `${...}` parts are blanked too: the scan is best-effort by design.
 * One pass, linear in the code's length (no look-back beyond the longest keyword).
 */
export function blankLiterals(code: string): string {
  const out = code.split("");
  const blank = (from: number, to: number) => {
    for (let k = from; k < to && k < out.length; k++) if (out[k] !== "\n") out[k] = " ";
  };
  let i = 0;
  let lastSignificant = "";
  let lastSignificantAt = -1;
  while (i < code.length) {
    const c = code[i];
    const next = code[i + 1];
    if (c === "/" && next === "/") {
      const end = code.indexOf("\n", i);
      const stop = end === -1 ? code.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = code.indexOf("*/", i + 2);
      const stop = end === -1 ? code.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < code.length && code[j] !== c) j += code[j] === "\\" ? 2 : 1;
      blank(i + 1, j);
      lastSignificant = c;
      lastSignificantAt = j;
      i = j + 1;
    } else if (
      c === "/" &&
      (lastSignificant === "" ||
        REGEX_PRECEDERS.has(lastSignificant) ||
        endsWithRegexKeyword(code, lastSignificantAt))
    ) {
      let j = i + 1;
      let inClass = false;
      while (j < code.length && code[j] !== "\n" && (inClass || code[j] !== "/")) {
        if (code[j] === "\\") j++;
        else if (code[j] === "[") inClass = true;
        else if (code[j] === "]") inClass = false;
        j++;
      }
      blank(i + 1, j);
      lastSignificant = "/";
      lastSignificantAt = j;
      i = j + 1;
    } else {
      if (!/\s/.test(c)) {
        lastSignificant = c;
        lastSignificantAt = i;
      }
      i++;
    }
  }
  return out.join("");
}

function reasonFor(name: string): string {
  if (HOST_NAMES.has(name)) return `uses \`${name}\`, a host facility that does not exist in the sandbox`;
  if (MODULE_NAMES.has(name)) return "uses `import`; modules cannot be loaded in the sandbox";
  if (CODEGEN_NAMES.has(name))
    return `uses \`${name}\`; generating or compiling code at run time is not allowed`;
  return `uses \`${name}\`; reaching built-in constructors, prototypes or the global object is not allowed`;
}

const ALL_NAMES = [...HOST_NAMES, ...MODULE_NAMES, ...CODEGEN_NAMES, ...INTRINSIC_NAMES];
const NAME_PATTERN = new RegExp(
  `(?<![\\w$])(${ALL_NAMES.map((n) => n.replace(/\$/g, "\\$")).join("|")})(?![\\w$])`,
  "g",
);

/** The first forbidden name used in `code` (outside comments and strings), or undefined. */
export function findForbidden(code: string): ForbiddenUse | undefined {
  const plain = blankLiterals(code);
  NAME_PATTERN.lastIndex = 0;
  const match = NAME_PATTERN.exec(plain);
  if (!match) return undefined;
  const line = plain.slice(0, match.index).split("\n").length;
  return { name: match[1], line, reason: reasonFor(match[1]) };
}

/**
 * The script that evaluates a check's code to its function: strict mode, wrapped in parentheses so that a
 * declaration `function name(frame, first) {...}` becomes a named function expression, and an arrow or
 * function expression stays what it is; inside a function, so `this` in an arrow check is undefined rather
 * than the global object. The code starts on the script's second line (compile it with `lineOffset: -1` so
 * positions match the author's code). Trailing semicolons are dropped.
 */
export function checkScript(code: string): string {
  return `"use strict";(function () { return (\n${trimTrailing(code)}\n); })()`;
}

/** `code` without trailing whitespace and semicolons; a loop, because /[\s;]+$/ is quadratic on long runs. */
function trimTrailing(code: string): string {
  let end = code.length;
  while (end > 0 && (code[end - 1] === ";" || /\s/.test(code[end - 1]))) end--;
  return code.slice(0, end);
}

/** The script for the shared helpers: strict mode; the code starts on line 2 (use `lineOffset: -1`). */
export function helpersScript(code: string): string {
  return `"use strict";\n${code}`;
}
