/** Generation: initial + goal frame → prompt chain → reward program → verify → refine (see generate.ts). */
export { CURRENT_REVISION, type GenerationRevision } from "./conversation.ts";
export { frameDescription } from "./families.ts";
export {
  type CandidateSelection,
  GENERATION_FORMAT,
  GenerateError,
  type GenerateOptions,
  type GenerationResult,
  type GenerationSummary,
  generateProgram,
  manualDirFor,
  type RoundRecord,
  transcriptPath,
} from "./generate.ts";
export {
  codeBlocks,
  functionNameFor,
  type ParsedCheck,
  type PlannedSubtask,
  parseCheckReply,
  parseSubtaskList,
} from "./parse.ts";
export { probeCheck } from "./probe.ts";
export { planRefinement, type RefinePlan } from "./refine.ts";
export { buildScene, type Scene, SceneError, type SceneExample } from "./scene.ts";
export { renderTemplate, TEMPLATE_NAMES, type TemplateName } from "./templates.ts";
