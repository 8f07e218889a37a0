/** Verification: a reward program × expert and random trajectories → report, verdict and feedback for the VLM. */
export { analyzeEpisode, type EpisodeAnalysis, type EventAgreement, eventAgreement } from "./analyze.ts";
export { type CombineOptions, type CombineResult, combineCandidates, type StageScore } from "./combine.ts";
export * from "./criteria.ts";
export * from "./evaluate.ts";
export { buildFeedback, type FeedbackOptions } from "./feedback.ts";
export type { NegativesReport, TruncatedCheck } from "./negatives.ts";
export * from "./report.ts";
export {
  RenderConflictError,
  type VerifyOptions,
  verificationRender,
  verifyProgram,
} from "./verify.ts";
