/**
 * Software renderer throughput on one core: frames per second of the Panda-like scene (panda-gym's floor and table
 * as the static layer; a 12-geom arm, a cube and a ghost target moving every frame; ~2,000 triangles) with
 * panda-gym's orbit camera at 720x480 (its default) and 256x256 (the reward programs' size), and with Ravens'
 * front pinhole camera at 640x480, each without shadows and with TinyRenderer's shadow model (the default with
 * `shadows: true`), and at 720x480 also with directional cast shadows.
 * Targets (issue 10): at least 1,500 frames/s at 256x256 and 400 frames/s at 720x480.
 *
 * Two figures per case: render() handing out a new Frame each call (the contract), and render(..., out) into one
 * reused frame. Each is the best of several rounds, since other processes share the machine's cores.
 *   npm run bench:render            (BENCH_SECONDS=<s per round>, default 1)
 */
import { pandaGymCamera, ravensCamera } from "../src/env/render3d/camera.ts";
import { pandaLikeDynamic, pandaLikeStatic } from "../src/env/render3d/demo-scene.ts";
import { Rasterizer } from "../src/env/render3d/rasterizer.ts";
import type { Camera, SceneGeom } from "../src/env/render3d/scene.ts";
import type { ShadowModel } from "../src/env/render3d/shadow-map.ts";
import { tessellate } from "../src/env/render3d/tessellate.ts";
import { createFrame, type Frame } from "../src/image/frame.ts";

const ROUNDS = 3;
const SECONDS_PER_ROUND = Number(process.env.BENCH_SECONDS ?? 1);
const TARGETS: Record<string, number> = { "720x480": 400, "256x256": 1500 };

/** 64 poses of the moving part, precomputed so the bench times rendering only. */
const POSES: SceneGeom[][] = Array.from({ length: 64 }, (_, k) => pandaLikeDynamic((2 * Math.PI * k) / 64));

function triangles(geoms: readonly SceneGeom[]): number {
  let n = 0;
  for (const g of geoms) n += (tessellate(g)?.indices.length ?? 0) / 3;
  return n;
}

interface Rate {
  /** Frames per second of wall-clock time: the figure that counts, depressed when other processes share the cores. */
  wall: number;
  /** Frames per second of this process's CPU time (all threads, GC included): steadier on a busy machine. */
  cpu: number;
}

function run(r: Rasterizer, camera: Camera, seconds: number, out: Frame | null): Rate {
  let n = 0;
  const deadline = performance.now() + seconds * 1000;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  while (performance.now() < deadline) {
    for (let k = 0; k < 32; k++, n++) {
      if (out) r.render(POSES[n & 63], camera, out);
      else r.render(POSES[n & 63], camera);
    }
  }
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return { wall: n / wall, cpu: n / ((cpu.user + cpu.system) / 1e6) };
}

function best(r: Rasterizer, camera: Camera, out: Frame | null): Rate {
  run(r, camera, 0.3, out); // warm up: V8 optimises the inner loops, the static layer gets drawn
  const top: Rate = { wall: 0, cpu: 0 };
  for (let i = 0; i < ROUNDS; i++) {
    const rate = run(r, camera, SECONDS_PER_ROUND, out);
    top.wall = Math.max(top.wall, rate.wall);
    top.cpu = Math.max(top.cpu, rate.cpu);
  }
  return top;
}

/** Shadows: off, TinyRenderer's model (the default, panda-gym's look) or directional (real cast shadows). */
type Shadows = "off" | ShadowModel;
const cases: { name: string; width: number; height: number; camera: Camera; shadows: Shadows[] }[] = [
  {
    name: "720x480",
    width: 720,
    height: 480,
    camera: pandaGymCamera(),
    shadows: ["off", "tinyrenderer", "directional"],
  },
  { name: "256x256", width: 256, height: 256, camera: pandaGymCamera(), shadows: ["off", "tinyrenderer"] },
  {
    name: "640x480_pinhole",
    width: 640,
    height: 480,
    camera: ravensCamera("front"),
    shadows: ["off", "tinyrenderer"],
  },
];

const metrics: Record<string, number> = {};
const rows: string[][] = [];
const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
for (const c of cases) {
  for (const shadows of c.shadows) {
    const r = new Rasterizer({
      width: c.width,
      height: c.height,
      shadows: shadows !== "off",
      shadowModel: shadows === "off" ? undefined : shadows,
    });
    r.setStatic(pandaLikeStatic());
    const fresh = best(r, c.camera, null);
    const reused = best(r, c.camera, createFrame(c.width, c.height));
    const key = `${c.name}${shadows === "off" ? "" : shadows === "tinyrenderer" ? "_shadows" : "_directional"}`;
    metrics[`${key}_frames_per_s`] = Math.round(fresh.wall);
    metrics[`${key}_frames_per_cpu_s`] = Math.round(fresh.cpu);
    metrics[`${key}_reused_frames_per_s`] = Math.round(reused.wall);
    metrics[`${key}_reused_frames_per_cpu_s`] = Math.round(reused.cpu);
    const target = TARGETS[c.name];
    rows.push([
      c.name,
      shadows,
      fmt(fresh.wall),
      fmt(fresh.cpu),
      fmt(reused.wall),
      fmt(reused.cpu),
      target ? fmt(target) : "-",
    ]);
  }
}
metrics.triangles_static = triangles(pandaLikeStatic());
metrics.triangles_dynamic = triangles(POSES[0]);

const header = ["size / camera", "shadows", "frames/s", "per CPU s", "reused out", "per CPU s", "target"];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
const line = (cells: string[]) =>
  cells.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
console.log(`render3d, one core, best of ${ROUNDS} x ${SECONDS_PER_ROUND}s rounds`);
console.log(
  `Panda-like scene: ${metrics.triangles_static} static + ${metrics.triangles_dynamic} moving triangles per frame`,
);
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const r of rows) console.log(line(r));
console.log(JSON.stringify({ bench: "render", metrics }));
