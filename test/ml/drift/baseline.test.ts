import { describe, expect, it } from 'vitest';
import { computeBaseline } from '../../../layers/ml/drift/baseline.ts';
import { QUANTILE_POINTS } from '../../../layers/ml/drift/quantiles.ts';
import type { DriftColumn } from '../../../layers/ml/drift/types.ts';

const numeric = (name: string, values: number[]): DriftColumn => ({
  name,
  kind: 'numeric',
  values: Float64Array.from(values),
});

describe('computeBaseline', () => {
  it('takes count, missing, min, max, mean, population std and type-7 quantiles of the present values', () => {
    // 1…10 shuffled, with two missing.
    const values = [7, Number.NaN, 3, 10, 1, 5, 9, Number.NaN, 2, 8, 4, 6];
    const baseline = computeBaseline({
      columns: [numeric('x', values)],
      targetLevels: ['a', 'b'],
      targetCodes: new Int32Array(values.length),
    });
    const [x] = baseline.features;
    if (x.kind !== 'numeric') throw new Error('expected numeric');
    expect(x).toMatchObject({ count: 10, missing: 2, min: 1, max: 10, mean: 5.5, integral: true });
    // Σ (i − 5.5)² for i = 1…10 is 82.5.
    expect(x.std).toBeCloseTo(Math.sqrt(82.5 / 10), 12);
    expect(x.quantiles).toHaveLength(QUANTILE_POINTS);
    // Type 7 on 1…10: q(p) = 1 + 9p.
    expect(x.quantiles[0]).toBe(1);
    expect(x.quantiles[250]).toBeCloseTo(3.25, 12);
    expect(x.quantiles[500]).toBeCloseTo(5.5, 12);
    expect(x.quantiles[QUANTILE_POINTS - 1]).toBe(10);
    // Deciles 1.9, 2.8, …, 9.1: each bin holds one value of ten.
    expect(x.binEdges.map((e) => Number(e.toFixed(10)))).toEqual([
      1.9, 2.8, 3.7, 4.6, 5.5, 6.4, 7.3, 8.2, 9.1,
    ]);
    expect(x.binFractions).toEqual(new Array(10).fill(0.1));
  });

  it('drops repeated decile edges of a discrete column and counts each bin right-closed', () => {
    // Seven 0s and three 1s: deciles 0 (×6), 0.3 (type 7 between x[6] = 0 and x[7] = 1), 1, 1.
    const baseline = computeBaseline({
      columns: [numeric('flag', [0, 1, 0, 0, 1, 0, 0, 1, 0, 0])],
      targetLevels: ['a'],
      targetCodes: new Int32Array(10),
    });
    const [flag] = baseline.features;
    if (flag.kind !== 'numeric') throw new Error('expected numeric');
    expect(flag.binEdges[0]).toBe(0);
    expect(flag.binEdges[1]).toBeCloseTo(0.3, 12);
    expect(flag.binEdges[2]).toBe(1);
    expect(flag.binEdges).toHaveLength(3);
    // (−∞, 0] holds the seven 0s, (0, 0.3] nothing, (0.3, 1] the three 1s, (1, ∞) nothing.
    expect(flag.binFractions).toEqual([0.7, 0, 0.3, 0]);
    expect(flag.std).toBeCloseTo(Math.sqrt(0.21), 12);
  });

  it('keeps the shares of present levels (sorted), ignoring levels never present, and the class shares', () => {
    const column: DriftColumn = {
      name: 'colour',
      kind: 'categorical',
      codes: Int32Array.from([0, 2, 2, -1, 0, 2, 0, 2]),
      levels: ['red', 'green', 'blue'],
    };
    const baseline = computeBaseline({
      columns: [column, numeric('x', [0.5, 1, 1, 1, 1, 1, 1, 1])],
      targetLevels: ['no', 'yes'],
      targetCodes: Int32Array.from([1, 1, 0, 1, 1, 0, 1, 1]),
      targetName: 'bought',
    });
    expect(baseline.rows).toBe(8);
    expect(baseline.features[0]).toEqual({
      name: 'colour',
      kind: 'categorical',
      count: 7,
      missing: 1,
      levels: { blue: 4 / 7, red: 3 / 7 },
    });
    expect(
      Object.keys(baseline.features[0].kind === 'categorical' ? baseline.features[0].levels : {}),
    ).toEqual(['blue', 'red']);
    expect(baseline.features[1]).toMatchObject({ integral: false, min: 0.5 });
    expect(baseline.target).toEqual({
      name: 'bought',
      kind: 'categorical',
      count: 8,
      missing: 0,
      levels: { no: 0.25, yes: 0.75 },
    });
  });

  it('describes a column with no present value as one bin holding everything', () => {
    const baseline = computeBaseline({
      columns: [numeric('empty', [Number.NaN, Number.NaN])],
      targetLevels: ['a'],
      targetCodes: new Int32Array(2),
    });
    expect(baseline.features[0]).toMatchObject({
      count: 0,
      missing: 2,
      quantiles: [],
      binEdges: [],
      binFractions: [1],
    });
  });

  it('refuses columns whose length differs from the target’s', () => {
    expect(() =>
      computeBaseline({
        columns: [numeric('x', [1, 2])],
        targetLevels: ['a'],
        targetCodes: new Int32Array(3),
      }),
    ).toThrow(/"x" has 2 rows, the target 3/);
  });
});
