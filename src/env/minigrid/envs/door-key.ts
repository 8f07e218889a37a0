/** DoorKey: pick up the key, unlock the door in the splitting wall, reach the goal behind it. */
import { Grid } from "../grid.ts";
import { MiniGridEnv, type MiniGridOptions } from "../minigrid-env.ts";
import { Door, Goal, Key } from "../objects.ts";

export interface DoorKeyOptions extends MiniGridOptions {
  size?: number;
}

export class DoorKeyEnv extends MiniGridEnv {
  goalPos: [number, number] = [-1, -1];
  /** The locked yellow door and its key; set by each reset. */
  door: Door | null = null;
  key: Key | null = null;
  /** The x of the splitting wall. */
  splitX = -1;

  constructor(options: DoorKeyOptions = {}) {
    const size = options.size ?? 8;
    super(
      { width: size, height: size, maxSteps: 10 * size * size },
      options,
      `MiniGrid-DoorKey-${size}x${size}-v0`,
    );
  }

  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height);
    this.grid.wallRect(0, 0, width, height);
    this.putObj(new Goal(), width - 2, height - 2);
    this.goalPos = [width - 2, height - 2];

    this.splitX = this.randInt(2, width - 2);
    this.grid.vertWall(this.splitX, 0);
    // The agent starts left of the wall, anywhere its placement finds free.
    this.placeAgent([0, 0], [this.splitX, height]);

    const doorY = this.randInt(1, height - 2);
    this.door = new Door("yellow", { isLocked: true });
    this.putObj(this.door, this.splitX, doorY);

    this.key = new Key("yellow");
    this.placeObj(this.key, [0, 0], [this.splitX, height]);
    this.mission = "use the key to open the door and then get to the goal";
  }
}
