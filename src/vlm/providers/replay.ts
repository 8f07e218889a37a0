/**
 * Answers from a recorded transcript, never from the network: `--vlm replay:<path/to/transcript.jsonl>`.
 *
 * Requests are matched by content hash (messages with images by hash, and parameters), in order: the n-th
 * request with a given hash gets the n-th recorded reply with that hash. A request the transcript does not
 * hold is an error that names the first part where it differs from the next recorded request, which is
 * usually exactly the prompt-template or frame change that broke the replay.
 */
import { VlmError } from "../errors.ts";
import { readTranscript, type TranscriptEntry } from "../transcript.ts";
import type { PreparedRequest, ProviderReply, VlmProvider } from "../types.ts";

export class ReplayProvider implements VlmProvider {
  readonly name = "replay";
  readonly free = true;
  readonly replays = true;
  readonly callDefaults = { maxAttempts: 1 };
  private readonly replies: TranscriptEntry[];
  private readonly used = new Set<TranscriptEntry>();

  /** @param model the transcript's path (the part after "replay:" in the spec). */
  constructor(readonly model: string) {
    this.replies = readTranscript(model).filter((entry) => entry.reply !== null && entry.usage !== null);
  }

  async send(request: PreparedRequest): Promise<ProviderReply> {
    const entry = this.replies.find((e) => !this.used.has(e) && e.requestHash === request.requestHash);
    if (!entry?.reply) throw this.mismatch(request);
    this.used.add(entry);
    return {
      text: entry.reply.text,
      usage: entry.usage ?? { inputTokens: 0, outputTokens: 0 },
      model: entry.reply.model,
      finishReason: entry.reply.finishReason,
      rawFinishReason: entry.reply.rawFinishReason,
      recorded: {
        provider: entry.reply.provider,
        model: entry.reply.model,
        callId: entry.origin?.callId ?? entry.id,
      },
    };
  }

  /** How many recorded replies have not been asked for yet. */
  get remaining(): number {
    return this.replies.length - this.used.size;
  }

  private mismatch(request: PreparedRequest): VlmError {
    const next = this.replies.find((e) => !this.used.has(e));
    const base = `replay: the request is not in ${this.model}`;
    const message = next
      ? `${base}; it differs from the next recorded request (${next.id}) at ${firstDifference(next, request)}. ` +
        "The prompt, a frame or a parameter changed since the recording: record a new transcript with a real provider"
      : `${base}: all ${this.replies.length} recorded replies have been used, and the run asked for one more`;
    return new VlmError({ kind: "replay-mismatch", provider: this.name, model: this.model, message });
  }
}

/** The first part of `request` that differs from `entry`, as a path with both values, e.g. `messages[1].content[0].text`. */
export function firstDifference(entry: TranscriptEntry, request: PreparedRequest): string {
  for (const name of ["temperature", "maxTokens", "seed"] as const) {
    const recorded = entry.parameters[name];
    const asked = request.parameters[name];
    if (recorded !== asked) return `parameter ${name}: recorded ${String(recorded)}, asked ${String(asked)}`;
  }
  if (entry.messages.length !== request.messages.length) {
    return `the number of messages: recorded ${entry.messages.length}, asked ${request.messages.length}`;
  }
  for (let m = 0; m < entry.messages.length; m++) {
    const rec = entry.messages[m];
    const ask = request.messages[m];
    if (rec.role !== ask.role) return `messages[${m}].role: recorded ${rec.role}, asked ${ask.role}`;
    if (rec.content.length !== ask.content.length) {
      return `messages[${m}].content: recorded ${rec.content.length} parts, asked ${ask.content.length}`;
    }
    for (let p = 0; p < rec.content.length; p++) {
      const where = `messages[${m}].content[${p}]`;
      const r = rec.content[p];
      const a = ask.content[p];
      if (r.type !== a.type) return `${where}: recorded ${r.type}, asked ${a.type}`;
      if (r.type === "image" && a.type === "image" && r.sha256 !== a.sha256) {
        return `${where} (image): recorded sha256 ${r.sha256.slice(0, 12)}… (${r.file}), asked ${a.sha256.slice(0, 12)}… (${a.width}x${a.height})`;
      }
      if (r.type === "text" && a.type === "text" && r.text !== a.text)
        return `${where}.text: ${textDifference(r.text, a.text)}`;
    }
  }
  return "no visible part (the hashes differ but the content matches: was the transcript edited?)";
}

function textDifference(recorded: string, asked: string): string {
  let i = 0;
  while (i < recorded.length && i < asked.length && recorded[i] === asked[i]) i++;
  const line = recorded.slice(0, i).split("\n").length;
  const excerpt = (s: string) => JSON.stringify(s.slice(Math.max(0, i - 20), i + 40));
  return `first difference at character ${i} (line ${line}): recorded ${excerpt(recorded)}, asked ${excerpt(asked)}`;
}
