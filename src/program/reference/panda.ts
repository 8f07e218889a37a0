/**
 * Hand-written reward programs for panda-gym's Push and Slide (the paper's PandaPushJoints-v3 and
 * PandaSlideJoints-v3): "the object has moved from where it started", "the object has been pushed close to the
 * target" (with a progress term: how much of the way to the target the object has come since the first frame),
 * and the goal "the object is on the target". They read only pixels, of the frames their own render spec makes.
 *
 * The render spec is part of each program (RewardProgram.render):
 * - the camera is placed so the arm rarely stands between it and the object. Push: low (20°) from beyond the
 *   table's far end, opposite the robot base; steeper views put the hand over the cube, and no view avoids
 *   every occlusion, because the expert pushes from behind the cube, so for some push direction the gripper
 *   is in front of it (docs/BENCHMARKS.md, "Panda reference programs"). Slide: from the side of the long table,
 *   so the slide runs across the image and the striking arm stays beside the puck;
 * - the ghost target is repainted yellow (`targetColor`, as VLM-CaR's own Panda checker expects a yellow
 *   target) so object (green) and target are told apart by colour; panda-gym's headless renderer draws both
 *   green and opaque;
 * - no shadows (cheaper, and no darkened object pixels).
 *
 * How the checks read a frame (one pass over its pixels, remembered per frame): positions on the table come
 * from intersecting camera rays with horizontal planes, using the camera of the render spec (the renderer's
 * `resolveCamera`, written into the helpers as numbers), so thresholds are in metres. The object is located by
 * its top face (the brightest face, at a known height) when half of it is visible, else by its bottom edges
 * facing the camera (they rest on the table), else as touching the target when the two top faces meet in the
 * image; the target by its top face in the first frame (it never moves, and the arm starts away from it).
 * "Moved" cannot be faked by the arm: it needs object pixels where none were in the first frame.
 */
import { resolveCamera } from "../../env/render3d/camera.ts";
import type { RenderSpec } from "../../trajectories/render-spec.ts";
import { parseRewardProgram, type RewardProgram } from "../program.ts";

type Rgb = readonly [number, number, number];

/** VLM-CaR's Panda checker looks for a yellow target; 0..1 RGB as the render spec takes it. */
export const PANDA_TARGET_COLOR: Rgb = [0.9, 0.8, 0.1];

export interface ObjectToTargetOptions {
  readonly envId: string;
  readonly task: string;
  readonly objectName: string;
  readonly render: Extract<RenderSpec, { mode: "scene" }>;
  /** Heights (m) of the object's top face (resting on the table) and of the target's (panda-gym places it). */
  readonly objectTopZ: number;
  readonly targetTopZ: number;
  /** A top-face pixel's lit channel (green of the object, red of the target) is above this (0..255). */
  readonly topShade: number;
  /** The object counts as moved once part of it is this far (m) from where all of it was in the first frame. */
  readonly movedBy: number;
  /** ... or once part of it is more than this many pixels from where all of it was in the first frame. */
  readonly silhouetteSlack: number;
  /** "Close to the target" radius (m); the progress term reaches 1 there. */
  readonly closeWithin: number;
  /** "On the target" radius (m): about panda-gym's success threshold (see each program's note). */
  readonly onWithin: number;
  /** The share of the object's first-frame top-face pixels that must be visible to locate it by its top. */
  readonly seenShare: number;
  /**
   * From the middle of the object's bottom edges seen by the camera to its centre, horizontally (m): half a
   * cube's width, or about π/4 of a puck's radius for its front arc, less the bias measured on expert episodes.
   */
  readonly baseShift: number;
  readonly notes: string;
}

/** The helpers' camera: the render spec's orbit camera resolved as the renderer resolves it. */
function cameraConstants(render: ObjectToTargetOptions["render"]): string {
  const c = render.camera ?? {};
  const cam = resolveCamera(
    {
      kind: "orbit",
      target: c.target ?? [0, 0, 0],
      distance: c.distance ?? 1.4,
      yaw: c.yaw ?? 45,
      pitch: c.pitch ?? -30,
      roll: 0,
      fovY: 60,
      near: 0.1,
      far: 100,
    },
    render.width,
    render.height,
  );
  const r = Array.from(cam.rotation, (v) => Number(v.toFixed(9)));
  const eye = cam.eye.map((v) => Number(v.toFixed(9)));
  return `// The camera of this program's render spec (${render.width}x${render.height}, ${JSON.stringify(c)}):
// world -> camera rotation (rows: image right, image down, optical axis), eye, focal length and centre in pixels.
const CAM_R = [${r.join(", ")}];
const CAM_EYE = [${eye.join(", ")}];
const CAM_F = ${Number(cam.fx.toFixed(9))};
const CAM_CX = ${cam.cx};
const CAM_CY = ${cam.cy};`;
}

function helpers(o: ObjectToTargetOptions): string {
  return `
${cameraConstants(o.render)}
// Heights of the object's and the target's top faces; the colour value above which a pixel is a top face.
const OBJECT_TOP_Z = ${o.objectTopZ};
const TARGET_TOP_Z = ${o.targetTopZ};
const TOP_SHADE = ${o.topShade};

const MOVED_BY = ${o.movedBy};
const SLACK = ${o.silhouetteSlack};
const CLOSE_WITHIN = ${o.closeWithin};
const ON_WITHIN = ${o.onWithin};
// Judging "close to" or "on" the target from the top face needs this share of it visible.
const SEEN_SHARE = ${o.seenShare};
// From the middle of the bottom edges facing the camera to the object's centre (measured: see baseShift), and
// the horizontal direction away from the camera.
const BASE_SHIFT = ${o.baseShift};
// Bottom edges seen in fewer columns than this say too little (a finger may hide the rest).
const MIN_COLUMNS = 5;
const AWAY = [CAM_R[6] / Math.hypot(CAM_R[6], CAM_R[7]), CAM_R[7] / Math.hypot(CAM_R[6], CAM_R[7])];

// Where the camera ray through the centre of pixel (x, y) meets the horizontal plane at height z (metres).
// The renderer samples pixel (x, y) at image point (x, y + 1) (TinyRenderer's grid, as panda-gym's images).
function onTable(x, y, z) {
  const a = (x - CAM_CX) / CAM_F;
  const b = (y + 1 - CAM_CY) / CAM_F;
  // Ray direction in world coordinates: the transpose of CAM_R applied to (a, b, 1).
  const dx = CAM_R[0] * a + CAM_R[3] * b + CAM_R[6];
  const dy = CAM_R[1] * a + CAM_R[4] * b + CAM_R[7];
  const dz = CAM_R[2] * a + CAM_R[5] * b + CAM_R[8];
  const t = (z - CAM_EYE[2]) / dz;
  return { x: CAM_EYE[0] + t * dx, y: CAM_EYE[1] + t * dy };
}

// The object is bright green (green well above red and blue); the target is painted yellow (red and green
// well above blue). The table, floor, sky and robot are greys: their channels are nearly equal. Lit from
// above, a top face is the brightest face of each (0.9 of its colour against at most 0.8 for the sides), and
// it lies at a known height, so its pixels locate the object on the table without the bias of the sides.
// One pass over the frame, remembered per frame object (checks and the progress term read the same frame).
const SEEN = new WeakMap();
function isTargetTop(d, i) {
  return d[i] - d[i + 2] > 70 && d[i + 1] - d[i + 2] > 50 && d[i] > TOP_SHADE;
}
function look(frame) {
  const known = SEEN.get(frame);
  if (known !== undefined) return known;
  const d = frame.data;
  const w = frame.width;
  const tops = [];
  const pixels = [];
  // The lowest object pixel of each column: the bottom edges of its sides, which rest on the table (z = 0).
  const lowest = new Int32Array(w).fill(-1);
  let seenObject = false;
  let on = 0, ox = 0, oy = 0, tn = 0, tx = 0, ty = 0;
  for (let y = 0, i = 0; y < frame.height; y++) {
    for (let x = 0; x < w; x++, i += 3) {
      const r = d[i], g = d[i + 1], b = d[i + 2];
      if (g - r > 60 && g - b > 60) {
        seenObject = true;
        lowest[x] = y;
        pixels.push(x, y);
        if (g > TOP_SHADE) { on++; ox += x; oy += y; tops.push(x, y); }
      } else if (isTargetTop(d, i)) {
        tn++; tx += x; ty += y;
      }
    }
  }
  // The two top faces touch in the image: they lie in one plane, so they touch (or overlap) on the table.
  // When they overlap, the target's top hides part of the object's, and the rest's centroid is off.
  let touching = false;
  for (let k = 0; k < tops.length && !touching; k += 2) {
    for (let dy = -1; dy <= 1 && !touching; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const x = tops[k] + dx, y = tops[k + 1] + dy;
        if (x >= 0 && y >= 0 && x < w && y < frame.height && isTargetTop(d, (y * w + x) * 3)) { touching = true; break; }
      }
    }
  }
  // The middle of the bottom edges, moved half the object's width away from the camera: its centre, seen from
  // below its top face (the hand can hide the top face when the gripper pushes the object away from the camera).
  let bn = 0, bx = 0, by = 0;
  for (let x = 0; x < w; x++) {
    // Only where the edge is seen: below it lies the table or the target, not a dark finger in front of it.
    const y = lowest[x];
    if (y < 0 || y + 1 >= frame.height) continue;
    const i = ((y + 1) * w + x) * 3;
    if (Math.min(d[i], d[i + 1]) <= 120) continue;
    const p = onTable(x, y + 0.5, 0);
    bn++; bx += p.x; by += p.y;
  }
  const base = bn < MIN_COLUMNS ? null : { x: bx / bn + BASE_SHIFT * AWAY[0], y: by / bn + BASE_SHIFT * AWAY[1], columns: bn };
  const seen = {
    object: !seenObject ? null : { top: on, ...(on === 0 ? {} : onTable(ox / on, oy / on, OBJECT_TOP_Z)), pixels, base, topPoints: topPoints(tops) },
    target: tn === 0 ? null : { top: tn, ...onTable(tx / tn, ty / tn, TARGET_TOP_Z) },
    touching,
  };
  SEEN.set(frame, seen);
  return seen;
}

// Top-face pixels [x0, y0, ...] as points on the table, in the same flat layout.
function topPoints(pixels) {
  const out = [];
  for (let k = 0; k < pixels.length; k += 2) {
    const p = onTable(pixels[k], pixels[k + 1], OBJECT_TOP_Z);
    out.push(p.x, p.y);
  }
  return out;
}

function distance(a, b) {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

// Where things are: the target and the object's start from the first frame, the object now from this frame
// with the share of its first-frame pixels still visible (the arm or the target may stand in front of it).
function layout(frame, first) {
  const start = look(first);
  if (start.object === null || start.object.top === 0 || start.target === null) return null;
  const now = look(frame).object;
  const visible = now === null ? 0 : now.top / start.object.top;
  return { start: start.object, target: start.target, now, visible };
}

// The object has moved when some of it is now where none of it was in the first frame (an object pixel more
// than SLACK pixels from every object pixel of the first frame, or a top-face point MOVED_BY on the table from
// every top-face point of the first frame), or when its bottom edges have moved MOVED_BY on the table. The arm in front of the object only hides pixels, so it cannot fake the first (a centroid can
// shift when half the object is hidden); the second sees a push away from the camera, whose new pixels the
// hand hides.
function moved(frame, first) {
  const start = look(first).object;
  const now = look(frame).object;
  if (start === null || now === null) return false;
  if (outside(now.pixels, maskOf(first), frame.width, frame.height)) return true;
  if (topMoved(now.topPoints, start.topPoints)) return true;
  return start.base !== null && now.base !== null && distance(now.base, start.base) >= 2 * MOVED_BY;
}

// The first frame's object pixels as a mask (one byte a pixel), made once per episode.
const MASKS = new WeakMap();
function maskOf(first) {
  let mask = MASKS.get(first);
  if (mask === undefined) {
    mask = new Uint8Array(first.width * first.height);
    const pixels = look(first).object?.pixels ?? [];
    for (let k = 0; k < pixels.length; k += 2) mask[pixels[k + 1] * first.width + pixels[k]] = 1;
    MASKS.set(first, mask);
  }
  return mask;
}

// Whether a point of the top face now ([x0, y0, ...] on the table) is MOVED_BY from every point of it before.
function topMoved(after, before) {
  if (before.length === 0) return false;
  for (let k = 0; k < after.length; k += 2) {
    let nearest = Infinity;
    for (let j = 0; j < before.length && nearest >= MOVED_BY; j += 2) {
      nearest = Math.min(nearest, Math.hypot(after[k] - before[j], after[k + 1] - before[j + 1]));
    }
    if (nearest >= MOVED_BY) return true;
  }
  return false;
}

// Whether any pixel of 'pixels' ([x0, y0, ...]) is more than SLACK pixels (in x or y) from every set pixel of
// 'mask'.
function outside(pixels, mask, w, h) {
  for (let k = 0; k < pixels.length; k += 2) {
    let near = false;
    for (let dy = -SLACK; dy <= SLACK && !near; dy++) {
      for (let dx = -SLACK; dx <= SLACK; dx++) {
        const x = pixels[k] + dx, y = pixels[k + 1] + dy;
        if (x >= 0 && y >= 0 && x < w && y < h && mask[y * w + x] === 1) { near = true; break; }
      }
    }
    if (!near) return true;
  }
  return false;
}

// How far (m) the object is from the target now: 0 when their top faces touch, the distance between the
// centres of their top faces when enough of the object's is visible, else Infinity (the arm is in front of it).
function distanceNow(frame, at) {
  if (at.now === null) return Infinity;
  if (at.visible >= SEEN_SHARE) return distance(at.now, at.target);
  if (at.now.base !== null) return distance(at.now.base, at.target);
  if (look(frame).touching) return 0;
  return at.visible >= SEEN_SHARE / 2 ? distance(at.now, at.target) : Infinity;
}
`;
}

/** A program for a task "push (or slide) the object onto the target", with the render spec it reads. */
export function objectToTargetProgram(o: ObjectToTargetOptions): RewardProgram {
  return parseRewardProgram({
    format: "vlmcar.program/1",
    task: { envId: o.envId, description: o.task },
    helpers: helpers(o),
    subtasks: [
      {
        name: "object_moved",
        description: `the ${o.objectName} has moved from where it started`,
        code: `(frame, first) => {
  return moved(frame, first);
}`,
      },
      {
        name: "object_close_to_target",
        description: `the ${o.objectName} has been pushed close to the target (within about two of its widths)`,
        code: `(frame, first) => {
  const at = layout(frame, first);
  return at !== null && distanceNow(frame, at) <= CLOSE_WITHIN && moved(frame, first);
}`,
        progress: `(frame, first) => {
  // How much of the way to the target the ${o.objectName} has come since the first frame: 0 where it started
  // (or farther), 1 once it is close to the target.
  const at = layout(frame, first);
  if (at === null) return 0;
  const d = distanceNow(frame, at);
  if (d === Infinity) return 0;
  if (d <= CLOSE_WITHIN) return 1;
  const d0 = distance(at.start, at.target);
  if (d0 <= CLOSE_WITHIN) return 0;
  return Math.min(1, Math.max(0, (d0 - d) / (d0 - CLOSE_WITHIN)));
}`,
      },
    ],
    goal: {
      description: `the ${o.objectName} is on the target (and no longer where it started)`,
      code: `(frame, first) => {
  const at = layout(frame, first);
  return at !== null && distanceNow(frame, at) < ON_WITHIN && moved(frame, first);
}`,
    },
    provenance: { source: "hand-written", notes: o.notes },
    render: o.render,
  });
}

/** The frames the Push program reads: the workspace from beyond the table's far end, target in yellow. */
export const PUSH_RENDER = {
  mode: "scene",
  width: 160,
  height: 120,
  shadows: false,
  camera: { target: [0, 0, 0], distance: 0.6, yaw: 110, pitch: -20 },
  targetColor: PANDA_TARGET_COLOR,
} as const satisfies RenderSpec;

/** The Push program's settings (the bench rebuilds it at other frame sizes from them). */
export const PUSH_OPTIONS: ObjectToTargetOptions = {
  envId: "PandaPushJoints-v3",
  task: "push the green cube onto the target",
  objectName: "cube",
  render: PUSH_RENDER,
  objectTopZ: 0.04,
  targetTopZ: 0.04,
  topShade: 190,
  movedBy: 0.012,
  silhouetteSlack: 1,
  closeWithin: 0.08,
  // panda-gym's 5 cm, plus the few millimetres the estimate reads long when the target's top hides part of the
  // cube's (6 cm fired a step too early in 9 of 60 held-out expert episodes).
  onWithin: 0.055,
  seenShare: 0.5,
  // Half the cube's 4 cm, less the 5 mm by which the bottom edges' pixels read too far (30 expert episodes).
  baseShift: 0.015,
  notes: "reference program for panda-gym Push (pixels only, its own render spec)",
};

export const PUSH_PROGRAM: RewardProgram = objectToTargetProgram(PUSH_OPTIONS);

/**
 * The frames the Slide program reads: the long table from its side (the robot on the left, the goal region on
 * the right), so the slide runs across the image and the arm, striking from behind the puck, stays beside it.
 */
export const SLIDE_RENDER = {
  mode: "scene",
  width: 160,
  height: 120,
  shadows: false,
  camera: { target: [0.2, 0, 0], distance: 0.7, yaw: 0, pitch: -40 },
  targetColor: PANDA_TARGET_COLOR,
} as const satisfies RenderSpec;

/** The Slide program's settings. */
export const SLIDE_OPTIONS: ObjectToTargetOptions = {
  envId: "PandaSlideJoints-v3",
  task: "slide the green puck onto the target",
  objectName: "puck",
  render: SLIDE_RENDER,
  // The puck (3 cm tall) rests on the table; panda-gym's target is centred at z = 0.03, so its top is at 0.045.
  objectTopZ: 0.03,
  targetTopZ: 0.045,
  topShade: 190,
  // panda-gym drops the puck from 1.5 cm above the table at reset, which shifts its pixels by about 1.7 and
  // its top face by about 1.8 cm on the table: a move must be larger than that drop.
  movedBy: 0.025,
  silhouetteSlack: 2,
  closeWithin: 0.08,
  // The puck's centre rests 1.5 cm below the target's, so panda-gym's 5 cm in 3D is 4.8 cm on the table; the
  // estimate reads about 3 mm long when the two overlap (the target's top hides part of the puck's).
  onWithin: 0.055,
  seenShare: 0.5,
  baseShift: 0.02,
  notes: "reference program for panda-gym Slide (pixels only, its own render spec)",
};

export const SLIDE_PROGRAM: RewardProgram = objectToTargetProgram(SLIDE_OPTIONS);
