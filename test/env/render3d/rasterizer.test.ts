import assert from "node:assert/strict";
import { test } from "node:test";
import {
  pandaGymCamera,
  projectPoint,
  ravensCamera,
  ravensOracleCamera,
  resolveCamera,
} from "../../../src/env/render3d/camera.ts";
import {
  cube,
  floorPlane,
  IDENTITY,
  pandaLikeDynamic,
  pandaLikeStatic,
  rotationWithZ,
  segment,
} from "../../../src/env/render3d/demo-scene.ts";
import { Rasterizer } from "../../../src/env/render3d/rasterizer.ts";
import type { PinholeCamera, SceneGeom } from "../../../src/env/render3d/scene.ts";
import { DEFAULT_LIGHT_DIRECTION, intensity } from "../../../src/env/render3d/shading.ts";
import { type Frame, framesEqual, pixelAt } from "../../../src/image/frame.ts";

/** A camera at the origin looking along +z (image right +x, image down +y): easy projections by hand. */
const AXIS_CAMERA: PinholeCamera = {
  kind: "pinhole",
  position: [0, 0, 0],
  quaternion: [0, 0, 0, 1],
  fx: 100,
  fy: 100,
  cx: 32,
  cy: 24,
  near: 0.1,
  far: 10,
};

const box = cube;

/** Bounding box [x0, y0, x1, y1] (inclusive) of the pixels that are not the background. */
function drawnBounds(frame: Frame, background = [255, 255, 255]): number[] | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let y = 0; y < frame.height; y++) {
    for (let x = 0; x < frame.width; x++) {
      const p = pixelAt(frame, x, y);
      if (p[0] !== background[0] || p[1] !== background[1] || p[2] !== background[2]) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  }
  return Number.isFinite(x0) ? [x0, y0, x1, y1] : null;
}

function countDrawn(frame: Frame): number {
  let n = 0;
  for (let i = 0; i < frame.data.length; i += 3) {
    if (frame.data[i] !== 255 || frame.data[i + 1] !== 255 || frame.data[i + 2] !== 255) n++;
  }
  return n;
}

test("a box in front of the camera covers exactly the pixels its front face projects to", () => {
  // Front face at z = 0.95: x ∈ [0.05, 0.15] → u ∈ [32 + 100·0.05/0.95, 32 + 100·0.15/0.95) = [37.26, 47.79),
  // y ∈ [-0.05, 0.05] → v ∈ [18.74, 29.26). Pixel centres (i + 0.5) inside: columns 37..47, rows 19..28.
  // The visible side faces (x = 0.05 and y = -0.05) span under half a pixel and hold no pixel centre.
  const r = new Rasterizer({ width: 64, height: 48 });
  const frame = r.render([box([0.1, 0, 1], 0.05, [1, 0, 0, 1])], AXIS_CAMERA);
  assert.deepEqual(drawnBounds(frame), [37, 19, 47, 28]);
  assert.equal(countDrawn(frame), 11 * 10);
});

const COS30 = Math.cos(Math.PI / 6);
const SIN30 = Math.sin(Math.PI / 6);

test("depth: metres along the optical axis where drawn, Infinity elsewhere", () => {
  const r = new Rasterizer({ width: 64, height: 48 });
  r.render([box([0.1, 0, 1], 0.05, [1, 0, 0, 1])], AXIS_CAMERA);
  const depth = r.lastDepth;
  assert.equal(depth.length, 64 * 48);
  assert.ok(Math.abs(depth[24 * 64 + 42] - 0.95) < 1e-5, `front face depth ${depth[24 * 64 + 42]}`);
  assert.equal(depth[0], Infinity);
  // A tilted surface: depth follows the plane exactly (perspective-correct interpolation).
  const tilted: SceneGeom = {
    kind: "plane",
    size: [1, 1, 0],
    pos: [0, 0, 2],
    // Local axes (columns): x = (1, 0, 0), y = (0, -cos, sin), normal z = (0, -sin, -cos): tilted 30°, facing us.
    mat: [1, 0, 0, 0, -COS30, -SIN30, 0, SIN30, -COS30],
    rgba: [0.5, 0.5, 0.5, 1],
  };
  r.render([tilted], AXIS_CAMERA);
  const d = r.lastDepth;
  for (const [u, v] of [
    [32, 10],
    [10, 40],
    [50, 30],
  ]) {
    // Ray through the pixel centre: (x, y, 1)·t meets the plane n·(p − c) = 0 with n = (0, -sin, -cos); x drops out.
    const y = (v + 0.5 - 24) / 100;
    const s = Math.sin(Math.PI / 6);
    const c = Math.cos(Math.PI / 6);
    const t = (-c * 2) / (-s * y - c);
    assert.ok(Math.abs(d[v * 64 + u] - t) < 1e-4, `pixel (${u}, ${v}): ${d[v * 64 + u]} vs ${t}`);
  }
});

test("a near object hides a far one, whatever the drawing order", () => {
  const near = box([0, 0, 1], 0.05, [1, 0, 0, 1]);
  const far = box([0.03, 0.03, 1.5], 0.1, [0, 0, 1, 1]);
  const r = new Rasterizer({ width: 64, height: 48 });
  const a = r.render([near, far], AXIS_CAMERA);
  const b = r.render([far, near], AXIS_CAMERA);
  assert.ok(framesEqual(a, b));
  const centre = pixelAt(a, 32, 24);
  assert.ok(centre[0] > 0 && centre[2] === 0, `centre shows the near red box, got ${centre}`);
  // Far box: u ∈ [32 - 100·0.07/1.4, 32 + 100·0.13/1.4) = [27, 41.3); the near one ends at u = 37.3; v ∈ [19, 33.3).
  const corner = pixelAt(a, 39, 30);
  assert.ok(corner[2] > 0 && corner[0] === 0, `the far blue box shows beside it, got ${corner}`);
});

test("TinyRenderer shading: a green cube side turned from the light is (15, 137, 15); its top adds diffuse and specular", () => {
  const r = new Rasterizer({ width: 720, height: 480 });
  const cube = box([0, 0, 0.02], 0.02, [0.1, 0.9, 0.1, 1]);
  const camera = pandaGymCamera({ distance: 0.3, target: [0, 0, 0.02] });
  const frame = r.render([cube], camera);
  const cam = resolveCamera(camera, 720, 480);
  const at = (p: [number, number, number]) => {
    const q = projectPoint(cam, p);
    return pixelAt(frame, Math.floor(q.u), Math.floor(q.v));
  };
  // +x face: n·l = -0.43 < 0 → ambient only.
  assert.deepEqual(at([0.02, 0, 0.02]), [15, 137, 15]);
  // Top face: n·l = l_z = 100/√13400 = 0.863868; reflected light r_z = 2·l_z − l_z = l_z, specular l_z² = 0.746268;
  // intensity 0.6 + 0.35·0.863868 + 0.05·0.746268 = 0.939667; bases trunc(25.5) = 25, trunc(229.5) = 229.
  assert.ok(Math.abs(intensity(DEFAULT_LIGHT_DIRECTION[2], 1, DEFAULT_LIGHT_DIRECTION[2]) - 0.939667) < 1e-6);
  assert.deepEqual(at([0, 0, 0.04]), [23, 215, 23]);
  // The -y side: n·l = -0.26, also ambient only.
  assert.deepEqual(at([0, -0.02, 0.02]), [15, 137, 15]);
});

test("per-face colours of a box follow +x, -x, +y, -y, +z, -z", () => {
  const faceColors = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
    [1, 1, 0],
    [0, 1, 1],
    [1, 0, 1],
  ];
  const cube: SceneGeom = { ...box([0, 0, 0], 0.05, [0.5, 0.5, 0.5, 1]), faceColors };
  const camera = pandaGymCamera({ distance: 0.6 });
  const frame = new Rasterizer({ width: 200, height: 200 }).render([cube], camera);
  const cam = resolveCamera(camera, 200, 200);
  const at = (p: [number, number, number]) => {
    const q = projectPoint(cam, p);
    return pixelAt(frame, Math.floor(q.u), Math.floor(q.v));
  };
  const px = at([0.05, 0, 0]);
  const my = at([0, -0.05, 0]);
  const pz = at([0, 0, 0.05]);
  assert.ok(px[0] > 0 && px[1] === 0 && px[2] === 0, `+x is red: ${px}`);
  assert.ok(my[0] > 0 && my[1] > 0 && my[2] === 0, `-y is yellow: ${my}`);
  assert.ok(pz[0] === 0 && pz[1] > 0 && pz[2] > 0, `+z is cyan: ${pz}`);
});

test("static layer plus moving geoms equals drawing everything at once (no shadows, both shadow models)", () => {
  for (const [shadows, shadowModel] of [
    [false, "tinyrenderer"],
    [true, "tinyrenderer"],
    [true, "directional"],
  ] as const) {
    const options = {
      width: 160,
      height: 120,
      shadows,
      shadowModel,
      shadowBounds: { min: [-1.2, -0.7, -0.4], max: [0.6, 0.7, 0.8] } as const,
    };
    const split = new Rasterizer(options);
    split.setStatic(pandaLikeStatic());
    const together = new Rasterizer(options);
    for (const phase of [0, 1, 2.5]) {
      const a = split.render(pandaLikeDynamic(phase), pandaGymCamera());
      const b = together.render([...pandaLikeStatic(), ...pandaLikeDynamic(phase)], pandaGymCamera());
      assert.ok(framesEqual(a, b), `shadows ${shadows} (${shadowModel}), phase ${phase}: frames differ`);
      assert.deepEqual(split.lastDepth, together.lastDepth);
    }
  }
});

test("the static layer is kept per camera and redrawn after setStatic", () => {
  const r = new Rasterizer({ width: 64, height: 48 });
  r.setStatic([box([0, 0, 1], 0.05, [1, 0, 0, 1])]);
  const a = r.render([], AXIS_CAMERA);
  const other = r.render([], { ...AXIS_CAMERA, cx: 20 });
  assert.ok(!framesEqual(a, other), "a different camera sees the static layer elsewhere");
  assert.ok(framesEqual(a, r.render([], AXIS_CAMERA)));
  r.setStatic([box([0, 0, 1], 0.05, [0, 0, 1, 1])]);
  const c = r.render([], AXIS_CAMERA);
  assert.deepEqual(pixelAt(c, 32, 24).slice(0, 2), [0, 0]);
});

test("shadows take 20% of the direct light off the floor under a box, and nothing far from it", () => {
  const floor: SceneGeom = floorPlane([0, 0, 0], 2, 2, [0.8, 0.8, 0.8, 1]);
  const cube = box([0, 0, 0.3], 0.05, [0.9, 0.1, 0.1, 1]);
  const camera = pandaGymCamera({ distance: 2, target: [0, 0, 0.1], pitch: -60 });
  const cam = resolveCamera(camera, 320, 240);
  const l = DEFAULT_LIGHT_DIRECTION;
  // The box centre's shadow falls where the ray towards the light from the floor meets it.
  const t = 0.3 / l[2];
  const shadowSpot: [number, number, number] = [-l[0] * t, -l[1] * t, 0];
  const q = projectPoint(cam, shadowSpot);
  const far = projectPoint(cam, [0.6, 0.6, 0]);
  const lit = new Rasterizer({ width: 320, height: 240 }).render([floor, cube], camera);
  const directional = { width: 320, height: 240, shadows: true, shadowModel: "directional" } as const;
  const shaded = new Rasterizer(directional).render([floor, cube], camera);
  // Floor base trunc(0.8·255) = 204; lit 204·0.939667 = 191.7; in shadow the direct part (0.339667) × 0.8:
  // 204·(0.6 + 0.271734) = 177.8.
  const floorLit = 191;
  assert.deepEqual(pixelAt(lit, Math.floor(q.u), Math.floor(q.v)), [floorLit, floorLit, floorLit]);
  const dark = 177;
  assert.deepEqual(pixelAt(shaded, Math.floor(q.u), Math.floor(q.v)), [dark, dark, dark]);
  assert.deepEqual(pixelAt(shaded, Math.floor(far.u), Math.floor(far.v)), [floorLit, floorLit, floorLit]);
  // A ghost (castShadow false) casts nothing.
  const ghost = new Rasterizer(directional).render([floor, { ...cube, castShadow: false }], camera);
  assert.ok(framesEqual(ghost, lit));
});

test("every primitive kind draws about the area it should", () => {
  const r = new Rasterizer({ width: 200, height: 200 });
  const cam: PinholeCamera = { ...AXIS_CAMERA, cx: 100, cy: 100, fx: 200, fy: 200 };
  // A sphere of radius 0.1 at distance 2 covers π·(200·0.1/2)² ≈ 314 pixels (its silhouette, slightly more).
  const sphere = countDrawn(
    r.render([{ kind: "sphere", size: [0.1], pos: [0, 0, 2], mat: IDENTITY, rgba: [1, 0, 0, 1] }], cam),
  );
  assert.ok(Math.abs(sphere - 314) < 30, `sphere ${sphere} px`);
  const ellipsoid = countDrawn(
    r.render(
      [{ kind: "ellipsoid", size: [0.2, 0.1, 0.1], pos: [0, 0, 2], mat: IDENTITY, rgba: [1, 0, 0, 1] }],
      cam,
    ),
  );
  assert.ok(Math.abs(ellipsoid - 628) < 60, `ellipsoid ${ellipsoid} px`);
  // A capsule across the view: a 0.2 x 0.4 rectangle plus two half discs ≈ 20·40 + 314 pixels.
  const capsule = countDrawn(
    r.render([segment("capsule", [-0.2, 0, 2], [0.2, 0, 2], 0.1, [1, 0, 0, 1])], cam),
  );
  assert.ok(Math.abs(capsule - 1114) < 80, `capsule ${capsule} px`);
  const cylinder = countDrawn(
    r.render([segment("cylinder", [-0.2, 0, 2], [0.2, 0, 2], 0.1, [1, 0, 0, 1])], cam),
  );
  assert.ok(Math.abs(cylinder - 800) < 60, `cylinder ${cylinder} px`);
  // A mesh: one triangle, counter-clockwise seen from the camera, then the same reversed (culled).
  const mesh = {
    vertices: Float32Array.of(0, 0, 0, 0, 0.2, 0, 0.2, 0, 0),
    indices: Uint32Array.of(0, 1, 2),
  };
  const tri = countDrawn(
    r.render([{ kind: "mesh", size: [], pos: [0, 0, 2], mat: IDENTITY, rgba: [0, 0, 1, 1], mesh }], cam),
  );
  assert.ok(Math.abs(tri - 200) < 25, `triangle ${tri} px`);
  const reversed = { vertices: mesh.vertices, indices: Uint32Array.of(0, 2, 1) };
  assert.equal(
    countDrawn(
      r.render(
        [{ kind: "mesh", size: [], pos: [0, 0, 2], mat: IDENTITY, rgba: [0, 0, 1, 1], mesh: reversed }],
        cam,
      ),
    ),
    0,
  );
});

test("geometry crossing the near plane is clipped, not dropped or wrapped", () => {
  // A floor under an orbit camera reaches behind the eye: it must fill the lower image and leave the sky white.
  const floor: SceneGeom = floorPlane([0, 0, 0], 0, 0, [0.5, 0.5, 0.5, 1]);
  const r = new Rasterizer({ width: 120, height: 80 });
  const frame = r.render([floor], pandaGymCamera());
  assert.notDeepEqual(pixelAt(frame, 60, 79), [255, 255, 255]);
  assert.deepEqual(pixelAt(frame, 60, 0), [255, 255, 255]);
  // A box x ∈ [0.2, 0.4], z ∈ [0.05, 0.25] straddles the near plane (0.1). Its -x wall, clipped at z = 0.1, spans
  // u = 60 + 20·0.2/z ∈ [76, 100]; unclipped it would reach u = 140 (z = 0.05).
  const camera: PinholeCamera = { ...AXIS_CAMERA, fx: 20, fy: 20, cx: 60, cy: 40 };
  const straddle = r.render([box([0.3, 0, 0.15], 0.1, [1, 0, 0, 1])], camera);
  assert.notDeepEqual(pixelAt(straddle, 90, 40), [255, 255, 255]);
  assert.notDeepEqual(pixelAt(straddle, 99, 40), [255, 255, 255]);
  assert.deepEqual(pixelAt(straddle, 101, 40), [255, 255, 255]);
  assert.deepEqual(pixelAt(straddle, 110, 40), [255, 255, 255]);
  assert.ok(Math.abs(r.lastDepth[40 * 120 + 90] - (20 * 0.2) / 30.5) < 1e-5);
});

test("an output frame can be reused, and a background colour set", () => {
  const r = new Rasterizer({ width: 32, height: 24, background: [10, 20, 30] });
  const out = r.render([], { ...AXIS_CAMERA, cx: 16, cy: 12 });
  assert.deepEqual(pixelAt(out, 5, 5), [10, 20, 30]);
  const again = r.render([box([0, 0, 1], 0.05, [1, 0, 0, 1])], { ...AXIS_CAMERA, cx: 16, cy: 12 }, out);
  assert.equal(again, out);
  assert.deepEqual(pixelAt(out, 5, 5), [10, 20, 30]);
  assert.notDeepEqual(pixelAt(out, 16, 12), [10, 20, 30]);
  assert.throws(
    () => r.render([], AXIS_CAMERA, { width: 2, height: 2, data: new Uint8Array(12) }),
    /out frame/,
  );
});

test("bad input: a clear error naming the geom and field, or a skipped empty geom, never a crash", () => {
  const r = new Rasterizer({ width: 32, height: 24 });
  assert.throws(
    () =>
      r.render(
        [box([0, 0, 1], 0.05, [1, 0, 0, 1]), box([Number.NaN, 0, 1], 0.05, [1, 0, 0, 1])],
        AXIS_CAMERA,
      ),
    /geom 1 \(box\): pos has a non-finite value/,
  );
  assert.throws(
    () => r.render([{ ...box([0, 0, 1], 0.05, [1, 0, 0, 1]), mat: [1, 0, 0] }], AXIS_CAMERA),
    /geom 0 \(box\): mat needs 9 numbers/,
  );
  assert.throws(
    () =>
      r.render(
        [
          {
            kind: "sphere",
            size: [Number.POSITIVE_INFINITY],
            pos: [0, 0, 1],
            mat: IDENTITY,
            rgba: [1, 0, 0, 1],
          },
        ],
        AXIS_CAMERA,
      ),
    /size must be finite/,
  );
  assert.throws(
    () =>
      r.render(
        [
          {
            kind: "mesh",
            size: [],
            pos: [0, 0, 1],
            mat: IDENTITY,
            rgba: [1, 0, 0, 1],
            mesh: { vertices: new Float32Array(9), indices: Uint32Array.of(0, 1, 3) },
          },
        ],
        AXIS_CAMERA,
      ),
    /mesh index 3/,
  );
  assert.throws(
    () =>
      r.render([{ kind: "mesh", size: [], pos: [0, 0, 1], mat: IDENTITY, rgba: [1, 0, 0, 1] }], AXIS_CAMERA),
    /needs a `mesh`/,
  );
  // Zero sizes draw nothing and do not throw.
  const empty = r.render(
    [
      box([0, 0, 1], 0, [1, 0, 0, 1]),
      { kind: "sphere", size: [0], pos: [0, 0, 1], mat: IDENTITY, rgba: [1, 0, 0, 1] },
      { kind: "cylinder", size: [0.1, 0], pos: [0, 0, 1], mat: IDENTITY, rgba: [1, 0, 0, 1] },
    ],
    AXIS_CAMERA,
  );
  assert.equal(countDrawn(empty), 0);
  // Colours outside 0..1 are clamped, not wrapped.
  const bright = r.render([box([0, 0, 1], 0.05, [3, -1, 0.5, 1])], { ...AXIS_CAMERA, cx: 16, cy: 12 });
  const p = pixelAt(bright, 16, 12);
  assert.ok(p[0] >= 150 && p[1] === 0, `clamped colour ${p}`);
  assert.throws(() => new Rasterizer({ width: 0, height: 10 }), /positive integers/);
  assert.throws(() => new Rasterizer({ width: 10, height: 10, pixelGrid: "corner" as never }), /pixelGrid/);
  assert.throws(
    () => new Rasterizer({ width: 10, height: 10, detail: { slices: 2, stacksPerHemisphere: 4 } }),
    /slices >= 3/,
  );
  assert.throws(() => new Rasterizer({ width: 10, height: 10, shadowModel: "soft" as never }), /shadowModel/);
  assert.throws(
    () => new Rasterizer({ width: 10, height: 10, lightDirection: [0, 0, 0] }),
    /light direction/,
  );
});

test("the Panda-like scene renders with the table, the arm and the cube where expected", () => {
  const r = new Rasterizer({ width: 720, height: 480, shadows: true });
  r.setStatic(pandaLikeStatic());
  const frame = r.render(pandaLikeDynamic(0), pandaGymCamera());
  const cam = resolveCamera(pandaGymCamera(), 720, 480);
  const cube = projectPoint(cam, [0.05, 0, 0.04]);
  const c = pixelAt(frame, Math.floor(cube.u), Math.floor(cube.v));
  assert.ok(c[1] > 150 && c[0] < 60 && c[2] < 60, `cube top is green: ${c}`);
  const table = projectPoint(cam, [-0.2, -0.25, 0]);
  const t = pixelAt(frame, Math.floor(table.u), Math.floor(table.v));
  assert.ok(t[0] > 180 && t[0] === t[1] && t[1] === t[2], `table top is light grey: ${t}`);
  assert.deepEqual(pixelAt(frame, 360, 2), [255, 255, 255], "white sky (TinyRenderer's clear colour)");
});

test("alpha 0 hides a geom (TinyRenderer skips it); any other alpha draws opaque", () => {
  const r = new Rasterizer({ width: 64, height: 48 });
  assert.equal(countDrawn(r.render([box([0, 0, 1], 0.05, [1, 0, 0, 0])], AXIS_CAMERA)), 0);
  const ghost = r.render([box([0, 0, 1], 0.05, [1, 0, 0, 0.3])], AXIS_CAMERA);
  const solid = r.render([box([0, 0, 1], 0.05, [1, 0, 0, 1])], AXIS_CAMERA);
  assert.ok(framesEqual(ghost, solid));
});

test("Ravens' oracle camera (1000 m up, fx 630,000) resolves millimetres of depth", () => {
  const r = new Rasterizer({ width: 640, height: 480 });
  const table: SceneGeom = floorPlane([0.5, 0, 0], 1, 1, [0.5, 0.5, 0.5, 1]);
  const block = box([0.5, 0.1, 0.025], 0.025, [1, 0, 0, 1]);
  const frame = r.render([table, block], ravensOracleCamera());
  const cam = resolveCamera(ravensOracleCamera(), 640, 480);
  const top = projectPoint(cam, [0.5, 0.1, 0.05]);
  const u = Math.floor(top.u);
  const v = Math.floor(top.v);
  assert.ok(
    Math.abs(r.lastDepth[v * 640 + u] - 999.95) < 1e-3,
    `block top depth ${r.lastDepth[v * 640 + u]}`,
  );
  assert.ok(pixelAt(frame, u, v)[0] > 200);
  // Image rows run along world x, columns along world y (ROBOTICS.md B.3): the block at y = 0.1 is right of centre.
  assert.ok(Math.abs(top.v - 240) < 1e-6 && top.u > 320);
  const floorDepth = r.lastDepth[10 * 640 + 10];
  assert.ok(Math.abs(floorDepth - 1000) < 1e-3, `table depth ${floorDepth}`);
});

test("TinyRenderer's shadows as panda-gym shows them: its docs' tiny.png pixel values at 480x480", () => {
  // Values read from panda-gym's docs/_static/img/tiny.png (TinyRenderer, default camera, 480x480). The floor and
  // table of the Panda-like scene are panda-gym's, so these pixels must agree: the table top and the near floor
  // at 0.6 + 0.8·direct ("in shadow" by TinyRenderer's light view), the far floor strip lit, sides at ambient.
  const r = new Rasterizer({ width: 480, height: 480, shadows: true });
  r.setStatic(pandaLikeStatic());
  const frame = r.render([], pandaGymCamera());
  const expect: [number, number, number][] = [
    [150, 230, 210], // table top, 242·(0.6 + 0.8·0.339667)
    [300, 330, 145], // table +x side, 242·0.6
    [120, 300, 145], // table -y side
    [400, 400, 33], // near floor, 38·0.871734
    [30, 200, 35], // far floor, lit: 38·0.939667
    [240, 20, 255], // sky
  ];
  for (const [x, y, v] of expect) assert.deepEqual(pixelAt(frame, x, y), [v, v, v], `pixel (${x}, ${y})`);
  // The strip's edge lies where p·l ≈ 0.21 on the floor: the column x = 0 turns lit between rows 229 and 230.
  assert.deepEqual(pixelAt(frame, 0, 226), [35, 35, 35]);
  assert.deepEqual(pixelAt(frame, 0, 233), [33, 33, 33]);
  // TinyRenderer's pixel grid makes edges agree too: tiny.png's pixels (266, 105) floor 35 (the centre grid shows
  // sky), (430, 184) near floor 33, (52, 191) table top 210.
  const grid = new Rasterizer({ width: 480, height: 480, shadows: true, pixelGrid: "tinyrenderer" });
  grid.setStatic(pandaLikeStatic());
  const exact = grid.render([], pandaGymCamera());
  for (const [x, y, v] of [
    [266, 105, 35],
    [430, 184, 33],
    [52, 191, 210],
  ]) {
    assert.deepEqual(pixelAt(exact, x, y), [v, v, v], `tinyrenderer grid, pixel (${x}, ${y})`);
  }
  assert.deepEqual(pixelAt(frame, 266, 105), [255, 255, 255]);
  // A cube on the table is "shadowed" too: tiny.png shows its top as (21, 199, 21) and a side as (15, 137, 15).
  const cube = r.render([box([0, 0, 0.02], 0.02, [0.1, 0.9, 0.1, 1])], pandaGymCamera());
  const cam = resolveCamera(pandaGymCamera(), 480, 480);
  const top = projectPoint(cam, [0, 0, 0.04]);
  assert.deepEqual(pixelAt(cube, Math.floor(top.u), Math.floor(top.v)), [21, 199, 21]);
  const side = projectPoint(cam, [0.02, 0, 0.02]);
  assert.deepEqual(pixelAt(cube, Math.floor(side.u), Math.floor(side.v)), [15, 137, 15]);
});

test("a camera or geom object changed in place between renders is drawn as it is now", () => {
  const r = new Rasterizer({ width: 64, height: 48 });
  const position: [number, number, number] = [0, 0, 0];
  const camera: PinholeCamera = { ...AXIS_CAMERA, position };
  const size = [0.05, 0.05, 0.05];
  const geom: SceneGeom = { kind: "box", size, pos: [0.1, 0, 1], mat: IDENTITY, rgba: [1, 0, 0, 1] };
  const before = countDrawn(r.render([geom], camera));
  position[0] = 0.05; // the camera moves right: the box moves left in the image
  const moved = drawnBounds(r.render([geom], camera));
  assert.ok(moved && moved[0] < 37, `box now starts at column ${moved?.[0]}`);
  size[0] = size[1] = size[2] = 0.1; // a size given as a view that changed
  const bigger = countDrawn(r.render([geom], camera));
  assert.ok(bigger > 2 * before, `${bigger} vs ${before} pixels`);
});

test("TinyRenderer's model with Ravens' near plane (0.01 m) casts real shadows: a block darkens the table behind it", () => {
  // With near = 0.01 a surface no longer counts as shadowing itself (its test margin 0.05 exceeds the clip-depth
  // offset), so only what lies more than about 4 cm behind a caster, seen from the light, is darkened.
  const table: SceneGeom = floorPlane([0.5, 0, 0], 1, 1, [0.8, 0.8, 0.8, 1]);
  const block = box([0.5, 0, 0.1], 0.05, [0.9, 0.1, 0.1, 1]);
  const camera = ravensCamera("front");
  const r = new Rasterizer({ width: 640, height: 480, shadows: true });
  const frame = r.render([table, block], camera);
  const cam = resolveCamera(camera, 640, 480);
  const l = DEFAULT_LIGHT_DIRECTION;
  const t = 0.1 / l[2];
  const behind = projectPoint(cam, [0.5 - l[0] * t, -l[1] * t, 0]);
  const away = projectPoint(cam, [0.3, 0.3, 0]);
  // Table base 204: lit 204·0.939667 = 191, shadowed 204·0.871734 = 177.
  assert.deepEqual(pixelAt(frame, Math.floor(away.u), Math.floor(away.v)), [191, 191, 191]);
  assert.deepEqual(pixelAt(frame, Math.floor(behind.u), Math.floor(behind.v)), [177, 177, 177]);
});

test("random scenes and cameras: no throw, finite depth, and the static layer still equals drawing all at once", () => {
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const kinds = ["box", "sphere", "capsule", "cylinder", "ellipsoid", "plane"] as const;
  const randomGeom = (): SceneGeom => {
    const kind = kinds[Math.floor(rand() * kinds.length)];
    const axis: [number, number, number] = [rand() - 0.5, rand() - 0.5, rand() - 0.5 + 1e-3];
    return {
      kind,
      size: [0.01 + rand() * 0.3, 0.01 + rand() * 0.3, 0.01 + rand() * 0.3],
      pos: [rand() * 2 - 1, rand() * 2 - 1, rand() * 1.5 - 0.5],
      mat: rotationWithZ(axis),
      rgba: [rand(), rand(), rand(), 1],
    };
  };
  for (let round = 0; round < 6; round++) {
    const fixed = Array.from({ length: 5 }, randomGeom);
    const moving = Array.from({ length: 8 }, randomGeom);
    const camera =
      round % 2 === 0
        ? pandaGymCamera({ yaw: rand() * 360, pitch: -80 + rand() * 70, distance: 0.3 + rand() * 3 })
        : ravensCamera((["front", "left", "right"] as const)[round % 3]);
    const shadowModel = round % 3 === 0 ? "directional" : "tinyrenderer";
    const options = {
      width: 96,
      height: 64,
      shadows: round % 4 !== 3,
      shadowModel,
      shadowBounds: { min: [-2, -2, -1], max: [2, 2, 2] },
      segmentation: true,
    } as const;
    const split = new Rasterizer(options);
    split.setStatic(fixed);
    const a = split.render(moving, camera);
    const together = new Rasterizer(options);
    const b = together.render([...fixed, ...moving], camera);
    assert.ok(framesEqual(a, b), `round ${round}: split and together differ`);
    assert.deepEqual(split.lastSegmentation, together.lastSegmentation);
    for (const d of split.lastDepth) assert.ok(d > 0 && !Number.isNaN(d), `round ${round}: depth ${d}`);
  }
});

test("segmentation: each pixel names the geom it shows (static first, then moving, or segmentId)", () => {
  const r = new Rasterizer({ width: 64, height: 48, segmentation: true });
  r.setStatic([box([0, 0, 2], 0.3, [0, 0, 1, 1])]);
  r.render([box([0.1, 0, 1], 0.05, [1, 0, 0, 1])], AXIS_CAMERA);
  const seg = r.lastSegmentation;
  assert.equal(seg[24 * 64 + 42], 1, "the near box, first moving geom, is id 1");
  assert.equal(seg[24 * 64 + 20], 0, "the static box behind is id 0");
  assert.equal(seg[0], -1);
  r.render([{ ...box([0.1, 0, 1], 0.05, [1, 0, 0, 1]), segmentId: 7 }], AXIS_CAMERA);
  assert.equal(r.lastSegmentation[24 * 64 + 42], 7);
  assert.throws(() => new Rasterizer({ width: 8, height: 8 }).lastSegmentation, /segmentation: true/);
});
