/** GoToDoor: four doors of different colours; stand next to the named one and choose `done`. */
import type { StepResult } from "../../core.ts";
import { Actions, COLOR_NAMES, type ColorName } from "../constants.ts";
import { Grid } from "../grid.ts";
import { MiniGridEnv, type MiniGridObs, type MiniGridOptions } from "../minigrid-env.ts";
import { Door } from "../objects.ts";

export interface GoToDoorOptions extends MiniGridOptions {
  size?: number;
}

export class GoToDoorEnv extends MiniGridEnv {
  /** The door to stand next to. */
  targetPos: [number, number] = [-1, -1];
  targetColor: ColorName = "red";
  /** The four doors: top, bottom, left, right wall. */
  doorPos: [number, number][] = [];

  constructor(options: GoToDoorOptions = {}) {
    const size = options.size ?? 5;
    if (size < 5) throw new RangeError(`GoToDoor needs size >= 5, got ${size}`);
    super(
      { width: size, height: size, maxSteps: 4 * size * size, seeThroughWalls: true },
      options,
      `MiniGrid-GoToDoor-${size}x${size}-v0`,
    );
  }

  protected genGrid(gridWidth: number, gridHeight: number): void {
    this.grid = new Grid(gridWidth, gridHeight);
    // The room itself is a random size up to the grid's.
    const width = this.randInt(5, gridWidth + 1);
    const height = this.randInt(5, gridHeight + 1);
    this.grid.wallRect(0, 0, width, height);

    this.doorPos = [
      [this.randInt(2, width - 2), 0],
      [this.randInt(2, width - 2), height - 1],
      [0, this.randInt(2, height - 2)],
      [width - 1, this.randInt(2, height - 2)],
    ];
    const colors: ColorName[] = [];
    while (colors.length < this.doorPos.length) {
      const color = this.randElem(COLOR_NAMES);
      if (!colors.includes(color)) colors.push(color);
    }
    this.doorPos.forEach(([x, y], k) => {
      this.grid.set(x, y, new Door(colors[k]));
    });

    this.placeAgent([0, 0], [width, height]);
    const target = this.randInt(0, this.doorPos.length);
    this.targetPos = this.doorPos[target];
    this.targetColor = colors[target];
    this.mission = `go to the ${this.targetColor} door`;
  }

  protected override doStep(action: number): StepResult<MiniGridObs> {
    const result = super.doStep(action);
    // Opening doors is not allowed: toggling ends the episode.
    if (action === Actions.toggle) result.terminated = true;
    if (action === Actions.done) {
      const [tx, ty] = this.targetPos;
      const ax = this.agentX;
      const ay = this.agentY;
      if ((ax === tx && Math.abs(ay - ty) === 1) || (ay === ty && Math.abs(ax - tx) === 1))
        this.succeed(result);
      result.terminated = true;
    }
    return result;
  }
}
