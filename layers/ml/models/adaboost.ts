import type { FeatureMatrix, LabelledMatrix } from '../data/matrix.ts';
import { DataError, MlError, ModelFormatError } from '../errors.ts';
import { Random } from '../random.ts';
import * as z from '../zod.ts';
import { leafClasses, sammeWeight, votesToProba } from './boosting/samme.ts';
import { argmaxRows, type Classifier, type ModelJSON, type ModelSpec } from './classifier.ts';
import { type GrowthLimits, TreeGrower } from './tree/grower.ts';
import { leafOfColumnMajorRow, leafOfRow, type TreeNodes } from './tree/nodes.ts';
import { maxDepthParam } from './tree/params.ts';
import { presortFeatures } from './tree/presort.ts';
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
import { WeightedGiniCriterion } from './tree/weighted-gini-criterion.ts';

const MODEL = 'AdaBoost';
const FORMAT = 'synergy.AdaBoost';
const FORMAT_VERSION = 1;

/** float64 machine epsilon: scikit-learn keeps every sample weight at least this large. */
const FLOAT64_EPS = 2.220446049250313e-16;

/**
 * scikit-learn's AdaBoostClassifier hyperparameters with algorithm='SAMME' (the only one offered; it is a
 * parameter so the same params can be handed to scikit-learn, whose 1.2 default is 'SAMME.R'), and
 * `max_depth` for the depth of the DecisionTree weak learner (scikit-learn's default estimator is a stump).
 */
export const adaBoostParams = z.strictObject({
  n_estimators: z._default(z.int().check(z.minimum(1), z.maximum(10_000)), 50),
  learning_rate: z._default(z.number().check(z.gt(0)), 1),
  max_depth: z._default(maxDepthParam, 1),
  algorithm: z._default(z.literal('SAMME'), 'SAMME'),
});
export type AdaBoostParams = z.infer<typeof adaBoostParams>;

interface Fitted {
  readonly nFeatures: number;
  readonly nClasses: number;
  readonly trees: readonly TreeNodes[];
  /** SAMME weight of each tree. */
  readonly weights: Float64Array;
  /** The class each node votes for when reached as a leaf, per tree. */
  readonly leafClass: readonly Int32Array[];
  readonly totalWeight: number;
  readonly importances: Float64Array;
}

/**
 * AdaBoost-SAMME as scikit-learn's AdaBoostClassifier(algorithm='SAMME'): each round grows a gini tree
 * on the current sample weights, weights it by its weighted training error, and multiplies the weights of
 * the rows it got wrong by exp(weight). Stops early, as scikit-learn, on a perfect learner (kept with
 * weight 1) or one no better than chance (dropped).
 */
export class AdaBoost implements Classifier {
  readonly name = MODEL;
  private readonly params: AdaBoostParams;
  private readonly seed: number;
  private fitted: Fitted | undefined;

  constructor(params: AdaBoostParams, seed: number, fitted?: Fitted) {
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
      minSamplesSplit: 2,
      minSamplesLeaf: 1,
      maxFeatures: d,
    };
    const sampleWeight = new Float64Array(n).fill(1 / n);
    const criterion = new WeightedGiniCriterion(y, nClasses, sampleWeight);
    const grower = new TreeGrower(presortFeatures(train));
    const rng = new Random(this.seed);
    const incorrect = new Uint8Array(n);
    const trees: TreeNodes[] = [];
    const leafClass: Int32Array[] = [];
    const weights: number[] = [];
    const importances = new Float64Array(d);

    for (let round = 0; round < p.n_estimators; round++) {
      for (let i = 0; i < n; i++) if (sampleWeight[i] < FLOAT64_EPS) sampleWeight[i] = FLOAT64_EPS;
      const grown = grower.grow(criterion, limits, new Random(rng.nextUint32()));
      const votes = leafClasses(grown.nodes);
      let wrong = 0;
      let total = 0;
      for (let i = 0; i < n; i++) {
        const miss = votes[leafOfColumnMajorRow(grown.nodes, train.values, n, i)] !== y[i];
        incorrect[i] = miss ? 1 : 0;
        if (miss) wrong += sampleWeight[i];
        total += sampleWeight[i];
      }
      const err = wrong / total;
      if (err >= 1 - 1 / nClasses) {
        if (trees.length === 0) {
          throw new DataError(
            'INVALID_VALUE',
            `${MODEL}: the first weak learner is no better than chance (weighted error ${err}); cannot fit`,
          );
        }
        break;
      }
      const alpha = err <= 0 ? 1 : sammeWeight(err, nClasses, p.learning_rate);
      trees.push(grown.nodes);
      leafClass.push(votes);
      weights.push(alpha);
      for (let j = 0; j < d; j++) importances[j] += alpha * grown.importances[j];
      if (err <= 0 || round === p.n_estimators - 1) break;
      // scikit-learn's exp(log w + α·[wrong]) on every row (not w·e^α), so rounding matches its own.
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const w = Math.exp(Math.log(sampleWeight[i]) + alpha * incorrect[i]);
        sampleWeight[i] = w;
        sum += w;
      }
      if (!Number.isFinite(sum) || sum <= 0) break;
      for (let i = 0; i < n; i++) sampleWeight[i] /= sum;
    }
    const totalWeight = weights.reduce((s, w) => s + w, 0);
    for (let j = 0; j < d; j++) importances[j] /= totalWeight;
    this.fitted = {
      nFeatures: d,
      nClasses,
      trees,
      weights: Float64Array.from(weights),
      leafClass,
      totalWeight,
      importances,
    };
  }

  /** The fitted weak learners (read-only use: inspection, tests, export). */
  get trees(): readonly TreeNodes[] {
    return this.model().trees;
  }

  /** The SAMME weight of each fitted weak learner. */
  get estimatorWeights(): Float64Array {
    return this.model().weights.slice();
  }

  predict(x: FeatureMatrix): Int32Array {
    return argmaxRows(this.predictProba(x), x.nRows, this.model().nClasses);
  }

  predictProba(x: FeatureMatrix): Float64Array {
    const { trees, weights, leafClass, nClasses: k, nFeatures, totalWeight } = this.model();
    checkFeatureCount(x.nFeatures, nFeatures, MODEL);
    const n = x.nRows;
    const out = new Float64Array(n * k);
    for (let t = 0; t < trees.length; t++) {
      const tree = trees[t];
      const votes = leafClass[t];
      const w = weights[t];
      for (let i = 0; i < n; i++) out[i * k + votes[leafOfColumnMajorRow(tree, x.values, n, i)]] += w;
    }
    for (let i = 0; i < n; i++) votesToProba(out, i * k, k, totalWeight);
    return out;
  }

  predictProbaRow(row: Float64Array, out: Float64Array): void {
    const { trees, weights, leafClass, nClasses: k, nFeatures, totalWeight } = this.model();
    checkFeatureCount(row.length, nFeatures, MODEL);
    for (let c = 0; c < k; c++) out[c] = 0;
    for (let t = 0; t < trees.length; t++) out[leafClass[t][leafOfRow(trees[t], row)]] += weights[t];
    votesToProba(out, 0, k, totalWeight);
  }

  featureImportances(): Float64Array {
    return this.model().importances.slice();
  }

  toJSON(): ModelJSON {
    const { trees, weights, importances, nFeatures, nClasses } = this.model();
    const state: { trees: TreeJSON[]; estimatorWeights: number[]; featureImportances: number[] } = {
      trees: trees.map(treeToJSON),
      estimatorWeights: Array.from(weights),
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

function fromJSON(json: ModelJSON): AdaBoost {
  const { state, params } = readEnvelope(json, MODEL, FORMAT, FORMAT_VERSION, adaBoostParams);
  const { nFeatures, nClasses } = json;
  if (nClasses < 2) throw new ModelFormatError(`${MODEL}: nClasses must be at least 2`);
  const { trees: rawTrees } = state;
  if (!Array.isArray(rawTrees) || rawTrees.length < 1 || rawTrees.length > params.n_estimators) {
    throw new ModelFormatError(`${MODEL}: state.trees must hold 1..n_estimators trees`);
  }
  const trees = rawTrees.map((t: unknown, i: number) =>
    treeFromJSON(t, nFeatures, nClasses, `${MODEL}.state.trees[${i}]`),
  );
  const weights = numbers(state.estimatorWeights, `${MODEL}.state.estimatorWeights`);
  if (weights.length !== trees.length || !weights.every((w) => Number.isFinite(w) && w > 0)) {
    throw new ModelFormatError(`${MODEL}: state.estimatorWeights must hold one positive number per tree`);
  }
  const importances = importancesFromJSON(
    state.featureImportances,
    nFeatures,
    `${MODEL}.state.featureImportances`,
  );
  return new AdaBoost(params, 0, {
    nFeatures,
    nClasses,
    trees,
    weights: new Float64Array(weights),
    leafClass: trees.map(leafClasses),
    totalWeight: weights.reduce((s, w) => s + w, 0),
    importances,
  });
}

export const adaBoostSpec: ModelSpec<AdaBoostParams> = {
  name: MODEL,
  params: adaBoostParams,
  create: (params, seed) => new AdaBoost(params, seed),
  fromJSON,
};
