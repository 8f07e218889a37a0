/**
 * Hand-written reward program for CLIPort's separating-piles (any colour split), reading the front camera.
 *
 * The frames do not say which of the two squares the language goal names (the target is drawn at random each
 * episode), so the program rewards pushing the pile into either square: the pile is the colour broken into the
 * most small regions in the first frame (50 one-centimetre cubes), the squares are the two other colours with
 * large areas there; a square's extent is, row by row, the columns its colour covers in the first frame
 * (squares are fixed; a few rows below are added because a cube's image rises above where it stands).
 *   1. half_the_pile_in_a_square: at least half the pile's pixels lie on one square (progress: that fraction / 0.5);
 *   2. pile_in_a_square:          at least 90% (progress: from 50% to 90%);
 *   goal:                         the same as 2.
 */
import { parseRewardProgram, type RewardProgram } from "../../program.ts";
import { TABLETOP_VISION } from "./vision.ts";

const helpers = `${TABLETOP_VISION}
const HALF = 0.5;
const MOST = 0.9;
// Columns of slack either side of a square's extent, and rows below it that still count (cube height).
const SLACK_X = 3;
const SLACK_ROWS = 6;

// The pile's colour: the one broken into the most regions of 8+ pixels in the first frame; -1 if none.
function pileColor(first) {
  const pieces = new Array(COLORS.length).fill(0);
  for (const r of analyse(first).regions) if (r.area >= 8) pieces[r.color]++;
  let best = -1;
  for (let k = 0; k < COLORS.length; k++) if (pieces[k] >= 6 && (best < 0 || pieces[k] > pieces[best])) best = k;
  return best;
}

const squaresOf = new WeakMap();

// The two squares: { color, lo, hi } with per-row column ranges (lo > hi where the square is absent).
function squares(first) {
  const known = squaresOf.get(first);
  if (known !== undefined) return known;
  const a = analyse(first);
  const pile = pileColor(first);
  const colors = [];
  for (let k = 0; k < COLORS.length; k++) if (k !== pile && a.counts[k] >= 400) colors.push(k);
  colors.sort((p, q) => a.counts[q] - a.counts[p]);
  const w = first.width;
  const h = first.height;
  const out = colors.slice(0, 2).map((color) => {
    const lo = new Int32Array(h).fill(w);
    const hi = new Int32Array(h).fill(-1);
    for (let y = TABLE_TOP; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (a.labels[y * w + x] !== color) continue;
        // A pixel of the square widens its own row and the SLACK_ROWS rows above it.
        for (let yy = Math.max(TABLE_TOP, y - SLACK_ROWS); yy <= y; yy++) {
          if (x - SLACK_X < lo[yy]) lo[yy] = x - SLACK_X;
          if (x + SLACK_X > hi[yy]) hi[yy] = x + SLACK_X;
        }
      }
    }
    return { color, lo, hi };
  });
  squaresOf.set(first, out);
  return out;
}

// The largest fraction of the pile's pixels on one square (0 when the pile or the squares are not found).
function pileOnSquare(frame, first) {
  const pile = pileColor(first);
  if (pile < 0) return 0;
  const sq = squares(first);
  const labels = analyse(frame).labels;
  const w = frame.width;
  let total = 0;
  const on = sq.map(() => 0);
  for (let y = TABLE_TOP; y < frame.height; y++) {
    for (let x = 0; x < w; x++) {
      if (labels[y * w + x] !== pile) continue;
      total++;
      for (let i = 0; i < sq.length; i++) if (x >= sq[i].lo[y] && x <= sq[i].hi[y]) on[i]++;
    }
  }
  if (total === 0) return 0;
  return Math.max(0, ...on) / total;
}
`;

export const SEPARATING_PILES_PROGRAM: RewardProgram = parseRewardProgram({
  format: "vlmcar.program/1",
  task: {
    envId: "Tabletop-separating-piles-seen-colors-v0",
    description: "push the pile of small blocks into a square",
  },
  helpers,
  subtasks: [
    {
      name: "half_the_pile_in_a_square",
      description: "At least half of the pile of small blocks lies on one of the two coloured squares.",
      code: "(frame, first) => pileOnSquare(frame, first) >= HALF",
      progress: "(frame, first) => Math.min(1, pileOnSquare(frame, first) / HALF)",
    },
    {
      name: "pile_in_a_square",
      description: "Nearly all (90%) of the pile lies on one square.",
      code: "(frame, first) => pileOnSquare(frame, first) >= MOST",
      progress:
        "(frame, first) => Math.min(1, Math.max(0, (pileOnSquare(frame, first) - HALF) / (MOST - HALF)))",
    },
  ],
  goal: {
    description: "Nearly all of the pile lies on one square.",
    code: "(frame, first) => pileOnSquare(frame, first) >= MOST",
  },
  provenance: {
    source: "hand-written",
    notes:
      "reference program for CLIPort separating-piles (front camera, 640x480); rewards either square, as the frames do not name the target",
  },
});
