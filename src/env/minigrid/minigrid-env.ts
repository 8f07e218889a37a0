/**
 * The MiniGrid environment base, with Farama MiniGrid 3.1.0's semantics step for step: seven actions, a
 * partially observed 7×7 egocentric view, the success reward `1 - 0.9 * stepCount / maxSteps`, lava that
 * ends the episode, and truncation at `maxSteps`. A concrete env only writes `genGrid` (the layout, drawn
 * from the numpy-exact generator in the same call order as Farama) and, if it has its own success rule,
 * overrides `doStep`.
 *
 * `info.events` reports ground-truth happenings (picked up the key, opened the door, reached the goal) on the
 * steps where they happen, for evaluation only.
 */
import type { Frame } from "../../image/frame.ts";
import {
  BaseEnv,
  EnvError,
  type EnvEvent,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from "../core.ts";
import { Box as BoxSpace, DictSpace, Discrete, TextSpace } from "../spaces.ts";
import {
  Actions,
  COLOR_NAMES,
  type ColorName,
  DIR_TO_VEC,
  OBJECT_TO_IDX,
  STATE_TO_IDX,
} from "./constants.ts";
import { Grid } from "./grid.ts";
import type { WorldObj } from "./objects.ts";
import { renderTiles } from "./render.ts";
import { defaultRng, type NumpyGenerator } from "./rng.ts";
import { type AgentView, createAgentView, egocentricView, highlightMask } from "./view.ts";

// A type alias (not an interface) so it satisfies DictSpace's Record<string, unknown> constraint.
export type MiniGridObs = {
  /** agentViewSize² cells × [type, colour, state], index (i * v + j) * 3 + k (obs['image'][i][j][k]). */
  image: Uint8Array;
  /** The agent's direction: 0 right, 1 down, 2 left, 3 up. */
  direction: number;
  mission: string;
};

export interface MiniGridOptions {
  /** The registry id; defaults to the class's Farama id. */
  id?: string;
  maxSteps?: number;
  seeThroughWalls?: boolean;
  agentViewSize?: number;
  /** Pixels per cell for render() (Farama's tile_size, default 32). */
  tileSize?: number;
  /** Whether render() highlights the cells the agent sees (default true). */
  highlight?: boolean;
  /** Whether render() draws the agent's view instead of the whole grid (default false). */
  agentPov?: boolean;
}

/** Geometry the base constructor needs; subclasses fill it from their own options. */
export interface MiniGridShape {
  width: number;
  height: number;
  maxSteps: number;
  seeThroughWalls?: boolean;
}

/** A place_obj rejection rule: true rejects the cell. */
export type RejectFn = (x: number, y: number) => boolean;

// Direction vectors split by component, for the step hot path.
const DX = DIR_TO_VEC.map((v) => v[0]);
const DY = DIR_TO_VEC.map((v) => v[1]);
const DOOR = OBJECT_TO_IDX.door;
const GOAL = OBJECT_TO_IDX.goal;
const LAVA = OBJECT_TO_IDX.lava;
const EMPTY = OBJECT_TO_IDX.empty;
const FLOOR = OBJECT_TO_IDX.floor;
const DOOR_OPEN = STATE_TO_IDX.open;
// Actions as module constants: switch cases on plain numbers stay cheap on the hot path.
const LEFT = Actions.left;
const RIGHT = Actions.right;
const FORWARD = Actions.forward;
const PICKUP = Actions.pickup;
const DROP = Actions.drop;
const TOGGLE = Actions.toggle;
const DONE = Actions.done;
/** Observation images are views into shared chunks: one small allocation per chunk, not per step. */
const IMAGES_PER_CHUNK = 256;

export abstract class MiniGridEnv extends BaseEnv<MiniGridObs, number> {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly maxSteps: number;
  readonly seeThroughWalls: boolean;
  readonly agentViewSize: number;
  readonly tileSize: number;
  readonly highlight: boolean;
  readonly agentPov: boolean;
  readonly actionSpace = new Discrete(7);
  readonly observationSpace: DictSpace<MiniGridObs>;

  grid: Grid;
  /** The agent's cell; (-1, -1) before the layout places it. */
  agentX = -1;
  agentY = -1;
  agentDir = -1;
  carrying: WorldObj | null = null;
  mission = "";
  stepCount = 0;

  /** numpy's default_rng, reseeded by reset({ seed }) and continued by seedless resets. */
  protected rng: NumpyGenerator | null = null;
  private readonly view: AgentView;
  /** Like `view`, but its image is swapped for a fresh one before each observation. */
  private readonly obsView: AgentView;
  private imageChunk: ArrayBuffer = new ArrayBuffer(0);
  private imageOffset = 0;
  private readonly carried: [number, number, number] = [0, 0, 0];

  constructor(shape: MiniGridShape, options: MiniGridOptions, defaultId: string) {
    super();
    this.id = options.id ?? defaultId;
    this.width = shape.width;
    this.height = shape.height;
    this.maxSteps = options.maxSteps ?? shape.maxSteps;
    if (!Number.isInteger(this.maxSteps) || this.maxSteps < 1) {
      throw new EnvError(`${this.id}: maxSteps must be a positive integer, got ${this.maxSteps}`);
    }
    this.seeThroughWalls = options.seeThroughWalls ?? shape.seeThroughWalls ?? false;
    this.agentViewSize = options.agentViewSize ?? 7;
    if (!Number.isInteger(this.agentViewSize) || this.agentViewSize < 3 || this.agentViewSize % 2 === 0) {
      throw new EnvError(`${this.id}: agentViewSize must be an odd integer >= 3, got ${this.agentViewSize}`);
    }
    this.tileSize = options.tileSize ?? 32;
    this.highlight = options.highlight ?? true;
    this.agentPov = options.agentPov ?? false;
    this.metadata = { renderFps: 10, tileSize: this.tileSize };
    const v = this.agentViewSize;
    this.observationSpace = new DictSpace<MiniGridObs>({
      image: new BoxSpace(0, 255, [v, v, 3], "uint8") as unknown as DictSpace<MiniGridObs>["spaces"]["image"],
      direction: new Discrete(4),
      mission: new TextSpace(),
    });
    this.grid = new Grid(this.width, this.height);
    this.view = createAgentView(v);
    this.obsView = createAgentView(v);
  }

  /** Builds the layout: the grid, the agent's pose and the mission, drawing only from `this.random`. */
  protected abstract genGrid(width: number, height: number): void;

  // ---- lifecycle ------------------------------------------------------------------------------------------

  protected doReset(options: ResetOptions): ResetResult<MiniGridObs> {
    if (options.seed !== undefined) this.rng = defaultRng(options.seed);
    // Gymnasium seeds from OS entropy when the first reset has no seed.
    else if (this.rng === null) this.rng = defaultRng(Math.floor(Math.random() * 2 ** 32));
    this.agentX = -1;
    this.agentY = -1;
    this.agentDir = -1;
    this.genGrid(this.width, this.height);
    if (this.agentX < 0 || this.agentY < 0 || this.agentDir < 0) {
      throw new EnvError(
        `${this.id}: genGrid did not place the agent (pos ${this.agentX},${this.agentY} dir ${this.agentDir})`,
      );
    }
    const start = this.grid.get(this.agentX, this.agentY);
    if (start !== null && !start.canOverlap()) {
      throw new EnvError(`${this.id}: genGrid put the agent on a ${start.type}`);
    }
    this.carrying = null;
    this.stepCount = 0;
    return { obs: this.genObs(), info: {} };
  }

  protected doStep(action: number): StepResult<MiniGridObs> {
    this.stepCount++;
    let reward = 0;
    let terminated = false;
    let events: EnvEvent[] | undefined;
    const grid = this.grid;
    const fx = this.agentX + DX[this.agentDir];
    const fy = this.agentY + DY[this.agentDir];
    const cellType = grid.typeAt(fx, fy);

    switch (action) {
      case LEFT:
        this.agentDir = (this.agentDir + 3) % 4;
        break;
      case RIGHT:
        this.agentDir = (this.agentDir + 1) % 4;
        break;
      case FORWARD: {
        const o = (fx * grid.height + fy) * 3;
        const walkable =
          cellType === EMPTY ||
          cellType === GOAL ||
          cellType === LAVA ||
          cellType === FLOOR ||
          (cellType === DOOR && grid.cells[o + 2] === DOOR_OPEN);
        if (walkable) {
          this.agentX = fx;
          this.agentY = fy;
        }
        if (cellType === GOAL) {
          terminated = true;
          reward = this.successReward();
          events = [
            { type: "goal", object: "goal", color: "green", text: "reached the goal" },
            { type: "success", text: `completed the mission: ${this.mission}` },
          ];
        } else if (cellType === LAVA) {
          terminated = true;
          events = [{ type: "lava", object: "lava", color: "red", text: "stepped into lava" }];
        }
        break;
      }
      case PICKUP: {
        const obj = cellType === EMPTY ? null : grid.get(fx, fy);
        if (obj?.canPickup() && this.carrying === null) {
          this.carrying = obj;
          grid.set(fx, fy, null);
          events = [
            { type: "pickup", object: obj.type, color: obj.color, text: `picked up the ${obj.describe()}` },
          ];
        }
        break;
      }
      case DROP: {
        const held = this.carrying;
        if (cellType === EMPTY && held !== null) {
          grid.set(fx, fy, held);
          this.carrying = null;
          events = [
            { type: "drop", object: held.type, color: held.color, text: `dropped the ${held.describe()}` },
          ];
        }
        break;
      }
      case TOGGLE: {
        const obj = cellType === EMPTY ? null : grid.get(fx, fy);
        if (obj !== null) {
          const before = grid.cells[(fx * grid.height + fy) * 3 + 2];
          if (obj.toggle(this, fx, fy)) events = toggleEvents(obj, before);
        }
        break;
      }
      case DONE:
        events = [{ type: "done", text: "declared the task done" }];
        break;
      default:
        throw new EnvError(
          `${this.id}: unknown action ${action}; actions are 0..6 (${Object.keys(Actions).join(", ")})`,
        );
    }

    const truncated = this.stepCount >= this.maxSteps;
    const info = events === undefined ? {} : { events };
    return { obs: this.genObs(), reward, terminated, truncated, info };
  }

  /** Farama's `_reward()`: 1 - 0.9 * (stepCount / maxSteps). */
  protected successReward(): number {
    return 1 - 0.9 * (this.stepCount / this.maxSteps);
  }

  /** Ends the episode as a success with the usual reward (the env-specific rules of Unlock, KeyCorridor...). */
  protected succeed(result: StepResult<MiniGridObs>): void {
    result.reward = this.successReward();
    result.terminated = true;
    MiniGridEnv.addEvent(result, { type: "success", text: `completed the mission: ${this.mission}` });
  }

  /** Adds an event to a step result built by the base class. */
  protected static addEvent(result: StepResult<MiniGridObs>, event: EnvEvent): void {
    if (result.info.events) result.info.events.push(event);
    else result.info = { ...result.info, events: [event] };
  }

  // ---- observation and rendering ---------------------------------------------------------------------------

  /** The agent's observation now (Farama's `gen_obs`); the image is a fresh array each call. */
  genObs(): MiniGridObs {
    const out = this.obsView;
    out.image = this.freshImage();
    this.computeView(out);
    return { image: out.image, direction: this.agentDir, mission: this.mission };
  }

  /** A zeroed image the caller may keep: a view into a chunk shared with up to 255 other observations. */
  private freshImage(): Uint8Array {
    const bytes = this.agentViewSize * this.agentViewSize * 3;
    if (this.imageOffset + bytes > this.imageChunk.byteLength) {
      this.imageChunk = new ArrayBuffer(bytes * IMAGES_PER_CHUNK);
      this.imageOffset = 0;
    }
    const image = new Uint8Array(this.imageChunk, this.imageOffset, bytes);
    this.imageOffset += bytes;
    return image;
  }

  /** The egocentric view and visibility mask, in reused buffers (valid until the next call) unless `out` is given. */
  computeView(out: AgentView = this.view): AgentView {
    let carried: [number, number, number] | null = null;
    const held = this.carrying;
    if (held !== null) {
      carried = this.carried;
      carried[0] = held.typeIndex;
      carried[1] = held.colorIndex;
      carried[2] = held.stateIndex();
    }
    return egocentricView(
      this.grid,
      this.agentX,
      this.agentY,
      this.agentDir,
      this.agentViewSize,
      this.seeThroughWalls,
      carried,
      out,
    );
  }

  /** Farama's `render()` in rgb_array mode, with this env's tileSize / highlight / agentPov settings. */
  render(): Frame {
    return this.getFrame({ highlight: this.highlight, tileSize: this.tileSize, agentPov: this.agentPov });
  }

  /**
   * The whole grid with the agent (its view highlighted unless `highlight` is false), or with `agentPov`
   * the agent's view itself, the agent at the bottom middle facing up (RGBImgPartialObsWrapper's image).
   */
  getFrame(options: { highlight?: boolean; tileSize?: number; agentPov?: boolean } = {}): Frame {
    const tileSize = options.tileSize ?? this.tileSize;
    const view = this.computeView();
    const v = this.agentViewSize;
    if (options.agentPov) {
      return renderTiles({
        width: v,
        height: v,
        cells: view.image,
        agentX: v >> 1,
        agentY: v - 1,
        agentDir: 3,
        highlight: view.visMask,
        tileSize,
      });
    }
    const highlight =
      (options.highlight ?? true)
        ? highlightMask(this.grid, this.agentX, this.agentY, this.agentDir, v, view.visMask)
        : null;
    return renderTiles({
      width: this.width,
      height: this.height,
      cells: this.grid.cells,
      agentX: this.agentX,
      agentY: this.agentY,
      agentDir: this.agentDir,
      highlight,
      tileSize,
    });
  }

  // ---- state a planner reads -------------------------------------------------------------------------------

  get agentPos(): [number, number] {
    return [this.agentX, this.agentY];
  }
  set agentPos(pos: readonly [number, number]) {
    this.agentX = pos[0];
    this.agentY = pos[1];
  }

  /** The cell the agent faces. */
  get frontPos(): [number, number] {
    return [this.agentX + DX[this.agentDir], this.agentY + DY[this.agentDir]];
  }

  get stepsRemaining(): number {
    return this.maxSteps - this.stepCount;
  }

  /** A text picture of the grid with the agent as >, V, <, ^ (Farama's `pprint_grid`). */
  pprintGrid(): string {
    const rows = this.grid.toString().split("\n");
    if (this.agentY >= 0 && this.agentDir >= 0) {
      const row = rows[this.agentY];
      const mark = ">V<^"[this.agentDir].repeat(2);
      rows[this.agentY] = row.slice(0, 2 * this.agentX) + mark + row.slice(2 * this.agentX + 2);
    }
    return rows.join("\n");
  }

  // ---- random layout helpers, in Farama's call order ------------------------------------------------------

  /** The generator; reset() creates it, so genGrid can always use it. */
  protected get random(): NumpyGenerator {
    if (this.rng === null) throw new EnvError(`${this.id}: no random generator yet; call reset() first`);
    return this.rng;
  }

  /** A uniform integer in [low, high) (Farama's `_rand_int`). */
  protected randInt(low: number, high: number): number {
    return this.random.integers(low, high);
  }

  /** Farama's `_rand_bool`: integers(0, 2) == 0. */
  protected randBool(): boolean {
    return this.random.integers(0, 2) === 0;
  }

  protected randElem<T>(items: readonly T[]): T {
    return items[this.random.integers(0, items.length)];
  }

  /** `count` distinct elements, drawn one by one with removal (Farama's `_rand_subset`). */
  protected randSubset<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < count) {
      const elem = this.randElem(pool);
      pool.splice(pool.indexOf(elem), 1);
      out.push(elem);
    }
    return out;
  }

  /** A colour from the alphabetical COLOR_NAMES (not the encoding order). */
  protected randColor(): ColorName {
    return this.randElem(COLOR_NAMES);
  }

  /** (integers(xLow, xHigh), integers(yLow, yHigh)), x first. */
  protected randPos(xLow: number, xHigh: number, yLow: number, yHigh: number): [number, number] {
    const x = this.random.integers(xLow, xHigh);
    return [x, this.random.integers(yLow, yHigh)];
  }

  /**
   * Puts `obj` (or, with null, nothing: used to pick the agent's cell) in a random empty cell of the
   * rectangle at `top` of `size` (Farama's `place_obj`). Each try draws x then y; tries that land on an
   * object, on the agent or on a cell `reject` refuses are discarded.
   */
  placeObj(
    obj: WorldObj | null,
    top: readonly [number, number] = [0, 0],
    size: readonly [number, number] = [this.grid.width, this.grid.height],
    reject?: RejectFn,
    maxTries = Number.POSITIVE_INFINITY,
  ): [number, number] {
    const tx = Math.max(top[0], 0);
    const ty = Math.max(top[1], 0);
    const xHigh = Math.min(tx + size[0], this.grid.width);
    const yHigh = Math.min(ty + size[1], this.grid.height);
    let tries = 0;
    for (;;) {
      if (tries > maxTries) throw new EnvError(`${this.id}: rejection sampling failed in placeObj`);
      tries++;
      const x = this.random.integers(tx, xHigh);
      const y = this.random.integers(ty, yHigh);
      if (this.grid.get(x, y) !== null) continue;
      if (x === this.agentX && y === this.agentY) continue;
      if (reject?.(x, y)) continue;
      if (obj !== null) {
        this.grid.set(x, y, obj);
        obj.initPos = [x, y];
      }
      return [x, y];
    }
  }

  /** Puts `obj` at (x, y) (Farama's `put_obj`). */
  putObj(obj: WorldObj, x: number, y: number): void {
    this.grid.set(x, y, obj);
    obj.initPos = [x, y];
  }

  /** Places the agent in a random empty cell of the rectangle, then draws its direction (Farama's `place_agent`). */
  placeAgent(
    top?: readonly [number, number],
    size?: readonly [number, number],
    randDir = true,
    maxTries = Number.POSITIVE_INFINITY,
  ): [number, number] {
    this.agentX = -1;
    this.agentY = -1;
    const [x, y] = this.placeObj(null, top, size, undefined, maxTries);
    this.agentX = x;
    this.agentY = y;
    if (randDir) this.agentDir = this.randInt(0, 4);
    return [x, y];
  }
}

/** Events for a successful toggle, given the cell's encoded state before it. */
function toggleEvents(obj: WorldObj, stateBefore: number): EnvEvent[] {
  const what = obj.describe();
  const base = { object: obj.type, color: obj.color };
  if (obj.type === "door") {
    if (stateBefore === STATE_TO_IDX.locked) {
      return [
        { type: "unlock", ...base, text: `unlocked the ${what}` },
        { type: "open", ...base, text: `opened the ${what}` },
      ];
    }
    return stateBefore === STATE_TO_IDX.open
      ? [{ type: "close", ...base, text: `closed the ${what}` }]
      : [{ type: "open", ...base, text: `opened the ${what}` }];
  }
  return [{ type: "open", ...base, text: `opened the ${what}` }];
}
