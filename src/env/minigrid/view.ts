/**
 * The agent's egocentric view: Farama MiniGrid's `gen_obs_grid` followed by `Grid.encode(vis_mask)`, computed
 * straight on encoded cells instead of on object grids.
 *
 * Farama slices a `viewSize`² window in front of the agent, rotates it `agentDir + 1` times to the left so the
 * agent faces up from the bottom-middle cell, runs `process_vis` (light spreads up, left and right from the agent
 * and stops at walls and closed doors), then puts the carried object on the agent's cell. Here the slice and
 * the rotations are one index map: view cell (i, j) (i = column, j = row, the agent at (v/2, v-1)) sits at
 *   world = agent + forward * (v - 1 - j) + right * (i - v/2),   with right = (-forward.y, forward.x),
 * the same map Farama's `get_full_render` uses to place the highlight. process_vis runs row by row on bit
 * sets (bit i = view column i), fused with the slice: each view row is read once to find what blocks sight,
 * its visibility computed, then its cells written once, seen or unseen.
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
  const full = ((1 << v) - 1) | 0;
  // Row by row from the agent's row (j = v-1) up to the farthest (j = 0). Along a row, i moves by
  // right = (-fy, fx); each row up moves by forward. (rowX, rowY) is the world cell of view cell (0, j).
  let rowX = (agentX + fy * half) | 0;
  let rowY = (agentY - fx * half) | 0;
  let seeds = 1 << half; // cells of this row made visible by the row below; at first the agent's own cell
  for (let j = v - 1; j >= 0; j--, rowX += fx, rowY += fy) {
    let seen = full;
    if (!seeThroughWalls) {
      // Bit i: cell (i, j) lets sight through (Farama's see_behind: not a wall, not a closed or locked door).
      // Beyond the grid edge Farama's slice puts walls, which block.
      let through = 0;
      for (let i = 0, wx = rowX, wy = rowY; i < v; i++, wx -= fy, wy += fx) {
        // One unsigned compare per axis: negative coordinates wrap to huge values.
        if (wx >>> 0 < width && wy >>> 0 < height) {
          const s = (wx * height + wy) * 3;
          const type = cells[s];
          if (type !== WALL && (type !== DOOR || cells[s + 2] === DOOR_OPEN)) through |= 1 << i;
        }
      }
      // Farama's process_vis walks the row left to right: every seen cell that lets sight through makes its
      // right neighbour seen (so sight runs along clear stretches), then right to left likewise; each such
      // cell also makes the cell above it and the one diagonally ahead seen. Each walk is a prefix fill over
      // the row's bits, done with Kogge-Stone doubling (shifts 1..16 cover rows up to 32 cells), unrolled
      // because V8 runs a loop of variable shifts far slower. The walks' edges are kept: the rightward walk
      // visits i = 0..v-2 only, the leftward one i = v-1..1.
      let right = seeds & through; // seen cells that pass sight on rightward
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
      right &= full >> 1;
      const afterRight = seeds | ((right << 1) & full);
      let left = afterRight & through; // seen cells that pass sight on leftward
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
      left &= full & ~1;
      seen = afterRight | (left >> 1);
      seeds = right | (right << 1) | left | (left >> 1); // straight up and diagonally ahead
    }
    // encode(vis_mask): seen cells copy the world (walls past the edge), unseen ones read [0, 0, 0].
    for (let i = 0, wx = rowX, wy = rowY, c = j; i < v; i++, wx -= fy, wy += fx, c += v) {
      const o = c * 3;
      if (((seen >> i) & 1) === 0) {
        mask[c] = 0;
        image[o] = 0;
        image[o + 1] = 0;
        image[o + 2] = 0;
      } else if (wx >>> 0 < width && wy >>> 0 < height) {
        mask[c] = 1;
        const s = (wx * height + wy) * 3;
        image[o] = cells[s];
        image[o + 1] = cells[s + 1];
        image[o + 2] = cells[s + 2];
      } else {
        mask[c] = 1;
        image[o] = WALL;
        image[o + 1] = OUTSIDE_COLOR;
        image[o + 2] = 0;
      }
    }
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
  // The same walk as egocentricView: row j = v-1 is the agent's, each row up moves by forward, each column
  // right by (-fy, fx).
  let rowX = (agentX + fy * half) | 0;
  let rowY = (agentY - fx * half) | 0;
  for (let j = v - 1; j >= 0; j--, rowX += fx, rowY += fy) {
    for (let i = 0, wx = rowX, wy = rowY, c = j; i < v; i++, wx -= fy, wy += fx, c += v) {
      if (visMask[c] !== 0 && wx >>> 0 < width && wy >>> 0 < height) mask[wx * height + wy] = 1;
    }
  }
  return mask;
}
