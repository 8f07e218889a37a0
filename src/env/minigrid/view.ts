/**
 * The agent's egocentric view: Farama MiniGrid's `gen_obs_grid` followed by `Grid.encode(vis_mask)`, computed
 * straight on encoded cells instead of on object grids.
 *
 * Farama slices a `viewSize`² window in front of the agent, rotates it `agentDir + 1` times to the left so the
 * agent faces up from the bottom-middle cell, runs `process_vis` (light spreads up, left and right from the agent
 * and stops at walls and closed doors), then puts the carried object on the agent's cell. Here the slice and
 * the rotations are one index map: view cell (i, j) (i = column, j = row, the agent at (v/2, v-1)) sits at
 *   world = agent + forward * (v - 1 - j) + right * (i - v/2),   with right = (-forward.y, forward.x),
 * the same map Farama's `get_full_render` uses to place the highlight.
 *
 * Both functions run on every env step, so they allocate nothing when given `out`, and loop over typed arrays.
 */
import { DIR_TO_VEC, OBJECT_TO_IDX, STATE_TO_IDX } from "./constants.ts";

/** A grid in `Grid.encode()` layout: byte (x * height + y) * 3 + k holds [type, color, state]; empty = [1,0,0]. */
export interface GridCells {
  width: number;
  height: number;
  cells: Uint8Array;
}

/**
 * What the agent sees, in Farama's observation layout. `image[(i * v + j) * 3 + k]` is view column i, row j,
 * channel k (obs['image'][i][j][k]); unseen cells are [0,0,0]. `visMask[i * v + j]` is 1 where the cell is seen.
 */
export interface AgentView {
  image: Uint8Array;
  visMask: Uint8Array;
}

const WALL = OBJECT_TO_IDX.wall;
const DOOR = OBJECT_TO_IDX.door;
const EMPTY = OBJECT_TO_IDX.empty;
const DOOR_OPEN = STATE_TO_IDX.open;
/** Beyond the grid edge Farama's `slice` puts `Wall()`, whose colour is grey (index 5). */
const OUTSIDE_COLOR = 5;

/** Creates the buffers for a view of the given size, to pass as `out` on every step. */
export function createAgentView(viewSize: number): AgentView {
  return { image: new Uint8Array(viewSize * viewSize * 3), visMask: new Uint8Array(viewSize * viewSize) };
}

/**
 * The agent's partial observation: `viewSize`² cells in front of it, rotated so it faces up, with occluded
 * cells unseen (unless `seeThroughWalls`) and its own cell holding what it carries (or empty).
 */
export function egocentricView(
  grid: GridCells,
  agentX: number,
  agentY: number,
  agentDir: number,
  viewSize: number,
  seeThroughWalls: boolean,
  carried: readonly [number, number, number] | null,
  out?: AgentView,
): AgentView {
  const v = viewSize;
  if (!(v >= 3 && v <= 31 && (v & 1) === 1)) {
    throw new RangeError(
      `egocentricView: viewSize must be odd and in 3..31 (Farama requires odd, >= 3), got ${v}`,
    );
  }
  const view = out ?? createAgentView(v);
  if (view.image.length !== v * v * 3 || view.visMask.length !== v * v) {
    throw new RangeError(
      `egocentricView: out buffers must hold ${v * v * 3} image bytes and ${v * v} mask bytes for view size ${v}; ` +
        "create them with createAgentView(viewSize)",
    );
  }
  const { width, height, cells } = grid;
  const image = view.image;
  const mask = view.visMask;
  const fwd = DIR_TO_VEC[agentDir];
  if (fwd === undefined)
    throw new RangeError(`egocentricView: agent direction must be 0..3, got ${agentDir}`);
  // Walk the view with additions only: products like 0 * -3 give -0, which pushes V8 off small integers.
  const fx = fwd[0];
  const fy = fwd[1];
  const half = v >> 1;
  // World cell of view cell (0, 0); one step in i moves by right = (-fy, fx), one in j by -forward.
  const x0 = (agentX + fx * (v - 1) + fy * half) | 0;
  const y0 = (agentY + fy * (v - 1) - fx * half) | 0;

  // Slice + rotate: copy each world cell into its view slot; cells beyond the edge are grey walls. Meanwhile
  // note, per view row j, which cells let sight through (bit i), for processVis.
  if (clearRows.length < v) clearRows = new Int32Array(v);
  const clear = clearRows;
  for (let j = 0; j < v; j++) clear[j] = 0;
  let o = 0;
  for (let i = 0, colX = x0, colY = y0; i < v; i++, colX -= fy, colY += fx) {
    const bit = 1 << i;
    for (let j = 0, wx = colX, wy = colY; j < v; j++, wx -= fx, wy -= fy, o += 3) {
      // One unsigned compare per axis: negative coordinates wrap to huge values.
      if (wx >>> 0 < width && wy >>> 0 < height) {
        const s = (wx * height + wy) * 3;
        const type = cells[s];
        const state = cells[s + 2];
        image[o] = type;
        image[o + 1] = cells[s + 1];
        image[o + 2] = state;
        if (type !== WALL && (type !== DOOR || state === DOOR_OPEN)) clear[j] |= bit;
      } else {
        image[o] = WALL;
        image[o + 1] = OUTSIDE_COLOR;
        image[o + 2] = 0;
      }
    }
  }

  if (seeThroughWalls) {
    mask.fill(1);
  } else {
    processVis(clear, mask, image, v);
  }

  // The agent sees what it carries on its own cell (Farama sets it after process_vis).
  const a = (half * v + v - 1) * 3;
  if (carried) {
    image[a] = carried[0];
    image[a + 1] = carried[1];
    image[a + 2] = carried[2];
  } else {
    image[a] = EMPTY;
    image[a + 1] = 0;
    image[a + 2] = 0;
  }
  return view;
}

/**
 * Per view row j, bit i set where cell (i, j) lets sight through: everything but walls and closed or locked
 * doors (Farama's `see_behind`). Shared scratch, grown on demand, so a step allocates nothing.
 */
let clearRows = new Int32Array(7);

/**
 * Farama's `Grid.process_vis` on the rotated view (agent at (v/2, v-1)), one row at a time as bit sets.
 *
 * Farama walks each row from the agent's row upward twice: left to right, every seen cell that lets sight
 * through makes its right neighbour seen (so sight runs along clear stretches), then right to left likewise.
 * Each such cell also makes the cell above and the one diagonally ahead in the walking direction seen. Each
 * walk is a prefix fill, done here with Kogge-Stone doubling (shifts 1, 2, 4, 8, 16 cover rows up to 32
 * cells); the results equal the cell-by-cell loops, including their edges: the rightward walk stops at
 * i = v-2 and the leftward one at i = 1. The fills are unrolled: V8 runs a loop of variable shifts far slower.
 */
function processVis(clear: Int32Array, mask: Uint8Array, image: Uint8Array, v: number): void {
  const full = ((1 << v) - 1) | 0;
  let seeds = 1 << (v >> 1); // the agent's own cell, in the bottom row
  for (let j = v - 1; j >= 0; j--) {
    const through = clear[j];
    // Rightward walk: `right` = seen cells that pass sight on, reached from the seeds through clear cells.
    let right = seeds & through;
    let pass = through;
    right |= pass & (right << 1);
    pass &= pass << 1;
    right |= pass & (right << 2);
    pass &= pass << 2;
    right |= pass & (right << 4);
    pass &= pass << 4;
    right |= pass & (right << 8);
    pass &= pass << 8;
    right |= pass & (right << 16);
    right &= full >> 1; // the walk visits i = 0..v-2 only
    const afterRight = seeds | ((right << 1) & full);
    // Leftward walk, from everything seen so far.
    let left = afterRight & through;
    pass = through;
    left |= pass & (left >> 1);
    pass &= pass >> 1;
    left |= pass & (left >> 2);
    pass &= pass >> 2;
    left |= pass & (left >> 4);
    pass &= pass >> 4;
    left |= pass & (left >> 8);
    pass &= pass >> 8;
    left |= pass & (left >> 16);
    left &= full & ~1; // the walk visits i = v-1..1 only
    const seen = afterRight | (left >> 1);
    for (let i = 0, c = j; i < v; i++, c += v) {
      const visible = (seen >> i) & 1;
      mask[c] = visible;
      // encode(vis_mask): cells the agent cannot see read as unseen [0, 0, 0].
      if (visible === 0) {
        image[c * 3] = 0;
        image[c * 3 + 1] = 0;
        image[c * 3 + 2] = 0;
      }
    }
    // Cells that passed sight on light the row above: straight up and diagonally ahead.
    seeds = right | (right << 1) | left | (left >> 1);
  }
}

/**
 * Which world cells the full render highlights: those of the view the agent sees, mapped back to the grid
 * (Farama's `get_full_render`). Returns `width * height` bytes, index x * height + y, 1 where highlighted.
 */
export function highlightMask(
  grid: GridCells,
  agentX: number,
  agentY: number,
  agentDir: number,
  viewSize: number,
  visMask: Uint8Array,
  out?: Uint8Array,
): Uint8Array {
  const { width, height } = grid;
  const v = viewSize;
  const mask = out ?? new Uint8Array(width * height);
  if (mask.length !== width * height) {
    throw new RangeError(
      `highlightMask: out must hold width*height = ${width * height} bytes, got ${mask.length}`,
    );
  }
  if (visMask.length !== v * v) {
    throw new RangeError(
      `highlightMask: visMask must hold viewSize² = ${v * v} bytes, got ${visMask.length}`,
    );
  }
  mask.fill(0);
  const fwd = DIR_TO_VEC[agentDir];
  if (fwd === undefined) throw new RangeError(`highlightMask: agent direction must be 0..3, got ${agentDir}`);
  const fx = fwd[0];
  const fy = fwd[1];
  const half = v >> 1;
  for (let i = 0; i < v; i++) {
    const side = i - half;
    for (let j = 0; j < v; j++) {
      if (visMask[i * v + j] === 0) continue;
      const ahead = v - 1 - j;
      const wx = agentX + fx * ahead - fy * side;
      const wy = agentY + fy * ahead + fx * side;
      if (wx >= 0 && wx < width && wy >= 0 && wy < height) mask[wx * height + wy] = 1;
    }
  }
  return mask;
}
