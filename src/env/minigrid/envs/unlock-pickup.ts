/** UnlockPickup: unlock the door with the key, then pick up the box in the other room. */
import type { MiniGridOptions } from "../minigrid-env.ts";
import type { Key } from "../objects.ts";
import { RIGHT } from "../room-grid.ts";
import { TwoRoomsEnv } from "./two-rooms.ts";

export class UnlockPickupEnv extends TwoRoomsEnv {
  constructor(options: MiniGridOptions = {}) {
    super("MiniGrid-UnlockPickup-v0", 8, options);
  }

  protected override genGrid(width: number, height: number): void {
    super.genGrid(width, height);
    this.obj = this.addObject(1, 0, "box")[0];
    const [door] = this.addDoor(0, 0, RIGHT, undefined, true);
    this.door = door;
    this.key = this.addObject(0, 0, "key", door.color)[0] as Key;
    this.placeAgentInRoom(0, 0);
    this.mission = `pick up the ${this.obj.color} ${this.obj.type}`;
  }
}
