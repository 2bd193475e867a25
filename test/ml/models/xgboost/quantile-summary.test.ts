import { describe, expect, it } from 'vitest';
import { fromRows } from '../../../../layers/ml/data/matrix.ts';
import { ColumnSorter } from '../../../../layers/ml/models/xgboost/column-sort.ts';
import { binFeatures } from '../../../../layers/ml/models/xgboost/quantile-bins.ts';
import { chooseCuts } from '../../../../layers/ml/models/xgboost/quantile-summary.ts';
import { Random } from '../../../../layers/ml/random.ts';

const sorted = (values: number[]) => Float64Array.from(values).sort();

describe('XGBoost bin cuts', () => {
  it('gives every distinct value its own bin when there are at most max_bin of them', () => {
    expect(Array.from(chooseCuts(sorted([3, 1, 2, 2, 5, 1, 3]), 256))).toEqual([2, 3, 5]);
    expect(Array.from(chooseCuts(sorted([4, 4, 4]), 256))).toEqual([]);
    expect(Array.from(chooseCuts(sorted([1, 2, 3, 4]), 4))).toEqual([2, 3, 4]);
  });

  it('keeps at most max_bin − 1 increasing cuts, spread by rank', () => {
    const rng = new Random(4);
    const values = Array.from({ length: 5000 }, () => rng.normal());
    const s = sorted(values);
    const cuts = chooseCuts(s, 16);
    expect(cuts.length).toBeLessThanOrEqual(15);
    expect(cuts.length).toBeGreaterThanOrEqual(13);
    for (let k = 1; k < cuts.length; k++) expect(cuts[k]).toBeGreaterThan(cuts[k - 1]);
    // Each bin holds roughly n/16 rows.
    let previous = 0;
    for (const c of [...cuts, Number.POSITIVE_INFINITY]) {
      const below = s.filter((v) => v < c).length;
      expect(below - previous).toBeLessThan((5000 / 16) * 2.2);
      previous = below;
    }
  });

  it('bins each value as the number of cuts at or below it, column-major', () => {
    const binned = binFeatures(
      fromRows([
        [1, 10],
        [2, 10],
        [3, 30],
        [2, 20],
      ]),
      256,
    );
    expect(Array.from(binned.binCount)).toEqual([3, 3]);
    expect(Array.from(binned.binOffset)).toEqual([0, 3, 6]);
    expect(Array.from(binned.bins)).toEqual([0, 1, 2, 1, 0, 0, 2, 1]);
    expect(binned.cuts[binned.binOffset[1]]).toBe(20);
  });
});

describe('XGBoost column sort', () => {
  it('sorts like Float64Array.sort and returns the row order', () => {
    const rng = new Random(11);
    const column = Float64Array.from({ length: 3000 }, (_, i) =>
      i % 7 === 0 ? Math.round(rng.normal()) : rng.normal() * 10 ** rng.int(12) * (rng.next() < 0.5 ? -1 : 1),
    );
    column[5] = 0;
    column[6] = Number.MIN_VALUE;
    column[7] = -Number.MAX_VALUE;
    const sorter = new ColumnSorter(column.length);
    const sorted = new Float64Array(column.length);
    const order = sorter.sort(column, sorted);
    expect(Array.from(sorted)).toEqual(Array.from(column.slice().sort()));
    for (let k = 0; k < column.length; k++) expect(column[order[k]]).toBe(sorted[k]);
    expect(new Set(order).size).toBe(column.length);
  });
});
