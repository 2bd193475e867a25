import type { FeatureMatrix, LabelledMatrix } from '../data/matrix.ts';
import { MlError, ModelFormatError } from '../errors.ts';
import { Random } from '../random.ts';
import * as z from '../zod.ts';
import { argmaxRows, type Classifier, type ModelJSON, type ModelSpec } from './classifier.ts';
import { classificationCriterion } from './tree/classification-criteria.ts';
import { meanThenNormalize } from './tree/ensemble-importances.ts';
import { type ForestJSON, forestFromJSON, forestToJSON } from './tree/forest-json.ts';
import { type GrowthLimits, TreeGrower } from './tree/grower.ts';
import type { TreeNodes } from './tree/nodes.ts';
import { PackedForest } from './tree/packed-forest.ts';
import {
  criterionParam,
  maxDepthParam,
  maxFeaturesParam,
  minSamplesLeafParam,
  minSamplesSplitParam,
  resolveMaxFeatures,
} from './tree/params.ts';
import { presortFeatures } from './tree/presort.ts';
import { importancesFromJSON, readEnvelope, toEnvelope, treeFromJSON } from './tree/serialize.ts';
import { checkFeatureCount, checkTrainingData } from './tree/training-data.ts';

const MODEL = 'RandomForest';
const FORMAT = 'synergy.RandomForest';
/** 2: trees as binary arrays with shared threshold and leaf tables (tree/forest-json.ts); 1 still read. */
const FORMAT_VERSION = 2;
const NUMBER_ARRAYS_VERSION = 1;

/** scikit-learn's RandomForestClassifier hyperparameters and defaults. */
export const randomForestParams = z.strictObject({
  n_estimators: z._default(z.int().check(z.minimum(1), z.maximum(10_000)), 100),
  criterion: z._default(criterionParam, 'gini'),
  max_depth: z._default(maxDepthParam, null),
  min_samples_split: z._default(minSamplesSplitParam, 2),
  min_samples_leaf: z._default(minSamplesLeafParam, 1),
  max_features: z._default(maxFeaturesParam, 'sqrt'),
  bootstrap: z._default(z.boolean(), true),
});
export type RandomForestParams = z.infer<typeof randomForestParams>;

interface Fitted {
  readonly nFeatures: number;
  readonly nClasses: number;
  readonly trees: readonly TreeNodes[];
  readonly packed: PackedForest;
  readonly importances: Float64Array;
}

/**
 * Random forest as scikit-learn's: each tree is grown to the limits on a bootstrap sample (drawn as
 * per-row counts used as sample weights, not duplicated rows) with `max_features` features drawn per
 * node; probabilities are the mean of the trees' leaf class distributions.
 */
export class RandomForest implements Classifier {
  readonly name = MODEL;
  private readonly params: RandomForestParams;
  private readonly seed: number;
  private fitted: Fitted | undefined;

  constructor(params: RandomForestParams, seed: number, fitted?: Fitted) {
    this.params = params;
    this.seed = seed;
    this.fitted = fitted;
  }

  fit(train: LabelledMatrix): void {
    checkTrainingData(train, MODEL);
    const p = this.params;
    const n = train.nRows;
    const d = train.nFeatures;
    const limits: GrowthLimits = {
      maxDepth: p.max_depth ?? Number.POSITIVE_INFINITY,
      minSamplesSplit: p.min_samples_split,
      minSamplesLeaf: p.min_samples_leaf,
      maxFeatures: resolveMaxFeatures(p.max_features, d),
    };
    const grower = new TreeGrower(presortFeatures(train));
    const weights = new Float64Array(n);
    // Weight arrays are read by the criterion; one criterion per fit sees the current tree's weights.
    const criterion = classificationCriterion(p.criterion, train.y, train.nClasses, weights);
    const rng = new Random(this.seed);
    const trees: TreeNodes[] = [];
    const importances = new Float64Array(d);
    let informativeTrees = 0;
    for (let t = 0; t < p.n_estimators; t++) {
      const treeRng = new Random(rng.nextUint32());
      if (p.bootstrap) {
        weights.fill(0);
        for (let k = 0; k < n; k++) weights[treeRng.int(n)]++;
      } else {
        weights.fill(1);
      }
      const grown = grower.grow(criterion, limits, treeRng, p.bootstrap ? weights : undefined);
      trees.push(grown.nodes);
      // As scikit-learn: average the per-tree normalised importances over trees that split at all.
      if (grown.nodes.nodeCount > 1) {
        informativeTrees++;
        for (let j = 0; j < d; j++) importances[j] += grown.importances[j];
      }
    }
    meanThenNormalize(importances, informativeTrees);
    this.fitted = {
      nFeatures: d,
      nClasses: train.nClasses,
      trees,
      packed: new PackedForest(trees, train.nClasses),
      importances,
    };
  }

  /** The fitted trees' node arrays (read-only use: inspection, tests, export). */
  get trees(): readonly TreeNodes[] {
    return this.model().trees;
  }

  predict(x: FeatureMatrix): Int32Array {
    return argmaxRows(this.predictProba(x), x.nRows, this.model().nClasses);
  }

  predictProba(x: FeatureMatrix): Float64Array {
    const { packed, nFeatures } = this.model();
    checkFeatureCount(x.nFeatures, nFeatures, MODEL);
    return packed.meanColumnMajor(x.values, x.nRows);
  }

  predictProbaRow(row: Float64Array, out: Float64Array): void {
    const { packed, nFeatures } = this.model();
    checkFeatureCount(row.length, nFeatures, MODEL);
    packed.meanRow(row, out);
  }

  featureImportances(): Float64Array {
    return this.model().importances.slice();
  }

  toJSON(): ModelJSON {
    const { trees, importances, nFeatures, nClasses } = this.model();
    const state: { forest: ForestJSON; featureImportances: number[] } = {
      forest: forestToJSON(trees, nFeatures, nClasses),
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

function fromJSON(json: ModelJSON): RandomForest {
  const { state, params } = readEnvelope(
    json,
    MODEL,
    FORMAT,
    [NUMBER_ARRAYS_VERSION, FORMAT_VERSION],
    randomForestParams,
  );
  const { nFeatures, nClasses } = json;
  const { trees, thresholds, splitRanks } =
    json.formatVersion === NUMBER_ARRAYS_VERSION
      ? treesOfVersion1(state, nFeatures, nClasses)
      : forestFromJSON(state.forest, nFeatures, nClasses, `${MODEL}.state.forest`);
  if (trees.length !== params.n_estimators) {
    throw new ModelFormatError(`${MODEL}: the forest must hold n_estimators trees`);
  }
  const importances = importancesFromJSON(
    state.featureImportances,
    nFeatures,
    `${MODEL}.state.featureImportances`,
  );
  return new RandomForest(params, 0, {
    nFeatures,
    nClasses,
    trees,
    packed: new PackedForest(trees, nClasses, { thresholds, splitRanks }),
    importances,
  });
}

/** Format 1: one object of number arrays per tree (thresholds are collected again by the packed forest). */
function treesOfVersion1(
  state: Record<string, unknown>,
  nFeatures: number,
  nClasses: number,
): { trees: TreeNodes[]; thresholds?: Float64Array[]; splitRanks?: Int32Array[] } {
  if (!Array.isArray(state.trees)) throw new ModelFormatError(`${MODEL}: state.trees must be an array`);
  const trees = state.trees.map((t: unknown, k: number) =>
    treeFromJSON(t, nFeatures, nClasses, `${MODEL}.state.trees[${k}]`),
  );
  return { trees };
}

export const randomForestSpec: ModelSpec<RandomForestParams> = {
  name: MODEL,
  params: randomForestParams,
  create: (params, seed) => new RandomForest(params, seed),
  fromJSON,
};
