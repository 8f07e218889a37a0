/**
 * MiniGrid's world objects, after Farama's `world_object.py`: each knows its encoding ([type, colour, state])
 * and its interaction rules (can the agent walk onto it, pick it up, see past it, and what toggling does).
 *
 * Objects know where they lie (`x`, `y`, kept by the Grid) so that a change of state, such as a door opening,
 * re-encodes its grid cell at once: the grid's `cells` array never goes stale.
 */
import { COLOR_TO_IDX, type ColorName, OBJECT_TO_IDX, type ObjectType, STATE_TO_IDX } from "./constants.ts";

/** The grid an object lies in, as far as the object needs to know it. */
export interface ObjectHome {
  set(x: number, y: number, obj: WorldObj | null): void;
  refresh(x: number, y: number): void;
}

/** What `toggle` may look at and change: the grid, and what the agent carries (a key opens a locked door). */
export interface ToggleContext {
  readonly carrying: WorldObj | null;
}

export type PlaceableType = Exclude<ObjectType, "unseen" | "empty" | "agent">;

export abstract class WorldObj {
  readonly typeIndex: number;
  readonly colorIndex: number;
  /** Where this object was first placed (Farama's `init_pos`); null until placed. */
  initPos: readonly [number, number] | null = null;
  /** The grid holding this object and its cell; x = y = -1 while carried or off the grid. */
  home: ObjectHome | null = null;
  x = -1;
  y = -1;

  constructor(
    readonly type: PlaceableType,
    readonly color: ColorName,
  ) {
    this.typeIndex = OBJECT_TO_IDX[type];
    this.colorIndex = COLOR_TO_IDX[color];
  }

  /** Where the object lies now, or null while carried (Farama's `cur_pos`). */
  get pos(): [number, number] | null {
    return this.x < 0 ? null : [this.x, this.y];
  }

  /** Can the agent stand on this cell? */
  canOverlap(): boolean {
    return false;
  }
  canPickup(): boolean {
    return false;
  }
  canContain(): boolean {
    return false;
  }
  /** Does sight pass through this cell? */
  seeBehind(): boolean {
    return true;
  }
  /** Acts on the object; returns whether anything happened. `x`, `y` is the object's cell. */
  toggle(_ctx: ToggleContext, _x: number, _y: number): boolean {
    return false;
  }

  /** The third encoding channel: a door's open/closed/locked state, 0 for everything else. */
  stateIndex(): number {
    return 0;
  }

  /** Farama's `encode()`: [type index, colour index, state]. */
  encode(): [number, number, number] {
    return [this.typeIndex, this.colorIndex, this.stateIndex()];
  }

  /** "yellow key", as missions and event texts name things. */
  describe(): string {
    return `${this.color} ${this.type}`;
  }

  /** Call after changing state that shows in the encoding, so the grid's cells follow. */
  protected changed(): void {
    if (this.home && this.x >= 0) this.home.refresh(this.x, this.y);
  }
}

export class Wall extends WorldObj {
  constructor(color: ColorName = "grey") {
    super("wall", color);
  }
  override seeBehind(): boolean {
    return false;
  }
}

/** A coloured floor tile the agent can walk over. */
export class Floor extends WorldObj {
  constructor(color: ColorName = "blue") {
    super("floor", color);
  }
  override canOverlap(): boolean {
    return true;
  }
}

/** Walking onto it ends the episode with the success reward. */
export class Goal extends WorldObj {
  constructor(color: ColorName = "green") {
    super("goal", color);
  }
  override canOverlap(): boolean {
    return true;
  }
}

/** Walking onto it ends the episode with no reward. */
export class Lava extends WorldObj {
  constructor() {
    super("lava", "red");
  }
  override canOverlap(): boolean {
    return true;
  }
}

export type DoorState = keyof typeof STATE_TO_IDX;

/** Open, closed or locked; a locked door opens only for a key of its colour, and then stays unlocked. */
export class Door extends WorldObj {
  private open: boolean;
  private locked: boolean;

  constructor(color: ColorName, options: { isOpen?: boolean; isLocked?: boolean } = {}) {
    super("door", color);
    this.open = options.isOpen ?? false;
    this.locked = options.isLocked ?? false;
  }

  get isOpen(): boolean {
    return this.open;
  }
  set isOpen(value: boolean) {
    this.open = value;
    this.changed();
  }
  get isLocked(): boolean {
    return this.locked;
  }
  set isLocked(value: boolean) {
    this.locked = value;
    this.changed();
  }
  get state(): DoorState {
    return this.open ? "open" : this.locked ? "locked" : "closed";
  }

  override canOverlap(): boolean {
    return this.open;
  }
  override seeBehind(): boolean {
    return this.open;
  }
  override toggle(ctx: ToggleContext, _x: number, _y: number): boolean {
    if (this.locked) {
      const held = ctx.carrying;
      if (held instanceof Key && held.color === this.color) {
        this.locked = false;
        this.open = true;
        this.changed();
        return true;
      }
      return false;
    }
    this.open = !this.open;
    this.changed();
    return true;
  }
  override stateIndex(): number {
    // Farama checks open first: a door flagged both open and locked encodes as open.
    return this.open ? STATE_TO_IDX.open : this.locked ? STATE_TO_IDX.locked : STATE_TO_IDX.closed;
  }
}

export class Key extends WorldObj {
  constructor(color: ColorName = "blue") {
    super("key", color);
  }
  override canPickup(): boolean {
    return true;
  }
}

export class Ball extends WorldObj {
  constructor(color: ColorName = "blue") {
    super("ball", color);
  }
  override canPickup(): boolean {
    return true;
  }
}

/** Can be picked up; toggling it replaces it by what it contains (possibly nothing). */
export class Box extends WorldObj {
  constructor(
    color: ColorName,
    public contains: WorldObj | null = null,
  ) {
    super("box", color);
  }
  override canPickup(): boolean {
    return true;
  }
  override canContain(): boolean {
    return true;
  }
  override toggle(_ctx: ToggleContext, x: number, y: number): boolean {
    this.home?.set(x, y, this.contains);
    return true;
  }
}

/** Builds an object from its encoding (Farama's `WorldObj.decode`); null for empty, unseen and agent cells. */
export function decodeObject(typeIndex: number, colorIndex: number, state: number): WorldObj | null {
  const color = (Object.keys(COLOR_TO_IDX) as ColorName[]).find((c) => COLOR_TO_IDX[c] === colorIndex);
  if (color === undefined) throw new RangeError(`unknown colour index ${colorIndex}`);
  switch (typeIndex) {
    case OBJECT_TO_IDX.unseen:
    case OBJECT_TO_IDX.empty:
    case OBJECT_TO_IDX.agent:
      return null;
    case OBJECT_TO_IDX.wall:
      return new Wall(color);
    case OBJECT_TO_IDX.floor:
      return new Floor(color);
    case OBJECT_TO_IDX.door:
      return new Door(color, {
        isOpen: state === STATE_TO_IDX.open,
        isLocked: state === STATE_TO_IDX.locked,
      });
    case OBJECT_TO_IDX.key:
      return new Key(color);
    case OBJECT_TO_IDX.ball:
      return new Ball(color);
    case OBJECT_TO_IDX.box:
      return new Box(color);
    case OBJECT_TO_IDX.goal:
      return new Goal();
    case OBJECT_TO_IDX.lava:
      return new Lava();
    default:
      throw new RangeError(`unknown object type index ${typeIndex}`);
  }
}
