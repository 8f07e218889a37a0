/** Shared pieces of the Farama parity tests: making envs by id and hashing state as the reference does. */
import { createHash } from "node:crypto";
import "../../../src/env/minigrid/index.ts";
import type { MiniGridEnv } from "../../../src/env/minigrid/minigrid-env.ts";
import { make } from "../../../src/env/registry.ts";

export function makeMiniGrid(id: string): MiniGridEnv {
  return make(id) as unknown as MiniGridEnv;
}

/** sha256 of the observation bytes, first 16 hex digits (the reference's `obs` hash). */
export function obsHash(image: Uint8Array): string {
  return createHash("sha256").update(image).digest("hex").slice(0, 16);
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** "type:color" of what the agent carries, or null (the reference's carrying field). */
export function carryingLabel(env: MiniGridEnv): string | null {
  return env.carrying === null ? null : `${env.carrying.type}:${env.carrying.color}`;
}

/** The first differing cell of two grid encodings, in words, for failure messages. */
export function gridDiff(actualHex: string, expectedHex: string, height: number): string {
  for (let i = 0; i < expectedHex.length; i += 6) {
    if (actualHex.slice(i, i + 6) !== expectedHex.slice(i, i + 6)) {
      const cell = i / 6;
      const x = Math.floor(cell / height);
      const y = cell % height;
      return `first difference at cell (${x}, ${y}): got ${actualHex.slice(i, i + 6)}, expected ${expectedHex.slice(i, i + 6)}`;
    }
  }
  return actualHex.length === expectedHex.length ? "identical" : "lengths differ";
}
