/**
 * Which image of the env a trajectory's frames are: the full grid at some tile size, the agent's own view,
 * or anything a caller computes from the env. The spec is saved with the trajectories so they can be replayed
 * into the same frames.
 */
export type RenderSpec =
  /** `env.render()` of the whole grid; MiniGrid options tileSize (default 32) and highlight (default true). */
  | { readonly mode: "full"; readonly tileSize?: number; readonly highlight?: boolean }
  /** The agent's egocentric view, as MiniGrid's `agent_pov` render. */
  | { readonly mode: "agent-view"; readonly tileSize?: number }
  /** Computed by a caller's `frameOf(env)`; such frames cannot be regenerated, so they must be stored. */
  | { readonly mode: "custom"; readonly name: string };

/** The paper's setting and the reference programs': the full render at 32 pixels per cell, highlighted. */
export const DEFAULT_RENDER: RenderSpec = { mode: "full", tileSize: 32, highlight: true };

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
    case "custom":
      return `custom frames "${spec.name}"`;
  }
}
