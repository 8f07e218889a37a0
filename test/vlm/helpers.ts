/** Shared pieces of the VLM tests: a small frame, a temp folder, and a client wired to a fixture server. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFrame, type Frame } from "../../src/image/frame.ts";
import { type CreateVlmClientOptions, createVlmClient, type VlmClient } from "../../src/vlm/client.ts";
import type { Env } from "../../src/vlm/config.ts";
import type { Wire } from "./fixture-server.ts";

/** A 16x8 frame: red left half, blue right half, so its PNG is small but not trivial. */
export function testFrame(shade = 0): Frame {
  const frame = createFrame(16, 8);
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 16; x++) {
      const i = (y * 16 + x) * 3;
      frame.data[i] = x < 8 ? 255 : shade;
      frame.data[i + 2] = x < 8 ? shade : 255;
    }
  }
  return frame;
}

/** A fresh folder, removed when the test ends. */
export function tempDir(t: { after(fn: () => void): void }): string {
  const path = mkdtempSync(join(tmpdir(), "vlmcar-vlm-test-"));
  t.after(() => rmSync(path, { recursive: true, force: true }));
  return path;
}

export const TEST_KEY = "test-key-not-a-secret";

/** The environment a user would set to point a provider at `url`. */
export function envFor(wire: Wire, url: string): Env {
  if (wire === "openai") return { OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: url };
  if (wire === "anthropic") return { ANTHROPIC_API_KEY: TEST_KEY, ANTHROPIC_BASE_URL: url };
  return { GEMINI_API_KEY: TEST_KEY, GEMINI_BASE_URL: url };
}

/** Fixture model names: the price table knows them, so costs are computed. */
export const MODELS: Record<Wire, string> = {
  openai: "gpt-4o",
  anthropic: "claude-sonnet-4-20250514",
  gemini: "gemini-2.5-flash",
};

/** Retry delays asked for, recorded instead of slept through, so tests stay fast and can check them. */
export function recordingSleep(): { delays: number[]; sleep: (ms: number) => Promise<void> } {
  const delays: number[] = [];
  return { delays, sleep: async (ms) => void delays.push(ms) };
}

export function clientFor(
  wire: Wire,
  url: string,
  dir: string,
  options: Partial<CreateVlmClientOptions> & { delays?: number[] } = {},
): VlmClient {
  const { delays, ...rest } = options;
  return createVlmClient(`${wire}:${MODELS[wire]}`, {
    env: envFor(wire, url),
    transcript: join(dir, "transcript.jsonl"),
    // Generous: CI machines are small and shared; the hang tests set their own short timeout.
    retry: { timeoutMs: 10_000, baseDelayMs: 10, maxAttempts: 3 },
    hooks: { sleep: async (ms) => void delays?.push(ms), random: () => 0.5 },
    ...rest,
  });
}
