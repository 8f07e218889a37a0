/**
 * Hand-written reward program for CLIPort's packing-boxes-pairs (any colour split), reading the front camera.
 *
 * The boxes to pack are the leaves of a split of the brown box's inner volume, so packing them all fills the
 * brown box's floor; the frames do not say which two colours the language goal names, so the program measures
 * the filling itself: how many pixels of the brown box's outline in the first frame (row by row, the columns
 * brown covers there, within the bounding box of the largest brown region: a distractor box may be brown too)
 * other palette colours cover now that they did not at the start, relative to the box's lit floor in the first
 * frame (brown at 0.9 or more of full brightness). Packed boxes, as tall as the walls, also hide the inner walls:
 * a full box measures about 1.3 on this scale (1.32 and 1.30 on two oracle episodes of 7 and 2 boxes).
 *   1. box_started: a fill of 0.15 (progress: fill / 0.15);
 *   2. box_filled:  a fill of 1.2 (progress: from 0.15 to 1.2);
 *   goal:           the same as 2.
 */
import { parseRewardProgram, type RewardProgram } from "../../program.ts";
import { TABLETOP_VISION } from "./vision.ts";

const helpers = `${TABLETOP_VISION}
const BROWN = 8;
const STARTED = 0.15;
const FULL = 1.2;

const outlineOf = new WeakMap();

// Per row, the columns the brown box covers in the first frame: { lo, hi, pixels, floor }.
function outline(first) {
  const known = outlineOf.get(first);
  if (known !== undefined) return known;
  const a = analyse(first);
  const labels = a.labels;
  const w = first.width;
  const h = first.height;
  const lo = new Int32Array(h).fill(w);
  const hi = new Int32Array(h).fill(-1);
  const box = a.regions.find((r) => r.color === BROWN);
  for (let y = box ? box.y0 : h; y <= (box ? box.y1 : -1); y++) {
    for (let x = box.x0; x <= box.x1; x++) {
      if (labels[y * w + x] !== BROWN) continue;
      if (x < lo[y]) lo[y] = x;
      if (x > hi[y]) hi[y] = x;
    }
  }
  let pixels = 0;
  let floor = 0;
  const c = COLORS[BROWN];
  const cc = c[0] * c[0] + c[1] * c[1] + c[2] * c[2];
  const d = first.data;
  for (let y = TABLE_TOP; y < h; y++) {
    if (hi[y] < lo[y]) continue;
    pixels += hi[y] - lo[y] + 1;
    for (let x = lo[y]; x <= hi[y]; x++) {
      const p = y * w + x;
      if (labels[p] !== BROWN) continue;
      if ((d[3 * p] * c[0] + d[3 * p + 1] * c[1] + d[3 * p + 2] * c[2]) / cc >= 0.9) floor++;
    }
  }
  const result = { lo, hi, pixels, floor };
  outlineOf.set(first, result);
  return result;
}

// Pixels of the outline covered by palette colours other than brown, per pixel of the box's floor.
function covered(frame, first) {
  const o = outline(first);
  if (o.floor < 300) return 0;
  const labels = analyse(frame).labels;
  const w = frame.width;
  let n = 0;
  for (let y = TABLE_TOP; y < frame.height; y++) {
    for (let x = o.lo[y]; x <= o.hi[y]; x++) {
      const k = labels[y * w + x];
      if (k >= 0 && k !== BROWN) n++;
    }
  }
  return n / o.floor;
}

function gained(frame, first) {
  return Math.max(0, covered(frame, first) - covered(first, first));
}
`;

export const PACKING_BOXES_PAIRS_PROGRAM: RewardProgram = parseRewardProgram({
  format: "vlmcar.program/1",
  task: {
    envId: "Tabletop-packing-boxes-pairs-seen-colors-v0",
    description: "pack the boxes of two colours into the brown box",
  },
  helpers,
  subtasks: [
    {
      name: "box_started",
      description: "Boxes start to fill the brown box.",
      code: "(frame, first) => gained(frame, first) >= STARTED",
      progress: "(frame, first) => Math.min(1, gained(frame, first) / STARTED)",
    },
    {
      name: "box_filled",
      description: "Boxes fill the brown box.",
      code: "(frame, first) => gained(frame, first) >= FULL",
      progress:
        "(frame, first) => Math.min(1, Math.max(0, (gained(frame, first) - STARTED) / (FULL - STARTED)))",
    },
  ],
  goal: {
    description: "Boxes fill the brown box.",
    code: "(frame, first) => gained(frame, first) >= FULL",
  },
  provenance: {
    source: "hand-written",
    notes:
      "reference program for CLIPort packing-boxes-pairs (front camera, 640x480); measures how much of the brown box is filled, as the frames do not name the colours",
  },
});
