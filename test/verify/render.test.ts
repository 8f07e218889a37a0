/** A program's render spec decides the frames it is verified on; other frames asked for are refused, by name. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PUSH_PROGRAM, PUSH_RENDER } from "../../src/program/reference/panda.ts";
import { UNLOCK_PROGRAM } from "../../src/program/reference/unlock.ts";
import type { TrajectorySet } from "../../src/trajectories/collect.ts";
import { PANDA_DEFAULT_RENDER, sameRender } from "../../src/trajectories/render-spec.ts";
import { RenderConflictError, verificationRender } from "../../src/verify/index.ts";

const envId = "PandaPushJoints-v3";
const savedAs = (render: TrajectorySet["render"]) => ({ render }) as TrajectorySet;

describe("the frames a program is verified on", () => {
  it("are the program's own render spec when it has one", () => {
    assert.deepEqual(verificationRender(PUSH_PROGRAM, { envId }), PUSH_RENDER);
    // The same spec spelled in another key order is no conflict.
    const { mode, ...rest } = PUSH_RENDER;
    assert.deepEqual(verificationRender(PUSH_PROGRAM, { envId, render: { ...rest, mode } }), PUSH_RENDER);
    assert.deepEqual(verificationRender(PUSH_PROGRAM, { envId, experts: savedAs(PUSH_RENDER) }), PUSH_RENDER);
  });

  it("refuse other frames, naming both specs", () => {
    assert.throws(
      () => verificationRender(PUSH_PROGRAM, { envId, render: PANDA_DEFAULT_RENDER }),
      (e: unknown) =>
        e instanceof RenderConflictError &&
        /its render spec/.test(e.message) &&
        /scene 160x120, default camera, no shadows/.test(e.message),
    );
    assert.throws(
      () => verificationRender(PUSH_PROGRAM, { envId, random: savedAs(PANDA_DEFAULT_RENDER) }),
      (e: unknown) => e instanceof RenderConflictError && /saved random trajectories/.test(e.message),
    );
    assert.throws(
      () =>
        verificationRender(PUSH_PROGRAM, {
          envId,
          frameOf: () => ({ width: 1, height: 1, data: new Uint8Array(3) }),
        }),
      RenderConflictError,
    );
  });

  it("are the caller's, the saved set's or the env's default for a program without a spec (as before)", () => {
    assert.equal(UNLOCK_PROGRAM.render, undefined);
    const id = "MiniGrid-Unlock-v0";
    assert.deepEqual(verificationRender(UNLOCK_PROGRAM, { envId: id }), {
      mode: "full",
      tileSize: 32,
      highlight: true,
    });
    const small = { mode: "full", tileSize: 8 } as const;
    assert.deepEqual(verificationRender(UNLOCK_PROGRAM, { envId: id, render: small }), small);
    assert.deepEqual(verificationRender(UNLOCK_PROGRAM, { envId: id, experts: savedAs(small) }), small);
  });

  it("compare as specs: key order and undefined fields do not matter, values do", () => {
    assert.ok(
      sameRender({ mode: "full", tileSize: 32 }, { tileSize: 32, mode: "full", highlight: undefined }),
    );
    assert.ok(!sameRender({ mode: "full", tileSize: 32 }, { mode: "full", tileSize: 16 }));
    assert.ok(!sameRender(PUSH_RENDER, { ...PUSH_RENDER, camera: { ...PUSH_RENDER.camera, yaw: 90 } }));
  });
});
