/**
 * Distances between a baseline distribution p and a window's q over the same cells (PSI bins or levels),
 * both given as shares summing to 1.
 */

/**
 * What an empty cell's share is raised to before PSI's logarithm (and χ²'s division), the common choice in
 * drift tools: an empty cell then costs a bounded amount (a 10% share meeting an empty cell adds
 * (0.1 − 1e-4)·ln(1000) ≈ 0.69, well past the 0.25 alarm) instead of infinity.
 */
export const PSI_EPSILON = 1e-4;

/** Population stability index Σ (q − p)·ln(q / p), with p and q raised to at least PSI_EPSILON. */
export function psi(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = Math.max(p[i], PSI_EPSILON);
    const qi = Math.max(q[i], PSI_EPSILON);
    sum += (qi - pi) * Math.log(qi / pi);
  }
  return sum;
}

/** Jensen–Shannon divergence in bits (so in [0, 1]); empty cells need no smoothing here. */
export function jensenShannon(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i] + q[i]) / 2;
    if (p[i] > 0) sum += p[i] * Math.log2(p[i] / m);
    if (q[i] > 0) sum += q[i] * Math.log2(q[i] / m);
  }
  return Math.min(1, Math.max(0, sum / 2));
}

/**
 * Pearson's goodness-of-fit χ² of `observed` counts (m in all) against the baseline shares p: Σ (O − E)² / E
 * with E = m·p. A cell the baseline never saw (p = 0) expects m·PSI_EPSILON when something was observed in
 * it and is skipped when nothing was.
 */
export function chiSquare(observed: ArrayLike<number>, p: ArrayLike<number>, m: number): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] <= 0 && observed[i] === 0) continue;
    const expected = m * Math.max(p[i], PSI_EPSILON);
    sum += (observed[i] - expected) ** 2 / expected;
  }
  return sum;
}

/** Largest |p − q| over the cells. */
export function linfDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < p.length; i++) max = Math.max(max, Math.abs(p[i] - q[i]));
  return max;
}

/**
 * SageMaker Model Monitor's linf_robust: the L∞ distance less the 1.8·√((n + m)/(n·m)) a distance between
 * samples of n and m values reaches by chance alone, floored at 0. 0 when either sample is empty.
 */
export function linfRobust(linf: number, n: number, m: number): number {
  if (n === 0 || m === 0) return 0;
  return Math.max(0, linf - 1.8 * Math.sqrt((n + m) / (n * m)));
}
