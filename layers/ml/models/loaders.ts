/**
 * Fitted models from their JSON, for prediction: the serving path's loader. Unlike registry.ts it does not
 * reach the SVC trainer, so a process that only predicts never starts libsvm's wasm module (~70 ms).
 */
import { ParamsError } from '../errors.ts';
import { adaBoostSpec } from './adaboost.ts';
import type { Classifier, ModelJSON, ModelName } from './classifier.ts';
import { isModelName } from './classifier.ts';
import { decisionTreeSpec } from './decision-tree.ts';
import { gradientBoostingSpec } from './gradient-boosting.ts';
import { knnSpec } from './knn.ts';
import { logisticRegressionSpec } from './logistic-regression.ts';
import { mlpSpec } from './mlp.ts';
import { randomForestSpec } from './random-forest.ts';
import { svcFromJSON } from './svc/svc-classifier.ts';
import { xgboostSpec } from './xgboost.ts';

const LOADERS: Readonly<Record<ModelName, (json: ModelJSON) => Classifier>> = {
  LogisticRegression: logisticRegressionSpec.fromJSON,
  DecisionTree: decisionTreeSpec.fromJSON,
  RandomForest: randomForestSpec.fromJSON,
  SVC: (json) => svcFromJSON(json),
  KNN: knnSpec.fromJSON,
  GradientBoosting: gradientBoostingSpec.fromJSON,
  AdaBoost: adaBoostSpec.fromJSON,
  XGBoost: xgboostSpec.fromJSON,
  MLP: mlpSpec.fromJSON,
};

export function loadFittedModel(json: ModelJSON): Classifier {
  if (!isModelName(json.model)) {
    throw new ParamsError(`unknown model "${String(json.model)}"`, { model: json.model });
  }
  return LOADERS[json.model](json);
}
