/** A transcript entry for report tests: one answered OpenAI call, changed where `over` says. */
import type { TranscriptEntry } from "../../src/vlm/transcript.ts";

export function transcriptEntry(
  over: Partial<TranscriptEntry> & { fixture?: boolean } = {},
): TranscriptEntry {
  return {
    v: 1,
    id: "call-000001",
    key: "k",
    requestHash: "h",
    provider: "openai",
    model: "gpt-4o",
    parameters: {},
    messages: [],
    source: "network",
    reply: { text: "ok", provider: "openai", model: "gpt-4o", finishReason: "stop" },
    usage: { inputTokens: 1000, outputTokens: 200 },
    costUsd: 0.0045,
    latencyMs: 2000,
    startedAt: "2024-05-01T12:00:00Z",
    finishedAt: "2024-05-01T12:00:02Z",
    attempts: [],
    error: null,
    ...over,
  } as TranscriptEntry;
}
