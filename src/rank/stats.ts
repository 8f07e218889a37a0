/**
 * The statistics of the ranking experiment: Kendall's τ-b between two paired lists (ties in either list
 * handled as in Kendall 1945 / scipy.stats.kendalltau's default), and whether per-policy means come in the
 * order Fig. 4 expects.
 */

export interface KendallTau {
  /** τ-b in [−1, 1]; null when either list is constant (the denominator is 0) or has fewer than 2 items. */
  readonly tau: number | null;
  /** Pairs ordered the same way in both lists, and the opposite way (pairs tied in either list count in neither). */
  readonly concordant: number;
  readonly discordant: number;
  /** Pairs tied in x only, in y only, and in both. */
  readonly tiesX: number;
  readonly tiesY: number;
  readonly tiesBoth: number;
  readonly n: number;
}

/**
 * Kendall's τ-b = (C − D) / √((n₀ − n₁)(n₀ − n₂)), n₀ = n(n − 1)/2, n₁ / n₂ the pairs tied in x / in y
 * (pairs tied in both count in each). O(n²): the experiment pairs at most a few hundred episodes.
 */
export function kendallTauB(x: readonly number[], y: readonly number[]): KendallTau {
  if (x.length !== y.length) {
    throw new RangeError(`kendallTauB: the lists differ in length (${x.length} and ${y.length})`);
  }
  const n = x.length;
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  let tiesBoth = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[i] - x[j]);
      const dy = Math.sign(y[i] - y[j]);
      if (Number.isNaN(dx) || Number.isNaN(dy)) {
        throw new RangeError("kendallTauB: the lists must hold numbers, not NaN");
      }
      if (dx === 0 && dy === 0) tiesBoth++;
      else if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const n0 = (n * (n - 1)) / 2;
  const n1 = tiesX + tiesBoth;
  const n2 = tiesY + tiesBoth;
  const denominator = Math.sqrt((n0 - n1) * (n0 - n2));
  const tau = denominator > 0 ? (concordant - discordant) / denominator : null;
  return { tau, concordant, discordant, tiesX, tiesY, tiesBoth, n };
}

export interface OrderCheck {
  /** True when every mean is strictly above the one before it. */
  readonly strict: boolean;
  /** True when no mean is below the one before it (ties allowed). */
  readonly weak: boolean;
  /** The adjacent pairs that break the strict order, as "novice ≥ suboptimal" lines. */
  readonly violations: readonly string[];
}

/** Whether `means`, listed from the policy expected lowest to the one expected highest, rise in that order. */
export function checkOrder(means: readonly { name: string; mean: number }[]): OrderCheck {
  const violations: string[] = [];
  let weak = true;
  for (let i = 1; i < means.length; i++) {
    const a = means[i - 1];
    const b = means[i];
    if (!(b.mean > a.mean)) {
      violations.push(`${a.name} (${a.mean.toFixed(3)}) ≥ ${b.name} (${b.mean.toFixed(3)})`);
      if (b.mean < a.mean) weak = false;
    }
  }
  return { strict: violations.length === 0, weak, violations };
}
