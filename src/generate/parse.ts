/**
 * Reading a VLM's replies: the code of a check, and the list of sub-tasks.
 *
 * Replies come with prose, markdown, several code blocks, helper functions next to the check, a named
 * function or an arrow. Parsing takes what is clearly meant and, when it cannot, says precisely what is
 * wrong in a sentence that goes back to the VLM as the next turn (never a guess dressed up as code).
 *
 * A check's code is assembled into one self-contained function (see {@link assembleCheck}): its helpers
 * live inside it, so regenerating one check can never break another, and helper-level variables are
 * created afresh on every call, so no state survives between calls.
 */
import { blankLiterals } from "../program/source.ts";

export interface CodeBlock {
  /** The info string after the opening fence, lower-cased ("" when none). */
  readonly lang: string;
  readonly code: string;
  /** The block's closing fence is missing (the reply was cut off). */
  readonly unclosed: boolean;
}

const FENCE = /^[ \t]*(`{3,}|~{3,})[ \t]*([^\n`]*)$/;

/** The fenced code blocks of a markdown reply, in order. */
export function codeBlocks(text: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const lang = open[2].trim().split(/\s+/)[0].toLowerCase();
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length && close[2].trim() === "")
        break;
      body.push(lines[j]);
    }
    blocks.push({ lang, code: body.join("\n"), unclosed: j >= lines.length });
    i = j;
  }
  return blocks;
}

const JS_LANGS = new Set(["", "js", "javascript", "jsx", "mjs", "ecmascript", "ts", "typescript", "node"]);
const CODE_START = /^\s*(?:\/\/|\/\*|function\b|const\b|let\b|var\b|\(\s*[\w$]*\s*(?:,\s*[\w$]+\s*)?\)\s*=>)/;

/** One top-level statement of a code block, as far as a check's assembly needs to know. */
export interface Statement {
  readonly text: string;
  /** The declared name (function, const, let, var), if any. */
  readonly name?: string;
  /** The statement declares or is a function; its parameter list, as written. */
  readonly params?: string;
  /** True for a bare function expression (an arrow or anonymous function standing alone). */
  readonly bare?: boolean;
  /** `async function` or `async (...) =>`. */
  readonly async?: boolean;
}

const STATEMENT_START = /^(?:async\s+)?function\b|^(?:const|let|var|class)\s|^\(/;

/**
 * Splits JavaScript into top-level statements without a parser: comments and literals are blanked first
 * (source.ts), then a statement starts at depth 0 at the beginning of a line with `function`, `const`, `let`,
 * `var`, `class` or `(`. Good enough for the declarations a check is made of; anything odd stays inside the
 * statement before it, and the sandbox's compiler has the last word.
 */
export function topLevelStatements(code: string): Statement[] {
  const plain = blankLiterals(code);
  const starts: number[] = [];
  let depth = 0;
  let lineStart = true;
  for (let i = 0; i < plain.length; i++) {
    const c = plain[i];
    if (c === "\n") {
      lineStart = true;
      continue;
    }
    if (lineStart && depth === 0 && !/\s/.test(c) && STATEMENT_START.test(plain.slice(i, i + 16)))
      starts.push(i);
    if (!/\s/.test(c)) lineStart = false;
    if (c === "{" || c === "(" || c === "[") depth++;
    else if (c === "}" || c === ")" || c === "]") depth = Math.max(0, depth - 1);
  }
  if (starts[0] !== 0) starts.unshift(0);
  const statements: Statement[] = [];
  for (let k = 0; k < starts.length; k++) {
    const from = starts[k];
    const to = k + 1 < starts.length ? starts[k + 1] : code.length;
    const text = code.slice(from, to);
    if (text.trim() === "") continue;
    statements.push(describeStatement(text, plain.slice(from, to)));
  }
  return statements;
}

function describeStatement(text: string, plain: string): Statement {
  const lead = plain.trimStart();
  let m = /^(async\s+)?function\s*\*?\s*([\w$]*)\s*\(/.exec(lead);
  if (m) {
    const params = paramsAt(lead, m[0].length - 1);
    return { text, ...(m[2] ? { name: m[2] } : { bare: true }), params, async: Boolean(m[1]) };
  }
  m = /^(?:const|let|var)\s+([\w$]+)\s*=\s*/.exec(lead);
  if (m) {
    const fn = functionValue(lead.slice(m[0].length));
    return { text, name: m[1], ...fn };
  }
  m = /^class\s+([\w$]+)/.exec(lead);
  if (m) return { text, name: m[1] };
  const fn = functionValue(lead);
  return fn.params === undefined ? { text } : { text, bare: true, ...fn };
}

/** Whether an expression is a function (arrow or function expression), and its parameters. */
function functionValue(expr: string): { params?: string; async?: boolean } {
  const async = /^async\s+/.exec(expr);
  const rest = async ? expr.slice(async[0].length) : expr;
  const fn = /^function\s*\*?\s*[\w$]*\s*\(/.exec(rest);
  if (fn) return { params: paramsAt(rest, fn[0].length - 1), async: Boolean(async) };
  if (rest.startsWith("(")) {
    const params = paramsAt(rest, 0);
    const after = rest.slice(params.length + 2).trimStart();
    if (after.startsWith("=>")) return { params, async: Boolean(async) };
    return {};
  }
  const single = /^([\w$]+)\s*=>/.exec(rest);
  if (single) return { params: single[1], async: Boolean(async) };
  return {};
}

/** The text between the parenthesis at `open` and its match. */
function paramsAt(plain: string, open: number): string {
  let depth = 0;
  for (let i = open; i < plain.length; i++) {
    if (plain[i] === "(" || plain[i] === "[" || plain[i] === "{") depth++;
    else if (plain[i] === ")" || plain[i] === "]" || plain[i] === "}") {
      depth--;
      if (depth === 0) return plain.slice(open + 1, i);
    }
  }
  return plain.slice(open + 1);
}

/** The number of parameters in a parameter list (commas at depth 0, plus one). */
export function paramCount(params: string): number {
  if (params.trim() === "") return 0;
  let depth = 0;
  let count = 1;
  for (const c of params) {
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) count++;
  }
  return params.trim().endsWith(",") ? count - 1 : count;
}

/** A check read from a reply, ready for the sandbox. */
export interface ParsedCheck {
  /** One function `(frame, first) => boolean`, helpers inside it (see {@link assembleCheck}). */
  readonly code: string;
  /** The name of the check function in the reply ("" for a bare arrow). */
  readonly functionName: string;
  /**
   * Lines the assembled code adds before the reply's first line; sandbox error positions are shifted back by
   * this much before they are shown to the VLM, so they point at the code it wrote.
   */
  readonly lineOffset: number;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

const SIGNATURE =
  "A check takes (frame, first) and returns true or false; the framework keeps all state, so it needs no " +
  "other argument";

/**
 * Reads the check from a reply. `functionName` is the name the prompt asked for; when the reply defines
 * several functions it picks that one, else the only function, else the last one defined.
 */
export function parseCheckReply(
  text: string,
  functionName: string,
  options: {
    truncated?: boolean;
    /**
     * Assemble as generation revision 1 did (trailing semicolons and leading blank lines of each statement
     * dropped), so a recording made then replays to the same program hash. New generations keep the code as
     * written: dropping a semicolon can change what the code means.
     */
    legacy?: boolean;
  } = {},
): ParseResult<ParsedCheck> {
  const cutOff = options.truncated
    ? " The reply was cut off at the token limit: keep the explanation short and the code compact."
    : "";
  const blocks = codeBlocks(text);
  let sources: string[];
  if (blocks.length === 0) {
    if (!CODE_START.test(text)) {
      return {
        ok: false,
        problem: `the reply has no code. Write the check as JavaScript in a fenced code block (\`\`\`javascript ... \`\`\`).${cutOff}`,
      };
    }
    sources = [text];
  } else {
    const js = blocks.filter((b) => JS_LANGS.has(b.lang));
    if (js.length === 0) {
      const langs = [...new Set(blocks.map((b) => b.lang))].join(", ");
      return {
        ok: false,
        problem: `the reply's code is in ${langs}, but checks must be JavaScript (they run in a JavaScript sandbox with the functions listed above).`,
      };
    }
    if (js.at(-1)?.unclosed && options.truncated) {
      return { ok: false, problem: `the code block is incomplete.${cutOff}` };
    }
    sources = js.map((b) => b.code);
  }
  // Module syntax means nothing in the sandbox; `export function f` is still the function f.
  sources = sources.map((s) =>
    s.replace(/^([ \t]*)export\s+(?:default\s+)?(?=function|const|let|var|async|\()/gm, "$1"),
  );
  if (sources.some((s) => /^\s*def\s+\w+\s*\(.*\)\s*:/m.test(s) && !/\bfunction\b|=>/.test(s))) {
    return { ok: false, problem: "the code is Python, but checks must be JavaScript." };
  }

  // Later definitions replace earlier ones of the same name ("here is the fixed version").
  const statements: Statement[] = [];
  for (const source of sources) {
    for (const s of topLevelStatements(source)) {
      if (s.name !== undefined) {
        const earlier = statements.findIndex((e) => e.name === s.name);
        if (earlier >= 0) statements.splice(earlier, 1);
      }
      statements.push(s);
    }
  }
  const functions = statements.filter((s) => s.params !== undefined);
  if (functions.length === 0) {
    return {
      ok: false,
      problem: `the code defines no function. Declare the check as \`function ${functionName}(frame, first) { ... }\`.${cutOff}`,
    };
  }
  // A function named `progress` is the sub-task's progress term (parseProgressTerm), not its check.
  const candidates =
    functionName === PROGRESS_FUNCTION || functions.length === 1
      ? functions
      : functions.filter((s) => s.name !== PROGRESS_FUNCTION);
  const main =
    functions.find((s) => s.name === functionName) ??
    (candidates.length === 1 ? candidates[0] : candidates.find((s) => s.bare)) ??
    candidates[candidates.length - 1];
  const shown = main.name ?? "the function";
  if (main.async) {
    return {
      ok: false,
      problem: `${shown} is async; a check must return true or false directly, not a promise. ${SIGNATURE}.`,
    };
  }
  const arity = paramCount(main.params ?? "");
  if (arity < 1 || arity > 2) {
    return {
      ok: false,
      problem: `${shown} takes ${arity === 0 ? "no arguments" : `${arity} arguments (${(main.params ?? "").replace(/\s+/g, " ").trim()})`}. ${SIGNATURE}.`,
    };
  }
  return { ok: true, value: assembleCheck(statements, main, options.legacy ?? false) };
}

/** The name a reply gives a sub-task's progress term, beside its check. */
export const PROGRESS_FUNCTION = "progress";

/**
 * Reads a sub-task's progress term from a reply that may carry one beside the check: a function named
 * `progress` taking (frame, first), assembled like a check with the reply's other statements (its helpers).
 * Undefined when the reply has no such function, or it cannot be read; a reply without one is a plain check.
 */
export function parseProgressTerm(text: string): ParsedCheck | undefined {
  const parsed = parseCheckReply(text, PROGRESS_FUNCTION);
  return parsed.ok && parsed.value.functionName === PROGRESS_FUNCTION ? parsed.value : undefined;
}

/**
 * One function from the statements of a reply. A lone function is kept verbatim. Otherwise the statements go,
 * exactly as written (so lines and columns still match the reply), into an arrow that calls the check:
 *
 * ```js
 * (frame, first) => {
 * const KEY = [255, 255, 0];
 * function keyCell(first) { ... }
 * function pickUpKey(frame, first) { ... }
 * return pickUpKey(frame, first);
 * }
 * ```
 *
 * Only a bare arrow standing for the check changes: it becomes `const check = <arrow>;`. `legacy` reproduces
 * revision 1's assembly, which trimmed each statement's trailing semicolons and leading blank lines.
 */
export function assembleCheck(
  statements: readonly Statement[],
  main: Statement,
  legacy = false,
): ParsedCheck {
  // A trailing semicolon is not part of a function expression, so a lone one may lose it.
  const clean = (s: string) => s.replace(/[\s;]+$/, "");
  if (statements.length === 1 && (main.bare || /^\s*function\b/.test(main.text))) {
    const code = main.bare ? clean(main.text.trim()) : main.text.trim();
    return { code: legacy ? clean(main.text.trim()) : code, functionName: main.name ?? "", lineOffset: 0 };
  }
  const callee = main.bare ? "check" : (main.name ?? "check");
  if (legacy) {
    const body = statements.map((s) =>
      s === main && s.bare ? `const check = ${clean(s.text.trim())};` : clean(s.text.replace(/^\s*\n/, "")),
    );
    const code = `(frame, first) => {\n${body.join("\n")}\nreturn ${callee}(frame, first);\n}`;
    return { code, functionName: main.name ?? "", lineOffset: 1 };
  }
  // Statements of separate code blocks meet here: each ends its own line, and the text between is untouched.
  const body = statements
    .map((s) => (s === main && s.bare ? `const check = ${clean(s.text.trim())};\n` : s.text))
    .map((text) => (text.endsWith("\n") ? text : `${text}\n`))
    .join("")
    .replace(/^\s*\n/, "")
    .replace(/\s+$/, "");
  const code = `(frame, first) => {\n${body}\nreturn ${callee}(frame, first);\n}`;
  return { code, functionName: main.name ?? "", lineOffset: 1 };
}

/** Shifts "line N" in a sandbox message back by `offset` lines, so it points into the code the VLM wrote. */
export function shiftLines(message: string, offset: number): string {
  if (offset === 0) return message;
  return message.replace(/\bline (\d+)/g, (whole, n) =>
    Number(n) > offset ? `line ${Number(n) - offset}` : whole,
  );
}

// ---- sub-task lists ----

export interface PlannedSubtask {
  /** A RewardProgram sub-task name: starts with a letter; letters, digits and '_'. */
  readonly name: string;
  readonly description: string;
}

/** Reads the sub-task list from a reply: a JSON list, or the last numbered list (1., 2., ... or 1), 2), ...). */
export function parseSubtaskList(
  text: string,
  maxSubtasks: number,
  options: {
    /** Revision 1's reading, which dropped a description's closing parenthesis (kept for replays). */
    legacy?: boolean;
  } = {},
): ParseResult<PlannedSubtask[]> {
  const split = (line: string) => splitItem(line, options.legacy ?? false);
  const items = jsonItems(text, split) ?? numberedItems(text, split);
  if (items === null || items.length === 0) {
    return {
      ok: false,
      problem:
        "it has no numbered list (a line starting with `1.`, then `2.`, ...) and no JSON list of sub-tasks.",
    };
  }
  if (items.length > maxSubtasks) {
    return {
      ok: false,
      problem: `it lists ${items.length} sub-tasks, but at most ${maxSubtasks} are allowed; merge the smaller ones.`,
    };
  }
  const planned: PlannedSubtask[] = [];
  const seen = new Set<string>();
  for (const [k, item] of items.entries()) {
    let name = toName(item.name || item.description);
    if (name === "" || name === "goal" || name === "helpers") name = `subtask_${k + 1}`;
    while (seen.has(name)) name = `${name.slice(0, 60)}_${k + 1}`;
    seen.add(name);
    planned.push({ name, description: (item.description || item.name).trim() });
  }
  return { ok: true, value: planned };
}

interface RawItem {
  name: string;
  description: string;
}

function jsonItems(text: string, split: (line: string) => RawItem): RawItem[] | null {
  const candidates = [
    ...codeBlocks(text)
      .filter((b) => b.lang === "json" || /^\s*[[{]/.test(b.code))
      .map((b) => b.code),
    text,
  ];
  for (const candidate of candidates) {
    let value: unknown;
    try {
      value = JSON.parse(candidate.trim());
    } catch {
      continue;
    }
    if (value && typeof value === "object" && !Array.isArray(value)) {
      value = (value as Record<string, unknown>).subtasks ?? (value as Record<string, unknown>).tasks;
    }
    if (!Array.isArray(value)) continue;
    const items = value.map((v): RawItem | null => {
      if (typeof v === "string") return split(v);
      if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        const name = typeof o.name === "string" ? o.name : "";
        const description = typeof o.description === "string" ? o.description : "";
        return name || description ? { name, description } : null;
      }
      return null;
    });
    if (items.every((i) => i !== null)) return items as RawItem[];
  }
  return null;
}

/** The last run of lines numbered 1, 2, 3, ... in the text (earlier runs are usually drafts or reasoning). */
function numberedItems(text: string, split: (line: string) => RawItem): RawItem[] | null {
  const runs: string[][] = [];
  let current: string[] | null = null;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:[-*]\s*)?(?:\*\*)?(?:step\s*)?(\d+)\s*[.):](?:\*\*)?\s+(.+)$/i.exec(line);
    if (!m) continue;
    const n = Number(m[1]);
    if (n === 1) {
      current = [m[2]];
      runs.push(current);
    } else if (current && n === current.length + 1) current.push(m[2]);
  }
  const last = runs.at(-1);
  return last ? last.map(split) : null;
}

/** "`pick_up_key`: the key is gone" / "**Pick up key** - ..." / "Pick up the key" → name and description. */
function splitItem(line: string, legacy: boolean): RawItem {
  const plain = line.trim();
  const m =
    /^[`*_"]*([A-Za-z][\w -]{0,62}?)[`*_"]*\s*(?::|\s[-–—]\s)\s*(.+)$/.exec(plain) ??
    /^[`*]+([A-Za-z][\w -]{0,62}?)[`*]+\s*(.*)$/.exec(plain);
  if (m) {
    const description = legacy ? m[2].replace(/^[(]|[)]$/g, "") : unwrapParens(m[2]);
    return { name: m[1].trim(), description: description.trim() || m[1].trim() };
  }
  return { name: plain.split(/\s+/).slice(0, 5).join(" "), description: plain };
}

/**
 * "(the door is open)" → "the door is open": parentheses around the whole description go; a closing one that
 * belongs to text inside it ("the key is gone (carried)") stays.
 */
function unwrapParens(text: string): string {
  const t = text.trim();
  if (!t.startsWith("(") || !t.endsWith(")")) return t;
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === "(") depth++;
    else if (t[i] === ")" && --depth === 0 && i < t.length - 1) return t;
  }
  return t.slice(1, -1);
}

/** "Pick up the key!" → "pick_up_the_key" (a letter first, at most 64 characters). */
export function toName(text: string): string {
  return text
    .replace(/[`*"']/g, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^[^a-z]+/, "")
    .replace(/_+$/, "")
    .slice(0, 64)
    .replace(/_+$/, "");
}

/** "pick_up_key" → "pickUpKey": the function name the prompt asks for. */
export function functionNameFor(checkName: string): string {
  const parts = toName(checkName).split("_").filter(Boolean);
  if (parts.length === 0) return "check";
  return parts.map((p, i) => (i === 0 ? p : p[0].toUpperCase() + p.slice(1))).join("");
}
