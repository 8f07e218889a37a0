import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import type { Env } from "../../../src/env/core.ts";
import "../../../src/env/minigrid/index.ts";
import type { MiniGridObs } from "../../../src/env/minigrid/minigrid-env.ts";
import {
  FlatObsWrapper,
  FullyObsWrapper,
  ImgObsWrapper,
  RGBImgObsWrapper,
  RGBImgPartialObsWrapper,
} from "../../../src/env/minigrid/wrappers.ts";
import { make } from "../../../src/env/registry.ts";
import { Discrete } from "../../../src/env/spaces.ts";

/** Reference data: $MINIGRID_REFERENCE, relative to the repository root, or the shared folder beside it. */
const REFERENCE = resolve(
  import.meta.dirname,
  "../../..",
  process.env.MINIGRID_REFERENCE ?? "../shared/reference/minigrid",
);
const ID = "MiniGrid-DoorKey-8x8-v0";

interface ReferenceFile {
  resets: { seed: number; grid: string; agent_pos: [number, number]; agent_dir: number; mission: string }[];
  renders: { seed: number; frames: { t: number; full: string; full8: string; pov: string }[] }[];
}
const reference = JSON.parse(readFileSync(join(REFERENCE, `${ID}.json`), "utf8")) as ReferenceFile;
const actions = (JSON.parse(readFileSync(join(REFERENCE, "meta.json"), "utf8")) as { actions: number[] })
  .actions;

const sha16 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex").slice(0, 16);
const makeEnv = (): Env<MiniGridObs, number> => make<MiniGridObs>(ID);

describe("RGB image wrappers", () => {
  it("RGBImgPartialObsWrapper gives Farama's 56x56 agent-view image, step after step", () => {
    const env = new RGBImgPartialObsWrapper(makeEnv());
    const frames = reference.renders[0].frames;
    let obs = env.reset({ seed: reference.renders[0].seed }).obs;
    assert.equal(obs.image.length, 56 * 56 * 3);
    assert.ok(env.observationSpace.contains(obs));
    assert.equal(sha16(obs.image), frames[0].pov, "after reset");
    for (let t = 0; t < 20; t++) {
      const r = env.step(actions[t]);
      obs = r.obs;
      assert.equal(sha16(obs.image), frames[t + 1].pov, `step ${t}`);
      if (r.terminated || r.truncated) break;
    }
    assert.equal(obs.mission, reference.resets[0].mission, "direction and mission pass through");
  });

  it("RGBImgObsWrapper gives Farama's full render at tile 8, highlighted", () => {
    const env = new RGBImgObsWrapper(makeEnv());
    const { obs } = env.reset({ seed: reference.renders[1].seed });
    assert.equal(obs.image.length, 64 * 64 * 3);
    assert.equal(sha16(obs.image), reference.renders[1].frames[0].full8);
    assert.deepEqual(
      (env.observationSpace.spaces.image as unknown as { shape: number[] }).shape,
      [64, 64, 3],
    );
  });

  it("observations are the caller's to keep", () => {
    const env = new RGBImgPartialObsWrapper(makeEnv());
    const first = env.reset({ seed: 0 }).obs.image;
    const copy = first.slice();
    env.step(0); // turning left changes the view
    assert.deepEqual(first, copy);
  });
});

describe("FullyObsWrapper", () => {
  it("encodes the whole grid with the agent as [agent, red, direction]", () => {
    const env = new FullyObsWrapper(makeEnv());
    const reset = reference.resets[0];
    const { obs } = env.reset({ seed: reset.seed });
    const expected = Uint8Array.from(Buffer.from(reset.grid, "hex"));
    const [x, y] = reset.agent_pos;
    expected.set([10, 0, reset.agent_dir], (x * 8 + y) * 3);
    assert.deepEqual(obs.image, expected);
    assert.ok(env.observationSpace.contains(obs));
  });
});

describe("ImgObsWrapper and FlatObsWrapper", () => {
  it("ImgObsWrapper keeps only the image, composing over an RGB wrapper", () => {
    const env = new ImgObsWrapper(new RGBImgPartialObsWrapper(makeEnv()));
    const { obs } = env.reset({ seed: 0 });
    assert.ok(obs instanceof Uint8Array);
    assert.equal(obs.length, 56 * 56 * 3);
    assert.ok(env.observationSpace.contains(obs));
    assert.ok(env.actionSpace instanceof Discrete);
  });

  it("FlatObsWrapper appends the mission one-hot, 28 codes per character (2835 values for a 7x7 view)", () => {
    const env = new FlatObsWrapper(makeEnv());
    const { obs } = env.reset({ seed: 0 });
    assert.equal(obs.length, 147 + 28 * 96);
    assert.ok(env.observationSpace.contains(obs));
    const mission = reference.resets[0].mission; // "use the key to open the door and then get to the goal"
    const codes = obs.subarray(147);
    for (let i = 0; i < 96; i++) {
      const row = Array.from(codes.subarray(i * 28, i * 28 + 28));
      const hot = row.indexOf(1);
      if (i >= mission.length) {
        assert.equal(hot, -1, `row ${i} past the mission is zero`);
        continue;
      }
      const ch = mission[i];
      assert.equal(hot, ch === " " ? 26 : ch === "," ? 27 : ch.charCodeAt(0) - 97, `character ${i} "${ch}"`);
      assert.equal(row.filter((b) => b === 1).length, 1);
    }
  });

  it("FlatObsWrapper names missions it cannot encode", () => {
    const env = new FlatObsWrapper(makeEnv(), { maxStrLen: 10 });
    assert.throws(() => env.reset({ seed: 0 }), /more than maxStrLen 10/);
  });
});
