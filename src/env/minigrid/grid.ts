/**
 * The MiniGrid grid: a width × height array of world objects (null = empty), after Farama's `Grid`.
 *
 * Alongside the objects it keeps, at all times, their encoding `cells` in Farama's `grid.encode()` layout:
 * byte `(x * height + y) * 3 + k` holds [type, colour, state], an empty cell reads [1, 0, 0]. The egocentric
 * view, the renderer and the env's hot path read `cells` instead of calling object methods, so every change
 * goes through `set` (or an object's own state change, which calls `refresh`) and the two never disagree.
 */

import type { ColorName } from "./constants.ts";
import { OBJECT_TO_IDX, type ObjectType } from "./constants.ts";
import { type ObjectHome, Wall, type WorldObj } from "./objects.ts";
import type { GridCells } from "./view.ts";

const EMPTY = OBJECT_TO_IDX.empty;

export class Grid implements GridCells, ObjectHome {
  /** Farama's `grid.encode()`, always current. Read it; change the grid only through `set`. */
  readonly cells: Uint8Array;
  private readonly objects: (WorldObj | null)[];

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 3 || height < 3) {
      throw new RangeError(`a grid needs integer width and height of at least 3, got ${width}x${height}`);
    }
    this.objects = new Array(width * height).fill(null);
    this.cells = new Uint8Array(width * height * 3);
    for (let i = 0; i < this.cells.length; i += 3) this.cells[i] = EMPTY;
  }

  inBounds(x: number, y: number): boolean {
    return x >= 0 && x < this.width && y >= 0 && y < this.height;
  }

  get(x: number, y: number): WorldObj | null {
    this.check(x, y);
    return this.objects[x * this.height + y];
  }

  /** Puts `obj` (or nothing) at (x, y), re-encodes the cell and tells the object where it now lies. */
  set(x: number, y: number, obj: WorldObj | null): void {
    this.check(x, y);
    const index = x * this.height + y;
    const previous = this.objects[index];
    if (
      previous !== null &&
      previous !== obj &&
      previous.home === this &&
      previous.x === x &&
      previous.y === y
    ) {
      previous.home = null;
      previous.x = -1;
      previous.y = -1;
    }
    this.objects[index] = obj;
    if (obj !== null) {
      obj.home = this;
      obj.x = x;
      obj.y = y;
    }
    this.encodeCell(index);
  }

  /** Re-encodes (x, y) after its object changed state in place (a door opened, say). */
  refresh(x: number, y: number): void {
    this.check(x, y);
    this.encodeCell(x * this.height + y);
  }

  /** The type index at (x, y) straight from `cells` (1 = empty); no bounds check, for hot paths. */
  typeAt(x: number, y: number): number {
    return this.cells[(x * this.height + y) * 3];
  }

  horzWall(x: number, y: number, length = this.width - x, make: () => WorldObj = () => new Wall()): void {
    for (let i = 0; i < length; i++) this.set(x + i, y, make());
  }

  vertWall(x: number, y: number, length = this.height - y, make: () => WorldObj = () => new Wall()): void {
    for (let j = 0; j < length; j++) this.set(x, y + j, make());
  }

  /** The outline of a w × h rectangle with its top-left corner at (x, y). */
  wallRect(x: number, y: number, w: number, h: number): void {
    this.horzWall(x, y, w);
    this.horzWall(x, y + h - 1, w);
    this.vertWall(x, y, h);
    this.vertWall(x + w - 1, y, h);
  }

  /** A copy of `cells` (Farama's `grid.encode()` with everything visible). */
  encode(): Uint8Array {
    return this.cells.slice();
  }

  /** Every object with its cell, column by column. */
  *entries(): IterableIterator<{ x: number; y: number; obj: WorldObj }> {
    for (let x = 0; x < this.width; x++) {
      for (let y = 0; y < this.height; y++) {
        const obj = this.objects[x * this.height + y];
        if (obj !== null) yield { x, y, obj };
      }
    }
  }

  /** The first object of this type (and colour, if given), scanning column by column; null if none. */
  find(type: ObjectType, color?: ColorName): { x: number; y: number; obj: WorldObj } | null {
    for (const e of this.entries()) {
      if (e.obj.type === type && (color === undefined || e.obj.color === color)) return e;
    }
    return null;
  }

  /** A text picture, one character pair per cell (as Farama's `pprint_grid`, without the agent). */
  toString(): string {
    const short: Record<string, string> = {
      wall: "W",
      floor: "F",
      door: "D",
      key: "K",
      ball: "A",
      box: "B",
      goal: "G",
      lava: "V",
    };
    const rows: string[] = [];
    for (let y = 0; y < this.height; y++) {
      let row = "";
      for (let x = 0; x < this.width; x++) {
        const obj = this.objects[x * this.height + y];
        row += obj === null ? "  " : short[obj.type] + obj.color[0].toUpperCase();
      }
      rows.push(row);
    }
    return rows.join("\n");
  }

  private encodeCell(index: number): void {
    const obj = this.objects[index];
    const o = index * 3;
    if (obj === null) {
      this.cells[o] = EMPTY;
      this.cells[o + 1] = 0;
      this.cells[o + 2] = 0;
    } else {
      this.cells[o] = obj.typeIndex;
      this.cells[o + 1] = obj.colorIndex;
      this.cells[o + 2] = obj.stateIndex();
    }
  }

  private check(x: number, y: number): void {
    if (
      !(x >= 0 && x < this.width && y >= 0 && y < this.height && Number.isInteger(x) && Number.isInteger(y))
    ) {
      throw new RangeError(`cell (${x}, ${y}) is outside the ${this.width}x${this.height} grid`);
    }
  }
}
