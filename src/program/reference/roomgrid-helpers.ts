/**
 * Helper code shared by the hand-written RoomGrid programs (Unlock, UnlockPickup, BlockedUnlockPickup,
 * KeyCorridor). It is JavaScript that runs in the sandbox next to the prelude, so it reads only pixels of the
 * full render (tile 32): what a VLM could write after looking at the first frame.
 *
 * How MiniGrid draws what these tasks need (Farama's `render_tile`):
 * - six object colours (PALETTE); a cell the agent can see is lightened 30% toward white, so every colour
 *   appears in two shades, plain and lightened, and a cell changes shade as the agent turns;
 * - floor is black with grey grid lines; walls are grey tiles;
 * - a locked door is a filled tile: a thin border in its colour around an interior of 0.45 × that colour;
 *   a closed door is an outline with a handle; an open door is a thin strip along the cell's right edge, so
 *   the left part of an open door's cell is floor;
 * - a key is tall and narrow (about 12 × 25 pixels); the agent is a red triangle about 20 × 24 pixels; a ball
 *   is a disc, a box an outlined square; nothing is drawn for what the agent carries.
 * Colours are drawn at random per episode, so programs read them from the first frame (the key has its
 * door's colour) instead of assuming one.
 */
export const ROOMGRID_HELPERS = String.raw`
const TILE = 32;
const PALETTE = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [112, 39, 195], [255, 255, 0], [100, 100, 100]];
const FLOOR = [0, 0, 0];
const WALL = [100, 100, 100];
const TOL = 3;

// A colour as drawn in a cell the agent sees: 30% toward white, truncated like numpy's uint8 cast.
function lighten(c) {
  return [Math.floor(c[0] + (255 - c[0]) * 0.3), Math.floor(c[1] + (255 - c[1]) * 0.3), Math.floor(c[2] + (255 - c[2]) * 0.3)];
}
function isShadeOf(p, c) {
  return sameColor(p, c, TOL) || sameColor(p, lighten(c), TOL);
}
// The palette colour whose plain or lightened shade is p, or null.
function paletteColor(p) {
  for (const c of PALETTE) if (isShadeOf(p, c)) return c;
  return null;
}
function cellPixel(frame, cx, cy, dx, dy) {
  return pixel(frame, cx * TILE + dx, cy * TILE + dy);
}

// Pixels of colour c (either shade) in a cell, and their bounding box: a cheap signature of what is drawn
// there. The cell's top row and left column are left out: they hold the grey grid lines.
function signature(frame, cx, cy, c) {
  const cell = crop(frame, cx * TILE + 1, cy * TILE + 1, TILE - 1, TILE - 1);
  let best = null;
  for (const shade of [c, lighten(c)]) {
    const m = mask(cell, shade, TOL);
    if (best === null || m.count > best.count) best = m;
  }
  const box = bbox(best);
  return box === null
    ? { count: 0, w: 0, h: 0 }
    : { count: best.count, w: box.x1 - box.x0 + 1, h: box.y1 - box.y0 + 1 };
}

// A key of colour c is drawn in the cell: enough pixels, tall and narrow (the agent and other objects are wider).
function keyAt(frame, cx, cy, c) {
  const s = signature(frame, cx, cy, c);
  return s.count >= 60 && s.w <= 16 && s.h >= 18;
}

// The object that 'first' shows in the cell (colour c) is still drawn there, same size and shape. It is
// gone once picked up; the agent may then stand on the cell, but its triangle has another size.
function objectStillAt(frame, first, cx, cy, c) {
  const now = signature(frame, cx, cy, c);
  const then = signature(first, cx, cy, c);
  return (
    then.count > 0 &&
    Math.abs(now.count - then.count) <= 0.25 * then.count &&
    Math.abs(now.w - then.w) <= 2 &&
    Math.abs(now.h - then.h) <= 2
  );
}

function isWallCell(frame, cx, cy) {
  const colors = cellColors(frame, cx, cy, TILE);
  return colors.length === 1 && isShadeOf(colors[0].color, WALL);
}

// A locked door: border in its colour c, interior 0.45 * c. Returns c, or null when the cell is no locked door.
function lockedDoorColor(frame, cx, cy) {
  const border = paletteColor(cellPixel(frame, cx, cy, 1, 16));
  if (border === null) return null;
  const inner = border.map((v) => Math.floor(0.45 * v));
  return isShadeOf(cellPixel(frame, cx, cy, 10, 10), inner) ? border : null;
}

// The locked door in column cx, as { cx, cy, color }, or null.
function findLockedDoorInColumn(frame, cx) {
  const { rows } = gridSize(frame, TILE);
  for (let cy = 1; cy < rows - 1; cy++) {
    const color = lockedDoorColor(frame, cx, cy);
    if (color !== null) return { cx, cy, color };
  }
  return null;
}

// A door that was locked in 'first' and is not now has been unlocked with its key (and opened: in MiniGrid
// one toggle does both). Unlike "open", this stays true if the agent closes the door again.
function doorUnlockedAt(frame, cx, cy) {
  return lockedDoorColor(frame, cx, cy) === null;
}

// An open door leaves the left part of its cell as floor (its strip is at the right edge); a locked door
// is filled there and a closed door has its outline there. The agent's triangle never reaches that part.
function doorOpenAt(frame, cx, cy) {
  return [8, 16, 24].every((dy) => isShadeOf(cellPixel(frame, cx, cy, 3, dy), FLOOR));
}

// Pixels of colour c (either shade) in a cell, from the cell's colour histogram (cached for 'first').
function colorCount(frame, cx, cy, c) {
  let n = 0;
  for (const { color, count } of cellColors(frame, cx, cy, TILE)) if (isShadeOf(color, c)) n += count;
  return n;
}

// Where the key of colour c is in 'first' within cells x0..x1, y0..y1, as { cx, cy }, or null. Only cells
// with enough pixels of c (a key has about 150, grid lines alone 63) get the closer look of keyAt.
function findKey(first, c, x0, y0, x1, y1) {
  for (let cy = y0; cy <= y1; cy++) {
    for (let cx = x0; cx <= x1; cx++) {
      if (colorCount(first, cx, cy, c) >= 100 && keyAt(first, cx, cy, c)) return { cx, cy };
    }
  }
  return null;
}

// The first object in the room spanning cells x0..x1, y0..y1 of 'first': { cx, cy, color }, or null. Objects
// cover 200-300 pixels of their colour; an empty floor cell has only its 63 grey grid-line pixels.
function findObjectInRoom(first, x0, y0, x1, y1) {
  for (let cy = y0; cy <= y1; cy++) {
    for (let cx = x0; cx <= x1; cx++) {
      for (const { color, count } of cellColors(first, cx, cy, TILE)) {
        if (count < 100) break;
        const c = paletteColor(color);
        if (c !== null) return { cx, cy, color: c };
      }
    }
  }
  return null;
}
`;
