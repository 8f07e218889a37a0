/**
 * `vlmcar/experiments`: single training runs, experiment specs (env × reward × seed grids) run on worker
 * processes, the SQLite results store, and the HTML report.
 */
export { algorithmFor, type PpoAlgorithm } from "../experiments/algorithm.ts";
export {
  type RewardKind,
  type RewardSetting,
  rewardLabel,
} from "../experiments/reward-modes.ts";
export {
  EVAL_DEFAULTS,
  type EvalSettings,
  executeRun,
  type RunConfig,
  type RunHooks,
  type RunManifest,
  type RunResult,
  readEvaluations,
  readRunResult,
} from "../experiments/run.ts";
export { type ExperimentSummary, type RunnerOptions, runExperiment } from "../experiments/runner.ts";
export {
  type ExperimentSpec,
  type ExperimentSpecInput,
  loadExperimentSpec,
  parseExperimentSpec,
  SpecError,
} from "../experiments/spec.ts";
export { ResultsStore } from "../experiments/store.ts";
export { type CodeVersion, codeVersion } from "../experiments/version.ts";
export { type ReportOptions, type ReportResult, writeReport } from "../report/report.ts";
