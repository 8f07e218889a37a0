/**
 * Which image of the env a trajectory's frames are: the full grid at some tile size, the agent's own view,
 * or anything a caller computes from the env. The spec is saved with the trajectories so they can be replayed
 * into the same frames.
 */
import { z } from "zod";

export type RenderSpec =
  /** `env.render()` of the whole grid; MiniGrid options tileSize (default 32) and highlight (default true). */
  | { readonly mode: "full"; readonly tileSize?: number; readonly highlight?: boolean }
  /** The agent's egocentric view, as MiniGrid's `agent_pov` render. */
  | { readonly mode: "agent-view"; readonly tileSize?: number }
  /**
   * A 3D scene (panda-gym) drawn by the env's renderer at `width` x `height` from the env's default camera or
   * the given orbit; `targetColor` repaints the ghost targets (RGB 0..1), `shadows` false renders faster.
   */
  | {
      readonly mode: "scene";
      readonly width: number;
      readonly height: number;
      readonly camera?: SceneCamera;
      readonly shadows?: boolean;
      readonly targetColor?: readonly [number, number, number];
    }
  /** Computed by a caller's `frameOf(env)`; such frames cannot be regenerated, so they must be stored. */
  | { readonly mode: "custom"; readonly name: string };

/** An orbit camera (panda-gym's names): looks at `target` from `distance` metres, yaw and pitch in degrees. */
export interface SceneCamera {
  readonly target?: readonly [number, number, number];
  readonly distance?: number;
  readonly yaw?: number;
  readonly pitch?: number;
}

const unitRgb = z.tuple([z.number().min(0).max(1), z.number().min(0).max(1), z.number().min(0).max(1)]);

/** Validates a RenderSpec read from JSON: a program's `render`, a trajectory set's index. */
export const renderSpecSchema = z.discriminatedUnion(
  "mode",
  [
    z.object({
      mode: z.literal("full"),
      tileSize: z.number().int().positive().optional(),
      highlight: z.boolean().optional(),
    }),
    z.object({ mode: z.literal("agent-view"), tileSize: z.number().int().positive().optional() }),
    z.object({
      mode: z.literal("scene"),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
      camera: z
        .object({
          target: z.tuple([z.number(), z.number(), z.number()]).optional(),
          distance: z.number().positive().optional(),
          yaw: z.number().optional(),
          pitch: z.number().optional(),
        })
        .optional(),
      shadows: z.boolean().optional(),
      targetColor: unitRgb.optional(),
    }),
    z.object({ mode: z.literal("custom"), name: z.string() }),
  ],
  { error: 'must be a render spec: { mode: "full" | "agent-view" | "scene" | "custom", ... }' },
);

/** The paper's setting and the reference programs': the full render at 32 pixels per cell, highlighted. */
export const DEFAULT_RENDER: RenderSpec = { mode: "full", tileSize: 32, highlight: true };

/**
 * Panda frames when nothing else is asked: panda-gym's camera at 160x120 without shadows, small enough that
 * collecting and storing hundreds of episodes stays cheap (panda-gym's own 720x480 is one option away).
 */
export const PANDA_DEFAULT_RENDER: RenderSpec = { mode: "scene", width: 160, height: 120, shadows: false };

/**
 * Tabletop (CLIPort) frames when nothing else is asked: Ravens' front RealSense camera at its own 640x480, with
 * TinyRenderer's shadows, the image CLIPort records and the issue names as what the VLM and programs see. Not
 * shrunk like Panda's: an episode has at most 21 frames (max_steps + 1), so size costs little, and smaller
 * frames lose the tasks' small things (a 1 cm pile block is ~4 px wide here, ~2 px at 320x240; the kitting
 * letters need their strokes). `--size 320x240` gives the same picture at half the resolution.
 */
export const TABLETOP_DEFAULT_RENDER: RenderSpec = { mode: "scene", width: 640, height: 480, shadows: true };

/**
 * The render an env's trajectories get by default: the grid at tile 32 for MiniGrid, a small scene for Panda,
 * the front camera at 640x480 for the tabletop.
 */
export function defaultRenderFor(envId: string): RenderSpec {
  if (isTabletopEnv(envId)) return TABLETOP_DEFAULT_RENDER;
  return isSceneEnv(envId) ? PANDA_DEFAULT_RENDER : DEFAULT_RENDER;
}

/**
 * Whether two render specs make the same frames as written: key order and fields left undefined do not
 * matter; a field spelled out at its default value does (compare specs as programs and trajectory sets
 * record them).
 */
export function sameRender(a: RenderSpec, b: RenderSpec): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** A copy with object keys sorted and undefined fields dropped, so two spellings of one spec serialise alike. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
}

/** True for ids rendered as a 3D scene (panda-gym, the CLIPort tabletop) rather than a grid. */
export function isSceneEnv(envId: string): boolean {
  return /^Panda[A-Z]/.test(envId) || isTabletopEnv(envId);
}

/** True for the CLIPort tabletop ids (`Tabletop-<cliport-task>-v0`). */
export function isTabletopEnv(envId: string): boolean {
  return /^Tabletop-[a-z]/.test(envId);
}

/** The env options that make `env.render()` produce the spec's frames (empty for custom frames). */
export function renderOptions(spec: RenderSpec): Record<string, unknown> {
  switch (spec.mode) {
    case "full":
      return {
        ...(spec.tileSize === undefined ? {} : { tileSize: spec.tileSize }),
        ...(spec.highlight === undefined ? {} : { highlight: spec.highlight }),
        agentPov: false,
      };
    case "agent-view":
      return { ...(spec.tileSize === undefined ? {} : { tileSize: spec.tileSize }), agentPov: true };
    case "scene":
      return {
        renderWidth: spec.width,
        renderHeight: spec.height,
        ...(spec.shadows === undefined ? {} : { renderShadows: spec.shadows }),
        ...(spec.targetColor === undefined ? {} : { targetColor: [...spec.targetColor] }),
        ...(spec.camera?.target === undefined ? {} : { renderTargetPosition: [...spec.camera.target] }),
        ...(spec.camera?.distance === undefined ? {} : { renderDistance: spec.camera.distance }),
        ...(spec.camera?.yaw === undefined ? {} : { renderYaw: spec.camera.yaw }),
        ...(spec.camera?.pitch === undefined ? {} : { renderPitch: spec.camera.pitch }),
      };
    case "custom":
      return {};
  }
}

/** "full render, tile 32, highlighted" — for summaries. */
export function describeRender(spec: RenderSpec): string {
  switch (spec.mode) {
    case "full":
      return `full render, tile ${spec.tileSize ?? "default"}${spec.highlight === false ? ", no highlight" : ""}`;
    case "agent-view":
      return `agent's view, tile ${spec.tileSize ?? "default"}`;
    case "scene": {
      const view = spec.camera ? `camera ${JSON.stringify(spec.camera)}` : "default camera";
      const target = spec.targetColor ? `, targets in rgb(${spec.targetColor.join(", ")})` : "";
      return `scene ${spec.width}x${spec.height}, ${view}${spec.shadows === false ? ", no shadows" : ""}${target}`;
    }
    case "custom":
      return `custom frames "${spec.name}"`;
  }
}
