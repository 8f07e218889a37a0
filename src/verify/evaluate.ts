/**
 * ProgramEvaluator: runs a program's checks on every frame of a stream of episodes, in batches.
 *
 * It is an EpisodeVisitor, so it sits directly behind a collection or a replay: frames arrive one by one, are
 * buffered into batches (one sandbox call per batch, the fast path), evaluated against the episode's first
 * frame, and dropped. What stays is one byte per (frame, check) and the errors, with the frame they happened on.
 *
 * A check that times out or runs out of memory kills the isolate mid-batch. The evaluator records the error,
 * skips that frame, and goes on with the rest in short batches (a batch's time limit grows with its length,
 * so short batches bound what another endless loop costs); after `maxFatalErrors` such failures it stops
 * evaluating and marks what is left as not run. Nothing here throws for a fault of the program.
 */
import { cloneFrame, type Frame } from "../image/frame.ts";
import type { CheckError } from "../program/errors.ts";
import { CHECK_FALSE, CHECK_NOT_RUN, CHECK_TRUE } from "../program/results.ts";
import type { Sandbox } from "../program/sandbox.ts";
import type { EpisodeVisitor } from "../trajectories/rollout.ts";
import type { Trajectory } from "../trajectories/trajectory.ts";

/**
 * Frames per call after a fatal error. Not 1: a restarted isolate runs its first frame cold (tens of ms on a
 * busy machine), and the time limit of a call is the per-frame limit times its length.
 */
const RECOVERY_BATCH = 8;

/** Which demonstrator an episode comes from. */
export type Group = "expert" | "random";

/** A check error located in an episode: `frame` is the frame index within the episode (0 = reset frame). */
export interface EpisodeCheckError {
  readonly check: string;
  /** `"progress"` when the error is in the sub-task's progress term. */
  readonly term?: "progress";
  readonly kind: CheckError["kind"];
  readonly message: string;
  readonly group: Group;
  /** The episode's index within its group. */
  readonly episode: number;
  readonly seed: number;
  readonly frame: number;
  /** Frames of this episode on which this check erred (errors after a fatal one are counted once each). */
  readonly count: number;
  /** True for timeouts, out-of-memory and crashes, which stop the batch and restart the sandbox. */
  readonly fatal: boolean;
}

/** The checks' values on one episode. */
export interface EpisodeEvaluation {
  readonly group: Group;
  readonly index: number;
  readonly trajectory: Trajectory;
  readonly checkCount: number;
  /** `values[t * checkCount + c]`: CHECK_FALSE, CHECK_TRUE, CHECK_ERROR or CHECK_NOT_RUN for frame t, check c. */
  readonly values: Uint8Array;
  /**
   * Programs with progress terms: `progress[t * subtasks + k]`, sub-task k's term on frame t, in [0, 1], or
   * NaN where it has none, failed or did not run.
   */
  readonly progress?: Float64Array;
  readonly errors: readonly EpisodeCheckError[];
}

export interface EvaluatorOptions {
  /** Frames per sandbox call (default 64). */
  batchFrames?: number;
  /** Timeouts / out-of-memory / crashes tolerated before evaluation stops (default 3). */
  maxFatalErrors?: number;
  /** Frames kept for the determinism probe (default 48; 0 turns it off). See checkDeterminism. */
  determinismSample?: number;
}

/** Every this many evaluated frames one is kept for the determinism probe, until the sample is full. */
const SAMPLE_STRIDE = 23;

/** A frame kept for the determinism probe, with the values its checks gave the first time. */
interface Sampled {
  first: Frame;
  frame: Frame;
  /** The episode's frame index. */
  t: number;
  values: Uint8Array;
  /** The progress terms' values the first time (programs with terms). */
  progress?: Float64Array;
  group: Group;
  /** Index into `episodes` once its episode was kept; -1 while it runs or when it was discarded. */
  episode: number;
}

export class ProgramEvaluator implements EpisodeVisitor {
  readonly batchFrames: number;
  readonly maxFatalErrors: number;
  /** Kept episodes, in the order they ended. */
  readonly episodes: EpisodeEvaluation[] = [];
  /** Seeds of discarded episodes (failed experts), with their reason filled in by the caller. */
  readonly discarded: Trajectory[] = [];
  /** Timeouts, out-of-memory errors and crashes so far. */
  fatalErrors = 0;
  /** Frames received, over all episodes including discarded ones. */
  framesSeen = 0;
  /** Frames the sandbox evaluated (every check ran); repeated frames reuse their predecessor's values. */
  framesEvaluated = 0;

  private group: Group = "expert";
  private first: Frame | null = null;
  private previous: Frame | null = null;
  /** Distinct frames waiting for the sandbox, and the episode frame index of each. */
  private batch: Frame[] = [];
  private batchAt: number[] = [];
  /** Frames equal to the frame before them: [frame index, index of the frame whose values they copy]. */
  private repeats: [number, number][] = [];
  private lastDistinct = 0;
  private values = new Uint8Array(1024);
  /** Progress terms' values of the episode (programs with terms), frame-major like `values`. */
  private progress: Float64Array | null = null;
  private readonly subtaskCount: number;
  private readonly withTerms: boolean;
  private frameCount = 0;
  private errors = new Map<string, EpisodeCheckError>();

  readonly determinismSample: number;
  private sampled: Sampled[] = [];
  private sampleCounter = 0;
  private episodeSamples: Sampled[] = [];

  constructor(
    readonly sandbox: Sandbox,
    options: EvaluatorOptions = {},
  ) {
    this.batchFrames = options.batchFrames ?? 64;
    this.maxFatalErrors = options.maxFatalErrors ?? 3;
    this.determinismSample = options.determinismSample ?? 48;
    this.subtaskCount = sandbox.checkNames.length - 1;
    this.withTerms = (sandbox.progressTerms ?? []).includes(true);
    if (this.withTerms) this.progress = new Float64Array(1024).fill(Number.NaN);
  }

  /**
   * Determinism as a verified property: the sampled frames are evaluated again, one per call, in reverse
   * order and with the checks run from the goal back to the first sub-task. A check that keeps state, reads
   * something that varies, or depends on what other checks did to a frame answers differently; each such
   * check gets a `nondeterministic` error on the episode and frame where it changed its answer. Call it
   * after the last episode, with the sandbox still open. Returns how many checks changed an answer.
   */
  checkDeterminism(): number {
    const n = this.sandbox.checkNames.length;
    const found = new Map<number, { sample: Sampled; before: number; after: number }>();
    // Progress terms: index n + k, compared by value (a pure function returns the same float).
    const foundTerms = new Map<number, { sample: Sampled; before: number; after: number }>();
    for (const sample of [...this.sampled].reverse()) {
      if (sample.episode < 0 || this.aborted) continue;
      const again = this.sandbox.evaluate([sample.frame], sample.first, { reverseChecks: true });
      if (again.fatal) break;
      for (let c = 0; c < n; c++) {
        const before = sample.values[c];
        const after = again.values[c];
        const answered = (v: number) => v === CHECK_TRUE || v === CHECK_FALSE;
        if (answered(before) && answered(after) && before !== after && !found.has(c))
          found.set(c, { sample, before, after });
      }
      for (let k = 0; k < this.subtaskCount && sample.progress; k++) {
        const before = sample.progress[k];
        const after = again.progressOf(k, 0);
        if (!Number.isNaN(before) && !Number.isNaN(after) && before !== after && !foundTerms.has(k))
          foundTerms.set(k, { sample, before, after });
      }
    }
    for (const [k, { sample, before, after }] of foundTerms) {
      const check = this.sandbox.checkNames[k];
      const episode = this.episodes[sample.episode];
      const error: EpisodeCheckError = {
        check,
        term: "progress",
        kind: "nondeterministic",
        message:
          `The progress term of sub-task "${check}" returned ${before} on frame ${sample.t} and ${after} when the ` +
          "same frame was checked again later, in another order: its value must depend only on `frame` and " +
          "`first`. Do not keep state between calls, do not modify `frame` or `first`, and do not read anything " +
          "else that varies.",
        group: sample.group,
        episode: episode.index,
        seed: episode.trajectory.seed,
        frame: sample.t,
        count: 1,
        fatal: false,
      };
      this.episodes[sample.episode] = { ...episode, errors: [...episode.errors, error] };
    }
    for (const [c, { sample, before, after }] of found) {
      const check = this.sandbox.checkNames[c];
      const episode = this.episodes[sample.episode];
      const word = (v: number) => (v === CHECK_TRUE ? "true" : "false");
      const error: EpisodeCheckError = {
        check,
        kind: "nondeterministic",
        message:
          `${check === "goal" ? "The goal check" : `Check "${check}"`} answered ${word(before)} on frame ${sample.t} and ` +
          `${word(after)} when the same frame was checked again later, in another order: its answer must depend ` +
          "only on `frame` and `first`. Do not keep state between calls (in the helpers or anywhere else), do " +
          "not modify `frame` or `first`, and do not read anything else that varies.",
        group: sample.group,
        episode: episode.index,
        seed: episode.trajectory.seed,
        frame: sample.t,
        count: 1,
        fatal: false,
      };
      this.episodes[sample.episode] = { ...episode, errors: [...episode.errors, error] };
    }
    return found.size + foundTerms.size;
  }

  /** True once too many fatal errors stopped evaluation; later frames are recorded as not run. */
  get aborted(): boolean {
    return this.fatalErrors >= this.maxFatalErrors;
  }

  /** The group the next episodes belong to. */
  startGroup(group: Group): void {
    this.group = group;
  }

  /** Episodes of the current group kept so far. */
  countOf(group: Group): number {
    return this.episodes.filter((e) => e.group === group).length;
  }

  frame(frame: Frame, t: number): void {
    if (t === 0) this.startEpisode(frame);
    this.frameCount = t + 1;
    this.framesSeen++;
    // Checks are pure functions of (frame, first), so a frame equal to the one before it (a bump into a
    // wall, a pickup with nothing in front: half of a random walk) gets the same values without a call.
    if (this.previous !== null && sameBytes(this.previous, frame)) {
      this.repeats.push([t, this.lastDistinct]);
      return;
    }
    this.previous = frame;
    this.lastDistinct = t;
    this.batch.push(frame);
    this.batchAt.push(t);
    if (this.batch.length >= this.batchFrames) this.flush();
  }

  end(trajectory: Trajectory, kept: boolean): void {
    this.flush();
    if (!kept) {
      this.episodeSamples = [];
      this.discarded.push(trajectory);
      return;
    }
    for (const sample of this.episodeSamples) sample.episode = this.episodes.length;
    this.episodeSamples = [];
    const index = this.countOf(this.group);
    const errors = [...this.errors.values()].map((e) => ({ ...e, episode: index, seed: trajectory.seed }));
    this.episodes.push({
      group: this.group,
      index,
      trajectory,
      checkCount: this.sandbox.checkNames.length,
      values: this.values.slice(0, this.frameCount * this.sandbox.checkNames.length),
      ...(this.progress ? { progress: this.progress.slice(0, this.frameCount * this.subtaskCount) } : {}),
      errors: errors.sort((a, b) => a.frame - b.frame),
    });
  }

  private startEpisode(first: Frame): void {
    this.first = first;
    this.previous = null;
    this.batch = [];
    this.batchAt = [];
    this.repeats = [];
    this.frameCount = 0;
    this.errors = new Map();
    this.progress?.fill(Number.NaN);
  }

  private flush(): void {
    const first = this.first;
    if (first === null) return;
    const n = this.sandbox.checkNames.length;
    const m = this.subtaskCount;
    this.ensureCapacity(this.frameCount * n);
    let done = 0;
    while (done < this.batch.length) {
      if (this.aborted) {
        for (let k = done; k < this.batch.length; k++)
          this.values.fill(CHECK_NOT_RUN, this.batchAt[k] * n, (this.batchAt[k] + 1) * n);
        break;
      }
      // After a fatal error, short batches: another endless loop then costs a few frames' time limits.
      const remaining = this.batch.length - done;
      const size = this.fatalErrors > 0 ? Math.min(RECOVERY_BATCH, remaining) : remaining;
      const results = this.sandbox.evaluate(this.batch.slice(done, done + size), first);
      for (let k = 0; k < size; k++) this.values.set(results.row(k), this.batchAt[done + k] * n);
      if (this.progress !== null) {
        for (let k = 0; k < size; k++) {
          const row = results.progress?.subarray(k * m, (k + 1) * m);
          if (row) this.progress.set(row, this.batchAt[done + k] * m);
          else this.progress.fill(Number.NaN, this.batchAt[done + k] * m, (this.batchAt[done + k] + 1) * m);
        }
      }
      for (let k = 0; k < results.completed; k++)
        this.maybeSample(
          first,
          this.batch[done + k],
          this.batchAt[done + k],
          results.row(k),
          results.progress?.slice(k * m, (k + 1) * m),
        );
      this.framesEvaluated += results.completed;
      for (const error of results.errors)
        this.record(error, this.batchAt[done + (error.frameIndex ?? 0)], false);
      if (results.fatal) {
        this.fatalErrors++;
        const failed = results.fatal.frameIndex ?? results.completed;
        this.record(results.fatal, this.batchAt[done + failed], true);
        done += failed + 1;
      } else {
        done += size;
      }
    }
    for (const [t, source] of this.repeats) {
      this.values.copyWithin(t * n, source * n, (source + 1) * n);
      this.progress?.copyWithin(t * m, source * m, (source + 1) * m);
    }
    this.batch = [];
    this.batchAt = [];
    this.repeats = [];
  }

  private maybeSample(
    first: Frame,
    frame: Frame,
    t: number,
    values: Uint8Array,
    progress: Float64Array | undefined,
  ): void {
    if (this.sampled.length >= this.determinismSample) return;
    if (this.sampleCounter++ % SAMPLE_STRIDE !== 0) return;
    // Copies: the frames may be buffers the renderer reuses; `first` is copied once per episode.
    const sample: Sampled = {
      first: this.sampledFirstCopy(first),
      frame: cloneFrame(frame),
      t,
      values: values.slice(),
      progress,
      group: this.group,
      episode: -1,
    };
    this.sampled.push(sample);
    this.episodeSamples.push(sample);
  }

  private firstCopies = new WeakMap<Frame, Frame>();

  private sampledFirstCopy(first: Frame): Frame {
    let copy = this.firstCopies.get(first);
    if (copy === undefined) {
      copy = cloneFrame(first);
      this.firstCopies.set(first, copy);
    }
    return copy;
  }

  private record(error: CheckError, frame: number, fatal: boolean): void {
    // A sub-task's check and its progress term are kept apart.
    const key = `${error.term ?? "check"}:${error.check}`;
    const previous = this.errors.get(key);
    if (previous) {
      this.errors.set(key, { ...previous, count: previous.count + (error.count ?? 1) });
      return;
    }
    // The sandbox numbers frames within its batch; the report speaks of frames of the episode.
    const message =
      error.frameIndex === undefined
        ? error.message
        : error.message.replace(` on frame ${error.frameIndex}`, ` on frame ${frame}`);
    this.errors.set(key, {
      check: error.check,
      ...(error.term ? { term: error.term } : {}),
      kind: error.kind,
      message,
      group: this.group,
      episode: -1,
      seed: -1,
      frame,
      count: error.count ?? 1,
      fatal,
    });
  }

  private ensureCapacity(bytes: number): void {
    if (this.progress !== null) {
      const wanted = (bytes / this.sandbox.checkNames.length) * this.subtaskCount;
      if (wanted > this.progress.length) {
        let size = this.progress.length;
        while (size < wanted) size *= 2;
        const grown = new Float64Array(size).fill(Number.NaN);
        grown.set(this.progress);
        this.progress = grown;
      }
    }
    if (bytes <= this.values.length) return;
    let size = this.values.length;
    while (size < bytes) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.values);
    this.values = grown;
  }
}

/** Byte equality of two frames of the same size (memcmp speed through Buffer views). */
function sameBytes(a: Frame, b: Frame): boolean {
  if (a.width !== b.width || a.height !== b.height) return false;
  const x = Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const y = Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  return x.equals(y);
}
