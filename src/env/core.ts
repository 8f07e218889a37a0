/**
 * The environment contract, with Gymnasium's semantics:
 *   reset({ seed }) → { obs, info }
 *   step(action)    → { obs, reward, terminated, truncated, info }
 *   render()        → Frame (RGB)
 * `terminated` means the MDP reached a terminal state (success, death); `truncated` means a time limit cut it.
 * `info.events` carries ground-truth happenings for evaluation only: reward programs never see `info`.
 */
import type { Frame } from "../image/frame.ts";
import type { Space } from "./spaces.ts";

/** A ground-truth happening, e.g. { type: "pickup", object: "key", color: "yellow" }. */
export interface EnvEvent {
  readonly type: string;
  readonly object?: string;
  readonly color?: string;
  /** Human-readable, e.g. "picked up the yellow key". */
  readonly text: string;
}

export interface Info {
  events?: EnvEvent[];
  [key: string]: unknown;
}

export interface ResetOptions {
  /** Reseeds the env's generator; without it, the generator continues its stream (Gymnasium semantics). */
  seed?: number;
  options?: Record<string, unknown>;
}

export interface ResetResult<Obs> {
  obs: Obs;
  info: Info;
}

export interface StepResult<Obs> {
  obs: Obs;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Info;
}

export interface EnvMetadata {
  renderFps?: number;
  /** Default render tile size for grid worlds; absent for continuous scenes. */
  tileSize?: number;
  [key: string]: unknown;
}

export interface Env<Obs = unknown, Act = number> {
  /** The registry id this env was made with, e.g. "MiniGrid-DoorKey-8x8-v0". */
  readonly id: string;
  readonly observationSpace: Space<Obs>;
  readonly actionSpace: Space<Act>;
  readonly metadata: EnvMetadata;
  reset(options?: ResetOptions): ResetResult<Obs>;
  step(action: Act): StepResult<Obs>;
  render(): Frame;
  close(): void;
}

/** Raised for misuse of the env lifecycle or bad arguments; the message says what to do. */
export class EnvError extends Error {
  override name = "EnvError";
}

/**
 * Enforces the lifecycle every env shares (Gymnasium's OrderEnforcing + PassiveEnvChecker), so a subclass
 * implements only `doReset` / `doStep`: `step` before `reset` or after the episode ended, and actions outside
 * the action space, are errors rather than silent misbehaviour.
 */
export abstract class BaseEnv<Obs, Act = number> implements Env<Obs, Act> {
  abstract readonly id: string;
  abstract readonly observationSpace: Space<Obs>;
  abstract readonly actionSpace: Space<Act>;
  metadata: EnvMetadata = {};
  private phase: "fresh" | "running" | "ended" = "fresh";

  reset(options: ResetOptions = {}): ResetResult<Obs> {
    if (options.seed !== undefined && !(Number.isSafeInteger(options.seed) && options.seed >= 0)) {
      throw new EnvError(`${this.id}: seed must be a non-negative integer, got ${options.seed}`);
    }
    const result = this.doReset(options);
    this.phase = "running";
    return result;
  }

  step(action: Act): StepResult<Obs> {
    if (this.phase !== "running") {
      throw new EnvError(
        this.phase === "fresh"
          ? `${this.id}: step() called before reset(); call reset({ seed }) first`
          : `${this.id}: step() called after the episode ended (terminated or truncated); call reset() first`,
      );
    }
    if (!this.actionSpace.contains(action)) {
      throw new EnvError(
        `${this.id}: action ${String(action)} is not in the action space ${this.actionSpace.describe()}`,
      );
    }
    const result = this.doStep(action);
    if (result.terminated || result.truncated) this.phase = "ended";
    return result;
  }

  /** True between reset() and the end of the episode. */
  get running(): boolean {
    return this.phase === "running";
  }

  protected abstract doReset(options: ResetOptions): ResetResult<Obs>;
  protected abstract doStep(action: Act): StepResult<Obs>;
  abstract render(): Frame;
  close(): void {}
}

/** A wrapper changes one aspect of an env and forwards the rest (Gymnasium's Wrapper). */
export abstract class Wrapper<Obs, Act, InnerObs = Obs, InnerAct = Act> implements Env<Obs, Act> {
  constructor(readonly env: Env<InnerObs, InnerAct>) {}
  get id(): string {
    return this.env.id;
  }
  get metadata(): EnvMetadata {
    return this.env.metadata;
  }
  abstract readonly observationSpace: Space<Obs>;
  abstract readonly actionSpace: Space<Act>;
  abstract reset(options?: ResetOptions): ResetResult<Obs>;
  abstract step(action: Act): StepResult<Obs>;
  render(): Frame {
    return this.env.render();
  }
  close(): void {
    this.env.close();
  }
  /** The innermost env, e.g. to read MiniGrid's grid for an expert planner. */
  get unwrapped(): Env<unknown, unknown> {
    return unwrap(this.env as Env<unknown, unknown>);
  }
}

/** Maps observations and leaves everything else alone. */
export abstract class ObservationWrapper<Obs, InnerObs, Act = number> extends Wrapper<
  Obs,
  Act,
  InnerObs,
  Act
> {
  get actionSpace(): Space<Act> {
    return this.env.actionSpace;
  }
  protected abstract observation(obs: InnerObs): Obs;
  reset(options?: ResetOptions): ResetResult<Obs> {
    const { obs, info } = this.env.reset(options);
    return { obs: this.observation(obs), info };
  }
  step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    return {
      obs: this.observation(r.obs),
      reward: r.reward,
      terminated: r.terminated,
      truncated: r.truncated,
      info: r.info,
    };
  }
}

/** Follows `.env` links to the innermost env. */
export function unwrap(env: Env<unknown, unknown>): Env<unknown, unknown> {
  let e = env;
  while (e instanceof Wrapper) e = e.env as Env<unknown, unknown>;
  return e;
}
