/** FourRooms: four rooms joined by one gap in each inner wall; the agent and the goal start anywhere. */
import { Grid } from "../grid.ts";
import { MiniGridEnv, type MiniGridOptions } from "../minigrid-env.ts";
import { Goal } from "../objects.ts";

export interface FourRoomsOptions extends MiniGridOptions {
  /** Fixed start cell (direction still random); default random. */
  agentPos?: readonly [number, number] | null;
  /** Fixed goal cell; default random. */
  goalPos?: readonly [number, number] | null;
}

const SIZE = 19;

export class FourRoomsEnv extends MiniGridEnv {
  private readonly defaultAgentPos: readonly [number, number] | null;
  private readonly defaultGoalPos: readonly [number, number] | null;
  goalPos: [number, number] = [-1, -1];

  constructor(options: FourRoomsOptions = {}) {
    super({ width: SIZE, height: SIZE, maxSteps: 100 }, options, "MiniGrid-FourRooms-v0");
    this.defaultAgentPos = options.agentPos ?? null;
    this.defaultGoalPos = options.goalPos ?? null;
  }

  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height);
    this.grid.horzWall(0, 0);
    this.grid.horzWall(0, height - 1);
    this.grid.vertWall(0, 0);
    this.grid.vertWall(width - 1, 0);

    const roomW = Math.floor(width / 2);
    const roomH = Math.floor(height / 2);
    for (let j = 0; j < 2; j++) {
      for (let i = 0; i < 2; i++) {
        const xL = i * roomW;
        const yT = j * roomH;
        const xR = xL + roomW;
        const yB = yT + roomH;
        if (i + 1 < 2) {
          this.grid.vertWall(xR, yT, roomH);
          this.grid.set(xR, this.randInt(yT + 1, yB), null);
        }
        if (j + 1 < 2) {
          this.grid.horzWall(xL, yB, roomW);
          this.grid.set(this.randInt(xL + 1, xR), yB, null);
        }
      }
    }

    if (this.defaultAgentPos !== null) {
      [this.agentX, this.agentY] = this.defaultAgentPos;
      this.grid.set(this.agentX, this.agentY, null);
      this.agentDir = this.randInt(0, 4);
    } else {
      this.placeAgent();
    }
    if (this.defaultGoalPos !== null) {
      this.putObj(new Goal(), this.defaultGoalPos[0], this.defaultGoalPos[1]);
      this.goalPos = [this.defaultGoalPos[0], this.defaultGoalPos[1]];
    } else {
      this.goalPos = this.placeObj(new Goal());
    }
    this.mission = "reach the goal";
  }
}
