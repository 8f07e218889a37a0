/**
 * Shortest paths for a MiniGrid agent over its poses (x, y, direction), where turning left, turning right
 * and moving forward each cost one step, exactly as the env counts them.
 *
 * A closed door is passable at the price of the toggle that opens it, and so is a locked door when the agent
 * carries its key; walls and lava never are. With `moveObstacles`, a key, ball or box in the way is passable
 * too, at the price of carrying it aside: that is how the expert finds the ball blocking BlockedUnlockPickup's
 * door, or an object a noisy step dropped in a corridor.
 *
 * Edge costs are small integers, so Dijkstra runs on a bucket queue; buffers are reused between calls,
 * because the expert re-plans from the current state on every step.
 */
import { Actions, DIR_TO_VEC, OBJECT_TO_IDX, STATE_TO_IDX } from "../../env/minigrid/constants.ts";
import type { MiniGridEnv } from "../../env/minigrid/minigrid-env.ts";

const DX = DIR_TO_VEC.map((v) => v[0]);
const DY = DIR_TO_VEC.map((v) => v[1]);

/**
 * The steps that moving an obstacle aside takes at least (pick up, turn, drop, turn back, step): high enough
 * that the planner walks around an object whenever it can, low enough to prefer it to a long detour.
 */
export const CLEAR_COST = 5;

/** How a path leaves a pose: a turn, a step, a door toggled open then stepped through, an object moved. */
export type EdgeKind = "left" | "right" | "forward" | "open" | "clear";

export interface PlanOptions {
  /** Whether closed doors (and locked ones, with their key in hand) may be toggled open on the way. */
  openDoors: boolean;
  /** Whether keys, balls and boxes in the way may be carried aside. */
  moveObstacles: boolean;
}

export const DEFAULT_PLAN_OPTIONS: PlanOptions = { openDoors: true, moveObstacles: false };

/** Does the pose (x, y, dir) complete the plan? */
export type PoseTest = (x: number, y: number, dir: number) => boolean;

export interface Plan {
  /** Steps the path takes (an opened door counts its toggle, a moved obstacle CLEAR_COST). */
  cost: number;
  /** How the path starts; null when the agent's pose already passes the test. */
  first: EdgeKind | null;
  /** The action that starts the path; null for "clear" (pick up or drop first: the caller knows) and at the goal. */
  action: number | null;
  /** The first obstacle the path moves aside, if any. */
  obstacle: [number, number] | null;
  /** The pose that passes the test. */
  end: [number, number, number];
  /** The cells the path enters, as x * height + y, in order (the start cell excluded). */
  cells: number[];
}

const EDGE_ACTION: Record<EdgeKind, number | null> = {
  left: Actions.left,
  right: Actions.right,
  forward: Actions.forward,
  open: Actions.toggle,
  clear: null,
};
// Edges are stored as their index in EDGE_KINDS.
const EDGE_KINDS: readonly EdgeKind[] = ["left", "right", "forward", "open", "clear"];
const [LEFT, RIGHT, FORWARD, OPEN, CLEAR] = [0, 1, 2, 3, 4];

export class PosePlanner {
  private dist = new Int32Array(0);
  private parent = new Int32Array(0);
  private edge = new Uint8Array(0);
  private buckets: number[][] = [];

  /**
   * The cheapest path to a pose passing `done`, or null if none exists. It starts from the agent's pose, or
   * from `startDir` instead of the agent's direction when given.
   */
  plan(
    env: MiniGridEnv,
    done: PoseTest,
    options: PlanOptions = DEFAULT_PLAN_OPTIONS,
    startDir = env.agentDir,
  ): Plan | null {
    const { width: w, height: h, cells } = env.grid;
    const states = w * h * 4;
    this.ensure(states);
    const { dist, parent, buckets } = this;
    dist.fill(-1, 0, states);
    const heldKeyColor = env.carrying?.type === "key" ? env.carrying.colorIndex : -1;

    const start = (env.agentX * h + env.agentY) * 4 + startDir;
    dist[start] = 0;
    parent[start] = -1;
    for (const b of buckets) b.length = 0;
    this.bucket(0).push(start);

    for (let cost = 0; cost < buckets.length; cost++) {
      const bucket = buckets[cost];
      for (let k = 0; k < bucket.length; k++) {
        const s = bucket[k];
        if (dist[s] !== cost) continue; // reached more cheaply since it was queued
        const dir = s & 3;
        const cell = s >> 2;
        const x = Math.floor(cell / h);
        const y = cell - x * h;
        if (done(x, y, dir)) return this.trace(s, h);

        this.relax(s, (cell << 2) | ((dir + 3) & 3), cost + 1, LEFT);
        this.relax(s, (cell << 2) | ((dir + 1) & 3), cost + 1, RIGHT);
        const fx = x + DX[dir];
        const fy = y + DY[dir];
        if (fx < 0 || fy < 0 || fx >= w || fy >= h) continue;
        const o = (fx * h + fy) * 3;
        const next = ((fx * h + fy) << 2) | dir;
        switch (cells[o]) {
          case OBJECT_TO_IDX.empty:
          case OBJECT_TO_IDX.floor:
          case OBJECT_TO_IDX.goal:
            this.relax(s, next, cost + 1, FORWARD);
            break;
          case OBJECT_TO_IDX.door: {
            const state = cells[o + 2];
            if (state === STATE_TO_IDX.open) this.relax(s, next, cost + 1, FORWARD);
            else if (options.openDoors && (state === STATE_TO_IDX.closed || cells[o + 1] === heldKeyColor)) {
              this.relax(s, next, cost + 2, OPEN);
            }
            break;
          }
          case OBJECT_TO_IDX.key:
          case OBJECT_TO_IDX.ball:
          case OBJECT_TO_IDX.box:
            if (options.moveObstacles) this.relax(s, next, cost + CLEAR_COST, CLEAR);
            break;
          default:
          // walls and lava: never
        }
      }
    }
    return null;
  }

  private relax(from: number, to: number, cost: number, kind: number): void {
    const known = this.dist[to];
    if (known !== -1 && known <= cost) return;
    this.dist[to] = cost;
    this.parent[to] = from;
    this.edge[to] = kind;
    this.bucket(cost).push(to);
  }

  private bucket(cost: number): number[] {
    while (this.buckets.length <= cost) this.buckets.push([]);
    return this.buckets[cost];
  }

  /** Walks back from the goal pose to the start to find the first edge and the first obstacle. */
  private trace(goal: number, h: number): Plan {
    const toPose = (s: number): [number, number, number] => {
      const cell = s >> 2;
      const x = Math.floor(cell / h);
      return [x, cell - x * h, s & 3];
    };
    let first: EdgeKind | null = null;
    let obstacle: [number, number] | null = null;
    const cells: number[] = [];
    // Walking backwards, the last edge seen is the path's first one, and likewise the last obstacle.
    for (let s = goal; this.parent[s] !== -1; s = this.parent[s]) {
      first = EDGE_KINDS[this.edge[s]];
      if (first !== "left" && first !== "right") cells.push(s >> 2);
      if (first === "clear") {
        const [x, y] = toPose(s);
        obstacle = [x, y];
      }
    }
    return {
      cost: this.dist[goal],
      first,
      action: first === null ? null : EDGE_ACTION[first],
      obstacle,
      end: toPose(goal),
      cells: cells.reverse(),
    };
  }

  private ensure(states: number): void {
    if (this.dist.length >= states) return;
    this.dist = new Int32Array(states);
    this.parent = new Int32Array(states);
    this.edge = new Uint8Array(states);
  }
}

/** Pose tests for the usual targets. */
export const standOn =
  (tx: number, ty: number): PoseTest =>
  (x, y) =>
    x === tx && y === ty;

export const facing =
  (tx: number, ty: number): PoseTest =>
  (x, y, dir) =>
    x + DX[dir] === tx && y + DY[dir] === ty;
