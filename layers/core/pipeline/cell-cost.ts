/**
 * How long one cell takes on a Lambda, estimated before the run from its shape alone, so Plan can refuse
 * (or subsample) a cell that would hit the 15-minute limit instead of timing out after the fact.
 *
 * Each family's formula follows its algorithm's complexity; the constants were measured on this
 * project's machine (AMD EPYC, 2 cores shared with other work, Node 20.20): one fit and one predict of
 * makeClassification data (20 features, 2 classes unless said; train n, scored n/4) at n = 8k and 32k
 * (SVC: 2k/4k/8k), with the model's own timer around fit and predict, 2026-11-26, cross-checked with the
 * README's benchmark table (20k and 80k rows). Where measurements disagreed (a busy machine can be 2×
 * slower) the slower one is used: an estimate that is too high costs a needless subsample, one that is
 * too low costs a timed-out run. A Lambda with ≥ 1,769 MB has one full vCPU; it is assumed to run as fast
 * as one core here (LAMBDA_CPU_FACTOR), which the first measured run on AWS should confirm.
 */
import type { ModelName } from '../../ml/models/classifier.ts';
import { parseParams } from '../../ml/models/registry.ts';
import { type MaxFeatures, resolveMaxFeatures } from '../../ml/models/tree/params.ts';

export interface CellShape {
  /** Rows the model is fitted on. */
  readonly trainRows: number;
  /** Rows it then predicts (the fold's validation rows, or the test split for a refit). */
  readonly scoredRows: number;
  /** Rows of the whole prepared dataset, which every cell downloads and decodes. */
  readonly datasetRows: number;
  readonly nFeatures: number;
  readonly nClasses: number;
}

/** Lambda's hard limit. */
export const LAMBDA_LIMIT_SECONDS = 900;
/** Cells are planned to use at most this share of the limit: the estimates are only estimates. */
export const SAFETY_FRACTION = 0.8;
/** Lambda seconds per second measured here (assumed, see above). */
export const LAMBDA_CPU_FACTOR = 1;

/** Start-up, the download (≥ 50 MB/s from S3 in-region) and the decode of the dataset. */
const FIXED_SECONDS = 1;
const DOWNLOAD_SECONDS_PER_BYTE = 1 / 50e6;

export function cellBudgetSeconds(): number {
  return LAMBDA_LIMIT_SECONDS * SAFETY_FRACTION;
}

type Params = Record<string, unknown>;

function num(params: Params, name: string): number {
  const value = params[name];
  return typeof value === 'number' ? value : Number.NaN;
}

function optionalNum(params: Params, name: string): number | undefined {
  const value = params[name];
  return typeof value === 'number' ? value : undefined;
}

const log2 = (n: number): number => Math.log2(Math.max(2, n));
/** Trees fitted per boosting round: one for two classes, one per class otherwise. */
const treesPerRound = (nClasses: number): number => (nClasses <= 2 ? 1 : nClasses);
const featuresPerSplit = (params: Params, nFeatures: number): number =>
  resolveMaxFeatures((params.max_features ?? null) as MaxFeatures, nFeatures);

/** Seconds of fit + predict on this machine, by family. `p` is the parsed params (defaults filled in). */
const FAMILY: Record<ModelName, (p: Params, s: CellShape) => number> = {
  // L-BFGS: each iteration is a pass over n × d × (1 or k) coefficients; costed at max_iter though it
  // usually stops earlier. 32k×20, C=10: 16 iterations in 0.084 s; 8k×20×5 classes: 34 in 0.31 s.
  LogisticRegression: (p, s) =>
    1.2e-8 * num(p, 'max_iter') * s.trainRows * s.nFeatures * (s.nClasses <= 2 ? 1 : s.nClasses),
  // Presorted CART: about one pass over n × d per level. depth 10: 32k → 0.37 s, 80k → 0.65 s;
  // unlimited depth at 32k: 0.82 s (≈ 22 levels; 2·log2 n is assumed).
  DecisionTree: (p, s) =>
    6e-8 *
    s.trainRows *
    featuresPerSplit(p, s.nFeatures) *
    Math.min(optionalNum(p, 'max_depth') ?? Infinity, 2 * log2(s.trainRows)),
  // Per tree, per-node sorting: n · log n per level over √d features, log n levels deep.
  // 50 trees: 8k → 1.33 s, 32k → 6.78 s (4.2–4.4e-9 per n·log²n·mtry).
  RandomForest: (p, s) =>
    4.4e-9 *
    num(p, 'n_estimators') *
    s.trainRows *
    log2(s.trainRows) *
    Math.min(optionalNum(p, 'max_depth') ?? Infinity, log2(s.trainRows)) *
    resolveMaxFeatures((p.max_features ?? 'sqrt') as MaxFeatures, s.nFeatures),
  // libsvm SMO: kernel rows of n·d each, about n of them, and super-quadratic past ~8k rows (20k → 5 s,
  // 80k → 457 s at C=1 rbf). rbf barely depends on C (8k: 1.4 s at C=0.1, 2.0 s at C=10); linear does
  // (8k: 0.87 s at C=0.1, 11.3 s at C=10 ⇒ ∝ C^0.56). poly/sigmoid were not measured: twice rbf.
  // One-vs-one over k classes costs up to 2(k−1)/k of the binary problem. Predict: n_SV·scored·d.
  SVC: (p, s) => {
    const n = s.trainRows;
    const c = num(p, 'C');
    const perKernel =
      p.kernel === 'linear' ? 2.5e-9 * Math.max(0.1, c) ** 0.56 : p.kernel === 'rbf' ? 1.6e-9 : 3.2e-9;
    const oneVsOne = s.nClasses <= 2 ? 1 : (2 * (s.nClasses - 1)) / s.nClasses;
    const fit = perKernel * s.nFeatures * n * n * Math.max(1, Math.sqrt(n / 8000));
    return oneVsOne * (fit + 1e-9 * n * s.scoredRows * s.nFeatures);
  },
  // Fit is a transpose; predict is brute force over every training row: 32k train × 8k scored → 7.0 s.
  KNN: (_p, s) => 1e-8 * s.trainRows * s.nFeatures + 1.5e-9 * s.trainRows * s.scoredRows * s.nFeatures,
  // One depth-3 tree per class per round over the (sub)sampled rows: 50 rounds at 32k → 2.8 s,
  // 20 rounds × 4 classes at 8k → 1.2 s (7.6e-8–1.3e-7 per round·n·d·tree).
  GradientBoosting: (p, s) =>
    1.1e-7 *
    num(p, 'n_estimators') *
    treesPerRound(s.nClasses) *
    s.trainRows *
    num(p, 'subsample') *
    featuresPerSplit(p, s.nFeatures) *
    (Math.min(optionalNum(p, 'max_depth') ?? 2 * log2(s.trainRows), 2 * log2(s.trainRows)) / 3),
  // SAMME with stumps: one weighted tree per round. 50 rounds: 8k → 0.37 s, 32k → 1.48 s.
  AdaBoost: (p, s) =>
    5.8e-8 *
    num(p, 'n_estimators') *
    s.trainRows *
    s.nFeatures *
    Math.min(optionalNum(p, 'max_depth') ?? 2 * log2(s.trainRows), 2 * log2(s.trainRows)),
  // Histogram trees: each level builds histograms over n × d (subsampled rows and columns), max_depth
  // levels. 50 rounds (depth 6): 8k → 0.51 s, 32k → 0.89 s; 20 rounds × 4 classes at 8k → 0.61 s.
  XGBoost: (p, s) =>
    0.5 +
    4.7e-8 *
      num(p, 'n_estimators') *
      treesPerRound(s.nClasses) *
      s.trainRows *
      num(p, 'subsample') *
      s.nFeatures *
      num(p, 'colsample_bytree') *
      (num(p, 'max_depth') / 6),
  // Adam over minibatches: each epoch is forward + backward over every weight for every row; costed at
  // max_iter epochs. (100): 20 epochs at 8k → 0.93 s, at 32k → 3.66 s (2.7e-9 per epoch·n·weight);
  // 200 epochs at 8k → 19.4 s on a busier machine (5.8e-9): 5e-9 is used.
  MLP: (p, s) => {
    const hidden = Array.isArray(p.hidden_layer_sizes) ? p.hidden_layer_sizes.map(Number) : [100];
    const layers = [s.nFeatures, ...hidden, s.nClasses <= 2 ? 1 : s.nClasses];
    let weights = 0;
    for (let i = 1; i < layers.length; i++) weights += layers[i - 1] * layers[i];
    return 5e-9 * num(p, 'max_iter') * s.trainRows * weights;
  },
};

/** Estimated Lambda seconds of one cell (fit on `trainRows`, predict `scoredRows`, plus loading). */
export function estimateCellSeconds(model: ModelName, params: Readonly<Params>, shape: CellShape): number {
  const parsed = parseParams(model, params);
  const loading = FIXED_SECONDS + shape.datasetRows * shape.nFeatures * 8 * DOWNLOAD_SECONDS_PER_BYTE;
  return (loading + FAMILY[model](parsed, shape)) * LAMBDA_CPU_FACTOR;
}

/**
 * The most training rows (≤ shape.trainRows) whose estimate fits `budgetSeconds`, by bisection (every
 * formula grows with the rows); 0 when not even one row fits (the scoring or loading alone is too much).
 */
export function maxTrainRowsWithin(
  model: ModelName,
  params: Readonly<Params>,
  shape: CellShape,
  budgetSeconds: number,
): number {
  const fits = (rows: number): boolean =>
    estimateCellSeconds(model, params, { ...shape, trainRows: rows }) <= budgetSeconds;
  let low = 1;
  let high = shape.trainRows;
  if (fits(high)) return high;
  if (!fits(low)) return 0;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid;
  }
  return low;
}
