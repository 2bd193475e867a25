/** The baseline's quantile grid and the PSI bins taken from it. */

/**
 * Quantiles kept per numeric feature, at p = 0, 0.001, …, 1: the baseline CDF is then exact to 0.001 in
 * probability, far below any drift threshold, and statistics.json stays small (~20 KB per feature).
 * QUANTILE_POINTS − 1 must be a multiple of PSI_BINS so the decile edges are quantiles of the grid.
 */
export const QUANTILE_POINTS = 1001;

/** Deciles: the usual PSI binning. */
export const PSI_BINS = 10;

/** numpy's default ("linear", Hyndman–Fan type 7) quantile of ascending `sorted` at probability p. */
export function quantileType7(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const below = sorted[lo];
  if (lo + 1 >= sorted.length) return below;
  return below + (h - lo) * (sorted[lo + 1] - below);
}

/** QUANTILE_POINTS quantiles of ascending `sorted` (none when it is empty), -0 written as 0. */
export function quantileGrid(sorted: Float64Array): number[] {
  if (sorted.length === 0) return [];
  const out = new Array<number>(QUANTILE_POINTS);
  for (let j = 0; j < QUANTILE_POINTS; j++) out[j] = quantileType7(sorted, j / (QUANTILE_POINTS - 1)) + 0;
  return out;
}

/** The inner decile edges (p = 0.1 … 0.9) of a quantile grid, each value once. */
export function decileEdges(quantiles: readonly number[]): number[] {
  if (quantiles.length === 0) return [];
  const step = (QUANTILE_POINTS - 1) / PSI_BINS;
  const edges: number[] = [];
  for (let b = 1; b < PSI_BINS; b++) {
    const edge = quantiles[b * step];
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  return edges;
}

/** Values of ascending `sorted` that are ≤ x (upper bound). */
export function countAtMost(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
