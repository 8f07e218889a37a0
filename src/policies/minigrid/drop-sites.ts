/**
 * Where the agent may put down what it carries without blocking itself later.
 *
 * A cell is a harmless drop site when an object there cuts nothing off: every cell, door and object the
 * agent can reach now stays reachable. Doors count as passable (whatever their state) and objects as
 * dead ends, so the cell in front of the only door to a room, or the only cell beside a box, is never chosen.
 * Cells on the way to what the hands are being freed for are kept free as well: when a key lies in front of
 * the ball to be moved, the key must not go back where it came from.
 *
 * The test is a flood fill with the candidate blocked, compared to one without: grids are small, and the
 * answers are cached for the decision at hand.
 */
import { OBJECT_TO_IDX } from "../../env/minigrid/constants.ts";
import type { MiniGridEnv } from "../../env/minigrid/minigrid-env.ts";

const NEIGHBORS: readonly (readonly [number, number])[] = [
  [1, 0],
  [0, 1],
  [-1, 0],
  [0, -1],
];

export class DropSites {
  private readonly reachable: number;
  private readonly verdicts = new Map<number, boolean>();
  private readonly seen: Uint8Array;
  private readonly stack: Int32Array;

  /** `keepFree`: cells (x * height + y) no object may be put on. */
  constructor(
    private readonly env: MiniGridEnv,
    private readonly keepFree: ReadonlySet<number> = new Set(),
  ) {
    const { width, height } = env.grid;
    this.seen = new Uint8Array(width * height);
    this.stack = new Int32Array(width * height);
    this.reachable = this.flood(-1);
  }

  /** Whether dropping an object on (x, y) is possible and keeps everything reachable. */
  harmless(x: number, y: number): boolean {
    const { grid, agentX, agentY } = this.env;
    if (grid.typeAt(x, y) !== OBJECT_TO_IDX.empty || (x === agentX && y === agentY)) return false;
    const cell = x * grid.height + y;
    if (this.keepFree.has(cell)) return false;
    let verdict = this.verdicts.get(cell);
    if (verdict === undefined) {
      verdict = this.flood(cell) === this.reachable - 1;
      this.verdicts.set(cell, verdict);
    }
    return verdict;
  }

  /** How many cells (free cells, doors, objects) the agent's cell connects to, with `blocked` a wall. */
  private flood(blocked: number): number {
    const { grid, agentX, agentY } = this.env;
    const { width: w, height: h, cells } = grid;
    const { seen, stack } = this;
    seen.fill(0);
    let top = 0;
    let count = 0;
    const startCell = agentX * h + agentY;
    seen[startCell] = 1;
    stack[top++] = startCell;
    while (top > 0) {
      const cell = stack[--top];
      count++;
      const type = cells[cell * 3];
      // Objects are reached but not walked through: the agent only needs to stand beside them.
      if (type === OBJECT_TO_IDX.key || type === OBJECT_TO_IDX.ball || type === OBJECT_TO_IDX.box) continue;
      const x = Math.floor(cell / h);
      const y = cell - x * h;
      for (const [dx, dy] of NEIGHBORS) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        const next = nx * h + ny;
        if (seen[next] || next === blocked || !isNode(cells[next * 3])) continue;
        seen[next] = 1;
        stack[top++] = next;
      }
    }
    return count;
  }
}

function isNode(type: number): boolean {
  switch (type) {
    case OBJECT_TO_IDX.empty:
    case OBJECT_TO_IDX.floor:
    case OBJECT_TO_IDX.goal:
    case OBJECT_TO_IDX.door:
    case OBJECT_TO_IDX.key:
    case OBJECT_TO_IDX.ball:
    case OBJECT_TO_IDX.box:
      return true;
    default:
      return false;
  }
}
