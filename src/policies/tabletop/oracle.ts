/**
 * Ravens' oracle (`Task.oracle`, ROBOTICS.md B.9) from ground truth, and the paper's degraded demonstrators.
 *
 * Each step, on the current goal: objects already at a target (with `replace` off, their targets too) are set
 * aside; of the rest, the one farthest from its nearest allowed target goes first. The pick point is a uniform
 * sample of the object's visible top (Ravens samples its mask pixels; we sample its top face); the place pose is
 * the target pose composed with the object-in-pick-frame offset, so the object lands centred on the target
 * (with the target's yaw when the goal asks for rotations).
 *
 * `suboptimal` (probability 0.3) and `novice` (0.5) replace each primitive by a random one, `random` is
 * uniform poses in the workspace (the action space's sample), as VLM-CaR's Fig. 4 defines them.
 */
import type { Env } from "../../env/core.ts";
import { defaultRng, type NumpyGenerator } from "../../env/minigrid/rng.ts";
import { type PickPlaceAction, poseOf } from "../../env/tabletop/action.ts";
import { isMatch } from "../../env/tabletop/goals.ts";
import { insideShape, KITTING_HEIGHT, kittingShapes } from "../../env/tabletop/kitting.ts";
import type { ObjectState, TabletopEnv, TabletopObs } from "../../env/tabletop/tabletop-env.ts";
import type { Policy } from "../policy.ts";

type TabletopPolicy = Policy<TabletopObs, PickPlaceAction>;

function tabletop(env: Env<TabletopObs, PickPlaceAction>): TabletopEnv {
  const e = env as unknown as TabletopEnv & { unwrapped?: unknown };
  const inner = (e.unwrapped ?? e) as TabletopEnv;
  if (typeof inner.currentGoal !== "function") {
    throw new TypeError("the tabletop oracle needs a TabletopEnv (made with make('Tabletop-…'))");
  }
  return inner;
}

export class TabletopOracle implements TabletopPolicy {
  readonly name = "oracle";
  private rng: NumpyGenerator = defaultRng(0);

  reset(_env: Env<TabletopObs, PickPlaceAction>, seed?: number): void {
    if (seed !== undefined) this.rng = defaultRng(seed);
  }

  act(_obs: TabletopObs, env: Env<TabletopObs, PickPlaceAction>): PickPlaceAction {
    const t = tabletop(env);
    const goal = t.currentGoal();
    const random = () => env.actionSpace.sample(() => this.rng.random());
    if (!goal) return random();
    const states = goal.objects.map((id) => t.objectState(id));
    if (t.task.tool === "spatula") {
      // Piles: push the block farthest from the zone towards the zone's centre (the push stops 5 cm short).
      const zone = goal.targets[0];
      let far = -1;
      let farDistance = 0;
      states.forEach((s, i) => {
        const d = Math.hypot(s.x - zone.x, s.y - zone.y);
        if (d > farDistance) {
          far = i;
          farDistance = d;
        }
      });
      if (far < 0) return random();
      const s = states[far];
      return { pose0: poseOf(s.x, s.y, 0), pose1: poseOf(zone.x, zone.y, 0) };
    }
    const usable = goal.matches.map((row) => [...row]);
    if (!goal.replace) {
      // Objects at a target, and those targets, are done.
      states.forEach((s, i) => {
        for (let j = 0; j < goal.targets.length; j++) {
          if (usable[i][j] && isMatch(s, goal.targets[j], goal.symmetry[i], goal.posEps, goal.rotEps)) {
            usable[i].fill(false);
            for (const row of usable) row[j] = false;
            break;
          }
        }
      });
    }
    let best = -1;
    let bestDistance = 0;
    let bestTarget = -1;
    states.forEach((s, i) => {
      let nearest = Number.POSITIVE_INFINITY;
      let nearestTarget = -1;
      goal.targets.forEach((tg, j) => {
        if (!usable[i][j]) return;
        const d = Math.hypot(s.x - tg.x, s.y - tg.y);
        if (d < nearest) {
          nearest = d;
          nearestTarget = j;
        }
      });
      if (nearestTarget >= 0 && nearest > bestDistance) {
        best = i;
        bestDistance = nearest;
        bestTarget = nearestTarget;
      }
    });
    if (best < 0) return random();
    const s = states[best];
    const target = goal.targets[bestTarget];
    const [u, v, top] = this.pickPoint(s);
    const r = s.rotation;
    const px = s.x + r[0] * u + r[1] * v;
    const py = s.y + r[3] * u + r[4] * v;
    const pz = s.z + top;
    // Place: target ⊗ (object in the pick frame)⁻¹, roll and pitch dropped: the offset pick → object, turned by
    // the yaw change the place makes, is kept.
    // The smallest turn that matches: folded by the object's symmetry (0: any yaw matches, so none).
    const symmetry = goal.symmetry[best];
    let placeYaw = 0;
    // Packing (zone metric, pick-place) turns the object to its target's yaw like Ravens' rotations flag, even
    // at symmetry 0 (a box lands square in its packed place); pose goals fold the turn by the symmetry.
    const fold = symmetry > 0 ? symmetry : goal.metric === "zone" ? 2 * Math.PI : 0;
    if (goal.rotations && fold > 0) {
      placeYaw = (target.yaw - s.yaw) % fold;
      if (placeYaw > fold / 2) placeYaw -= fold;
      if (placeYaw < -fold / 2) placeYaw += fold;
    }
    const ox = px - s.x;
    const oy = py - s.y;
    const c = Math.cos(placeYaw);
    const sn = Math.sin(placeYaw);
    const qx = target.x + c * ox - sn * oy;
    const qy = target.y + sn * ox + c * oy;
    const qz = target.z + (pz - s.z);
    return { pose0: poseOf(px, py, pz, 0), pose1: poseOf(qx, qy, qz, placeYaw) };
  }

  /**
   * A uniform point of the object's top, in its frame (x, y, and the top's height above the origin), as Ravens
   * samples the object's mask pixels: a block's face clear of the edges, a box's top, a kitting shape's outline
   * at least 4 mm inside its edge.
   */
  private pickPoint(s: ObjectState): [number, number, number] {
    if (s.kind === "shape" && s.shape !== undefined) {
      const k = kittingShapes()[s.shape];
      for (let i = 0; i < 200; i++) {
        const u = this.rng.uniform(-k.halfX, k.halfX);
        const v = this.rng.uniform(-k.halfY, k.halfY);
        if (insideShape(s.shape, u, v, 0.004)) return [u, v, KITTING_HEIGHT];
      }
      return [0, 0, KITTING_HEIGHT];
    }
    if (s.kind === "box" && s.size) {
      const hx = 0.8 * (s.size[0] / 2);
      const hy = 0.8 * (s.size[1] / 2);
      return [this.rng.uniform(-hx, hx), this.rng.uniform(-hy, hy), s.size[2] / 2];
    }
    // A 4 cm block: ±1.6 cm keeps clear of the edges' bevel.
    const half = 0.4 * (s.edge ?? 0.04);
    return [this.rng.uniform(-half, half), this.rng.uniform(-half, half), (s.edge ?? 0.04) / 2];
  }
}

/** Ravens' random demonstrator: uniform pick and place poses over the workspace. */
export class TabletopRandom implements TabletopPolicy {
  readonly name = "random";
  private rng: NumpyGenerator = defaultRng(0);
  reset(_env: Env<TabletopObs, PickPlaceAction>, seed?: number): void {
    if (seed !== undefined) this.rng = defaultRng(seed);
  }
  act(_obs: TabletopObs, env: Env<TabletopObs, PickPlaceAction>): PickPlaceAction {
    return env.actionSpace.sample(() => this.rng.random());
  }
}

/** The oracle with each primitive replaced by a random one with probability epsilon. */
export class NoisyTabletopOracle implements TabletopPolicy {
  readonly name: string;
  private readonly oracle = new TabletopOracle();
  private rng: NumpyGenerator = defaultRng(0);
  constructor(
    readonly epsilon: number,
    name?: string,
  ) {
    if (!(epsilon >= 0 && epsilon <= 1)) throw new RangeError(`epsilon must be in [0, 1], got ${epsilon}`);
    this.name = name ?? `oracle+eps${epsilon}`;
  }
  reset(env: Env<TabletopObs, PickPlaceAction>, seed?: number): void {
    this.oracle.reset(env, seed === undefined ? undefined : seed + 1);
    if (seed !== undefined) this.rng = defaultRng(seed);
  }
  act(obs: TabletopObs, env: Env<TabletopObs, PickPlaceAction>): PickPlaceAction {
    if (this.rng.random() < this.epsilon) return env.actionSpace.sample(() => this.rng.random());
    return this.oracle.act(obs, env);
  }
}

/** The four demonstrators of VLM-CaR's Fig. 4. */
export function tabletopPolicy(kind: "oracle" | "suboptimal" | "novice" | "random"): TabletopPolicy {
  switch (kind) {
    case "oracle":
      return new TabletopOracle();
    case "suboptimal":
      return new NoisyTabletopOracle(0.3, "suboptimal");
    case "novice":
      return new NoisyTabletopOracle(0.5, "novice");
    case "random":
      return new TabletopRandom();
    default:
      throw new RangeError(
        `unknown tabletop policy "${String(kind)}": use oracle, suboptimal, novice or random`,
      );
  }
}
