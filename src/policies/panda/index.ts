/** Scripted closed-loop experts for the panda-gym tasks (ee and joint control). */
export { PandaExpert } from "./expert.ts";
