import type { LabelledMatrix } from '../../data/matrix.ts';
import { Random } from '../../random.ts';
import type { BoostedTree } from './boosted-tree.ts';
import { logisticGradients, softmaxGradients } from './objective.ts';
import type { XGBoostParams } from './params.ts';
import { binFeatures } from './quantile-bins.ts';
import { HistTreeBuilder } from './tree-builder.ts';

/**
 * The boosting loop. Two classes: binary:logistic, one tree per round, starting from margin 0
 * (base_score 0.5, as xgboost 1.7). More classes: multi:softprob, one tree per class per round, all
 * fitted to the gradients of the margins before the round. Returned in round order, class within round
 * (tree t belongs to class t mod width).
 */
export function boostTrees(train: LabelledMatrix, params: XGBoostParams, seed: number): BoostedTree[] {
  const { nRows: n, nFeatures: d, nClasses, y } = train;
  const width = nClasses === 2 ? 1 : nClasses;
  const binned = binFeatures(train, params.max_bin);
  const builder = new HistTreeBuilder(
    binned,
    {
      maxDepth: params.max_depth,
      learningRate: params.learning_rate,
      lambda: params.reg_lambda,
      gamma: params.gamma,
      minChildWeight: params.min_child_weight,
    },
    width,
  );
  const margin = builder.margins;
  const classMargin = Array.from({ length: width }, (_, c) => margin.subarray(c * n, (c + 1) * n));
  const classGradHess = Array.from({ length: width }, () => new Float64Array(2 * n));
  const sampler = new FeatureSampler(d, params.colsample_bytree);
  const rng = new Random(seed);
  const trees: BoostedTree[] = [];
  for (let round = 0; round < params.n_estimators; round++) {
    if (width === 1) logisticGradients(margin, y, classGradHess[0]);
    else softmaxGradients(margin, y, nClasses, classGradHess);
    for (let c = 0; c < width; c++) {
      // Random draws only where sampling is on, so the default settings use no randomness at all.
      // Without sampling this still restores ascending row order, which the histogram passes read best.
      builder.sampleRows(params.subsample, params.subsample < 1 ? rng : undefined);
      const nActive = sampler.draw(rng);
      trees.push(builder.grow(classGradHess[c], sampler.features, nActive, classMargin[c]));
    }
  }
  return trees;
}

/** colsample_bytree: max(1, ⌊fraction·d⌋) features per tree, drawn without replacement, kept ascending. */
class FeatureSampler {
  readonly features: Int32Array;
  private readonly count: number;

  constructor(nFeatures: number, fraction: number) {
    this.features = new Int32Array(nFeatures);
    for (let j = 0; j < nFeatures; j++) this.features[j] = j;
    this.count = fraction >= 1 ? nFeatures : Math.max(1, Math.floor(fraction * nFeatures));
  }

  /** Puts the tree's features at features[0..count) and returns count. */
  draw(rng: Random): number {
    const f = this.features;
    const d = f.length;
    if (this.count === d) return d;
    for (let j = 0; j < d; j++) f[j] = j;
    for (let i = 0; i < this.count; i++) {
      const k = i + rng.int(d - i);
      const t = f[i];
      f[i] = f[k];
      f[k] = t;
    }
    // Ascending, so ties between features still go to the lower index.
    for (let i = 1; i < this.count; i++) {
      const v = f[i];
      let k = i - 1;
      while (k >= 0 && f[k] > v) {
        f[k + 1] = f[k];
        k--;
      }
      f[k + 1] = v;
    }
    return this.count;
  }
}
