/**
 * Hand-written reward program for CLIPort's packing-shapes, reading the front camera.
 *
 * The frames do not say which shape the language goal names (one of five, drawn anew each episode), so the
 * program rewards a shape put in the brown box. The box is the largest brown region of the first frame (a
 * 0.10-0.15 m tray: 3,000-4,000 pixels at the far edge's scale, no shape comes close); a shape is a region of
 * 150-1,200 pixels in any other colour (white included: packing-shapes draws from the unseen colours).
 *   1. shape_in_box: more shapes lie inside the box's outline than at the start (progress: how much closer the
 *      shape nearest the box came, relative to the start);
 *   goal:            the same.
 */
import { parseRewardProgram, type RewardProgram } from "../../program.ts";
import { TABLETOP_VISION_WITH_WHITE } from "./vision.ts";

const helpers = `${TABLETOP_VISION_WITH_WHITE}
const BROWN = 8;
const BOX_MIN = 1500;
const SHAPE_MIN = 150;
const SHAPE_MAX = 1200;

function scaledArea(r) {
  const n = nearness(r.y1);
  return r.area / (n * n);
}

// The brown box in the first frame, or null.
function theBox(first) {
  const box = analyse(first).regions.find((r) => r.color === BROWN && scaledArea(r) >= BOX_MIN);
  return box === undefined ? null : box;
}

function shapesIn(frame) {
  return analyse(frame).regions.filter((r) => {
    const a = scaledArea(r);
    return r.color !== BROWN && a >= SHAPE_MIN && a <= SHAPE_MAX;
  });
}

// Inside the box's outline: the centre within the middle 80% of its columns and rows (a shape behind the box
// shows above it, one in front below it).
function inBox(shape, box) {
  const mx = 0.1 * (box.x1 - box.x0);
  const my = 0.1 * (box.y1 - box.y0);
  return shape.cx >= box.x0 + mx && shape.cx <= box.x1 - mx && shape.cy >= box.y0 + my && shape.cy <= box.y1 - my;
}

function shapesInBox(frame, first) {
  const box = theBox(first);
  if (box === null) return 0;
  return shapesIn(frame).filter((s) => inBox(s, box)).length;
}

function shapePacked(frame, first) {
  return shapesInBox(frame, first) > shapesInBox(first, first);
}

// Distance (pixels) from the box's centre to the nearest shape outside it.
function nearestShape(frame, box) {
  let best = Number.POSITIVE_INFINITY;
  for (const s of shapesIn(frame)) {
    if (inBox(s, box)) continue;
    best = Math.min(best, Math.hypot(s.cx - box.cx, s.cy - box.cy));
  }
  return best;
}

function towardTheBox(frame, first) {
  if (shapePacked(frame, first)) return 1;
  const box = theBox(first);
  if (box === null) return 0;
  const before = nearestShape(first, box);
  const now = nearestShape(frame, box);
  if (!Number.isFinite(before) || !Number.isFinite(now) || before <= 0) return 0;
  return Math.min(1, Math.max(0, 1 - now / before));
}
`;

export const PACKING_SHAPES_PROGRAM: RewardProgram = parseRewardProgram({
  format: "vlmcar.program/1",
  task: { envId: "Tabletop-packing-shapes-v0", description: "pack a shape in the brown box" },
  helpers,
  subtasks: [
    {
      name: "shape_in_box",
      description: "A coloured shape lies inside the brown box that was not there at the start.",
      code: "(frame, first) => shapePacked(frame, first)",
      progress: "(frame, first) => towardTheBox(frame, first)",
    },
  ],
  goal: {
    description: "A shape is packed in the brown box.",
    code: "(frame, first) => shapePacked(frame, first)",
  },
  provenance: {
    source: "hand-written",
    notes:
      "reference program for CLIPort packing-shapes (front camera, 640x480); rewards any shape packed, as the frames do not name the target",
  },
});
