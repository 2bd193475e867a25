/** The configurations the speed goals are stated for. */
export interface BenchModel {
  readonly label: string;
  readonly model: string;
  readonly params: Record<string, unknown>;
  /** Only where scikit-learn spells a parameter differently. */
  readonly sklearnParams?: Record<string, unknown>;
}

export const BENCH_MODELS: readonly BenchModel[] = [
  { label: 'LogisticRegression C=1', model: 'LogisticRegression', params: { C: 1 } },
  { label: 'DecisionTree depth 10', model: 'DecisionTree', params: { max_depth: 10 } },
  { label: 'RandomForest 100 trees', model: 'RandomForest', params: { n_estimators: 100 } },
  { label: 'SVC rbf C=1', model: 'SVC', params: { kernel: 'rbf', C: 1 } },
  { label: 'KNN k=5', model: 'KNN', params: { n_neighbors: 5 } },
  { label: 'GradientBoosting 100', model: 'GradientBoosting', params: { n_estimators: 100 } },
  {
    label: 'AdaBoost 100 (SAMME)',
    model: 'AdaBoost',
    params: { n_estimators: 100 },
    sklearnParams: { n_estimators: 100, algorithm: 'SAMME' },
  },
  { label: 'XGBoost 100 (hist)', model: 'XGBoost', params: { n_estimators: 100 } },
  { label: 'MLP (100)', model: 'MLP', params: { hidden_layer_sizes: [100] } },
];
