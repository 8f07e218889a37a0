/**
 * Ravens' goals and reward (`cliport/tasks/task.py`, ROBOTICS.md B.6): each goal lists objects, the targets
 * each may go to, and a share of the total reward; the step reward is the delta of progress, a goal is
 * complete when its share is met within 0.01, and the episode is done when no goal is left or the total
 * passes 0.99.
 */

export interface TargetPose {
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly yaw: number;
}

export interface Goal {
  /** Episode object ids. */
  readonly objects: readonly number[];
  /** Rotational symmetry per object (rad); 0: any rotation matches. */
  readonly symmetry: readonly number[];
  /** matches[i][j]: object i may go to target j. */
  readonly matches: readonly (readonly boolean[])[];
  readonly targets: readonly TargetPose[];
  /** May several objects share one target? */
  readonly replace: boolean;
  /** Should the oracle turn the object to the target's yaw? */
  readonly rotations: boolean;
  /** pose: objects at targets; zone: the share of the objects' sample points inside the zone. */
  readonly metric: "pose" | "zone";
  /** Zone metric: the zone's size (m; a square, or x and y) and the height below which a point counts (Ravens' zone_bounds z). */
  readonly zoneSize?: number | readonly [number, number];
  readonly zoneMaxZ?: number;
  /**
   * Zone metric: the zone's pose when `targets` are something else (packing-boxes-pairs: the targets are the
   * boxes' packed poses, for the oracle); default targets[0].
   */
  readonly zone?: TargetPose;
  /**
   * Zone metric: each object's sample points in its own frame (Ravens' 2 cm grid over the box); default one
   * point at the origin. Points turn with the object's yaw (roll and pitch are ignored).
   */
  readonly points?: readonly (readonly (readonly [number, number, number])[])[];
  readonly maxReward: number;
  /** Planar tolerance of is_match (m): 0.01 by default, 0.05 for bowls. */
  readonly posEps: number;
  /** Yaw tolerance (rad), default 15°. */
  readonly rotEps: number;
  readonly langGoal: string;
}

/** Ravens' is_match: planar distance below posEps and, for a symmetric object, the yaw within rotEps. */
export function isMatch(
  pose: TargetPose,
  target: TargetPose,
  symmetry: number,
  posEps: number,
  rotEps: number,
): boolean {
  if (Math.hypot(pose.x - target.x, pose.y - target.y) >= posEps) return false;
  if (symmetry > 0) {
    let d = Math.abs(pose.yaw - target.yaw) % symmetry;
    if (d > symmetry / 2) d = symmetry - d;
    if (d >= rotEps) return false;
  }
  return true;
}

/** The reward bookkeeping of one episode. */
export class GoalTracker {
  private goals: Goal[];
  private progress = 0;
  private rewards = 0;

  constructor(
    goals: readonly Goal[],
    readonly completedDescription: string,
  ) {
    this.goals = [...goals];
  }

  /** Ravens' `reward()`: the step's reward delta, and whether a goal was completed. */
  step(poseOf: (id: number) => TargetPose): { reward: number; completed: Goal | null } {
    const goal = this.goals[0];
    if (!goal) return { reward: 0, completed: null };
    const stepReward = matchedShare(goal, poseOf);
    const reward = this.progress + stepReward - this.rewards;
    this.rewards = this.progress + stepReward;
    let completed: Goal | null = null;
    if (Math.abs(goal.maxReward - stepReward) < 0.01) {
      this.progress += goal.maxReward;
      this.goals.shift();
      completed = goal;
    }
    return { reward, completed };
  }

  get done(): boolean {
    return this.goals.length === 0 || this.rewards > 0.99;
  }

  /** Total reward so far (the episode's return). */
  get total(): number {
    return this.rewards;
  }

  get current(): Goal | null {
    return this.goals[0] ?? null;
  }

  get langGoal(): string {
    return this.goals[0]?.langGoal ?? this.completedDescription;
  }
}

/**
 * The pose metric: each object matching any allowed target adds maxReward / |objects|. The zone metric: the
 * share of sample points inside the zone (one point per object: the small pile blocks of 1 cm give Ravens'
 * 2 cm point grid a single point at the centre).
 */
export function matchedShare(goal: Goal, poseOf: (id: number) => TargetPose): number {
  if (goal.metric === "zone") {
    let inside = 0;
    let total = 0;
    goal.objects.forEach((id, i) => {
      const [a, b] = pointsInZone(goal, i, poseOf(id));
      inside += a;
      total += b;
    });
    return total === 0 ? 0 : (goal.maxReward * inside) / total;
  }
  let share = 0;
  goal.objects.forEach((id, i) => {
    const pose = poseOf(id);
    for (let j = 0; j < goal.targets.length; j++) {
      if (goal.matches[i][j] && isMatch(pose, goal.targets[j], goal.symmetry[i], goal.posEps, goal.rotEps)) {
        share += goal.maxReward / goal.objects.length;
        break;
      }
    }
  });
  return share;
}

/** Zone metric: how many of goal object i's sample points lie inside the zone at this pose, and of how many. */
export function pointsInZone(goal: Goal, i: number, p: TargetPose): [number, number] {
  const zone = goal.zone ?? goal.targets[0];
  const size = goal.zoneSize ?? 0.15;
  const halfX = (typeof size === "number" ? size : size[0]) / 2;
  const halfY = (typeof size === "number" ? size : size[1]) / 2;
  const maxZ = goal.zoneMaxZ ?? 0.3;
  const c = Math.cos(zone.yaw);
  const s = Math.sin(zone.yaw);
  const co = Math.cos(p.yaw);
  const so = Math.sin(p.yaw);
  let inside = 0;
  let total = 0;
  for (const [ox, oy, oz] of goal.points?.[i] ?? [[0, 0, 0]]) {
    const dx = p.x + co * ox - so * oy - zone.x;
    const dy = p.y + so * ox + co * oy - zone.y;
    const lx = c * dx + s * dy;
    const ly = -s * dx + c * dy;
    total++;
    if (Math.abs(lx) < halfX && Math.abs(ly) < halfY && p.z + oz - zone.z < maxZ) inside++;
  }
  return [inside, total];
}
