/**
 * The Panda frames are pinned to the bit: a fixed seed and action stream, rendered at the reference programs'
 * render specs (the frames their checks and the zoo's programs were verified on), at 256x256 with shadows and at
 * panda-gym's default 720x480, hash to the values the renderer gave when those programs were verified. A speed-up
 * of the rasteriser that moves one pixel fails here; one that means to change pixels must re-verify the programs
 * (`vlmcar verify`) and then update these hashes.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { make } from "../../../src/env/index.ts";
import { PUSH_RENDER, SLIDE_RENDER } from "../../../src/program/reference/panda.ts";
import { renderOptions } from "../../../src/trajectories/render-spec.ts";

/** sha256 (first 16 hex digits) of every frame of `steps` steps of a fixed action stream from seed 0. */
function framesHash(id: string, options: Record<string, unknown>, steps: number): string {
  const env = make<unknown, Float32Array>(id, options);
  try {
    const hash = createHash("sha256");
    const action = new Float32Array(7); // the Joints ids: seven joint deltas
    let s = 11;
    env.reset({ seed: 0 });
    hash.update(env.render().data);
    for (let i = 0; i < steps; i++) {
      for (let k = 0; k < action.length; k++) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        action[k] = ((s >>> 0) / 4294967296) * 2 - 1;
      }
      const r = env.step(action);
      if (r.terminated || r.truncated) env.reset();
      hash.update(env.render().data);
    }
    return hash.digest("hex").slice(0, 16);
  } finally {
    env.close();
  }
}

const CASES: ReadonlyArray<[string, string, Record<string, unknown>, number, string]> = [
  ["Push reference spec 160x120", "PandaPushJoints-v3", renderOptions(PUSH_RENDER), 60, "aad836a40efb8afb"],
  [
    "Slide reference spec 160x120",
    "PandaSlideJoints-v3",
    renderOptions(SLIDE_RENDER),
    60,
    "744c26eda8504602",
  ],
  [
    "256x256 with shadows",
    "PandaPushJoints-v3",
    { renderWidth: 256, renderHeight: 256 },
    30,
    "38f7b7d5763b46be",
  ],
  ["panda-gym's default 720x480 with shadows", "PandaPushJoints-v3", {}, 8, "7a07fda8bcaadb13"],
];

for (const [name, id, options, steps, expected] of CASES) {
  test(`Panda frames are bit-identical to the verified renderer's: ${name}`, () => {
    assert.equal(framesHash(id, options, steps), expected);
  });
}
