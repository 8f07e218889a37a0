/** render() at another size is the same picture (same pose and FOV); options of other families are refused. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { EnvError } from "../../../src/env/core.ts";
import { make } from "../../../src/env/registry.ts";
import "../../../src/env/tabletop/index.ts";
import type { TabletopEnv } from "../../../src/env/tabletop/index.ts";
import { storedAction } from "../../../src/trajectories/trajectory.ts";

const ID = "Tabletop-put-block-in-bowl-seen-colors-v0";

/** Mean colour of the frame's centre quarter: a scaled render of the same view has about the same. */
function centreMean(env: TabletopEnv): number[] {
  const f = env.render();
  const sum = [0, 0, 0];
  let n = 0;
  for (let y = Math.floor(f.height / 4); y < (3 * f.height) / 4; y++) {
    for (let x = Math.floor(f.width / 4); x < (3 * f.width) / 4; x++) {
      for (let k = 0; k < 3; k++) sum[k] += f.data[3 * (y * f.width + x) + k];
      n++;
    }
  }
  return sum.map((s) => s / n);
}

test("renderWidth/renderHeight give the front camera's picture at that size", () => {
  const full = make(ID, { renderObservations: false }) as unknown as TabletopEnv;
  const half = make(ID, {
    renderObservations: false,
    renderWidth: 320,
    renderHeight: 240,
  }) as unknown as TabletopEnv;
  full.reset({ seed: 3 });
  half.reset({ seed: 3 });
  const f = half.render();
  assert.deepEqual([f.width, f.height], [320, 240]);
  assert.deepEqual((half.observationSpace as unknown as { shape: number[] }).shape, [240, 320, 3]);
  const a = centreMean(full);
  const b = centreMean(half);
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(a[k] - b[k]) < 4, `channel ${k}: ${a[k]} vs ${b[k]}`);
  full.close();
  half.close();
});

test("panda-gym's camera options and bad sizes are refused with the option's name", () => {
  assert.throws(
    () => make(ID, { renderYaw: 40 }),
    (e: Error) => e instanceof EnvError && /renderYaw/.test(e.message),
  );
  assert.throws(() => make(ID, { renderWidth: 0 }), /renderWidth must be an integer/);
});

test("a pick-place action is stored as 14 numbers, and the env takes that form back", () => {
  const env = make(ID, { renderObservations: false }) as unknown as TabletopEnv;
  env.reset({ seed: 2 });
  const stored = storedAction({
    pose0: [0.5, 0, 0, 0, 0, 0, 1],
    pose1: Float64Array.of(0.6, 0.1, 0, 0, 0, 0, 1),
  });
  assert.deepEqual(stored, [0.5, 0, 0, 0, 0, 0, 1, 0.6, 0.1, 0, 0, 0, 0, 1]);
  const r = env.step(stored as number[]);
  assert.ok(r.info.primitive !== undefined);
  assert.throws(() => env.step([1, 2, 3] as unknown as number[]), /pose0 must be 7 numbers/);
  env.close();
});
