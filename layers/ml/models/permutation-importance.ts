import type { LabelledMatrix } from '../data/matrix.ts';
import { Random } from '../random.ts';
import type { Classifier } from './classifier.ts';

export interface PermutationImportance {
  /** Mean drop in accuracy when the feature is shuffled (can be slightly negative, as in scikit-learn). */
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

/**
 * scikit-learn's permutation_importance with accuracy as the score: shuffle one feature column at a
 * time (seeded), re-score, and report the mean and std of the drop over `repeats`. Used for models
 * without native importances (KNN, rbf SVC, MLP) so every model gets a feature-importance chart.
 */
export function permutationImportance(
  model: Classifier,
  data: LabelledMatrix,
  options: { repeats?: number; seed?: number } = {},
): PermutationImportance {
  const repeats = options.repeats ?? 5;
  const rng = new Random(options.seed ?? 42);
  const n = data.nRows;
  const work = new Float64Array(data.values);
  const x = { nRows: n, nFeatures: data.nFeatures, values: work };
  const baseline = accuracy(model.predict(x), data.y);
  const mean = new Float64Array(data.nFeatures);
  const std = new Float64Array(data.nFeatures);
  const drops = new Float64Array(repeats);
  for (let j = 0; j < data.nFeatures; j++) {
    const col = work.subarray(j * n, (j + 1) * n);
    const original = data.values.subarray(j * n, (j + 1) * n);
    for (let r = 0; r < repeats; r++) {
      col.set(original);
      rng.shuffle(col);
      drops[r] = baseline - accuracy(model.predict(x), data.y);
    }
    col.set(original);
    let s = 0;
    for (let r = 0; r < repeats; r++) s += drops[r];
    const m = s / repeats;
    let v = 0;
    for (let r = 0; r < repeats; r++) v += (drops[r] - m) ** 2;
    mean[j] = m;
    std[j] = Math.sqrt(v / repeats);
  }
  return { mean, std };
}

function accuracy(pred: Int32Array, y: Int32Array): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) ok++;
  return ok / y.length;
}
