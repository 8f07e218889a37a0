/**
 * Prompt templates: Markdown files in prompts/, read at run time, with `{{name}}` placeholders.
 *
 * A placeholder's value is either text or a list of message parts (images with their captions), so a
 * template shows exactly where each image goes:
 *
 * ```md
 * Image 1, the initial frame:
 * {{image:initial}}
 * ```
 *
 * renders to `["Image 1, the initial frame:\n", { type: "image", ... }, ...]`. A line holding only a
 * placeholder whose value is empty disappears with its line break, so optional paragraphs leave no gaps.
 * Filling is strict: a placeholder without a value, or a value no placeholder uses, is an error, because
 * either means the template and the code disagree, and a prompt that silently lost a part is a wasted call.
 */
import { readFileSync } from "node:fs";
import type { ContentPart } from "../vlm/types.ts";

export const TEMPLATE_NAMES = [
  "system",
  "1-goal",
  // Revision 1's opening (one initial frame, the seed's mission as the task), kept so recordings replay.
  "system-v1",
  "1-goal-v1",
  "refine-context-v1",
  "restart-note-v1",
  "2-subtasks",
  "3-subtask-check",
  // Appended to a sub-task's check question (and its refine), asking for a progress term: revision 4's words,
  // and revision 3's (which a sub-task could argue its way out of: "not about moving something somewhere").
  "progress-term",
  "progress-term-v3",
  "4-goal-check",
  "repair-code",
  "repair-subtasks",
  "refine-context",
  "refine-check",
  "refine-order",
  "restart-note",
  // Revisions 2-3's restart note: the failed attempt's feedback as text only, without its frames.
  "restart-note-v2",
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** A placeholder's value: text, or parts (images, captions) spliced into the message. */
export type TemplateValue = string | number | readonly ContentPart[];

const PLACEHOLDER = /\{\{([a-z_]+(?::[a-z_]+)?)\}\}/g;

const cache = new Map<TemplateName, string>();

/** The template's text, read once from prompts/<name>.md next to this module. */
export function templateText(name: TemplateName): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`./prompts/${name}.md`, import.meta.url), "utf8");
    cache.set(name, text);
  }
  return text;
}

/** The placeholder names a template uses, in order of first use. */
export function placeholders(name: TemplateName): string[] {
  return [...new Set([...templateText(name).matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

/** Thrown when a template and the values given for it disagree (a bug in vlmcar, not in the user's input). */
export class TemplateError extends Error {
  override name = "TemplateError";
}

/** Fills a template; the result is a message's content (adjacent text merged, trailing space trimmed). */
export function renderTemplate(name: TemplateName, values: Record<string, TemplateValue>): ContentPart[] {
  const text = templateText(name);
  const used = placeholders(name);
  const missing = used.filter((key) => !(key in values));
  const unused = Object.keys(values).filter((key) => !used.includes(key));
  if (missing.length > 0 || unused.length > 0) {
    throw new TemplateError(
      `prompts/${name}.md and its values disagree:` +
        (missing.length ? ` no value for ${missing.map((k) => `{{${k}}}`).join(", ")};` : "") +
        (unused.length ? ` no placeholder for ${unused.join(", ")};` : "") +
        " fix the template or the code that fills it",
    );
  }
  const parts: ContentPart[] = [];
  const pushText = (s: string) => {
    if (s === "") return;
    const last = parts.at(-1);
    if (typeof last === "string") parts[parts.length - 1] = last + s;
    else parts.push(s);
  };
  let at = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const start = match.index;
    let end = start + match[0].length;
    const value = values[match[1]];
    const empty = value === "" || (Array.isArray(value) && value.length === 0);
    // A placeholder alone on its line: an empty value takes the line with it.
    const lineStart = text.lastIndexOf("\n", start - 1) + 1;
    const alone = text.slice(lineStart, start).trim() === "" && /^[ \t]*(\n|$)/.test(text.slice(end));
    if (empty && alone) {
      pushText(text.slice(at, lineStart));
      const newline = text.indexOf("\n", end);
      at = newline === -1 ? text.length : newline + 1;
      continue;
    }
    pushText(text.slice(at, start));
    if (typeof value === "string" || typeof value === "number") pushText(String(value));
    else {
      for (const part of value) {
        if (typeof part === "string") pushText(part);
        else if (part.type === "text") pushText(part.text);
        else parts.push(part);
      }
      // The line break after an image placeholder only separates it in the file; keep text tidy.
      if (alone && text[end] === "\n") end++;
    }
    at = end;
  }
  pushText(text.slice(at));
  return parts.map((p) => (typeof p === "string" ? p.replace(/\s+$/, "") : p)).filter((p) => p !== "");
}

/** Renders a template that has no image placeholders, as one string. */
export function renderText(name: TemplateName, values: Record<string, TemplateValue>): string {
  const parts = renderTemplate(name, values);
  if (parts.some((p) => typeof p !== "string")) {
    throw new TemplateError(`prompts/${name}.md produced images where plain text was expected`);
  }
  return (parts as string[]).join("\n");
}
