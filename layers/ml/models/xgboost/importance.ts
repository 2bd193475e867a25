import type { BoostedTree } from './boosted-tree.ts';

/**
 * xgboost's default importance_type 'gain' as its scikit-learn API reports it: the mean loss change of
 * the splits on each feature (over all trees), normalised to sum to 1. Features never split on get 0;
 * an ensemble without a single split gets all zeros.
 */
export function gainImportances(trees: readonly BoostedTree[], nFeatures: number): Float64Array {
  const total = new Float64Array(nFeatures);
  const splits = new Float64Array(nFeatures);
  for (const t of trees) {
    for (let i = 0; i < t.nodeCount; i++) {
      const f = t.feature[i];
      if (f >= 0) {
        total[f] += t.gain[i];
        splits[f]++;
      }
    }
  }
  let sum = 0;
  for (let j = 0; j < nFeatures; j++) {
    total[j] = splits[j] > 0 ? total[j] / splits[j] : 0;
    sum += total[j];
  }
  if (sum > 0) for (let j = 0; j < nFeatures; j++) total[j] /= sum;
  return total;
}
