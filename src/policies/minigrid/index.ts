export { expertFor, familyOf, MiniGridExpert } from "./expert.ts";
export { ExpertError, FAMILIES, type Family, type Strategy } from "./families.ts";
export {
  CLEAR_COST,
  facing,
  type Plan,
  type PlanOptions,
  PosePlanner,
  type PoseTest,
  standOn,
} from "./planner.ts";
export { STUCK_ACTION, type Subgoal, SubgoalRunner } from "./subgoals.ts";
