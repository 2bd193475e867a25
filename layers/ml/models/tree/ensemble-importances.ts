/**
 * Turns summed per-tree importances into scikit-learn's ensemble importances in place: the mean over
 * trees, then normalized to sum 1 (left all-zero when no tree split, as scikit-learn does).
 */
export function meanThenNormalize(importances: Float64Array, nTrees: number): void {
  if (nTrees === 0) return;
  let sum = 0;
  for (let j = 0; j < importances.length; j++) {
    importances[j] /= nTrees;
    sum += importances[j];
  }
  if (sum > 0) for (let j = 0; j < importances.length; j++) importances[j] /= sum;
}
