/**
 * Generalized Advantage Estimation, shared by the discrete and the continuous PPO. The episode-end rules are
 * Gymnasium's: a terminated step has no successor value, a truncated one bootstraps from V(final obs).
 */
export interface GaeInput {
  numSteps: number;
  numEnvs: number;
  /** All [numSteps × numEnvs], index t · numEnvs + i. */
  rewards: ArrayLike<number>;
  values: ArrayLike<number>;
  /** The episode ended at step t because the MDP terminated: no bootstrap. */
  terminated: ArrayLike<number>;
  /** The episode was cut at step t (time limit): bootstrap from `finalValues`. */
  truncated: ArrayLike<number>;
  /** V(final observation) where truncated (ignored elsewhere). */
  finalValues: ArrayLike<number>;
  /** V(observation after the last step), per env. */
  lastValues: ArrayLike<number>;
  gamma: number;
  lambda: number;
}

/**
 * Generalized Advantage Estimation (Schulman et al., 2016):
 *   δ_t = r_t + γ·V(s_{t+1}) − V(s_t),   A_t = δ_t + γλ·A_{t+1}   (the sum restarts at each episode end)
 * where V(s_{t+1}) is 0 after termination and V(final obs) after truncation. Returns = A + V.
 */
export function computeGae(input: GaeInput): { advantages: Float32Array; returns: Float32Array } {
  const { numSteps: T, numEnvs: N, rewards, values, terminated, truncated, gamma, lambda } = input;
  const advantages = new Float32Array(T * N);
  const returns = new Float32Array(T * N);
  for (let i = 0; i < N; i++) {
    let nextAdvantage = 0;
    for (let t = T - 1; t >= 0; t--) {
      const k = t * N + i;
      let nextValue: number;
      let continues = 1;
      if (terminated[k]) {
        nextValue = 0;
        continues = 0;
      } else if (truncated[k]) {
        nextValue = input.finalValues[k];
        continues = 0;
      } else {
        nextValue = t === T - 1 ? input.lastValues[i] : values[k + N];
      }
      const delta = rewards[k] + gamma * nextValue - values[k];
      nextAdvantage = delta + gamma * lambda * continues * nextAdvantage;
      advantages[k] = nextAdvantage;
      returns[k] = nextAdvantage + values[k];
    }
  }
  return { advantages, returns };
}
