/**
 * `vlmcar/generate`: the prompt chain and the verify → refine loop that turns a VLM's replies into a
 * verified reward program.
 */
export {
  GenerateError,
  type GenerateOptions,
  type GenerationResult,
  type GenerationSummary,
  generateProgram,
  manualDirFor,
} from "../generate/generate.ts";
