import { describe, expect, it } from 'vitest';
import { computeBaseline } from '../../../layers/ml/drift/baseline.ts';
import { baselineFromStatisticsJson } from '../../../layers/ml/drift/baseline-from-statistics-json.ts';
import { toConstraintsJson } from '../../../layers/ml/drift/constraints-json.ts';
import { QUANTILE_POINTS } from '../../../layers/ml/drift/quantiles.ts';
import { type StatisticsJson, toStatisticsJson } from '../../../layers/ml/drift/statistics-json.ts';
import type { Baseline } from '../../../layers/ml/drift/types.ts';
import { ModelFormatError } from '../../../layers/ml/errors.ts';
import { Random } from '../../../layers/ml/random.ts';

function sampleBaseline(): Baseline {
  const random = new Random(11);
  const n = 5000;
  const income = Float64Array.from({ length: n }, () =>
    random.next() < 0.05 ? Number.NaN : Math.exp(10 + random.normal()),
  );
  const age = Float64Array.from({ length: n }, () => 18 + random.int(60));
  const temperature = Float64Array.from({ length: n }, () => -5 + 10 * random.normal());
  const levels = ['north', 'south', 'east', 'west', '__proto__', 'constructor'];
  const region = Int32Array.from({ length: n }, () =>
    random.next() < 0.02 ? -1 : random.int(levels.length),
  );
  return computeBaseline({
    columns: [
      { name: 'income', kind: 'numeric', values: income },
      { name: 'age', kind: 'numeric', values: age },
      { name: 'temperature', kind: 'numeric', values: temperature },
      { name: 'region', kind: 'categorical', codes: region, levels },
      { name: 'empty', kind: 'numeric', values: new Float64Array(n).fill(Number.NaN) },
    ],
    targetLevels: ['0', '1', '2'],
    targetCodes: Int32Array.from({ length: n }, () => random.int(3)),
    targetName: 'churn',
  });
}

/** Through text, as it is stored. */
function throughJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

describe('statistics.json', () => {
  const baseline = sampleBaseline();
  const json = throughJson(toStatisticsJson(baseline, { datasetName: 'customers.csv' })) as StatisticsJson;

  it('round-trips to an identical Baseline', () => {
    expect(baselineFromStatisticsJson(json)).toEqual(baseline);
    const region = baselineFromStatisticsJson(json).features[3];
    expect(region.kind === 'categorical' && Object.hasOwn(region.levels, '__proto__')).toBe(true);
  });

  it('has SageMaker Model Monitor’s shape', () => {
    expect(json.version).toBe(0);
    expect(json.dataset).toEqual({ item_count: 5000, name: 'customers.csv' });
    expect(json.features.map((f) => [f.name, f.inferred_type])).toEqual([
      ['income', 'Fractional'],
      ['age', 'Integral'],
      ['temperature', 'Fractional'],
      ['region', 'String'],
      ['empty', 'Integral'],
    ]);
    const income = json.features[0];
    if (!('numerical_statistics' in income)) throw new Error('expected numerical_statistics');
    const stats = income.numerical_statistics;
    const feature = baseline.features[0];
    if (feature.kind !== 'numeric') throw new Error('expected numeric');
    expect(stats.common).toEqual({ num_present: feature.count, num_missing: feature.missing });
    expect(stats.common.num_present + stats.common.num_missing).toBe(5000);
    expect(stats.sum).toBeCloseTo(feature.mean * feature.count, 3);
    expect(stats).toMatchObject({
      mean: feature.mean,
      std_dev: feature.std,
      min: feature.min,
      max: feature.max,
    });
    // The PSI bins as KLL buckets: ten deciles of a continuous column, joined end to end, min to max.
    const { buckets, sketch } = stats.distribution.kll;
    expect(buckets).toHaveLength(10);
    expect(buckets[0].lower_bound).toBe(feature.min);
    expect(buckets[9].upper_bound).toBe(feature.max);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i].lower_bound).toBe(buckets[i - 1].upper_bound);
    expect(buckets.reduce((sum, b) => sum + b.count, 0)).toBe(feature.count);
    expect(sketch.parameters).toEqual({ c: 0.64, k: 2048 });
    expect(sketch.data).toHaveLength(1);
    expect(sketch.data[0]).toHaveLength(QUANTILE_POINTS);

    const region = json.features[3];
    if (!('string_statistics' in region)) throw new Error('expected string_statistics');
    expect(region.string_statistics.distinct_count).toBe(6);
    const regionBuckets = region.string_statistics.distribution.categorical.buckets;
    expect(regionBuckets.reduce((sum, b) => sum + b.count, 0)).toBe(
      region.string_statistics.common.num_present,
    );
    expect(json.target.name).toBe('churn');
    expect(json.target.string_statistics.distribution.categorical.buckets.map((b) => b.value)).toEqual([
      '0',
      '1',
      '2',
    ]);
  });

  it('names the field it refuses', () => {
    const broken = (edit: (copy: StatisticsJson & Record<string, unknown>) => void): unknown => {
      const copy = structuredClone(json) as StatisticsJson & Record<string, unknown>;
      edit(copy);
      return copy;
    };
    const cases: [unknown, RegExp][] = [
      [broken((c) => Reflect.deleteProperty(c, 'target')), /^statistics\.json: target: /],
      [
        broken((c) => Reflect.set(c.features[1], 'inferred_type', 'Boolean')),
        /^statistics\.json: features\[1\]\.inferred_type: /,
      ],
      [
        broken((c) => Reflect.set(c.features[0], 'name', '')),
        /^statistics\.json: features\[0\]\.name: must be a non-empty string/,
      ],
      [
        broken((c) => Reflect.set(c.features[2], 'name', 'income')),
        /^statistics\.json: features\[2\]\.name: "income" appears twice/,
      ],
      [
        broken((c) => {
          const f = c.features[0];
          if ('numerical_statistics' in f)
            (f.numerical_statistics.distribution.kll.sketch.data[0] as number[]).reverse();
        }),
        /features\[0\]\.numerical_statistics\.distribution\.kll\.sketch\.data\[0\]\[1\]: quantiles must be ascending/,
      ],
      [
        broken((c) => {
          const f = c.features[1];
          if ('numerical_statistics' in f)
            Reflect.set(f.numerical_statistics.distribution.kll.buckets[0], 'count', 1);
        }),
        /features\[1\]\.numerical_statistics\.distribution\.kll\.buckets: counts add up to .*, not num_present/,
      ],
      [
        broken((c) => {
          const f = c.features[0];
          if ('numerical_statistics' in f)
            (f.numerical_statistics.distribution.kll.sketch.data as number[][]).push([1, 2]);
        }),
        /kll\.sketch\.data: must hold one level of 1001 quantiles/,
      ],
      [
        broken((c) => Reflect.set(c.target.string_statistics, 'distinct_count', 2)),
        /^statistics\.json: target\.string_statistics\.distinct_count: /,
      ],
      [broken((c) => Reflect.set(c.dataset, 'item_count', -1)), /^statistics\.json: dataset\.item_count: /],
    ];
    for (const [input, message] of cases) {
      expect(() => baselineFromStatisticsJson(input)).toThrow(ModelFormatError);
      expect(() => baselineFromStatisticsJson(input)).toThrow(message);
    }
    expect(() => baselineFromStatisticsJson('nope')).toThrow(/^statistics\.json: \(root\): /);
  });
});

describe('constraints.json', () => {
  it('has SageMaker Model Monitor’s shape, with the Robust comparison', () => {
    const baseline = sampleBaseline();
    const json = throughJson(toConstraintsJson(baseline));
    const income = baseline.features[0];
    expect(json).toEqual({
      version: 0,
      features: [
        {
          name: 'income',
          inferred_type: 'Fractional',
          completeness: income.count / 5000,
          num_constraints: { is_non_negative: true },
        },
        {
          name: 'age',
          inferred_type: 'Integral',
          completeness: 1,
          num_constraints: { is_non_negative: true },
        },
        {
          name: 'temperature',
          inferred_type: 'Fractional',
          completeness: 1,
          num_constraints: { is_non_negative: false },
        },
        {
          name: 'region',
          inferred_type: 'String',
          completeness: baseline.features[3].count / 5000,
          string_constraints: { domains: ['__proto__', 'constructor', 'east', 'north', 'south', 'west'] },
        },
        {
          name: 'empty',
          inferred_type: 'Integral',
          completeness: 0,
          num_constraints: { is_non_negative: true },
        },
      ],
      monitoring_config: {
        evaluate_constraints: 'Enabled',
        emit_metrics: 'Enabled',
        datatype_check_threshold: 0.1,
        domain_content_threshold: 0.1,
        distribution_constraints: {
          perform_comparison: 'Enabled',
          comparison_threshold: 0.1,
          comparison_method: 'Robust',
          categorical_comparison_threshold: 0.1,
          categorical_drift_method: 'LInfinity',
        },
      },
    });
    expect(income.count).toBeLessThan(5000);
  });
});
