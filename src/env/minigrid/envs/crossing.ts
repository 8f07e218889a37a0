/**
 * LavaCrossing / SimpleCrossing: rivers of lava (or walls) cross the room, each with one opening; reach the
 * goal in the far corner. Rivers and openings are drawn with numpy's shuffle and choice, as Farama does.
 */
import { Grid } from "../grid.ts";
import { MiniGridEnv, type MiniGridOptions } from "../minigrid-env.ts";
import { Goal, Lava, Wall, type WorldObj } from "../objects.ts";

export type ObstacleType = "lava" | "wall";

export interface CrossingOptions extends MiniGridOptions {
  /** Odd grid size. */
  size?: number;
  numCrossings?: number;
  obstacleType?: ObstacleType;
}

const VERTICAL = "v";
const HORIZONTAL = "h";
type RiverDirection = typeof VERTICAL | typeof HORIZONTAL;

export class CrossingEnv extends MiniGridEnv {
  readonly numCrossings: number;
  readonly obstacleType: ObstacleType;
  goalPos: [number, number] = [-1, -1];

  constructor(options: CrossingOptions = {}) {
    const size = options.size ?? 9;
    const numCrossings = options.numCrossings ?? 1;
    const obstacleType = options.obstacleType ?? "lava";
    if (obstacleType !== "lava" && obstacleType !== "wall") {
      throw new RangeError(`unknown obstacleType "${obstacleType}"; expected "lava" or "wall"`);
    }
    const family = obstacleType === "lava" ? "LavaCrossing" : "SimpleCrossing";
    super(
      { width: size, height: size, maxSteps: 4 * size * size },
      options,
      `MiniGrid-${family}S${size}N${numCrossings}-v0`,
    );
    this.numCrossings = numCrossings;
    this.obstacleType = obstacleType;
  }

  private makeObstacle(): WorldObj {
    return this.obstacleType === "lava" ? new Lava() : new Wall();
  }

  protected genGrid(width: number, height: number): void {
    if (width % 2 !== 1 || height % 2 !== 1) throw new RangeError(`${this.id}: the grid size must be odd`);
    this.grid = new Grid(width, height);
    this.grid.wallRect(0, 0, width, height);
    this.agentX = 1;
    this.agentY = 1;
    this.agentDir = 0;
    this.putObj(new Goal(), width - 2, height - 2);
    this.goalPos = [width - 2, height - 2];

    // Candidate rivers, vertical ones first (Farama's order), shuffled; keep the first numCrossings.
    let rivers: [RiverDirection, number][] = [];
    for (let i = 2; i < height - 2; i += 2) rivers.push([VERTICAL, i]);
    for (let j = 2; j < width - 2; j += 2) rivers.push([HORIZONTAL, j]);
    this.random.shuffle(rivers);
    rivers = rivers.slice(0, this.numCrossings);
    const riversV = rivers
      .filter((r) => r[0] === VERTICAL)
      .map((r) => r[1])
      .sort((a, b) => a - b);
    const riversH = rivers
      .filter((r) => r[0] === HORIZONTAL)
      .map((r) => r[1])
      .sort((a, b) => a - b);
    for (const y of riversH) for (let x = 1; x < width - 1; x++) this.putObj(this.makeObstacle(), x, y);
    for (const x of riversV) for (let y = 1; y < height - 1; y++) this.putObj(this.makeObstacle(), x, y);

    // The order in which the path crosses the rivers, then one opening per crossing.
    const path: RiverDirection[] = [
      ...riversV.map((): RiverDirection => HORIZONTAL),
      ...riversH.map((): RiverDirection => VERTICAL),
    ];
    this.random.shuffle(path);
    const limitsV = [0, ...riversV, height - 1];
    const limitsH = [0, ...riversH, width - 1];
    let roomI = 0;
    let roomJ = 0;
    for (const direction of path) {
      let x: number;
      let y: number;
      if (direction === HORIZONTAL) {
        x = limitsV[roomI + 1];
        y = this.random.choiceRange(limitsH[roomJ] + 1, limitsH[roomJ + 1]);
        roomI++;
      } else {
        x = this.random.choiceRange(limitsV[roomI] + 1, limitsV[roomI + 1]);
        y = limitsH[roomJ + 1];
        roomJ++;
      }
      this.grid.set(x, y, null);
    }
    this.mission =
      this.obstacleType === "lava"
        ? "avoid the lava and get to the green goal square"
        : "find the opening and get to the green goal square";
  }
}
