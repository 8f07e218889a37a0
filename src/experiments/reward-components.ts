/**
 * What a shaped training return is made of: the env's own reward and the program's bonus, per finished
 * episode, read from the reward wrapper's `info.subtasks`. PPO logs the means with each update
 * (UpdateStats.rewardComponents), so TensorBoard and the CSV can show whether the agent earns bonus or
 * task reward. Observation only: rewards, observations and episode ends pass through unchanged.
 */
import { type Env, type ResetOptions, type ResetResult, type StepResult, Wrapper } from "../env/core.ts";
import type { Space } from "../env/spaces.ts";
import type { SubtaskInfo } from "../program/reward-wrapper.ts";
import type { RewardComponents } from "../rl/ppo.ts";

interface Episode {
  envReturn: number;
  programBonus: number;
  subtasks: number;
}

export class RewardComponentsMeter {
  private finished: Episode[] = [];

  /** `env` with its episodes' components recorded here. */
  wrap<Act>(env: Env<unknown, Act>): Env<unknown, Act> {
    return new MeteredEnv(env, (episode) => this.finished.push(episode));
  }

  /** Means over the episodes finished since the last call; undefined when none finished or no program ran. */
  drain(): RewardComponents | undefined {
    const episodes = this.finished;
    this.finished = [];
    if (episodes.length === 0) return undefined;
    const mean = (key: keyof Episode) => episodes.reduce((s, e) => s + e[key], 0) / episodes.length;
    return { envReturn: mean("envReturn"), programBonus: mean("programBonus"), subtasks: mean("subtasks") };
  }
}

class MeteredEnv<Act> extends Wrapper<unknown, Act> {
  private current: Episode | null = null;

  constructor(
    env: Env<unknown, Act>,
    private readonly onEpisode: (episode: Episode) => void,
  ) {
    super(env);
  }

  get observationSpace(): Space<unknown> {
    return this.env.observationSpace;
  }

  get actionSpace(): Space<Act> {
    return this.env.actionSpace;
  }

  reset(options?: ResetOptions): ResetResult<unknown> {
    this.current = { envReturn: 0, programBonus: 0, subtasks: 0 };
    return this.env.reset(options);
  }

  step(action: Act): StepResult<unknown> {
    const result = this.env.step(action);
    const progress = result.info.subtasks as SubtaskInfo | undefined;
    if (this.current && progress) {
      this.current.envReturn += progress.envReward;
      this.current.programBonus += progress.bonus;
      this.current.subtasks = progress.completed.length;
      if (result.terminated || result.truncated) {
        this.onEpisode(this.current);
        this.current = null;
      }
    }
    return result;
  }
}
