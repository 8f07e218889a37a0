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
export const ROOMGRID_HELPERS = `
const TILE = 32;
const PALETTE = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [112, 39, 195], [255, 255, 0], [100, 100, 100]];
const FLOOR = [0, 0, 0];
const WALL = [100, 100, 100];
const TOL = 3;

// A colour as drawn in a cell the agent sees: 30% toward white, truncated like numpy's uint8 cast.
function lighten(c) {
  return [Math.floor(c[0] + (255 - c[0]) * 0.3), Math.floor(c[1] + (255 - c[1]) * 0.3), Math.floor(c[2] + (255 - c[2]) * 0.3)];
}
// Both shades of every colour, computed once: checks run on every frame.
const SHADES = new Map([...PALETTE, FLOOR].map((c) => [c, [c, lighten(c)]]));
function shadesOf(c) {
  return SHADES.get(c) ?? [c, lighten(c)];
}
function near(p, c) {
  return Math.abs(p[0] - c[0]) <= TOL && Math.abs(p[1] - c[1]) <= TOL && Math.abs(p[2] - c[2]) <= TOL;
}
function isShadeOf(p, c) {
  const [plain, light] = shadesOf(c);
  return near(p, plain) || near(p, light);
}
// The palette colour whose plain or lightened shade is p, or null.
function paletteColor(p) {
  for (const c of PALETTE) if (isShadeOf(p, c)) return c;
  return null;
}
function cellPixel(frame, cx, cy, dx, dy) {
  return pixel(frame, cx * TILE + dx, cy * TILE + dy);
}

// Pixels of colour c in a cell (in the cell's shade: plain, or lightened where the agent sees), and their
// bounding box: a cheap signature of what is drawn there. One pass, nothing allocated but the result. The
// cell's top row and left column are left out: they hold the grey grid lines.
function signature(frame, cx, cy, c) {
  const [plain, light] = shadesOf(c);
  const data = frame.data;
  let best = { count: 0, w: 0, h: 0 };
  for (const shade of [plain, light]) {
    const [r, g, b] = shade;
    let count = 0;
    let x0 = TILE;
    let y0 = TILE;
    let x1 = -1;
    let y1 = -1;
    for (let y = 1; y < TILE; y++) {
      let i = ((cy * TILE + y) * frame.width + cx * TILE + 1) * 3;
      for (let x = 1; x < TILE; x++, i += 3) {
        const dr = data[i] - r;
        const dg = data[i + 1] - g;
        const db = data[i + 2] - b;
        if (dr > TOL || dr < -TOL || dg > TOL || dg < -TOL || db > TOL || db < -TOL) continue;
        count++;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
    if (count > best.count) best = { count, w: x1 - x0 + 1, h: y1 - y0 + 1 };
  }
  return best;
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

// Cells within x0..x1, y0..y1 where colour c covers 10% to 80% of the tile, as findCells reports them on
// 'first' (cached for the episode). An object covers 15-30%; an empty floor cell has only 6% of grey grid
// line; walls and doors fill most of their tile.
function objectCells(first, c, x0, y0, x1, y1) {
  const out = [];
  for (const shade of shadesOf(c)) {
    for (const cell of findCells(first, shade, TOL, TILE, 0.1)) {
      const inside = cell.cx >= x0 && cell.cx <= x1 && cell.cy >= y0 && cell.cy <= y1;
      if (inside && cell.count <= 0.8 * TILE * TILE) out.push(cell);
    }
  }
  return out;
}

// Where the key of colour c is in 'first' within cells x0..x1, y0..y1, as { cx, cy }, or null.
function findKey(first, c, x0, y0, x1, y1) {
  for (const cell of objectCells(first, c, x0, y0, x1, y1)) {
    if (keyAt(first, cell.cx, cell.cy, c)) return { cx: cell.cx, cy: cell.cy };
  }
  return null;
}

// The first object in the room spanning cells x0..x1, y0..y1 of 'first': { cx, cy, color }, or null.
function findObjectInRoom(first, x0, y0, x1, y1) {
  for (const c of PALETTE) {
    const cells = objectCells(first, c, x0, y0, x1, y1);
    if (cells.length > 0) return { cx: cells[0].cx, cy: cells[0].cy, color: c };
  }
  return null;
}
`;

/**
 * The layout Unlock, UnlockPickup and BlockedUnlockPickup share, as the `theDoor` and `theKey` that the
 * checks in roomgrid-checks.ts call. Append it to ROOMGRID_HELPERS.
 */
export const SIDE_BY_SIDE_ROOMS = `
// Two 6x6 rooms side by side (11 x 6 cells). The locked door is in the shared wall, column 5, and its key
// (of the door's colour) lies in the agent's room, columns 1-4.
function theDoor(first) {
  return findLockedDoorInColumn(first, 5);
}
function theKey(first, door) {
  return findKey(first, door.color, 1, 1, 4, 4);
}
`;
