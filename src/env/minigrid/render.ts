/**
 * MiniGrid's renderer: Farama's `Grid.render` / `Grid.render_tile` and the world objects' `render` methods,
 * pixel for pixel, from encoded cells.
 *
 * A tile depends only on (cell encoding, agent direction or none, highlighted, tile size), so each distinct tile
 * is drawn once (3x supersampled, then averaged) and cached, as Farama does. A frame is then a mosaic of cached
 * tiles. To go faster than copying every tile every frame, the renderer keeps a private canvas per output buffer
 * (or per frame size when none is given) with the tile key each cell shows, and repaints only cells whose key
 * changed; an env step changes a handful. The canvas is private, so callers may freely modify returned frames.
 */
import { Buffer } from "node:buffer";
import { createFrame, type Frame } from "../../image/frame.ts";
import { COLORS, IDX_TO_COLOR, OBJECT_TO_IDX, STATE_TO_IDX } from "./constants.ts";
import {
  type Canvas,
  circle,
  createCanvas,
  downsample,
  fillShape,
  highlight as highlightCanvas,
  line,
  type Rgb,
  rect,
  rotate,
  triangle,
} from "./draw.ts";

/** Farama's supersampling factor for anti-aliased tiles. */
const SUBDIVS = 3;
const GRID_LINE: Rgb = [100, 100, 100];
const BLACK: Rgb = [0, 0, 0];
const AGENT_RED: Rgb = [255, 0, 0];
const LAVA_ORANGE: Rgb = [255, 128, 0];

export interface RenderTilesOptions {
  width: number;
  height: number;
  /** `Grid.encode()` layout: byte (x * height + y) * 3 + k. Unseen (0) and empty (1) cells draw as empty tiles. */
  cells: Uint8Array;
  /** The agent's cell; agentX < 0 draws no agent. */
  agentX: number;
  agentY: number;
  agentDir: number;
  /** width * height bytes, index x * height + y, nonzero where the tile is lightened; null for none. */
  highlight: Uint8Array | null;
  tileSize: number;
  /** A frame of (width * tileSize) x (height * tileSize) to draw into; a new frame is returned without it. */
  out?: Frame;
}

function colorOf(index: number): Rgb {
  const name = IDX_TO_COLOR[index];
  if (name === undefined)
    throw new RangeError(`MiniGrid render: unknown colour index ${index} (expected 0..5)`);
  return COLORS[name];
}

const scaled = (c: Rgb, k: number): Rgb => [c[0] * k, c[1] * k, c[2] * k];

/** Draws one encoded object on a supersampled tile canvas, as the matching Farama `WorldObj.render` does. */
function drawObject(img: Canvas, type: number, color: number, state: number): void {
  switch (type) {
    case OBJECT_TO_IDX.wall:
    case OBJECT_TO_IDX.goal:
      fillShape(img, rect(0, 1, 0, 1), colorOf(color));
      return;
    case OBJECT_TO_IDX.floor:
      // A pale version of the colour, inside the grid lines.
      fillShape(img, rect(0.031, 1, 0.031, 1), scaled(colorOf(color), 0.5));
      return;
    case OBJECT_TO_IDX.door:
      drawDoor(img, colorOf(color), state);
      return;
    case OBJECT_TO_IDX.key: {
      const c = colorOf(color);
      fillShape(img, rect(0.5, 0.63, 0.31, 0.88), c); // shaft
      fillShape(img, rect(0.38, 0.5, 0.59, 0.66), c); // teeth
      fillShape(img, rect(0.38, 0.5, 0.81, 0.88), c);
      fillShape(img, circle(0.56, 0.28, 0.19), c); // ring
      fillShape(img, circle(0.56, 0.28, 0.064), BLACK);
      return;
    }
    case OBJECT_TO_IDX.ball:
      fillShape(img, circle(0.5, 0.5, 0.31), colorOf(color));
      return;
    case OBJECT_TO_IDX.box: {
      const c = colorOf(color);
      fillShape(img, rect(0.12, 0.88, 0.12, 0.88), c); // outline
      fillShape(img, rect(0.18, 0.82, 0.18, 0.82), BLACK);
      fillShape(img, rect(0.16, 0.84, 0.47, 0.53), c); // slit
      return;
    }
    case OBJECT_TO_IDX.lava:
      fillShape(img, rect(0, 1, 0, 1), LAVA_ORANGE);
      // Three rows of zigzag waves.
      for (let i = 0; i < 3; i++) {
        const ylo = 0.3 + 0.2 * i;
        const yhi = 0.4 + 0.2 * i;
        fillShape(img, line(0.1, ylo, 0.3, yhi, 0.03), BLACK);
        fillShape(img, line(0.3, yhi, 0.5, ylo, 0.03), BLACK);
        fillShape(img, line(0.5, ylo, 0.7, yhi, 0.03), BLACK);
        fillShape(img, line(0.7, yhi, 0.9, ylo, 0.03), BLACK);
      }
      return;
    default:
      throw new RangeError(
        `MiniGrid render: cannot draw object type ${type}; expected an encoding from OBJECT_TO_IDX (0..10)`,
      );
  }
}

function drawDoor(img: Canvas, c: Rgb, state: number): void {
  if (state === STATE_TO_IDX.open) {
    // Swung open against the right edge.
    fillShape(img, rect(0.88, 1, 0, 1), c);
    fillShape(img, rect(0.92, 0.96, 0.04, 0.96), BLACK);
    return;
  }
  fillShape(img, rect(0, 1, 0, 1), c);
  if (state === STATE_TO_IDX.locked) {
    fillShape(img, rect(0.06, 0.94, 0.06, 0.94), scaled(c, 0.45));
    fillShape(img, rect(0.52, 0.75, 0.5, 0.56), c); // keyhole
    return;
  }
  fillShape(img, rect(0.04, 0.96, 0.04, 0.96), BLACK);
  fillShape(img, rect(0.08, 0.92, 0.08, 0.92), c);
  fillShape(img, rect(0.12, 0.88, 0.12, 0.88), BLACK);
  fillShape(img, circle(0.75, 0.5, 0.08), c); // handle
}

/** The agent: a red triangle pointing right, turned a quarter turn per direction step (clockwise on screen). */
function drawAgent(img: Canvas, dir: number): void {
  const pointingRight = triangle([0.12, 0.19], [0.87, 0.5], [0.12, 0.81]);
  fillShape(img, rotate(pointingRight, 0.5, 0.5, 0.5 * Math.PI * dir), AGENT_RED);
}

/** Draws a tile from scratch (Farama's `render_tile`): grid lines, object, agent, highlight, then downsampling. */
export function drawTile(
  type: number,
  color: number,
  state: number,
  agentDir: number | null,
  lit: boolean,
  tileSize: number,
): Uint8Array {
  const img = createCanvas(tileSize * SUBDIVS);
  fillShape(img, rect(0, 0.031, 0, 1), GRID_LINE); // left edge
  fillShape(img, rect(0, 1, 0, 0.031), GRID_LINE); // top edge
  if (!isEmpty(type)) drawObject(img, type, color, state);
  if (agentDir !== null) drawAgent(img, agentDir);
  if (lit) highlightCanvas(img);
  const tile = new Uint8Array(tileSize * tileSize * 3);
  downsample(img, SUBDIVS, tile);
  return tile;
}

/** Unseen and empty cells have no object; neither has the "agent" code, which Farama decodes to nothing. */
function isEmpty(type: number): boolean {
  return type === OBJECT_TO_IDX.unseen || type === OBJECT_TO_IDX.empty || type === OBJECT_TO_IDX.agent;
}

/** A cached tile, with one view per pixel row so copying a row allocates nothing. */
interface Tile {
  readonly rows: Uint8Array[];
}

/** Every tile drawn so far, shared by all frames (like Farama's `Grid.tile_cache`). */
const tileCache = new Map<number, Tile>();

/** No agent on the cell: the fifth "direction" in a tile key. */
const NO_AGENT = 4;
const MAX_TILE_SIZE = 1024;

/**
 * A number naming a tile: object (empty cells all collapse to one code), agent direction or none, highlight,
 * and tile size. Distinct tiles get distinct keys; the same tile always gets the same key.
 */
function tileKey(
  type: number,
  color: number,
  state: number,
  dirOrNone: number,
  lit: number,
  tileSize: number,
): number {
  if (type > OBJECT_TO_IDX.agent || color > 5 || state > 2) {
    throw new RangeError(
      `MiniGrid render: invalid cell encoding [${type}, ${color}, ${state}]; cells must come from Grid.encode()`,
    );
  }
  const object = isEmpty(type) ? 0 : (type * 8 + color) * 4 + state;
  return (((tileSize * 1024 + object) * 5 + dirOrNone) * 2 + lit) | 0;
}

function cachedTile(
  key: number,
  type: number,
  color: number,
  state: number,
  dirOrNone: number,
  lit: number,
  tileSize: number,
): Tile {
  const hit = tileCache.get(key);
  if (hit !== undefined) return hit;
  const pixels = drawTile(type, color, state, dirOrNone === NO_AGENT ? null : dirOrNone, lit !== 0, tileSize);
  const stride = tileSize * 3;
  const rows: Uint8Array[] = [];
  for (let r = 0; r < tileSize; r++) rows.push(pixels.subarray(r * stride, (r + 1) * stride));
  const tile = { rows };
  tileCache.set(key, tile);
  return tile;
}

/** A private, persistent mosaic: its pixels and the tile key each cell currently shows (-1: not drawn yet). */
interface Mosaic {
  readonly width: number;
  readonly height: number;
  readonly tileSize: number;
  readonly data: Uint8Array;
  readonly keys: Int32Array;
}

/** Mosaics for callers that pass `out`, one per output buffer, dropped with it. */
const mosaicsByOutput = new WeakMap<Uint8Array, Mosaic>();
/** Mosaics for callers without `out`, one per grid size and tile size. */
const mosaicsBySize = new Map<number, Mosaic>();

function mosaicFor(out: Frame | undefined, width: number, height: number, tileSize: number): Mosaic {
  const sizeKey = (width * 4096 + height) * 4096 + tileSize;
  const found = out ? mosaicsByOutput.get(out.data) : mosaicsBySize.get(sizeKey);
  if (
    found !== undefined &&
    found.width === width &&
    found.height === height &&
    found.tileSize === tileSize
  ) {
    return found;
  }
  // First use, or a buffer reused for another grid or tile size: start over.
  const mosaic: Mosaic = {
    width,
    height,
    tileSize,
    data: new Uint8Array(width * height * tileSize * tileSize * 3),
    keys: new Int32Array(width * height).fill(-1),
  };
  if (out) mosaicsByOutput.set(out.data, mosaic);
  else mosaicsBySize.set(sizeKey, mosaic);
  return mosaic;
}

/**
 * Renders a grid of encoded cells (Farama's `Grid.render`), with the agent drawn as a triangle on its cell and
 * highlighted cells lightened. Pixel-identical to Farama MiniGrid 3.1.0.
 */
export function renderTiles(o: RenderTilesOptions): Frame {
  const { width, height, cells, agentX, agentY, agentDir, highlight, tileSize, out } = o;
  if (!Number.isInteger(tileSize) || tileSize < 1 || tileSize > MAX_TILE_SIZE) {
    throw new RangeError(`renderTiles: tileSize must be an integer in 1..${MAX_TILE_SIZE}, got ${tileSize}`);
  }
  if (cells.length !== width * height * 3) {
    throw new RangeError(
      `renderTiles: cells must hold width*height*3 = ${width * height * 3} bytes, got ${cells.length}`,
    );
  }
  if (highlight !== null && highlight.length !== width * height) {
    throw new RangeError(
      `renderTiles: highlight must hold width*height = ${width * height} bytes, got ${highlight.length}`,
    );
  }
  if (agentX >= 0 && !(agentDir >= 0 && agentDir <= 3)) {
    throw new RangeError(`renderTiles: agent direction must be 0..3, got ${agentDir}`);
  }
  const pxWidth = width * tileSize;
  const pxHeight = height * tileSize;
  if (out && (out.width !== pxWidth || out.height !== pxHeight)) {
    throw new RangeError(
      `renderTiles: out is ${out.width}x${out.height} but a ${width}x${height} grid at tile ${tileSize} is ${pxWidth}x${pxHeight}`,
    );
  }

  const mosaic = mosaicFor(out, width, height, tileSize);
  const data = mosaic.data;
  const keys = mosaic.keys;
  const rowBytes = pxWidth * 3;
  const tileRowBytes = tileSize * 3;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = x * height + y;
      const type = cells[c * 3];
      const color = cells[c * 3 + 1];
      const state = cells[c * 3 + 2];
      const dirOrNone = x === agentX && y === agentY ? agentDir : NO_AGENT;
      const lit = highlight !== null && highlight[c] !== 0 ? 1 : 0;
      const key = tileKey(type, color, state, dirOrNone, lit, tileSize);
      const slot = y * width + x;
      if (keys[slot] === key) continue;
      const rows = cachedTile(key, type, color, state, dirOrNone, lit, tileSize).rows;
      let offset = y * tileSize * rowBytes + x * tileRowBytes;
      for (let r = 0; r < tileSize; r++, offset += rowBytes) data.set(rows[r], offset);
      keys[slot] = key;
    }
  }

  const frame = out ?? createFrame(pxWidth, pxHeight, freshPixels(data.length));
  frame.data.set(data);
  return frame;
}

/**
 * Returned frames are carved from shared chunks of 1 MiB: allocating a large typed array costs several
 * times more than filling it (it is zeroed, then tracked and finalized by the GC), and would dominate the
 * render. Chunks come uninitialised (`Buffer.allocUnsafeSlow`, no zeroing) because every frame cut from one is
 * overwritten whole before it is returned. A frame's `data` is therefore a view at some offset: read it through
 * the view (or its `byteOffset`), never through `data.buffer` alone. A chunk is freed once no frame cut from it
 * is alive.
 */
const CHUNK_BYTES = 1024 * 1024;
let chunk: ArrayBuffer = new ArrayBuffer(0);
let chunkOffset = 0;

function freshPixels(bytes: number): Uint8Array {
  if (bytes * 2 > CHUNK_BYTES) return new Uint8Array(bytes);
  if (chunkOffset + bytes > chunk.byteLength) {
    // allocUnsafeSlow gives a buffer of its own (not a slice of Node's shared pool), at offset 0.
    chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES).buffer as ArrayBuffer;
    chunkOffset = 0;
  }
  const pixels = new Uint8Array(chunk, chunkOffset, bytes);
  chunkOffset += bytes;
  return pixels;
}
