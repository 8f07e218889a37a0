/**
 * MiniGrid env throughput on one core: symbolic steps/s (random actions, auto-reset, the 7x7 observation
 * computed every step) and full render() frames/s at tile 32 (highlight on, one render after each step).
 * Compared with Farama MiniGrid 3.1.0 on a machine of this kind: about 7,000 symbolic steps/s, and 1,360-1,650
 * rendered frames per CPU-second measured side by side on this machine (issue 14); "vs Farama" divides by
 * the top of that range.
 *
 * render() hands out a new frame each call, and fresh memory is costly (page faults, zeroing, GC). So the bench
 * also times the same picture drawn into one reused frame (view, highlight mask, renderTiles with `out`), which
 * is what a caller that copies or consumes each frame at once can have.
 *
 * Each figure is the best of several timed rounds, since other processes share the machine's cores, and each
 * (env, measure) case runs in a fresh process of its own (cases.ts), so the order of the cases cannot matter.
 * "vs Farama" divides the rate per CPU-second (steady on a busy machine) by Farama's.
 *   npm run bench:env            (BENCH_SECONDS=<s per round>, default 1)
 */
import { type Env, unwrap } from "../src/env/core.ts";
import "../src/env/minigrid/index.ts";
import { MiniGridEnv } from "../src/env/minigrid/minigrid-env.ts";
import { renderTiles } from "../src/env/minigrid/render.ts";
import { highlightMask } from "../src/env/minigrid/view.ts";
import { make } from "../src/env/registry.ts";
import { createFrame, type Frame } from "../src/image/frame.ts";
import { measureCases } from "./cases.ts";

const ENV_IDS = [
  "MiniGrid-DoorKey-8x8-v0",
  "MiniGrid-KeyCorridorS3R3-v0",
  "MiniGrid-UnlockPickup-v0",
  "MiniGrid-LavaCrossingS9N1-v0",
];
const FARAMA_SYMBOLIC_STEPS_PER_S = 7_000;
const FARAMA_RENDER32_FRAMES_PER_S = 1_650;
const ROUNDS = 3;
const SECONDS_PER_ROUND = Number(process.env.BENCH_SECONDS ?? 1);

/** A fixed random action sequence (7 actions), so every run replays the same episodes. */
function randomActions(count: number, seed: number): Uint8Array {
  const actions = new Uint8Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    actions[i] = (s >>> 0) % 7;
  }
  return actions;
}
const ACTIONS = randomActions(1 << 16, 12345);

type Render = ((env: Env<unknown, number>) => void) | null;

/** env.render(): a new frame every call, as Gymnasium's rgb_array mode. */
const freshFrame: Render = (env) => env.render();

/** The same picture drawn into one frame reused across calls. */
function reusedFrame(base: MiniGridEnv, tileSize: number): Render {
  const out: Frame = createFrame(base.width * tileSize, base.height * tileSize);
  const lit = new Uint8Array(base.width * base.height);
  return () => {
    const view = base.computeView();
    highlightMask(base.grid, base.agentX, base.agentY, base.agentDir, base.agentViewSize, view.visMask, lit);
    renderTiles({
      width: base.width,
      height: base.height,
      cells: base.grid.cells,
      agentX: base.agentX,
      agentY: base.agentY,
      agentDir: base.agentDir,
      highlight: lit,
      tileSize,
      out,
    });
  };
}

interface Rate {
  /** Per second of wall-clock time: the figure that counts, depressed when other processes share the cores. */
  wall: number;
  /** Per second of this process's CPU time (all threads): steadier on a busy machine. */
  cpu: number;
}

/** Steps (and renders, unless `render` is null) for about `seconds`; returns the rates. */
function run(env: Env<unknown, number>, seconds: number, render: Render): Rate {
  env.reset({ seed: 0 });
  let n = 0;
  const deadline = performance.now() + seconds * 1000;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  // Check the clock every 256 steps, so timing costs nothing measurable.
  while (performance.now() < deadline) {
    for (let k = 0; k < 256; k++, n++) {
      const r = env.step(ACTIONS[n & 0xffff]);
      if (render !== null) render(env);
      if (r.terminated || r.truncated) env.reset();
    }
  }
  const wallSeconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return { wall: n / wallSeconds, cpu: n / ((cpu.user + cpu.system) / 1e6) };
}

function best(env: Env<unknown, number>, render: Render): Rate {
  run(env, 0.3, render); // warm up: let V8 optimise the hot paths and fill the tile cache
  const top: Rate = { wall: 0, cpu: 0 };
  for (let i = 0; i < ROUNDS; i++) {
    const r = run(env, SECONDS_PER_ROUND, render);
    top.wall = Math.max(top.wall, r.wall);
    top.cpu = Math.max(top.cpu, r.cpu);
  }
  return top;
}

const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
const MEASURES = [
  ["symbolic step", "symbolic_steps_per_s", FARAMA_SYMBOLIC_STEPS_PER_S],
  ["step + render() tile 32", "render32_frames_per_s", FARAMA_RENDER32_FRAMES_PER_S],
  ["step + render into a reused frame", "render32_reused_frames_per_s", FARAMA_RENDER32_FRAMES_PER_S],
] as const;

/** One case: one env, one measure, timed in a process of its own (see cases.ts). */
function measureCase(name: string): Rate {
  const [id, key] = name.split("|");
  const env = make<unknown, number>(id);
  const base = unwrap(env);
  if (!(base instanceof MiniGridEnv)) throw new Error(`${id} did not make a MiniGridEnv`);
  if (key === "symbolic_steps_per_s") return best(env, null);
  if (key === "render32_frames_per_s") return best(env, freshFrame);
  return best(env, reusedFrame(base, 32));
}

const cases = ENV_IDS.flatMap((id) => MEASURES.map(([, key]) => `${id}|${key}`));
const rates = measureCases(cases, measureCase);
const metrics: Record<string, number> = {};
const rows: string[][] = [];
for (const id of ENV_IDS) {
  for (const [label, key, farama] of MEASURES) {
    const rate = rates.get(`${id}|${key}`) as Rate;
    metrics[`${id}/${key}`] = Math.round(rate.wall);
    metrics[`${id}/${key.replace(/_per_s$/, "_per_cpu_s")}`] = Math.round(rate.cpu);
    rows.push([id, label, fmt(rate.wall), fmt(rate.cpu), `${(rate.cpu / farama).toFixed(0)}x`]);
  }
}

const header = ["env", "measure", "per s", "per CPU s", "vs Farama"];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
const line = (cells: string[]) =>
  cells.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
console.log(`MiniGrid env throughput, one core, best of ${ROUNDS} x ${SECONDS_PER_ROUND}s rounds`);
console.log(
  "(Farama MiniGrid 3.1.0 on this machine: ~7,000 symbolic steps/s, 1,360-1,650 render() frames per CPU-s at tile 32;",
);
console.log(' "vs Farama" = per CPU-s / 7,000 or / 1,650; each case in a fresh process)');
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const r of rows) console.log(line(r));
console.log(JSON.stringify({ bench: "env", metrics }));
