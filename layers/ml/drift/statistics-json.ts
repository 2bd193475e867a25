/**
 * A baseline as SageMaker Model Monitor's statistics.json (the data-quality baseline's statistics), so users
 * coming from SageMaker recognise it. Where SageMaker keeps a KLL sketch, Synergy keeps what the monitor
 * needs, in the same fields:
 * - `distribution.kll.buckets` are the PSI bins (decile edges, the first bin starting at min and the last
 *   ending at max), with the baseline's count in each;
 * - `distribution.kll.sketch.data` holds one level: the QUANTILE_POINTS type-7 quantiles at p = 0, 0.001,
 *   …, 1 (as a KLL level of equally weighted items, it reads as the same distribution);
 * - the training labels' class counts are in `target`, shaped like a String feature (SageMaker has no such
 *   field; it is not an input, so it is not among `features`).
 * The counts are exact (fraction × count, rounded), so baselineFromStatisticsJson rebuilds the same Baseline.
 */
import type { Baseline, CategoricalBaseline, NumericBaseline } from './types.ts';

// The SageMaker formats in one place for callers: statistics.json both ways, and constraints.json.
export { baselineFromStatisticsJson } from './baseline-from-statistics-json.ts';
export { type ConstraintsJson, toConstraintsJson } from './constraints-json.ts';

/** SageMaker's KLL parameters (its baselining job writes these); informative only here. */
export const KLL_PARAMETERS = { c: 0.64, k: 2048 } as const;

export interface CommonStatisticsJson {
  readonly num_present: number;
  readonly num_missing: number;
}

export interface KllBucketJson {
  readonly lower_bound: number;
  readonly upper_bound: number;
  readonly count: number;
}

export interface NumericFeatureStatisticsJson {
  readonly name: string;
  readonly inferred_type: 'Integral' | 'Fractional';
  readonly numerical_statistics: {
    readonly common: CommonStatisticsJson;
    readonly mean: number;
    readonly sum: number;
    readonly std_dev: number;
    readonly min: number;
    readonly max: number;
    readonly distribution: {
      readonly kll: {
        readonly buckets: readonly KllBucketJson[];
        readonly sketch: {
          readonly parameters: { readonly c: number; readonly k: number };
          readonly data: readonly (readonly number[])[];
        };
      };
    };
  };
}

export interface StringFeatureStatisticsJson {
  readonly name: string;
  readonly inferred_type: 'String';
  readonly string_statistics: {
    readonly common: CommonStatisticsJson;
    readonly distinct_count: number;
    readonly distribution: {
      readonly categorical: {
        readonly buckets: readonly { readonly value: string; readonly count: number }[];
      };
    };
  };
}

export interface StatisticsJson {
  readonly version: 0;
  readonly dataset: { readonly item_count: number; readonly name?: string };
  readonly features: readonly (NumericFeatureStatisticsJson | StringFeatureStatisticsJson)[];
  readonly target: StringFeatureStatisticsJson;
}

export function toStatisticsJson(baseline: Baseline, options: { datasetName?: string } = {}): StatisticsJson {
  return {
    version: 0,
    dataset: {
      item_count: baseline.rows,
      ...(options.datasetName === undefined ? {} : { name: options.datasetName }),
    },
    features: baseline.features.map((feature) =>
      feature.kind === 'numeric' ? numericStatistics(feature) : stringStatistics(feature),
    ),
    target: stringStatistics(baseline.target),
  };
}

function numericStatistics(feature: NumericBaseline): NumericFeatureStatisticsJson {
  const { count, binEdges } = feature;
  const buckets =
    count === 0
      ? []
      : feature.binFractions.map((fraction, i) => ({
          lower_bound: i === 0 ? feature.min : binEdges[i - 1],
          upper_bound: i === binEdges.length ? feature.max : binEdges[i],
          count: Math.round(fraction * count),
        }));
  return {
    name: feature.name,
    inferred_type: feature.integral === true ? 'Integral' : 'Fractional',
    numerical_statistics: {
      common: { num_present: count, num_missing: feature.missing },
      mean: feature.mean,
      sum: feature.mean * count,
      std_dev: feature.std,
      min: feature.min,
      max: feature.max,
      distribution: {
        kll: {
          buckets,
          sketch: { parameters: { ...KLL_PARAMETERS }, data: count === 0 ? [] : [[...feature.quantiles]] },
        },
      },
    },
  };
}

function stringStatistics(feature: CategoricalBaseline): StringFeatureStatisticsJson {
  const buckets = Object.entries(feature.levels).map(([value, share]) => ({
    value,
    count: Math.round(share * feature.count),
  }));
  return {
    name: feature.name,
    inferred_type: 'String',
    string_statistics: {
      common: { num_present: feature.count, num_missing: feature.missing },
      distinct_count: buckets.length,
      distribution: { categorical: { buckets } },
    },
  };
}
