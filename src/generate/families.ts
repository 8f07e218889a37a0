/**
 * What the frames of an environment family look like, in words for the VLM: how the renderer draws the scene,
 * what it leaves out, and what varies between episodes. Each family adds its own text (prompts/frames/*.md)
 * and one entry below; nothing else in the prompts names an environment.
 */
import { readFileSync } from "node:fs";
import type { RenderSpec } from "../trajectories/render-spec.ts";

interface Family {
  readonly name: string;
  readonly matches: (envId: string) => boolean;
  /** The description's text for this render, assembled from prompts/frames/<file>.md. */
  readonly describe: (render: RenderSpec) => string;
}

const FAMILIES: readonly Family[] = [
  {
    name: "minigrid",
    matches: (id) => id.startsWith("MiniGrid-") || id.startsWith("BabyAI-"),
    describe: (render) => {
      if (render.mode === "agent-view") return frameText("minigrid-agent-view");
      if (render.mode === "custom" || render.mode === "scene") return "";
      const lit = render.highlight === false ? "" : `${frameText("minigrid-highlight")}\n`;
      // The formatter may indent the placeholder as a list continuation; the line goes whole.
      return frameText("minigrid").replace(/^[ \t]*\{\{highlight_line\}\}\n/m, lit);
    },
  },
  {
    name: "panda-gym",
    matches: (id) => /^Panda[A-Z]/.test(id),
    describe: (render) => {
      if (render.mode === "custom") return "";
      const text = frameText("panda-gym");
      if (render.mode !== "scene" || render.targetColor === undefined) return text;
      // A render spec may repaint the targets so that checks can tell them from the objects.
      const rgb = render.targetColor.map((c) => Math.round(c * 255)).join(", ");
      return `${text.trimEnd()}\n- In these frames every target is repainted: it is drawn in rgb(${rgb}) (before shading), not in its object's colour.\n`;
    },
  },
  {
    name: "tabletop",
    matches: (id) => id.startsWith("Tabletop-"),
    describe: (render) => (render.mode === "custom" ? "" : frameText("tabletop")),
  },
];

/**
 * The frame description for `envId` rendered as `render`: bullet lines, or "" when no family describes the
 * env (or the frames are the caller's own).
 */
export function frameDescription(envId: string, render: RenderSpec): string {
  const family = FAMILIES.find((f) => f.matches(envId));
  return family ? family.describe(render).trim() : "";
}

const texts = new Map<string, string>();

function frameText(file: string): string {
  let text = texts.get(file);
  if (text === undefined) {
    text = readFileSync(new URL(`./prompts/frames/${file}.md`, import.meta.url), "utf8").trimEnd();
    texts.set(file, text);
  }
  return text;
}
