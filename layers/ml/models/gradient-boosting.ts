import type { FeatureMatrix, LabelledMatrix } from '../data/matrix.ts';
import { DataError, MlError, ModelFormatError } from '../errors.ts';
import { Random } from '../random.ts';
import * as z from '../zod.ts';
import {
  binaryResiduals,
  expit,
  initialScores,
  multinomialResiduals,
  newtonLeafValues,
  scoresPerRow,
  scoresToProba,
  softmaxInto,
  stageProbabilities,
} from './boosting/log-loss.ts';
import { sampleWithoutReplacement } from './boosting/subsample.ts';
import { argmaxRows, type Classifier, type ModelJSON, type ModelSpec } from './classifier.ts';
import { meanThenNormalize } from './tree/ensemble-importances.ts';
import { type GrowthLimits, TreeGrower } from './tree/grower.ts';
import { leafOfColumnMajorRow, leafOfRow, type TreeNodes } from './tree/nodes.ts';
import {
  maxDepthParam,
  maxFeaturesParam,
  minSamplesLeafParam,
  minSamplesSplitParam,
  resolveMaxFeatures,
} from './tree/params.ts';
import { presortFeatures } from './tree/presort.ts';
import { regressionCriterion } from './tree/regression-criteria.ts';
import {
  importancesFromJSON,
  numbers,
  readEnvelope,
  type TreeJSON,
  toEnvelope,
  treeFromJSON,
  treeToJSON,
} from './tree/serialize.ts';
import { checkFeatureCount, checkTrainingData } from './tree/training-data.ts';

const MODEL = 'GradientBoosting';
const FORMAT = 'synergy.GradientBoosting';
const FORMAT_VERSION = 1;

/** scikit-learn's GradientBoostingClassifier hyperparameters and defaults (log-loss only). */
export const gradientBoostingParams = z.strictObject({
  n_estimators: z._default(z.int().check(z.minimum(1), z.maximum(10_000)), 100),
  learning_rate: z._default(z.number().check(z.gt(0)), 0.1),
  max_depth: z._default(maxDepthParam, 3),
  subsample: z._default(z.number().check(z.gt(0), z.lte(1)), 1),
  min_samples_split: z._default(minSamplesSplitParam, 2),
  min_samples_leaf: z._default(minSamplesLeafParam, 1),
  max_features: z._default(maxFeaturesParam, null),
  criterion: z._default(z.enum(['friedman_mse', 'squared_error']), 'friedman_mse'),
});
export type GradientBoostingParams = z.infer<typeof gradientBoostingParams>;

interface Fitted {
  readonly nFeatures: number;
  readonly nClasses: number;
  /** Initial raw scores (1 for two classes, else one per class). */
  readonly init: Float64Array;
  /** Stage-major: tree of stage s for score k at `s * init.length + k`; leaf values are Newton steps. */
  readonly trees: readonly TreeNodes[];
  readonly importances: Float64Array;
}

/**
 * Gradient boosting with log-loss as scikit-learn's GradientBoostingClassifier: each stage fits one
 * regression tree per raw score (one for two classes, K for K classes) on the negative gradient, then
 * sets every leaf to one Newton step; scores move by learning_rate × leaf value. With subsample < 1 each
 * stage grows its trees on rows drawn without replacement (stochastic gradient boosting); the other
 * rows take no part in the tree (scikit-learn keeps them at weight 0, which can only move thresholds).
 */
export class GradientBoosting implements Classifier {
  readonly name = MODEL;
  private readonly params: GradientBoostingParams;
  private readonly seed: number;
  private fitted: Fitted | undefined;

  constructor(params: GradientBoostingParams, seed: number, fitted?: Fitted) {
    this.params = params;
    this.seed = seed;
    this.fitted = fitted;
  }

  fit(train: LabelledMatrix): void {
    checkTrainingData(train, MODEL);
    const { nRows: n, nFeatures: d, nClasses, y } = train;
    if (nClasses < 2) {
      throw new DataError('TOO_FEW_CLASSES', `${MODEL}: needs at least two classes, got ${nClasses}`);
    }
    const p = this.params;
    const limits: GrowthLimits = {
      maxDepth: p.max_depth ?? Number.POSITIVE_INFINITY,
      minSamplesSplit: p.min_samples_split,
      minSamplesLeaf: p.min_samples_leaf,
      maxFeatures: resolveMaxFeatures(p.max_features, d),
    };
    const k = scoresPerRow(nClasses);
    const init = initialScores(y, nClasses);
    const raw = new Float64Array(n * k);
    for (let i = 0; i < n; i++) raw.set(init, i * k);
    const stageProba = k > 1 ? new Float64Array(n * k) : undefined;
    const residual = new Float64Array(n);
    const criterion = regressionCriterion(p.criterion, residual);
    const grower = new TreeGrower(presortFeatures(train));
    const stochastic = p.subsample < 1;
    const inBag = stochastic ? new Uint8Array(n) : undefined;
    const nInBag = Math.max(1, Math.floor(p.subsample * n));
    const leafOf = new Int32Array(n);
    const rng = new Random(this.seed);
    const trees: TreeNodes[] = [];
    const importances = new Float64Array(d);
    let informativeTrees = 0;

    for (let stage = 0; stage < p.n_estimators; stage++) {
      if (inBag !== undefined) sampleWithoutReplacement(n, nInBag, rng, inBag);
      if (stageProba !== undefined) stageProbabilities(raw, n, k, stageProba);
      for (let score = 0; score < k; score++) {
        if (stageProba === undefined) binaryResiduals(y, raw, residual);
        else multinomialResiduals(y, stageProba, nClasses, score, residual);
        const grown = grower.grow(criterion, limits, new Random(rng.nextUint32()), inBag);
        const tree = grown.nodes;
        for (let i = 0; i < n; i++) leafOf[i] = leafOfColumnMajorRow(tree, train.values, n, i);
        const positive = k === 1 ? 1 : score;
        newtonLeafValues(tree, leafOf, residual, y, positive, inBag, nClasses);
        const lr = p.learning_rate;
        const value = tree.value;
        for (let i = 0; i < n; i++) raw[i * k + score] += lr * value[leafOf[i]];
        trees.push(tree);
        // As scikit-learn: the mean of the trees' unnormalised importances over trees that split at all.
        if (tree.nodeCount > 1) {
          informativeTrees++;
          for (let j = 0; j < d; j++) importances[j] += grown.impurityDecrease[j];
        }
      }
    }
    meanThenNormalize(importances, informativeTrees);
    this.fitted = { nFeatures: d, nClasses, init, trees, importances };
  }

  /** The fitted trees, stage-major (read-only use: inspection, tests, export). */
  get trees(): readonly TreeNodes[] {
    return this.model().trees;
  }

  /**
   * Raw scores (scikit-learn's decision_function): row-major `nRows × 1` log-odds of class 1 for two
   * classes, else `nRows × nClasses`.
   */
  decisionFunction(x: FeatureMatrix): Float64Array {
    const { init, trees, nFeatures } = this.model();
    checkFeatureCount(x.nFeatures, nFeatures, MODEL);
    const k = init.length;
    const n = x.nRows;
    const raw = new Float64Array(n * k);
    for (let i = 0; i < n; i++) raw.set(init, i * k);
    const lr = this.params.learning_rate;
    for (let t = 0; t < trees.length; t++) {
      const tree = trees[t];
      const score = t % k;
      for (let i = 0; i < n; i++) {
        raw[i * k + score] += lr * tree.value[leafOfColumnMajorRow(tree, x.values, n, i)];
      }
    }
    return raw;
  }

  predict(x: FeatureMatrix): Int32Array {
    return argmaxRows(this.predictProba(x), x.nRows, this.model().nClasses);
  }

  predictProba(x: FeatureMatrix): Float64Array {
    return scoresToProba(this.decisionFunction(x), x.nRows, this.model().nClasses);
  }

  predictProbaRow(row: Float64Array, out: Float64Array): void {
    const { init, trees, nFeatures, nClasses } = this.model();
    checkFeatureCount(row.length, nFeatures, MODEL);
    const lr = this.params.learning_rate;
    if (nClasses === 2) {
      let raw = init[0];
      for (let t = 0; t < trees.length; t++) raw += lr * trees[t].value[leafOfRow(trees[t], row)];
      const p = expit(raw);
      out[0] = 1 - p;
      out[1] = p;
      return;
    }
    // Many classes: `out` holds the raw scores, then their softmax.
    for (let c = 0; c < nClasses; c++) out[c] = init[c];
    for (let t = 0; t < trees.length; t++) {
      out[t % nClasses] += lr * trees[t].value[leafOfRow(trees[t], row)];
    }
    softmaxInto(out, 0, nClasses, out, 0);
  }

  featureImportances(): Float64Array {
    return this.model().importances.slice();
  }

  toJSON(): ModelJSON {
    const { init, trees, importances, nFeatures, nClasses } = this.model();
    const state: { init: number[]; trees: TreeJSON[]; featureImportances: number[] } = {
      init: Array.from(init),
      trees: trees.map(treeToJSON),
      featureImportances: Array.from(importances),
    };
    return toEnvelope(MODEL, FORMAT, FORMAT_VERSION, this.params, { nFeatures, nClasses }, state);
  }

  dispose(): void {}

  private model(): Fitted {
    if (this.fitted === undefined) throw new MlError(`${MODEL}: predict called before fit`);
    return this.fitted;
  }
}

function fromJSON(json: ModelJSON): GradientBoosting {
  const { state, params } = readEnvelope(json, MODEL, FORMAT, FORMAT_VERSION, gradientBoostingParams);
  const { nFeatures, nClasses } = json;
  if (nClasses < 2) throw new ModelFormatError(`${MODEL}: nClasses must be at least 2`);
  const k = scoresPerRow(nClasses);
  const init = numbers(state.init, `${MODEL}.state.init`);
  if (init.length !== k || !init.every(Number.isFinite)) {
    throw new ModelFormatError(`${MODEL}: state.init must hold ${k} finite numbers`);
  }
  if (!Array.isArray(state.trees) || state.trees.length !== params.n_estimators * k) {
    throw new ModelFormatError(`${MODEL}: state.trees must hold n_estimators × ${k} trees`);
  }
  const trees = state.trees.map((t: unknown, i: number) =>
    treeFromJSON(t, nFeatures, 1, `${MODEL}.state.trees[${i}]`),
  );
  const importances = importancesFromJSON(
    state.featureImportances,
    nFeatures,
    `${MODEL}.state.featureImportances`,
  );
  return new GradientBoosting(params, 0, {
    nFeatures,
    nClasses,
    init: new Float64Array(init),
    trees,
    importances,
  });
}

export const gradientBoostingSpec: ModelSpec<GradientBoostingParams> = {
  name: MODEL,
  params: gradientBoostingParams,
  create: (params, seed) => new GradientBoosting(params, seed),
  fromJSON,
};
