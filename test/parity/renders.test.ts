/**
 * Pixel parity with Farama MiniGrid over whole rollouts: for every reference env, seeds 0 and 1, replay the
 * first 150 reference actions (resetting without a seed when an episode ends, as the reference did) and compare
 * per step the sha256 of the full render at tile 32 (highlighted), at tile 8, and of the agent's 56x56 view.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { unwrap } from "../../src/env/core.ts";
import "../../src/env/minigrid/index.ts";
import { MiniGridEnv } from "../../src/env/minigrid/minigrid-env.ts";
import { make } from "../../src/env/registry.ts";

/** Reference data: $MINIGRID_REFERENCE, relative to the repository root, or the shared folder beside it. */
const REFERENCE = resolve(
  import.meta.dirname,
  "../..",
  process.env.MINIGRID_REFERENCE ?? "../shared/reference/minigrid",
);

interface FrameBytes {
  full: Uint8Array;
  full8: Uint8Array;
  pov: Uint8Array;
}

interface RenderRecord {
  seed: number;
  frames: { t: number; full: string; full8: string; pov: string }[];
}

const sha16 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex").slice(0, 16);
/** A Buffer over the same bytes, without copying (frames may be views into a larger buffer). */
const bytesOf = (a: Uint8Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe("MiniGrid renders match Farama step by step", () => {
  const actions = (JSON.parse(readFileSync(join(REFERENCE, "meta.json"), "utf8")) as { actions: number[] })
    .actions;
  const files = readdirSync(REFERENCE)
    .filter((f) => f.startsWith("MiniGrid-") && f.endsWith(".json"))
    .sort();
  it("finds reference data", () => assert.ok(files.length > 0, `no MiniGrid-*.json files in ${REFERENCE}`));

  for (const file of files) {
    const id = file.replace(/\.json$/, "");
    it(id, () => {
      const { renders } = JSON.parse(readFileSync(join(REFERENCE, file), "utf8")) as {
        renders: RenderRecord[];
      };
      const env = make(id);
      const base = unwrap(env);
      assert.ok(base instanceof MiniGridEnv, `${id} is not a MiniGridEnv`);
      for (const { seed, frames } of renders) {
        // Hashing is the cost here: when a frame is byte-equal to the previous one (a no-op step) and the
        // reference hash did not change either, the comparison already holds.
        let last: FrameBytes | null = null;
        let lastRef = frames[0];
        let ended = false;
        for (const ref of frames) {
          if (ref.t >= 0) {
            if (ended) env.reset();
            const r = env.step(actions[ref.t]);
            ended = r.terminated || r.truncated;
          } else {
            env.reset({ seed });
          }
          const now: FrameBytes = {
            full: env.render().data,
            full8: base.getFrame({ tileSize: 8 }).data,
            pov: base.getFrame({ tileSize: 8, agentPov: true }).data,
          };
          for (const key of ["full", "full8", "pov"] as const) {
            const unchanged =
              last !== null && ref[key] === lastRef[key] && bytesOf(now[key]).equals(last[key]);
            if (!unchanged)
              assert.equal(sha16(now[key]), ref[key], `seed ${seed}, t = ${ref.t}: ${key} frame`);
          }
          last = now;
          lastRef = ref;
        }
      }
    });
  }
});
