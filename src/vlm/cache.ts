/**
 * A content-addressed reply cache. The key is the sha256 of (provider, model, request hash), and the request
 * hash covers the sampling parameters and every message part (text verbatim, images by their sha256), so an
 * identical request is answered from disk without the network, and any change, down to one pixel or one
 * space, is a miss.
 *
 * Two layers: memory (seeded from the transcript, which is how a resumed run avoids paying twice) and,
 * optionally, a folder shared between runs: `<dir>/<key[0..2]>/<key>.json`, written atomically.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sha256Hex } from "./prepare.ts";
import type { RecordedReply, TranscriptEntry } from "./transcript.ts";
import type { Usage } from "./types.ts";

export interface CachedReply {
  key: string;
  reply: RecordedReply;
  usage: Usage;
  /** The transcript entry that paid for this reply. */
  callId: string;
  createdAt: string;
}

export function cacheKey(provider: string, model: string, requestHash: string): string {
  return sha256Hex(JSON.stringify({ provider, model, requestHash }));
}

export class ReplyCache {
  private readonly memory = new Map<string, CachedReply>();

  /** @param dir a folder shared between runs; without it the cache lives only as long as the client. */
  constructor(readonly dir?: string) {}

  get(key: string): CachedReply | undefined {
    const hit = this.memory.get(key);
    if (hit || !this.dir) return hit;
    const file = this.fileFor(key);
    if (!existsSync(file)) return undefined;
    let stored: CachedReply;
    try {
      stored = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      return undefined; // A damaged entry is a miss; the fresh reply will overwrite it.
    }
    if (stored?.key !== key || typeof stored.reply?.text !== "string") return undefined;
    this.memory.set(key, stored);
    return stored;
  }

  /** Remembers a reply in memory and, when there is a folder, on disk. */
  put(entry: CachedReply): void {
    this.memory.set(entry.key, entry);
    if (!this.dir) return;
    const file = this.fileFor(entry.key);
    mkdirSync(join(this.dir, entry.key.slice(0, 2)), { recursive: true });
    // Write-then-rename, so a concurrent reader or a kill mid-write never sees half a file.
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(entry));
    renameSync(temp, file);
  }

  /** Seeds memory with every successful reply of a transcript (first one per key wins), for resuming. */
  remember(entries: readonly TranscriptEntry[]): void {
    for (const e of entries) {
      if (!e.reply || !e.usage || this.memory.has(e.key)) continue;
      this.memory.set(e.key, {
        key: e.key,
        reply: e.reply,
        usage: e.usage,
        callId: e.origin?.callId ?? e.id,
        createdAt: e.finishedAt,
      });
    }
  }

  private fileFor(key: string): string {
    return join(this.dir as string, key.slice(0, 2), `${key}.json`);
  }
}
