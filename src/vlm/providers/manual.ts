/**
 * A person (or any VLM behind any UI) answers: `--vlm manual:<model they will use>`, e.g.
 * `manual:gpt-4o-via-chat`. Each request becomes a folder
 *
 * ```
 * <dir>/request-<n>/README.md     one line: what to do
 *                   prompt.md     the conversation as markdown, with image references in place
 *                   image-<k>.png the images, numbered in prompt order
 *                   request.json  the request hash, so a rerun finds this folder again
 *                   reply.md      written by the person (reply.txt works too)
 * ```
 *
 * and the call waits, polling, until a non-empty reply file has stopped changing, or the timeout passes. The
 * model recorded is the one named in the spec: we cannot know what answered, so we never guess. A rerun of the
 * same request reuses its folder, so a reply written after a timeout (or a crash) is still picked up.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { estimateInputTokens } from "../cost.ts";
import { VlmError } from "../errors.ts";
import { formatMs } from "../retry.ts";
import type { PreparedRequest, ProviderReply, VlmProvider } from "../types.ts";

export interface ManualProviderOptions {
  /** Where request folders go. */
  dir: string;
  /** How long to wait for a reply; default 30 minutes. */
  timeoutMs?: number;
  /** How often to look for the reply file; default 500 ms. */
  pollMs?: number;
  /** Told where the prompt is, once per request; default: a line on stderr. */
  onWaiting?: (info: { folder: string; promptFile: string; replyFile: string }) => void;
}

const REPLY_FILES = ["reply.md", "reply.txt"];

export class ManualProvider implements VlmProvider {
  readonly name = "manual";
  readonly free = true;
  readonly callDefaults: { timeoutMs: number; maxAttempts: number };
  private readonly dir: string;
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  private readonly onWaiting: NonNullable<ManualProviderOptions["onWaiting"]>;

  constructor(
    readonly model: string,
    options: ManualProviderOptions,
  ) {
    this.dir = options.dir;
    this.timeoutMs = options.timeoutMs ?? 30 * 60_000;
    this.pollMs = options.pollMs ?? 500;
    this.onWaiting =
      options.onWaiting ??
      ((info) =>
        process.stderr.write(
          `vlmcar: waiting for a reply: read ${info.promptFile}, write ${info.replyFile}\n`,
        ));
    // Our own wait ends first, with the clearer message; one attempt, since a person is not a flaky server.
    this.callDefaults = { timeoutMs: this.timeoutMs + 60_000, maxAttempts: 1 };
  }

  async send(request: PreparedRequest, options: { signal: AbortSignal }): Promise<ProviderReply> {
    const folder = this.folderFor(request);
    const promptFile = join(folder, "prompt.md");
    const replyFile = join(folder, REPLY_FILES[0]);
    if (!this.findReply(folder)) this.onWaiting({ folder, promptFile, replyFile });
    const text = await this.waitForReply(folder, options.signal);
    return {
      text,
      // Nobody tells us the token counts; estimate them so totals stay meaningful.
      usage: {
        inputTokens: estimateInputTokens(this.name, this.model, request),
        outputTokens: Math.ceil(text.length / 4),
        estimated: true,
      },
      model: this.model,
      finishReason: "stop",
    };
  }

  /** The folder already holding this request (from an earlier run), or a new one with the prompt written. */
  private folderFor(request: PreparedRequest): string {
    mkdirSync(this.dir, { recursive: true });
    const existing = readdirSync(this.dir).filter((name) => /^request-\d+$/.test(name));
    for (const name of existing) {
      const meta = join(this.dir, name, "request.json");
      if (!existsSync(meta)) continue;
      try {
        const recorded = JSON.parse(readFileSync(meta, "utf8"));
        if (recorded.requestHash === request.requestHash && recorded.model === this.model)
          return join(this.dir, name);
      } catch {
        // Not ours or damaged; leave it alone.
      }
    }
    const n = existing.reduce((max, name) => Math.max(max, Number(name.slice("request-".length))), 0) + 1;
    const folder = join(this.dir, `request-${n}`);
    mkdirSync(folder, { recursive: true });
    const { markdown, images } = renderPrompt(request, n, this.model);
    for (const [k, png] of images.entries()) writeFileSync(join(folder, `image-${k + 1}.png`), png);
    writeFileSync(join(folder, "prompt.md"), markdown);
    writeFileSync(
      join(folder, "README.md"),
      `Give prompt.md (attaching the image-<k>.png files where it says) to ${this.model} in any chat UI, then save its reply, verbatim, as reply.md in this folder: vlmcar is waiting for it.\n`,
    );
    writeFileSync(
      join(folder, "request.json"),
      `${JSON.stringify({ requestHash: request.requestHash, model: this.model, createdAt: new Date().toISOString() }, null, 2)}\n`,
    );
    return folder;
  }

  private findReply(folder: string): string | undefined {
    for (const name of REPLY_FILES) {
      const file = join(folder, name);
      if (existsSync(file)) return file;
    }
    return undefined;
  }

  /**
   * Polls until a reply file is non-empty and unchanged between two looks, so a file still being written
   * (a slow editor, a network drive) is not read half-way.
   */
  private async waitForReply(folder: string, signal: AbortSignal): Promise<string> {
    const deadline = Date.now() + this.timeoutMs;
    let previous: string | undefined;
    for (;;) {
      if (signal.aborted)
        throw new VlmError({
          kind: "timeout",
          provider: this.name,
          model: this.model,
          message: "stopped waiting for the manual reply",
        });
      const file = this.findReply(folder);
      const text = file ? readFileSync(file, "utf8") : undefined;
      if (text !== undefined && text.trim() !== "" && text === previous) return text;
      previous = text;
      if (Date.now() >= deadline) {
        throw new VlmError({
          kind: "manual-timeout",
          provider: this.name,
          model: this.model,
          message:
            `no reply after ${formatMs(this.timeoutMs)}: write the answer to ${join(folder, "reply.md")} and run again ` +
            "(the same request finds this folder), or wait longer with VLMCAR_MANUAL_TIMEOUT_S",
        });
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }
}

/** The conversation as markdown, every image replaced by a reference to its numbered file. */
export function renderPrompt(
  request: PreparedRequest,
  n: number,
  model: string,
): { markdown: string; images: Uint8Array[] } {
  const images: Uint8Array[] = [];
  const { temperature, maxTokens, seed } = request.parameters;
  const settings = [
    temperature === undefined ? undefined : `temperature ${temperature}`,
    `at most ${maxTokens} tokens`,
    seed === undefined ? undefined : `seed ${seed}`,
  ].filter(Boolean);
  const lines = [
    `# Request ${n} for ${model}`,
    "",
    `Give the conversation below to ${model} (attach each image where it appears), then save its reply, verbatim, as \`reply.md\` next to this file.`,
    `Requested settings, if your UI has them: ${settings.join(", ")}.`,
    "",
  ];
  for (const message of request.messages) {
    lines.push(`## ${message.role}`, "");
    for (const part of message.content) {
      if (part.type === "text") {
        lines.push(part.text, "");
      } else {
        images.push(part.png);
        const name = `image-${images.length}.png`;
        lines.push(`![${name}](${name}) *(attach ${name} here, ${part.width}x${part.height})*`, "");
      }
    }
  }
  return { markdown: lines.join("\n"), images };
}
