/**
 * `vlmcar/verify`: a reward program × expert (or recorded) and random trajectories → a verdict, per-check
 * statistics and feedback frames.
 *
 *   const verification = verifyProgram(program, { envId: "MiniGrid-Unlock-v0" });
 *   writeVerification("out/verify", verification);
 */
export { DEFAULT_CRITERIA, LEGACY_RULES, type VerifyCriteria } from "../verify/criteria.ts";
export {
  formatSummary,
  type Verification,
  type VerificationReport,
  verdictJson,
  type Wording,
  writeVerification,
} from "../verify/report.ts";
export {
  RenderConflictError,
  type VerifyOptions,
  verificationRender,
  verifyProgram,
} from "../verify/verify.ts";
