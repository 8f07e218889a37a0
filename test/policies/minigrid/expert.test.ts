import assert from "node:assert/strict";
import { test } from "node:test";
import { type Env, ObservationWrapper } from "../../../src/env/core.ts";
import { DoorKeyEnv } from "../../../src/env/minigrid/envs/door-key.ts";
import "../../../src/env/minigrid/index.ts";
import { Actions } from "../../../src/env/minigrid/constants.ts";
import type { MiniGridObs } from "../../../src/env/minigrid/minigrid-env.ts";
import { Key } from "../../../src/env/minigrid/objects.ts";
import { make } from "../../../src/env/registry.ts";
import { Discrete, type Space } from "../../../src/env/spaces.ts";
import { expertFor, familyOf } from "../../../src/policies/minigrid/expert.ts";
import { FAMILIES } from "../../../src/policies/minigrid/families.ts";
import type { Policy } from "../../../src/policies/policy.ts";
import { RandomPolicy } from "../../../src/policies/random.ts";
import { picture } from "./picture-env.ts";

/** One env id per family; the benchmark covers every id over 200 seeds. */
const ONE_PER_FAMILY: Record<string, string> = {
  Empty: "MiniGrid-Empty-Random-6x6-v0",
  FourRooms: "MiniGrid-FourRooms-v0",
  LavaCrossing: "MiniGrid-LavaCrossingS9N2-v0",
  SimpleCrossing: "MiniGrid-SimpleCrossingS9N2-v0",
  LavaGap: "MiniGrid-LavaGapS6-v0",
  MultiRoom: "MiniGrid-MultiRoom-N4-S5-v0",
  DoorKey: "MiniGrid-DoorKey-8x8-v0",
  LockedRoom: "MiniGrid-LockedRoom-v0",
  Unlock: "MiniGrid-Unlock-v0",
  UnlockPickup: "MiniGrid-UnlockPickup-v0",
  BlockedUnlockPickup: "MiniGrid-BlockedUnlockPickup-v0",
  KeyCorridor: "MiniGrid-KeyCorridorS4R3-v0",
  RedBlueDoors: "MiniGrid-RedBlueDoors-8x8-v0",
  GoToDoor: "MiniGrid-GoToDoor-8x8-v0",
};
const SEEDS = [0, 1, 2, 3, 4, 103];

interface Outcome {
  reward: number;
  terminated: boolean;
  truncated: boolean;
  events: string[];
  actions: number[];
}

/** Plays one episode with `policy` and returns how it ended. */
function play(env: Env<unknown, number>, policy: Policy<unknown, number>, seed: number): Outcome {
  let { obs } = env.reset({ seed });
  policy.reset(env, seed);
  const events: string[] = [];
  const actions: number[] = [];
  for (;;) {
    const action = policy.act(obs, env);
    actions.push(action);
    const r = env.step(action);
    obs = r.obs;
    for (const e of r.info.events ?? []) events.push(e.type);
    if (r.terminated || r.truncated) {
      return { reward: r.reward, terminated: r.terminated, truncated: r.truncated, events, actions };
    }
  }
}

test("every family has a test env here", () => {
  assert.deepEqual(Object.keys(ONE_PER_FAMILY).sort(), FAMILIES.map((f) => f.name).sort());
});

for (const [family, id] of Object.entries(ONE_PER_FAMILY)) {
  test(`the ${family} expert solves ${id}`, () => {
    const env = make<unknown, number>(id);
    const expert = expertFor(env);
    assert.equal(expert.family.name, family);
    for (const seed of SEEDS) {
      const out = play(env, expert, seed);
      const where = `${id} seed ${seed}: ${out.events.join(", ")}`;
      assert.ok(out.terminated && !out.truncated, `ended by success, not by the time limit (${where})`);
      assert.ok(out.reward > 0, `positive reward (${where})`);
      assert.ok(!out.events.includes("lava"), `never stepped into lava (${where})`);
      assert.equal(expert.stuck, false);
    }
  });
}

test("the DoorKey expert picks up the key, unlocks the door, then reaches the goal", () => {
  const out = play(make<unknown, number>("MiniGrid-DoorKey-8x8-v0"), expertFor("MiniGrid-DoorKey-8x8-v0"), 7);
  assert.deepEqual(
    out.events.filter((e) => e === "pickup" || e === "unlock" || e === "goal"),
    ["pickup", "unlock", "goal"],
  );
});

test("the BlockedUnlockPickup expert moves the ball before it fetches the key", () => {
  const out = play(
    make<unknown, number>("MiniGrid-BlockedUnlockPickup-v0"),
    expertFor("MiniGrid-BlockedUnlockPickup-v0"),
    0,
  );
  assert.deepEqual(out.events.slice(0, 4), ["pickup", "drop", "pickup", "unlock"]);
  assert.equal(out.events.at(-1), "success");
});

test("the RedBlueDoors expert opens red then blue, and toggles nothing else", () => {
  const out = play(
    make<unknown, number>("MiniGrid-RedBlueDoors-6x6-v0"),
    expertFor("MiniGrid-RedBlueDoors-6x6-v0"),
    5,
  );
  assert.equal(out.actions.filter((a) => a === Actions.toggle).length, 2);
});

test("the expert recovers after random actions", () => {
  const env = make<unknown, number>("MiniGrid-DoorKey-8x8-v0");
  const expert = expertFor(env);
  const random = new RandomPolicy(0);
  for (const seed of [0, 1, 2, 3]) {
    let { obs } = env.reset({ seed });
    random.reset(env, seed);
    let ended = false;
    for (let t = 0; t < 25 && !ended; t++) {
      const r = env.step(random.act(obs, env));
      obs = r.obs;
      ended = r.terminated || r.truncated;
    }
    if (ended) continue;
    for (;;) {
      const r = env.step(expert.act(obs, env));
      obs = r.obs;
      if (r.terminated || r.truncated) {
        assert.ok(r.terminated && r.reward > 0, `seed ${seed}: solved after a random start`);
        break;
      }
    }
  }
});

test("the expert puts a carried object where it blocks nothing, then picks up the target", () => {
  // Holding a key, with the box at the end of a one-cell-wide corridor: every corridor cell would wall the
  // box off, so the key goes down the dead end on the right.
  const env = picture(
    ["#######", "#....x#", "#.#####", "#>....#", "#######"],
    "pick up the blue box",
    "MiniGrid-KeyCorridorS3R1-v0",
  );
  env.carrying = new Key("yellow");
  const expert = expertFor(env);
  let obs: unknown = env.genObs();
  // This test env has no success rule, so the episode goes on after the pickup.
  for (let t = 0; t < 40 && env.carrying?.type !== "box"; t++) obs = env.step(expert.act(obs, env)).obs;
  assert.equal(env.carrying?.type, "box");
  const key = env.grid.find("key");
  assert.equal(key?.y, 3, "the key lies in the dead end");
});

test("the expert reads the true state through observation wrappers", () => {
  class DirectionOnly extends ObservationWrapper<number, MiniGridObs> {
    readonly observationSpace: Space<number> = new Discrete(4);
    protected observation(obs: MiniGridObs): number {
      return obs.direction;
    }
  }
  const wrapped = new DirectionOnly(make<MiniGridObs, number>("MiniGrid-DoorKey-6x6-v0"));
  const out = play(wrapped as Env<unknown, number>, expertFor(wrapped as Env<unknown, unknown>), 3);
  assert.ok(out.terminated && out.reward > 0);
});

test("the family comes from the id, or from the class when the id is not Farama's", () => {
  assert.equal(familyOf("MiniGrid-KeyCorridorS6R3-v0")?.name, "KeyCorridor");
  assert.equal(familyOf("MiniGrid-Unlock-v0")?.name, "Unlock");
  assert.equal(familyOf("MiniGrid-UnlockPickup-v0")?.name, "UnlockPickup");
  assert.equal(familyOf(new DoorKeyEnv({ id: "my-door-key" }))?.name, "DoorKey");
});

test("an env without an expert is a clear error", () => {
  assert.throws(
    () => expertFor("PandaPush-v3"),
    /no expert for env "PandaPush-v3": experts exist for .*DoorKey/,
  );
  assert.throws(() => expertFor(picture(["###", "#>#", "###"])), /no expert for env "Test-Picture-v0"/);
  const odd = picture(["####", "#>x#", "####"], "fetch something", "MiniGrid-KeyCorridorS3R1-v0");
  assert.throws(() => expertFor(odd).act(odd.genObs(), odd), /the mission "fetch something" does not match/);
  const expert = expertFor("MiniGrid-Unlock-v0");
  assert.throws(
    () => expert.reset(make("MiniGrid-DoorKey-5x5-v0")),
    /Unlock expert cannot play MiniGrid-DoorKey-5x5-v0/,
  );
});
