import type { ModelName } from '../models/classifier.ts';
import type { ParamGrid } from './grid.ts';

/**
 * The paper's default hyperparameter grids, with scikit-learn parameter names (the models' zod
 * schemas use the same names).
 */
export const PAPER_GRIDS: Readonly<Record<ModelName, ParamGrid>> = {
  LogisticRegression: { C: [0.1, 1, 10] },
  DecisionTree: { max_depth: [3, 5, 7, 10] },
  RandomForest: { n_estimators: [50, 100, 150] },
  SVC: { kernel: ['linear', 'rbf'], C: [0.1, 1, 10] },
  KNN: { n_neighbors: [3, 5, 7] },
  GradientBoosting: { n_estimators: [50, 100, 150] },
  AdaBoost: { n_estimators: [50, 100, 150] },
  XGBoost: { n_estimators: [50, 100, 150], learning_rate: [0.01, 0.1, 0.2] },
  MLP: { hidden_layer_sizes: [[50], [100]], alpha: [1e-4, 1e-3] },
};
