import type { FeatureMatrix, LabelledMatrix } from '../data/matrix.ts';
import { MlError } from '../errors.ts';
import { Random } from '../random.ts';
import * as z from '../zod.ts';
import { argmaxRows, type Classifier, type ModelJSON, type ModelSpec } from './classifier.ts';
import { classificationCriterion } from './tree/classification-criteria.ts';
import { TreeGrower } from './tree/grower.ts';
import { leafOfColumnMajorRow, leafOfRow, type TreeNodes } from './tree/nodes.ts';
import {
  criterionParam,
  maxDepthParam,
  maxFeaturesParam,
  minSamplesLeafParam,
  minSamplesSplitParam,
  resolveMaxFeatures,
} from './tree/params.ts';
import { presortFeatures } from './tree/presort.ts';
import {
  importancesFromJSON,
  readEnvelope,
  type TreeJSON,
  toEnvelope,
  treeFromJSON,
  treeToJSON,
} from './tree/serialize.ts';
import { checkFeatureCount, checkTrainingData } from './tree/training-data.ts';

const MODEL = 'DecisionTree';
const FORMAT = 'synergy.DecisionTree';
const FORMAT_VERSION = 1;

/** scikit-learn's DecisionTreeClassifier hyperparameters and defaults. */
export const decisionTreeParams = z.strictObject({
  criterion: z._default(criterionParam, 'gini'),
  max_depth: z._default(maxDepthParam, null),
  min_samples_split: z._default(minSamplesSplitParam, 2),
  min_samples_leaf: z._default(minSamplesLeafParam, 1),
  max_features: z._default(maxFeaturesParam, null),
});
export type DecisionTreeParams = z.infer<typeof decisionTreeParams>;

interface Fitted {
  readonly nFeatures: number;
  readonly nClasses: number;
  readonly tree: TreeNodes;
  readonly importances: Float64Array;
}

/** CART classification tree (exact splits on presorted features, as scikit-learn's best splitter). */
export class DecisionTree implements Classifier {
  readonly name = MODEL;
  private readonly params: DecisionTreeParams;
  private readonly seed: number;
  private fitted: Fitted | undefined;

  constructor(params: DecisionTreeParams, seed: number, fitted?: Fitted) {
    this.params = params;
    this.seed = seed;
    this.fitted = fitted;
  }

  fit(train: LabelledMatrix): void {
    checkTrainingData(train, MODEL);
    const p = this.params;
    const grower = new TreeGrower(presortFeatures(train));
    const criterion = classificationCriterion(p.criterion, train.y, train.nClasses);
    const { nodes, importances } = grower.grow(
      criterion,
      {
        maxDepth: p.max_depth ?? Number.POSITIVE_INFINITY,
        minSamplesSplit: p.min_samples_split,
        minSamplesLeaf: p.min_samples_leaf,
        maxFeatures: resolveMaxFeatures(p.max_features, train.nFeatures),
      },
      new Random(this.seed),
    );
    this.fitted = { nFeatures: train.nFeatures, nClasses: train.nClasses, tree: nodes, importances };
  }

  /** The fitted node arrays (read-only use: inspection, tests, export). */
  get tree(): TreeNodes {
    return this.model().tree;
  }

  predict(x: FeatureMatrix): Int32Array {
    return argmaxRows(this.predictProba(x), x.nRows, this.model().nClasses);
  }

  predictProba(x: FeatureMatrix): Float64Array {
    const { tree, nClasses, nFeatures } = this.model();
    checkFeatureCount(x.nFeatures, nFeatures, MODEL);
    const out = new Float64Array(x.nRows * nClasses);
    for (let i = 0; i < x.nRows; i++) {
      const off = leafOfColumnMajorRow(tree, x.values, x.nRows, i) * nClasses;
      for (let c = 0; c < nClasses; c++) out[i * nClasses + c] = tree.value[off + c];
    }
    return out;
  }

  predictProbaRow(row: Float64Array, out: Float64Array): void {
    const { tree, nClasses, nFeatures } = this.model();
    checkFeatureCount(row.length, nFeatures, MODEL);
    const off = leafOfRow(tree, row) * nClasses;
    for (let c = 0; c < nClasses; c++) out[c] = tree.value[off + c];
  }

  featureImportances(): Float64Array {
    return this.model().importances.slice();
  }

  toJSON(): ModelJSON {
    const { tree, importances, nFeatures, nClasses } = this.model();
    const state: { tree: TreeJSON; featureImportances: number[] } = {
      tree: treeToJSON(tree),
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

function fromJSON(json: ModelJSON): DecisionTree {
  const { state, params } = readEnvelope(json, MODEL, FORMAT, FORMAT_VERSION, decisionTreeParams);
  const { nFeatures, nClasses } = json;
  const tree = treeFromJSON(state.tree, nFeatures, nClasses, `${MODEL}.state.tree`);
  const importances = importancesFromJSON(
    state.featureImportances,
    nFeatures,
    `${MODEL}.state.featureImportances`,
  );
  return new DecisionTree(params, 0, { nFeatures, nClasses, tree, importances });
}

export const decisionTreeSpec: ModelSpec<DecisionTreeParams> = {
  name: MODEL,
  params: decisionTreeParams,
  create: (params, seed) => new DecisionTree(params, seed),
  fromJSON,
};
