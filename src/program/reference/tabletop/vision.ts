/**
 * Helpers shared by the hand-written tabletop reward programs (JavaScript run inside the sandbox, with the
 * programs' own code). They read only the front camera's 640x480 frame.
 *
 * Why a classifier of their own rather than `countColor` with a tolerance: TinyRenderer shades a face by a
 * single factor (0.48-0.95 of the base colour: lit tops, sides, shadows), so a face's pixels lie on the line
 * from black to the palette colour, not near the colour itself. A pixel is given the palette colour whose line
 * it lies on (best scale in [0.4, 1.05], every channel within 8 of scale x colour); CLIPort's colours are far
 * enough apart that a tight fit separates red from pink and orange. White is left out of TABLETOP_VISION (the
 * UR5's grey links lie on its line too; tasks drawing from the seen colours never use it) and gray must be
 * slightly warm, as CLIPort's gray (186, 176, 172) is and the arm's neutral greys are not.
 * TABLETOP_VISION_WITH_WHITE also takes neutral pixels of 210 or more as white (a white object's lit top
 * face, 0.9-0.95 x 255; the arm's greys stay below 205), for tasks that draw from the unseen colours. Only rows from TABLE_TOP down are read: the table's far edge is at row 240, and the
 * arm stands above it at the start of every episode.
 */
const VISION = `
const TABLE_TOP = 236;
const COLOR_NAMES = ["blue", "red", "green", "orange", "yellow", "purple", "pink", "cyan", "brown", "gray"];
const COLORS = [
  [78, 121, 167], [255, 87, 89], [89, 169, 79], [242, 142, 43], [237, 201, 72],
  [176, 122, 161], [255, 157, 167], [118, 183, 178], [156, 117, 95], [186, 176, 172],
];
const GRAY = 9;
const FIT_TOL = 8;

// Palette index of one pixel, or -1 (table, shadow, arm, edges blended with the table).
function classify(r, g, b) {
  if (r === g && g === b) return NEUTRAL;
  let best = -1;
  let bestErr = FIT_TOL + 1;
  for (let k = 0; k < COLORS.length; k++) {
    const c = COLORS[k];
    const s = (r * c[0] + g * c[1] + b * c[2]) / (c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
    if (s < 0.4 || s > 1.05) continue;
    const err = Math.max(Math.abs(r - s * c[0]), Math.abs(g - s * c[1]), Math.abs(b - s * c[2]));
    if (err < bestErr) {
      best = k;
      bestErr = err;
    }
  }
  if (best === GRAY && !(r - b >= 4)) return -1;
  return best;
}

// Per-frame memo of the analysis (a pure function of the frame, so caching it changes no answer).
const analysisOf = new WeakMap();

// Every palette-coloured region below TABLE_TOP: { color, area, x0, y0, x1, y1, cx, cy }, 4-connected,
// plus the label image and per-colour pixel counts.
function analyse(frame) {
  const known = analysisOf.get(frame);
  if (known !== undefined) return known;
  const w = frame.width;
  const h = frame.height;
  const d = frame.data;
  const labels = new Int8Array(w * h).fill(-1);
  const counts = new Array(COLORS.length).fill(0);
  for (let y = TABLE_TOP; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const k = classify(d[3 * p], d[3 * p + 1], d[3 * p + 2]);
      labels[p] = k;
      if (k >= 0) counts[k]++;
    }
  }
  const seen = new Uint8Array(w * h);
  const regions = [];
  const stack = [];
  for (let p0 = TABLE_TOP * w; p0 < w * h; p0++) {
    const k = labels[p0];
    if (k < 0 || seen[p0]) continue;
    seen[p0] = 1;
    stack.push(p0);
    let area = 0, sx = 0, sy = 0, x0 = w, y0 = h, x1 = -1, y1 = -1;
    while (stack.length > 0) {
      const p = stack.pop();
      const x = p % w;
      const y = (p - x) / w;
      area++; sx += x; sy += y;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if (x > 0 && !seen[p - 1] && labels[p - 1] === k) { seen[p - 1] = 1; stack.push(p - 1); }
      if (x < w - 1 && !seen[p + 1] && labels[p + 1] === k) { seen[p + 1] = 1; stack.push(p + 1); }
      if (y > TABLE_TOP && !seen[p - w] && labels[p - w] === k) { seen[p - w] = 1; stack.push(p - w); }
      if (y < h - 1 && !seen[p + w] && labels[p + w] === k) { seen[p + w] = 1; stack.push(p + w); }
    }
    regions.push({ color: k, area, x0, y0, x1, y1, cx: sx / area, cy: sy / area });
  }
  regions.sort((a, b) => b.area - a.area);
  const result = { labels, counts, regions };
  analysisOf.set(frame, result);
  return result;
}

// How much larger things look at image row y than at the table's far edge (the front camera is 1.06 m from
// the far edge and 0.79 m from the near one; rows run 240 to 465).
function nearness(y) {
  return 1 + (0.34 * Math.max(0, Math.min(225, y - 240))) / 225;
}
`;

/** The shared helpers for tasks whose colours come from CLIPort's seen colours (no white). */
export const TABLETOP_VISION = VISION.replace("return NEUTRAL;", "return -1;");

/** The same helpers with a tenth colour, white (index 10), for neutral pixels of 210 or more. */
export const TABLETOP_VISION_WITH_WHITE = VISION.replace(
  "return NEUTRAL;",
  "return r >= 210 && r < 255 ? WHITE : -1;",
)
  .replace('"brown", "gray"];', '"brown", "gray", "white"];\nconst WHITE = 10;')
  .replace("[156, 117, 95], [186, 176, 172],", "[156, 117, 95], [186, 176, 172], [255, 255, 255],");
