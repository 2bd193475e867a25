/**
 * What the demo sets up, each with the reason it prints: the stage parameters of its stack, the run
 * config it uploads as `_config.json`, and how much traffic it sends.
 */
import { MODEL_NAMES, type ModelName } from '../../layers/ml/models/classifier.ts';
import type { ParamGrid } from '../../layers/ml/search/grid.ts';

/** The dataset name, and so the S3 prefix (incoming/<name>/) and the model name. */
export const DEMO_MODEL = 'schedule-adherence';
export const DEMO_TARGET = 'on_time';

export interface DemoParam {
  readonly name: string;
  readonly value: string;
  readonly why: string;
}

/** serverless.yml stage parameters (`--param name=value`) the demo's stack runs with. */
export const DEMO_PARAMS: readonly DemoParam[] = [
  {
    name: 'captureSampleRate',
    value: '1',
    why: 'capture every request (default 10 %), so the monitor sees all of the demo traffic',
  },
  {
    name: 'aliasCacheSeconds',
    value: '1',
    why: 'an alias move reaches the endpoint within 1 s (default 5 s), so the rollback shows at once',
  },
];

export function demoParamValues(): Record<string, string> {
  return Object.fromEntries(DEMO_PARAMS.map((param) => [param.name, param.value]));
}

export interface DemoRunConfig {
  readonly models: readonly ModelName[];
  readonly grids: Readonly<Partial<Record<ModelName, ParamGrid>>>;
  readonly folds: number;
}

/**
 * All nine models of the paper, each on a small slice of its grid, 3-fold CV: 45 cells, so two runs fit
 * the demo's three minutes on two cores. The paper's full grid (190 cells, 5 folds) takes about 70 s per
 * run of 2,000 rows here, MLP alone most of it; `synergy run --config` runs any grid.
 */
export const DEMO_RUN_CONFIG: DemoRunConfig = {
  models: MODEL_NAMES,
  grids: {
    LogisticRegression: { C: [0.1, 1, 10] },
    DecisionTree: { max_depth: [3, 5, 7] },
    RandomForest: { n_estimators: [50] },
    SVC: { kernel: ['linear'], C: [1] },
    KNN: { n_neighbors: [5, 9] },
    GradientBoosting: { n_estimators: [50] },
    AdaBoost: { n_estimators: [50] },
    XGBoost: { n_estimators: [50], learning_rate: [0.1, 0.2] },
    MLP: { hidden_layer_sizes: [[16]], max_iter: [60], learning_rate_init: [0.01] },
  },
  folds: 3,
};

/** CV cells of a run with this config (configurations × folds). */
export function cellCount(config: DemoRunConfig): number {
  let configurations = 0;
  for (const model of config.models) {
    const grid = config.grids[model] ?? {};
    configurations += Object.values(grid).reduce((product, values) => product * values.length, 1);
  }
  return configurations * config.folds;
}

/**
 * Requests per phase. The endpoint writes captured rows in batches of 1,000 (CAPTURE_BATCH_ROWS) or after
 * 60 s, so whole thousands reach S3 at once; the drifted phase sends more, so it dominates the monitor's
 * one-hour window, which also holds the normal traffic.
 */
export const TRAFFIC = {
  normalRows: 1000,
  driftedRows: 2000,
  rowsPerRequest: 100,
  /** Seeds of the generator for the traffic (not the training data's). */
  normalSeed: 101,
  driftedSeed: 202,
} as const;
