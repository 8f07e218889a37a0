/**
 * The transcript: one JSON line per VLM call, appended (synchronously) before the reply is handed to anyone,
 * so a reply that was paid for is on disk even if parsing it crashes the run a microsecond later.
 *
 * Layout, next to each other:
 *
 * ```
 * transcript.jsonl         one {@link TranscriptEntry} per line
 * images/<sha256>.png      every image sent, once, named by the hash the entries refer to
 * ```
 *
 * Text is stored verbatim and images by content hash, so a transcript is both a readable log and a complete
 * record from which the replay provider can answer the same requests again, and from which a killed run
 * resumes without paying twice (client.ts).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { VlmErrorKind } from "./errors.ts";
import type { ChatParameters, FinishReason, PreparedRequest, ReplySource, Role, Usage } from "./types.ts";

export const TRANSCRIPT_VERSION = 1;

export type RecordedPart =
  | { type: "text"; text: string }
  /** `file` is relative to the transcript's folder. */
  | { type: "image"; sha256: string; width: number; height: number; file: string };

export interface RecordedMessage {
  role: Role;
  content: RecordedPart[];
}

export interface RecordedReply {
  text: string;
  /** The provider and model that wrote the text (the original ones, for cache hits and replays). */
  provider: string;
  model: string;
  finishReason: FinishReason;
  rawFinishReason?: string;
}

/** One failed attempt that was retried. */
export interface RecordedAttempt {
  attempt: number;
  kind: VlmErrorKind;
  message: string;
  status?: number;
  /** The wait before the next attempt. */
  delayMs: number;
}

export interface TranscriptEntry {
  v: typeof TRANSCRIPT_VERSION;
  /** "call-000001", counting every entry in the file, across resumed runs. */
  id: string;
  /** Content hash of provider, model and request: the cache key. */
  key: string;
  /** Content hash of the request alone (messages and parameters): what replay matches. */
  requestHash: string;
  /** The provider and model that were asked (for replay: "replay" and the transcript path). */
  provider: string;
  model: string;
  parameters: ChatParameters;
  messages: RecordedMessage[];
  /** Null when the call failed. */
  source: ReplySource | null;
  reply: RecordedReply | null;
  usage: Usage | null;
  /** Charged to this run; 0 for cache hits and replays; null when the model has no known price. */
  costUsd: number | null;
  latencyMs: number;
  startedAt: string;
  finishedAt: string;
  attempts: RecordedAttempt[];
  /** Why the call failed; "unexpected" marks a bug (an error that is not a VlmError). */
  error: { kind: VlmErrorKind | "unexpected"; message: string; status?: number; attempts: number } | null;
  /** For cache hits and replays: the entry whose reply was reused. */
  origin?: { callId: string };
}

export class Transcript {
  readonly imagesDir: string;
  private readonly recorded: TranscriptEntry[];
  private readonly savedImages = new Set<string>();

  private constructor(
    readonly path: string,
    entries: TranscriptEntry[],
  ) {
    this.imagesDir = join(dirname(path), "images");
    this.recorded = entries;
  }

  /**
   * Opens a transcript for appending, creating its folder. An existing file is read first: its entries are
   * what a resumed run reuses. A last line cut short by a killed process is moved aside to
   * `<path>.damaged-<time>` (it may hold part of a paid reply, so it is kept for a person to read) and cut
   * from the transcript, so the file stays valid JSONL for the entries appended after it.
   */
  static open(path: string): Transcript {
    mkdirSync(dirname(path), { recursive: true });
    let entries: TranscriptEntry[] = [];
    if (existsSync(path)) {
      const text = readFileSync(path, "utf8");
      entries = parseTranscript(text, path, { tolerateTruncatedTail: true });
      const complete = completeLines(text);
      if (complete.length < text.length) {
        const tail = text.slice(complete.length);
        if (tail.trim() !== "")
          writeFileSync(`${path}.damaged-${new Date().toISOString().replace(/[:.]/g, "-")}`, tail);
        writeFileSync(path, complete);
      }
    }
    return new Transcript(path, entries);
  }

  get entries(): readonly TranscriptEntry[] {
    return this.recorded;
  }

  /** The id the next appended entry gets. */
  nextId(): string {
    return callId(this.recorded.length + 1);
  }

  /** Writes the request's images to images/<sha256>.png unless already there; returns the recorded messages. */
  recordMessages(request: PreparedRequest): RecordedMessage[] {
    return request.messages.map((message) => ({
      role: message.role,
      content: message.content.map((part): RecordedPart => {
        if (part.type === "text") return { type: "text", text: part.text };
        const file = join(this.imagesDir, `${part.sha256}.png`);
        if (!this.savedImages.has(part.sha256)) {
          if (!existsSync(file) || statSync(file).size !== part.png.byteLength) {
            mkdirSync(this.imagesDir, { recursive: true });
            writeFileSync(file, part.png);
          }
          this.savedImages.add(part.sha256);
        }
        return {
          type: "image",
          sha256: part.sha256,
          width: part.width,
          height: part.height,
          file: relative(dirname(this.path), file),
        };
      }),
    }));
  }

  /** Appends one entry, synchronously: when this returns, the line is in the file. */
  append(entry: TranscriptEntry): void {
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`);
    this.recorded.push(entry);
  }
}

/** The text up to and including the last line that parses as JSON (all of it, when the file is intact). */
function completeLines(text: string): string {
  let end = text.length;
  while (end > 0) {
    const start = text.lastIndexOf("\n", end - 2) + 1;
    const line = text.slice(start, end).trim();
    if (line === "") {
      end = start;
      continue;
    }
    try {
      JSON.parse(line);
      return text.slice(0, end).endsWith("\n") ? text.slice(0, end) : `${text.slice(0, end)}\n`;
    } catch {
      end = start;
    }
  }
  return "";
}

export function callId(n: number): string {
  return `call-${String(n).padStart(6, "0")}`;
}

/** A transcript that is missing or not a transcript (a user's path, so never a crash). */
export class TranscriptError extends Error {
  override name = "TranscriptError";
}

/** Reads every entry of a transcript file; any malformed line is an error naming the line. */
export function readTranscript(path: string): TranscriptEntry[] {
  if (!existsSync(path))
    throw new TranscriptError(
      `no transcript at ${path}; check the path (it is the .jsonl file, not its folder)`,
    );
  return parseTranscript(readFileSync(path, "utf8"), path, { tolerateTruncatedTail: true });
}

function parseTranscript(
  text: string,
  path: string,
  options: { tolerateTruncatedTail: boolean },
): TranscriptEntry[] {
  const lines = text.split("\n");
  const entries: TranscriptEntry[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let entry: TranscriptEntry;
    try {
      entry = JSON.parse(line);
    } catch (error) {
      const isTail = lines.slice(i + 1).every((rest) => rest.trim() === "");
      if (isTail && options.tolerateTruncatedTail) return;
      throw new TranscriptError(
        `${path}:${i + 1} is not a JSON transcript entry (${(error as Error).message})`,
      );
    }
    if (entry?.v !== TRANSCRIPT_VERSION || typeof entry.key !== "string") {
      throw new TranscriptError(
        `${path}:${i + 1} is not a version-${TRANSCRIPT_VERSION} vlmcar transcript entry`,
      );
    }
    entries.push(entry);
  });
  return entries;
}
