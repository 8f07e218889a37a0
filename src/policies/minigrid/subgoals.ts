/**
 * Sub-goals and how to carry them out. A family's strategy looks at the current state and names the next
 * sub-goal (pick up the yellow key, reach the goal, ...); the runner turns it into this step's action by
 * planning from the current pose. Nothing is remembered between steps, so the expert recovers from any
 * detour a noisy action sends it on.
 */
import { Actions, DIR_TO_VEC } from "../../env/minigrid/constants.ts";
import type { MiniGridEnv } from "../../env/minigrid/minigrid-env.ts";
import { DropSites } from "./drop-sites.ts";
import { facing, type PlanOptions, PosePlanner, type PoseTest, standOn } from "./planner.ts";

const DX = DIR_TO_VEC.map((v) => v[0]);
const DY = DIR_TO_VEC.map((v) => v[1]);

export type Subgoal =
  /** Stand on a cell (the goal). */
  | { kind: "reach"; x: number; y: number; why: string }
  /** Face a cell, then pick up or toggle what is there. */
  | { kind: "use"; x: number; y: number; action: number; why: string }
  /** Stand next to a cell, then declare the task done (GoToDoor). */
  | { kind: "declare"; x: number; y: number; why: string }
  /** Put down what is carried where it blocks nothing, nor the way to the poses in `clearOf`. */
  | { kind: "drop"; clearOf: readonly PoseTest[]; why: string }
  /** Nothing can be done: what the mission needs is gone (a noisy step toggled the box away, say). */
  | { kind: "stuck"; why: string };

export const reach = (x: number, y: number, why: string): Subgoal => ({ kind: "reach", x, y, why });
export const pickUpAt = (x: number, y: number, why: string): Subgoal => ({
  kind: "use",
  x,
  y,
  action: Actions.pickup,
  why,
});
export const toggleAt = (x: number, y: number, why: string): Subgoal => ({
  kind: "use",
  x,
  y,
  action: Actions.toggle,
  why,
});
export const declareAt = (x: number, y: number, why: string): Subgoal => ({ kind: "declare", x, y, why });
export const stuck = (why: string): Subgoal => ({ kind: "stuck", why });
export const dropHeld = (why: string, clearOf: readonly PoseTest[] = []): Subgoal => ({
  kind: "drop",
  clearOf,
  why,
});

/**
 * What the expert does when no plan exists (an unsolvable layout, or a state noise made hopeless):
 * `done` changes nothing in every family but GoToDoor, where it ends an episode that cannot be won anyway.
 */
export const STUCK_ACTION = Actions.done;

/** Whether the agent stands next to (x, y). */
export const nextTo =
  (tx: number, ty: number): PoseTest =>
  (x, y) =>
    Math.abs(x - tx) + Math.abs(y - ty) === 1;

export class SubgoalRunner {
  private readonly planner = new PosePlanner();
  /** Whether the last action came from no plan at all (see STUCK_ACTION). */
  stuck = false;

  /** `openDoors`: whether closed doors may be toggled open on the way (not where toggling ends the episode). */
  constructor(readonly openDoors: boolean) {}

  /** Whether a pose passing `test` can be reached without carrying anything aside. */
  reachable(env: MiniGridEnv, test: PoseTest): boolean {
    return this.planner.plan(env, test, this.options(false)) !== null;
  }

  /** This step's action towards `subgoal`. */
  act(env: MiniGridEnv, subgoal: Subgoal): number {
    this.stuck = false;
    switch (subgoal.kind) {
      case "reach":
        return this.approach(env, standOn(subgoal.x, subgoal.y), Actions.forward);
      case "use":
        return this.approach(env, facing(subgoal.x, subgoal.y), subgoal.action);
      case "declare":
        return this.approach(env, nextTo(subgoal.x, subgoal.y), Actions.done);
      case "drop":
        return this.drop(env, subgoal.clearOf);
      case "stuck":
        return this.giveUp();
    }
  }

  /**
   * Moves towards a pose passing `test`, then does `arrive`. When only moving an object aside opens the way,
   * walks to it and picks it up (putting down what it holds first); the strategy then sees a carried object
   * it has no use for, and drops it where it blocks nothing.
   */
  private approach(env: MiniGridEnv, test: PoseTest, arrive: number): number {
    const plan =
      this.planner.plan(env, test, this.options(false)) ?? this.planner.plan(env, test, this.options(true));
    if (plan === null) return this.giveUp();
    if (plan.first === null) return arrive;
    if (plan.first !== "clear") return plan.action ?? this.giveUp();
    return env.carrying === null ? Actions.pickup : this.drop(env, [test]);
  }

  /**
   * Drops what is carried on the nearest harmless cell; failing that, on any free cell in reach. When a pose
   * in `clearOf` can be reached only by moving objects aside, the cells on that way are not harmless: a key
   * lying in front of the ball to be moved must not go back where it came from. (That way is planned from
   * the agent's cell facing a fixed direction, so that turning on the spot cannot change the choice.)
   */
  private drop(env: MiniGridEnv, clearOf: readonly PoseTest[]): number {
    if (env.carrying === null) return this.giveUp();
    const keepFree = new Set<number>();
    for (const test of clearOf) {
      if (this.reachable(env, test)) continue;
      for (const cell of this.planner.plan(env, test, this.options(true), 0)?.cells ?? []) keepFree.add(cell);
    }
    const sites = new DropSites(env, keepFree);
    const { width, height } = env.grid;
    const onSite: PoseTest = (x, y, dir) => {
      const fx = x + DX[dir];
      const fy = y + DY[dir];
      return fx >= 0 && fy >= 0 && fx < width && fy < height && sites.harmless(fx, fy);
    };
    const anyFree: PoseTest = (x, y, dir) => {
      const fx = x + DX[dir];
      const fy = y + DY[dir];
      return fx >= 0 && fy >= 0 && fx < width && fy < height && env.grid.get(fx, fy) === null;
    };
    const plan =
      this.planner.plan(env, onSite, this.options(false)) ??
      this.planner.plan(env, anyFree, this.options(false));
    if (plan === null) return this.giveUp();
    return plan.first === null ? Actions.drop : (plan.action ?? this.giveUp());
  }

  private giveUp(): number {
    this.stuck = true;
    return STUCK_ACTION;
  }

  private options(moveObstacles: boolean): PlanOptions {
    return { openDoors: this.openDoors, moveObstacles };
  }
}
