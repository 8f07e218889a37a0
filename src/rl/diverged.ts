/** Shared by both PPOs: a run whose policy or loss turned non-finite stops with this, never trains on garbage. */
/** Raised when the policy or the loss turns non-finite; the run can resume from `checkpoint`. */
export class TrainingDivergedError extends Error {
  override name = "TrainingDivergedError";
  constructor(
    readonly run: string,
    readonly update: number,
    readonly what: string,
    readonly checkpoint: { path: string; update: number } | null,
  ) {
    super(
      `PPO run "${run}" diverged in update ${update}: ${what}. ` +
        (checkpoint
          ? `Resume it from its last checkpoint ${checkpoint.path} (update ${checkpoint.update}), e.g. with a lower lr or maxGradNorm.`
          : "It has no checkpoint to resume from (set checkpointPath and checkpointEvery); restart it with a lower lr or maxGradNorm."),
    );
  }
}
