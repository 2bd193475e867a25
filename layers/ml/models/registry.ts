import { ParamsError } from '../errors.ts';
import { adaBoostSpec } from './adaboost.ts';
import type { Classifier, ModelJSON, ModelName, ModelSpec } from './classifier.ts';
import { isModelName } from './classifier.ts';
import { decisionTreeSpec } from './decision-tree.ts';
import { gradientBoostingSpec } from './gradient-boosting.ts';
import { knnSpec } from './knn.ts';
import { logisticRegressionSpec } from './logistic-regression.ts';
import { mlpSpec } from './mlp.ts';
import { randomForestSpec } from './random-forest.ts';
import { svcSpec } from './svc.ts';
import { xgboostSpec } from './xgboost.ts';

/** Every model Synergy can train, by the paper's names. */
const SPECS: Partial<Record<ModelName, ModelSpec>> = {
  LogisticRegression: logisticRegressionSpec,
  DecisionTree: decisionTreeSpec,
  RandomForest: randomForestSpec,
  SVC: svcSpec,
  KNN: knnSpec,
  GradientBoosting: gradientBoostingSpec,
  AdaBoost: adaBoostSpec,
  XGBoost: xgboostSpec,
  MLP: mlpSpec,
};

export function availableModels(): ModelName[] {
  return (Object.keys(SPECS) as ModelName[]).slice();
}

export function modelSpec(name: string): ModelSpec {
  const spec = isModelName(name) ? SPECS[name] : undefined;
  if (!spec) {
    throw new ParamsError(`unknown model "${name}" (available: ${availableModels().join(', ')})`, {
      model: name,
    });
  }
  return spec;
}

/** Validates params against the model's schema; the error names the model and the offending field. */
export function parseParams(name: string, params: unknown): Record<string, unknown> {
  const spec = modelSpec(name);
  const parsed = spec.params.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.join('.') : '(params)';
    throw new ParamsError(`${name}: invalid parameter ${field}: ${issue.message}`, { model: name, field });
  }
  return parsed.data;
}

export function createModel(name: string, params: unknown, seed: number): Classifier {
  return modelSpec(name).create(parseParams(name, params), seed);
}

export function loadModel(json: ModelJSON): Classifier {
  return modelSpec(json.model).fromJSON(json);
}
