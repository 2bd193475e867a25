/**
 * Reads a statistics.json written by toStatisticsJson back into the Baseline it came from. Validates the
 * shape with zod and then the cross-field rules (counts adding up, bins joining, quantiles ascending); any
 * failure is a ModelFormatError naming the field. Fields SageMaker has and Synergy does not use (`sum`, the
 * KLL parameters) are read for shape only, and unknown fields are ignored, as SageMaker's consumers do.
 */

import { ModelFormatError } from '../errors.ts';
import { issuePath } from '../issue-path.ts';
import * as z from '../zod.ts';
import { QUANTILE_POINTS } from './quantiles.ts';
import type { Baseline, CategoricalBaseline, FeatureBaseline, NumericBaseline } from './types.ts';

const finite = z.number().check(z.refine(Number.isFinite, { error: 'must be a finite number' }));
const count = z.int().check(z.minimum(0));
const name = z.string().check(z.minLength(1, { error: 'must be a non-empty string' }));
const common = z.object({ num_present: count, num_missing: count });

const numericFeature = z.object({
  name,
  inferred_type: z.enum(['Integral', 'Fractional']),
  numerical_statistics: z.object({
    common,
    mean: finite,
    sum: finite,
    std_dev: finite.check(z.refine((x) => x >= 0, { error: 'must not be negative' })),
    min: finite,
    max: finite,
    distribution: z.object({
      kll: z.object({
        buckets: z.array(z.object({ lower_bound: finite, upper_bound: finite, count })),
        sketch: z.object({
          parameters: z.object({ c: finite, k: finite }),
          data: z.array(z.array(finite)),
        }),
      }),
    }),
  }),
});

const stringStatistics = z.object({
  common,
  distinct_count: count,
  distribution: z.object({
    categorical: z.object({ buckets: z.array(z.object({ value: z.string(), count })) }),
  }),
});

const stringFeature = z.object({
  name,
  inferred_type: z.literal('String'),
  string_statistics: stringStatistics,
});

const statisticsSchema = z.object({
  version: z.number(),
  dataset: z.object({ item_count: count, name: z.optional(z.string()) }),
  features: z.array(z.discriminatedUnion('inferred_type', [numericFeature, stringFeature])),
  target: stringFeature,
});

type NumericFeatureJson = z.infer<typeof numericFeature>;
type StringFeatureJson = z.infer<typeof stringFeature>;

function fail(field: string, reason: string): never {
  throw new ModelFormatError(`statistics.json: ${field}: ${reason}`, { field });
}

export function baselineFromStatisticsJson(json: unknown): Baseline {
  const parsed = statisticsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(issuePath(issue.path), issue.message);
  }
  const { dataset, features, target } = parsed.data;
  const seen = new Set<string>();
  const baselines = features.map((feature, i): FeatureBaseline => {
    if (seen.has(feature.name)) fail(`features[${i}].name`, `${JSON.stringify(feature.name)} appears twice`);
    seen.add(feature.name);
    return feature.inferred_type === 'String'
      ? categoricalFromJson(feature, `features[${i}]`)
      : numericFromJson(feature, `features[${i}]`);
  });
  return { rows: dataset.item_count, features: baselines, target: categoricalFromJson(target, 'target') };
}

function numericFromJson(feature: NumericFeatureJson, field: string): NumericBaseline {
  const stats = feature.numerical_statistics;
  const { num_present: present, num_missing: missing } = stats.common;
  const { buckets, sketch } = stats.distribution.kll;
  const at = `${field}.numerical_statistics`;
  const base = {
    name: feature.name,
    kind: 'numeric' as const,
    count: present,
    missing,
    min: stats.min,
    max: stats.max,
    mean: stats.mean,
    std: stats.std_dev,
    integral: feature.inferred_type === 'Integral',
  };
  if (present === 0) {
    if (buckets.length > 0) fail(`${at}.distribution.kll.buckets`, 'must be empty when num_present is 0');
    if (sketch.data.some((level) => level.length > 0))
      fail(`${at}.distribution.kll.sketch.data`, 'must be empty when num_present is 0');
    return { ...base, quantiles: [], binEdges: [], binFractions: [1] };
  }
  if (stats.min > stats.max) fail(`${at}.min`, 'is greater than max');
  const quantiles = sketch.data.length === 1 ? sketch.data[0] : undefined;
  if (quantiles === undefined || quantiles.length !== QUANTILE_POINTS) {
    fail(
      `${at}.distribution.kll.sketch.data`,
      `must hold one level of ${QUANTILE_POINTS} quantiles (Synergy's layout, not a KLL sketch's compactors)`,
    );
  }
  quantiles.forEach((q, j) => {
    if (j > 0 && q < quantiles[j - 1])
      fail(`${at}.distribution.kll.sketch.data[0][${j}]`, 'quantiles must be ascending');
  });
  if (quantiles[0] !== stats.min || quantiles[QUANTILE_POINTS - 1] !== stats.max)
    fail(`${at}.distribution.kll.sketch.data[0]`, 'must start at min and end at max');
  if (buckets.length === 0) fail(`${at}.distribution.kll.buckets`, 'must not be empty when num_present > 0');
  let total = 0;
  buckets.forEach((bucket, i) => {
    const where = `${at}.distribution.kll.buckets[${i}]`;
    if (bucket.lower_bound > bucket.upper_bound) fail(where, 'lower_bound is greater than upper_bound');
    if (i === 0 && bucket.lower_bound !== stats.min) fail(`${where}.lower_bound`, 'must equal min');
    if (i > 0 && bucket.lower_bound !== buckets[i - 1].upper_bound)
      fail(`${where}.lower_bound`, 'must equal the previous bucket’s upper_bound');
    // Bucket i > 0 starts at edge i − 1; the edges are distinct and ascending.
    if (i > 1 && bucket.lower_bound <= buckets[i - 1].lower_bound)
      fail(`${where}.lower_bound`, 'bin edges must be strictly ascending');
    total += bucket.count;
  });
  if (buckets[buckets.length - 1].upper_bound !== stats.max)
    fail(`${at}.distribution.kll.buckets[${buckets.length - 1}].upper_bound`, 'must equal max');
  if (total !== present) fail(`${at}.distribution.kll.buckets`, `counts add up to ${total}, not num_present`);
  return {
    ...base,
    quantiles: [...quantiles],
    binEdges: buckets.slice(0, -1).map((bucket) => bucket.upper_bound),
    binFractions: buckets.map((bucket) => bucket.count / present),
  };
}

function categoricalFromJson(feature: StringFeatureJson, field: string): CategoricalBaseline {
  const stats = feature.string_statistics;
  const { num_present: present, num_missing: missing } = stats.common;
  const buckets = stats.distribution.categorical.buckets;
  const at = `${field}.string_statistics`;
  const seen = new Set<string>();
  let total = 0;
  buckets.forEach((bucket, i) => {
    if (seen.has(bucket.value))
      fail(
        `${at}.distribution.categorical.buckets[${i}].value`,
        `${JSON.stringify(bucket.value)} appears twice`,
      );
    seen.add(bucket.value);
    total += bucket.count;
  });
  if (total !== present)
    fail(`${at}.distribution.categorical.buckets`, `counts add up to ${total}, not num_present`);
  if (stats.distinct_count !== buckets.length)
    fail(`${at}.distinct_count`, `must be the number of buckets (${buckets.length})`);
  return {
    name: feature.name,
    kind: 'categorical',
    count: present,
    missing,
    // fromEntries defines own properties, so even a level named "__proto__" is kept as a key.
    levels: Object.fromEntries(buckets.map((bucket) => [bucket.value, bucket.count / present])),
  };
}
