/**
 * A MiniGrid env drawn as a picture, for planner tests: one character per cell.
 *   # wall   G goal   L lava   D closed yellow door   O open yellow door   X locked yellow door
 *   k yellow key   b blue ball   x blue box   . empty   > v < ^ the agent facing right, down, left, up
 */
import { Grid } from "../../../src/env/minigrid/grid.ts";
import { MiniGridEnv } from "../../../src/env/minigrid/minigrid-env.ts";
import { Ball, Box, Door, Goal, Key, Lava, Wall, type WorldObj } from "../../../src/env/minigrid/objects.ts";

const CELLS: Record<string, () => WorldObj | null> = {
  "#": () => new Wall(),
  G: () => new Goal(),
  L: () => new Lava(),
  D: () => new Door("yellow"),
  O: () => new Door("yellow", { isOpen: true }),
  X: () => new Door("yellow", { isLocked: true }),
  k: () => new Key("yellow"),
  b: () => new Ball("blue"),
  x: () => new Box("blue"),
  ".": () => null,
};
const AGENT = ">v<^";

export class PictureEnv extends MiniGridEnv {
  constructor(
    private readonly picture: readonly string[],
    readonly missionText = "test the planner",
    id = "Test-Picture-v0",
  ) {
    super({ width: picture[0].length, height: picture.length, maxSteps: 200 }, {}, id);
  }

  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const ch = this.picture[y][x];
        const dir = AGENT.indexOf(ch);
        if (dir >= 0) {
          this.agentPos = [x, y];
          this.agentDir = dir;
          continue;
        }
        const make = CELLS[ch];
        if (make === undefined) throw new Error(`unknown picture character "${ch}"`);
        const obj = make();
        if (obj !== null) this.putObj(obj, x, y);
      }
    }
    this.mission = this.missionText;
  }
}

/** A reset PictureEnv. */
export function picture(rows: readonly string[], mission?: string, id?: string): PictureEnv {
  const env = new PictureEnv(rows, mission, id);
  env.reset({ seed: 0 });
  return env;
}
