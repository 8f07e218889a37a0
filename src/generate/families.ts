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
  /**
   * The description's text for this render, assembled from prompts/frames/<file>.md. `revision` is the
   * generation's (conversation.ts): a text that changed keeps its old words for the revisions recorded with it.
   */
  readonly describe: (render: RenderSpec, envId: string, revision: number) => string;
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
    describe: (render, envId, revision) => {
      if (render.mode === "custom") return "";
      // Revisions 2-3 described every task's object as a cube, "a flat green cylinder when it slides"; from 4
      // each task says what its objects and targets look like.
      const text = revision < 4 ? frameText("panda-gym-v2") : pandaText(envId);
      if (render.mode !== "scene" || render.targetColor === undefined) return text;
      // A render spec may repaint the targets so that checks can tell them from the objects.
      const rgb = render.targetColor.map((c) => Math.round(c * 255)).join(", ");
      return `${text.trimEnd()}\n- In these frames every target is repainted: it is drawn in rgb(${rgb}) (before shading), not in its object's colour.\n`;
    },
  },
  {
    name: "tabletop",
    matches: (id) => id.startsWith("Tabletop-"),
    // From revision 4 it also says that a step is a whole pick-and-place, so episodes have a few frames.
    describe: (render, _envId, revision) =>
      render.mode === "custom" ? "" : frameText(revision < 4 ? "tabletop-v2" : "tabletop"),
  },
];

/**
 * The frame description for `envId` rendered as `render`, in the words of the generation `revision`: bullet
 * lines, or "" when no family describes the env (or the frames are the caller's own).
 */
export function frameDescription(envId: string, render: RenderSpec, revision: number): string {
  const family = FAMILIES.find((f) => f.matches(envId));
  return family ? family.describe(render, envId, revision).trim() : "";
}

/**
 * Panda's description with its task's line (prompts/frames/panda-gym-tasks.md, one `## <Task>` section per
 * panda-gym task); an id naming no known task gets the shared lines only.
 */
function pandaText(envId: string): string {
  const task = /^Panda(Reach|Push|Slide|PickAndPlace|Stack|Flip)/.exec(envId)?.[1];
  const sections = frameText("panda-gym-tasks").split(/^## /m);
  const section = sections.find((s) => s.startsWith(`${task}\n`));
  const line = section ? section.slice(section.indexOf("\n") + 1).trim() : "";
  // The formatter may indent the placeholder as a list continuation; the line goes whole.
  return frameText("panda-gym").replace(/^[ \t]*\{\{task_line\}\}\n/m, line ? `${line}\n` : "");
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
