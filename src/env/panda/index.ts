/**
 * panda-gym v3 on MuJoCo: importing this module registers the 24 ids
 * `Panda{Reach,Push,Slide,PickAndPlace,Stack,Flip}{,Joints}{,Dense}-v3` with make(), each with panda-gym's
 * control type, reward type and time limit.
 */
import { registerBuiltin } from "../registry.ts";
import { type PandaControl, PandaEnv, type PandaOptions, type PandaReward, pandaId } from "./panda-env.ts";
import { PANDA_TASKS, TASKS } from "./tasks.ts";

export { ArmIk, createArmPose, forwardKinematics } from "./kinematics.ts";
export {
  bulletEuler,
  type PandaCamera,
  type PandaControl,
  PandaEnv,
  type PandaObs,
  type PandaOptions,
  type PandaReward,
  type PandaScene,
  pandaId,
} from "./panda-env.ts";
export { NEUTRAL_ARM } from "./robot.ts";
export {
  goalDistance,
  PANDA_TASKS,
  type PandaTaskName,
  TASKS,
  type TaskDef,
  uniformQuaternion,
} from "./tasks.ts";

const DESCRIPTIONS: Record<string, string> = {
  Reach: "move the gripper to the target",
  Push: "push the cube to the target",
  Slide: "slide the puck to the target beyond reach",
  PickAndPlace: "pick up the cube and place it at the target (possibly in the air)",
  Stack: "stack the green cube on the blue one at the targets",
  Flip: "turn the cube to the target orientation",
};

/** The task as a person would state it to a VLM (panda-gym's observations carry no mission text). */
const TASK_TEXTS: Record<string, string> = {
  Reach: "Move the gripper to the target position.",
  Push: "Push the cube to the target position.",
  Slide: "Slide the puck to the target position, which may lie beyond the arm's reach.",
  PickAndPlace: "Pick up the cube and place it at the target position, which may be in the air.",
  Stack: "Stack the two cubes at the target positions: the blue one below, the green one on top.",
  Flip: "Turn the cube to the target orientation.",
};

for (const task of PANDA_TASKS) {
  for (const controlType of ["ee", "joints"] as PandaControl[]) {
    for (const rewardType of ["sparse", "dense"] as PandaReward[]) {
      const id = pandaId(task, controlType, rewardType);
      registerBuiltin({
        id,
        factory: (options) => new PandaEnv({ ...(options as PandaOptions), id }),
        kwargs: { task, controlType, rewardType, maxEpisodeSteps: TASKS[task].maxEpisodeSteps },
        description: `${DESCRIPTIONS[task]} (${controlType} control, ${rewardType} reward)`,
        task: TASK_TEXTS[task],
      });
    }
  }
}
