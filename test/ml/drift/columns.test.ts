import { describe, expect, it } from 'vitest';
import { columnsFromRecords } from '../../../layers/ml/drift/columns.ts';
import type { Baseline } from '../../../layers/ml/drift/types.ts';

const baseline: Baseline = {
  rows: 10,
  features: [
    {
      name: 'size',
      kind: 'numeric',
      count: 10,
      missing: 0,
      min: 0,
      max: 1,
      mean: 0.5,
      std: 0.5,
      quantiles: [],
      binEdges: [],
      binFractions: [1],
    },
    { name: 'colour', kind: 'categorical', count: 10, missing: 0, levels: { red: 1 } },
  ],
  target: { name: 'y', kind: 'categorical', count: 10, missing: 0, levels: { a: 1 } },
};

describe('columnsFromRecords', () => {
  it('reads captured inputs as the CSV reader reads cells, one column per baseline feature', () => {
    const records = [
      { size: 1.5, colour: 'red', extra: 'ignored' },
      { size: '2', colour: 'blue' },
      { size: 'NA', colour: 'NA' },
      { size: null, colour: null },
      {},
      { size: 'large', colour: 3 },
      { size: true, colour: true },
      { size: Number.POSITIVE_INFINITY, colour: 'red' },
    ];
    const [size, colour] = columnsFromRecords(records, baseline);
    expect(size.name).toBe('size');
    expect(size.kind === 'numeric' && Array.from(size.values)).toEqual([
      1.5,
      2,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
    ]);
    if (colour.kind !== 'categorical') throw new Error('expected categorical');
    expect(colour.levels).toEqual(['red', 'blue', '3', 'true']);
    expect(Array.from(colour.codes)).toEqual([0, 1, -1, -1, -1, 2, 3, 0]);
  });

  it('gives empty columns for no records', () => {
    const columns = columnsFromRecords([], baseline);
    expect(columns.map((c) => (c.kind === 'numeric' ? c.values.length : c.codes.length))).toEqual([0, 0]);
  });
});
