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
   * what a resumed run reuses. A last line cut short by a killed process is dropped (it was never a complete
   * call), and the file is left ending in a newline so the next entry starts cleanly.
   */
  static open(path: string): Transcript {
    mkdirSync(dirname(path), { recursive: true });
    let entries: TranscriptEntry[] = [];
    if (existsSync(path)) {
      const text = readFileSync(path, "utf8");
      entries = parseTranscript(text, path, { tolerateTruncatedTail: true });
      if (text.length > 0 && !text.endsWith("\n")) appendFileSync(path, "\n");
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

export function callId(n: number): string {
  return `call-${String(n).padStart(6, "0")}`;
}

/** Reads every entry of a transcript file; any malformed line is an error naming the line. */
export function readTranscript(path: string): TranscriptEntry[] {
  if (!existsSync(path))
    throw new Error(`no transcript at ${path}; check the path (it is the .jsonl file, not its folder)`);
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
      throw new Error(`${path}:${i + 1} is not a JSON transcript entry (${(error as Error).message})`);
    }
    if (entry?.v !== TRANSCRIPT_VERSION || typeof entry.key !== "string") {
      throw new Error(`${path}:${i + 1} is not a version-${TRANSCRIPT_VERSION} vlmcar transcript entry`);
    }
    entries.push(entry);
  });
  return entries;
}
