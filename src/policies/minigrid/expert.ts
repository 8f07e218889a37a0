/**
 * The MiniGrid expert: a closed-loop planner that, every step, asks its family's strategy for the next
 * sub-goal given the true state, and plans the shortest way there from the agent's current pose.
 *
 *   const expert = expertFor("MiniGrid-DoorKey-8x8-v0");
 *   expert.reset(env); const action = expert.act(obs, env);
 *
 * It is privileged (it reads the grid through any wrappers), and it keeps no plan between steps, so it
 * behaves the same whether or not noise took some of its steps.
 */
import { type Env, EnvError, unwrap } from "../../env/core.ts";
import { MiniGridEnv } from "../../env/minigrid/minigrid-env.ts";
import type { Policy } from "../policy.ts";
import { FAMILIES, type Family } from "./families.ts";
import { type Subgoal, SubgoalRunner } from "./subgoals.ts";

export class MiniGridExpert implements Policy<unknown, number> {
  readonly name = "expert";
  private readonly runner: SubgoalRunner;
  /** The sub-goal behind the last action, for logs and debugging. */
  lastSubgoal: Subgoal | null = null;

  constructor(readonly family: Family) {
    this.runner = new SubgoalRunner(family.openDoors);
  }

  /** Whether the last action was a fallback because no plan existed (an unsolvable state). */
  get stuck(): boolean {
    return this.runner.stuck;
  }

  reset(env: Env<unknown, number>, _seed?: number): void {
    this.lastSubgoal = null;
    const family = familyOf(env);
    if (family !== this.family) {
      throw new EnvError(
        `the ${this.family.name} expert cannot play ${env.id} (a ${family?.name ?? "unknown"} env); use expertFor(env)`,
      );
    }
  }

  act(_obs: unknown, env: Env<unknown, number>): number {
    const world = miniGridOf(env);
    const subgoal = this.family.next(world, this.runner);
    this.lastSubgoal = subgoal;
    return this.runner.act(world, subgoal);
  }
}

/** The expert for an env or registry id; an error lists the families that have one. */
export function expertFor(envOrId: string | Env<unknown, unknown>): MiniGridExpert {
  const family = familyOf(envOrId);
  if (family === null) {
    const id = typeof envOrId === "string" ? envOrId : envOrId.id;
    throw new EnvError(
      `no expert for env "${id}": experts exist for the MiniGrid families ${FAMILIES.map((f) => f.name).join(", ")}. ` +
        "Add a strategy in src/policies/minigrid/families.ts to support another.",
    );
  }
  return new MiniGridExpert(family);
}

/** The family of an env (by its id, else its class name) or of a registry id; null when none matches. */
export function familyOf(envOrId: string | Env<unknown, unknown>): Family | null {
  if (typeof envOrId === "string") return FAMILIES.find((f) => f.ids.test(envOrId)) ?? null;
  const inner = unwrap(envOrId);
  return (
    FAMILIES.find((f) => f.ids.test(inner.id)) ??
    FAMILIES.find((f) => f.classNames.includes(inner.constructor.name)) ??
    null
  );
}

function miniGridOf(env: Env<unknown, unknown>): MiniGridEnv {
  const inner = unwrap(env);
  if (!(inner instanceof MiniGridEnv)) {
    throw new EnvError(
      `${env.id}: the MiniGrid expert needs a MiniGrid env inside its wrappers, got ${inner.constructor.name}`,
    );
  }
  return inner;
}
