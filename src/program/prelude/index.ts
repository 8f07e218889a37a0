/**
 * The vision prelude as source text, and its API description for the VLM.
 *
 * The prelude is plain JavaScript that runs inside the sandbox (vision.js), followed by the runtime that
 * locks the sandbox down and runs batches (runtime.js). Both are read once, at import, from files next to
 * this module, so they stay readable, lintable JavaScript rather than strings inside TypeScript.
 */
import { readFileSync } from "node:fs";

function readSibling(name: string): string {
  return readFileSync(new URL(`./${name}`, import.meta.url), "utf8");
}

/** vision.js: an expression whose value is the namespace of prelude functions. */
export const PRELUDE_SOURCE: string = readSibling("vision.js");

/** runtime.js: an expression whose value is `(prelude) => runnerApi`. */
export const RUNTIME_SOURCE: string = readSibling("runtime.js");

/**
 * What check authors (the VLM, or a person) are told about the sandbox, in Markdown: the frame format, how a
 * check is written, the rules, and every prelude function. The prompt shows exactly this text.
 */
export const PRELUDE_API: string = readSibling("api.md");

/** The names of the prelude's functions, as PRELUDE_API documents them (`### name(` headings). */
export const PRELUDE_FUNCTIONS: readonly string[] = [...PRELUDE_API.matchAll(/^### (\w+)\(/gm)].map(
  (m) => m[1],
);

/** The frames a check author will read: their size, and whether they are a grid of square tiles. */
export interface ApiFrames {
  readonly width: number;
  readonly height: number;
  /** Grid renders (MiniGrid's tiles): the cell functions apply. */
  readonly grid: boolean;
}

/** What the whole-frame scans cost per 65,536 pixels (a 256x256 frame), as PRELUDE_API states it. */
const SCAN_MS_PER_256X256 = 0.1;

/**
 * PRELUDE_API told for the frames at hand: the scan cost at their size, and, for frames that are no grid of
 * tiles (3D scenes), without the tile paragraph and the cell functions, which would only mislead there (they
 * stay in the sandbox). Anchored on PRELUDE_API's own text, so an edit there that moves an anchor fails loudly.
 */
export function preludeApiFor(
  frames: ApiFrames,
  options: {
    /**
     * Say that the limit is shared by every check and progress term of a frame, and that only these functions
     * cache what they find in `first` (generation revision 5 on; revision 4 said "results derived from `first`
     * are cached", which answerers read as covering their own code).
     */
    ownWorkOnFirst?: boolean;
  } = {},
): string {
  const { width, height, grid } = frames;
  let text = PRELUDE_API;
  const cut = (from: string, to: string | null, replacement: string): void => {
    const start = text.indexOf(from);
    const end = to === null ? text.length : text.indexOf(to, start + from.length);
    if (start < 0 || end < 0)
      throw new Error(`api.md no longer has the text preludeApiFor replaces: "${from}"`);
    text = text.slice(0, start) + replacement + text.slice(end);
  };
  const ms = (SCAN_MS_PER_256X256 * width * height) / 65_536;
  const cost = ms < 0.095 ? ms.toFixed(2) : ms < 9.5 ? ms.toFixed(1) : Math.round(ms).toString();
  const scans = grid
    ? "`countColor`, `mask`, `blobs`, `findCells`"
    : "`countColor`, `mask`, `diffMask`, `blobs`";
  const costs =
    `Functions that scan the whole frame (${scans}) cost about ${cost} ms on these ${width}x${height} frames; ` +
    "their results are cached per frame, so calling them again is free." +
    (grid ? " Cell functions (`cellCount`, `cellColor`) read only one tile." : "");
  const find = grid
    ? "find objects' cells in `first` once, then test those cells in `frame`"
    : "find objects in `first` once, then look there in `frame`";
  cut(
    "- Each frame has a time limit",
    "\n\n## Functions",
    options.ownWorkOnFirst
      ? bullet(
          "Each frame has a time limit, default 100 ms for all checks and progress terms of the program " +
            `together (not per check), and the sandbox a memory limit (default 64 MB). ${costs} What these ` +
            `functions find in \`first\` is cached for the whole episode: ${find.replace("once", "with them once")}. ` +
            "Only what they find: whatever your own code computes from `first` (loops over its pixels, filters, " +
            "medians) runs again on every call, for every frame of every episode, and training calls the program " +
            "on every step. Find things in `first` with these functions, and keep your own work on `first` small.",
        )
      : "- Each frame has a time limit (default 100 ms for all checks together) and the sandbox a memory limit\n" +
          `  (default 64 MB). Functions that scan the whole frame (${scans}) cost about\n` +
          `  ${cost} ms on these ${width}x${height} frames; their results are cached per frame, so calling them again is\n` +
          (grid
            ? "  free. Cell functions (`cellCount`, `cellColor`) read only one tile. Results derived from `first` are\n" +
              "  cached for the whole episode: find objects' cells in `first` once, then test those cells in `frame`."
            : "  free. Results derived from `first` are cached for the whole episode: find objects in `first` once, then\n" +
              "  look there in `frame`."),
  );
  if (!grid) {
    cut("\n- Grid renders are made of square tiles", "\n\n## Writing a check", "");
    cut(
      "### gridSize(frame, tile)",
      null,
      "The sandbox also has functions for grid worlds drawn as square tiles (`gridSize`, `cellOf`, `cellCenter`,\n" +
        "`cellCount`, `cellColors`, `cellColor`, `findCells`); these frames are not made of tiles, so they do not\n" +
        "apply here.\n",
    );
  }
  return text.trim();
}

/** A Markdown bullet of `text`, broken at spaces into lines of at most `width` characters, continued two spaces in. */
function bullet(text: string, width = 112): string {
  const lines: string[] = [];
  let line = "-";
  for (const word of text.split(" ")) {
    if (line.length + 1 + word.length > width) {
      lines.push(line);
      line = " ";
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines.join("\n");
}
