import type { FeatureMatrix, LabelledMatrix } from '../data/matrix.ts';
import { DataError, MlError, ModelFormatError, ParamsError } from '../errors.ts';
import { argmaxRows, type Classifier, type ModelJSON, type ModelSpec } from './classifier.ts';
import { readEnvelope, toEnvelope } from './tree/serialize.ts';
import { checkFeatureCount, checkTrainingData } from './tree/training-data.ts';
import type { BoostedTree } from './xgboost/boosted-tree.ts';
import { boostTrees } from './xgboost/booster.ts';
import { PackedEnsemble } from './xgboost/ensemble.ts';
import { gainImportances } from './xgboost/importance.ts';
import { type XGBoostParams, xgboostParams } from './xgboost/params.ts';
import { type BoostedTreeJSON, boostedTreeFromJSON, boostedTreeToJSON } from './xgboost/serialize.ts';

export { type XGBoostParams, xgboostParams } from './xgboost/params.ts';

const MODEL = 'XGBoost';
const FORMAT = 'synergy.XGBoost';
const FORMAT_VERSION = 1;

interface Fitted {
  readonly nFeatures: number;
  readonly nClasses: number;
  readonly trees: readonly BoostedTree[];
  readonly ensemble: PackedEnsemble;
  readonly importances: Float64Array;
}

/**
 * The XGBoost algorithm (our TypeScript implementation, not the C++ library) with its `hist` tree
 * method: second-order boosting of depth-limited regression trees on quantile-binned features;
 * binary:logistic for two classes, multi:softprob beyond.
 */
export class XGBoost implements Classifier {
  readonly name = MODEL;
  private readonly params: XGBoostParams;
  private readonly seed: number;
  private fitted: Fitted | undefined;

  constructor(params: XGBoostParams, seed: number, fitted?: Fitted) {
    this.params = params;
    this.seed = seed;
    this.fitted = fitted;
  }

  fit(train: LabelledMatrix): void {
    checkTrainingData(train, MODEL);
    if (train.nClasses < 2) {
      throw new DataError('TOO_FEW_CLASSES', `${MODEL}: needs at least two classes, got ${train.nClasses}`);
    }
    const trees = boostTrees(train, this.params, this.seed);
    this.fitted = fittedFrom(trees, train.nFeatures, train.nClasses);
  }

  /** The fitted trees in round order, class within round (read-only use: inspection, tests). */
  get trees(): readonly BoostedTree[] {
    return this.model().trees;
  }

  predict(x: FeatureMatrix): Int32Array {
    return argmaxRows(this.predictProba(x), x.nRows, this.model().nClasses);
  }

  predictProba(x: FeatureMatrix): Float64Array {
    const { ensemble, nFeatures } = this.model();
    checkFeatureCount(x.nFeatures, nFeatures, MODEL);
    return ensemble.predictColumnMajor(x.values, x.nRows);
  }

  predictProbaRow(row: Float64Array, out: Float64Array): void {
    const { ensemble, nFeatures } = this.model();
    checkFeatureCount(row.length, nFeatures, MODEL);
    ensemble.predictRow(row, out);
  }

  featureImportances(): Float64Array {
    return this.model().importances.slice();
  }

  toJSON(): ModelJSON {
    const { trees, nFeatures, nClasses } = this.model();
    const state: { trees: BoostedTreeJSON[] } = { trees: trees.map(boostedTreeToJSON) };
    return toEnvelope(MODEL, FORMAT, FORMAT_VERSION, this.params, { nFeatures, nClasses }, state);
  }

  dispose(): void {}

  private model(): Fitted {
    if (this.fitted === undefined) throw new MlError(`${MODEL}: predict called before fit`);
    return this.fitted;
  }
}

function fittedFrom(trees: readonly BoostedTree[], nFeatures: number, nClasses: number): Fitted {
  return {
    nFeatures,
    nClasses,
    trees,
    ensemble: new PackedEnsemble(trees, nClasses),
    importances: gainImportances(trees, nFeatures),
  };
}

function fromJSON(json: ModelJSON): XGBoost {
  const { state, params } = readEnvelope(json, MODEL, FORMAT, FORMAT_VERSION, xgboostParams);
  const { nFeatures, nClasses } = json;
  if (nClasses < 2) throw new ModelFormatError(`${MODEL}: nClasses must be at least 2`);
  const treesPerRound = nClasses === 2 ? 1 : nClasses;
  if (!Array.isArray(state.trees) || state.trees.length !== params.n_estimators * treesPerRound) {
    throw new ModelFormatError(
      `${MODEL}: state.trees must hold n_estimators × ${treesPerRound} trees for ${nClasses} classes`,
    );
  }
  const trees = state.trees.map((t: unknown, k: number) =>
    boostedTreeFromJSON(t, nFeatures, `${MODEL}.state.trees[${k}]`),
  );
  return new XGBoost(params, 0, fittedFrom(trees, nFeatures, nClasses));
}

/** Validates hyperparameters (xgboost's scikit-learn names), filling in the defaults. */
export function parseXGBoostParams(params: unknown): XGBoostParams {
  const parsed = xgboostParams.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.');
    throw new ParamsError(`${MODEL}: invalid parameter ${field || '(params)'}: ${issue.message}`, {
      model: MODEL,
      field,
    });
  }
  return parsed.data;
}

export const xgboostSpec: ModelSpec<XGBoostParams> = {
  name: MODEL,
  params: xgboostParams,
  create: (params, seed) => new XGBoost(parseXGBoostParams(params), seed),
  fromJSON,
};
