/** LavaGap: a lava wall with a single gap stands between the agent and the goal. */
import { Grid } from "../grid.ts";
import { MiniGridEnv, type MiniGridOptions } from "../minigrid-env.ts";
import { Goal, Lava, Wall } from "../objects.ts";

export interface LavaGapOptions extends MiniGridOptions {
  size?: number;
  obstacleType?: "lava" | "wall";
}

export class LavaGapEnv extends MiniGridEnv {
  readonly obstacleType: "lava" | "wall";
  goalPos: [number, number] = [-1, -1];
  /** The opening in the lava wall. */
  gapPos: [number, number] = [-1, -1];

  constructor(options: LavaGapOptions = {}) {
    const size = options.size ?? 5;
    super({ width: size, height: size, maxSteps: 4 * size * size }, options, `MiniGrid-LavaGapS${size}-v0`);
    this.obstacleType = options.obstacleType ?? "lava";
  }

  protected genGrid(width: number, height: number): void {
    if (width < 5 || height < 5) throw new RangeError(`${this.id}: LavaGap needs a grid of at least 5x5`);
    this.grid = new Grid(width, height);
    this.grid.wallRect(0, 0, width, height);
    this.agentX = 1;
    this.agentY = 1;
    this.agentDir = 0;
    this.goalPos = [width - 2, height - 2];
    this.putObj(new Goal(), width - 2, height - 2);
    const gapX = this.randInt(2, width - 2);
    const gapY = this.randInt(1, height - 1);
    this.gapPos = [gapX, gapY];
    const lava = this.obstacleType === "lava";
    this.grid.vertWall(gapX, 1, height - 2, () => (lava ? new Lava() : new Wall()));
    this.grid.set(gapX, gapY, null);
    this.mission = lava
      ? "avoid the lava and get to the green goal square"
      : "find the opening and get to the green goal square";
  }
}
