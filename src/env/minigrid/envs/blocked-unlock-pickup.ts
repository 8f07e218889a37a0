/** BlockedUnlockPickup: as UnlockPickup, but a ball blocks the door and must be moved first. */
import type { MiniGridOptions } from "../minigrid-env.ts";
import { Ball, type Key } from "../objects.ts";
import { RIGHT } from "../room-grid.ts";
import { TwoRoomsEnv } from "./two-rooms.ts";

export class BlockedUnlockPickupEnv extends TwoRoomsEnv {
  /** The ball in front of the door. */
  blocker: Ball | null = null;

  constructor(options: MiniGridOptions = {}) {
    super("MiniGrid-BlockedUnlockPickup-v0", 16, options);
  }

  protected override genGrid(width: number, height: number): void {
    super.genGrid(width, height);
    this.obj = this.addObject(1, 0, "box")[0];
    const [door, pos] = this.addDoor(0, 0, RIGHT, undefined, true);
    this.door = door;
    this.blocker = new Ball(this.randColor());
    this.grid.set(pos[0] - 1, pos[1], this.blocker);
    this.key = this.addObject(0, 0, "key", door.color)[0] as Key;
    this.placeAgentInRoom(0, 0);
    this.mission = `pick up the ${this.obj.color} ${this.obj.type}`;
  }
}
