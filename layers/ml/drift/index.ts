export { computeBaseline } from './baseline.ts';
export { baselineFromStatisticsJson } from './baseline-from-statistics-json.ts';
export { columnsFromRecords } from './columns.ts';
export { type ConstraintsJson, toConstraintsJson } from './constraints-json.ts';
export { PSI_EPSILON } from './distances.ts';
export { measureDrift, measurePredictionDrift } from './measure-drift.ts';
export { PSI_BINS, QUANTILE_POINTS } from './quantiles.ts';
export { type StatisticsJson, toStatisticsJson } from './statistics-json.ts';
export type {
  Baseline,
  CategoricalBaseline,
  DriftColumn,
  FeatureBaseline,
  FeatureDrift,
  NumericBaseline,
} from './types.ts';
