/** Empty: an open room, the goal in the bottom-right corner; the agent starts top-left or at random. */
import { Grid } from "../grid.ts";
import { MiniGridEnv, type MiniGridOptions } from "../minigrid-env.ts";
import { Goal } from "../objects.ts";

export interface EmptyOptions extends MiniGridOptions {
  size?: number;
  /** Fixed start cell; null places the agent (and its direction) at random. Default [1, 1]. */
  agentStartPos?: readonly [number, number] | null;
  agentStartDir?: number;
}

export class EmptyEnv extends MiniGridEnv {
  readonly agentStartPos: readonly [number, number] | null;
  readonly agentStartDir: number;
  goalPos: [number, number] = [-1, -1];

  constructor(options: EmptyOptions = {}) {
    const size = options.size ?? 8;
    super(
      { width: size, height: size, maxSteps: 4 * size * size, seeThroughWalls: true },
      options,
      `MiniGrid-Empty-${size}x${size}-v0`,
    );
    this.agentStartPos = options.agentStartPos === undefined ? [1, 1] : options.agentStartPos;
    this.agentStartDir = options.agentStartDir ?? 0;
  }

  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height);
    this.grid.wallRect(0, 0, width, height);
    this.putObj(new Goal(), width - 2, height - 2);
    this.goalPos = [width - 2, height - 2];
    if (this.agentStartPos !== null) {
      [this.agentX, this.agentY] = this.agentStartPos;
      this.agentDir = this.agentStartDir;
    } else {
      this.placeAgent();
    }
    this.mission = "get to the green goal square";
  }
}
