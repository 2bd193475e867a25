/**
 * Data-quality violations at the edges of their margins: each check fires just past its margin and not
 * just inside it, and an empty window finds nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  BASELINE_DRIFT_THRESHOLD,
  COMPLETENESS_MARGIN,
  findViolations,
  OUT_OF_RANGE_MARGIN,
} from '../../../layers/core/monitoring/violations.ts';
import type { FeatureQuality } from '../../../layers/core/monitoring/window-columns.ts';
import type { Baseline, FeatureDrift } from '../../../layers/ml/drift/types.ts';

const baseline: Baseline = {
  rows: 1000,
  features: [
    {
      name: 'x',
      kind: 'numeric',
      count: 900,
      missing: 100,
      min: -3,
      max: 3,
      mean: 0,
      std: 1,
      quantiles: [-3, 0, 3],
      binEdges: [0],
      binFractions: [0.5, 0.5],
    },
    { name: 'c', kind: 'categorical', count: 1000, missing: 0, levels: { a: 0.5, b: 0.5 } },
  ],
  target: { name: 'y', kind: 'categorical', count: 1000, missing: 0, levels: { no: 0.5, yes: 0.5 } },
};

const ROWS = 1000;

function quality(name: string, absent: number, wrongType = 0): FeatureQuality {
  return { name, kind: name === 'x' ? 'numeric' : 'categorical', absent, wrongType };
}

function drift(name: string, patch: Partial<FeatureDrift> = {}): FeatureDrift {
  return {
    name,
    kind: name === 'x' ? 'numeric' : 'categorical',
    count: ROWS,
    missing: 0,
    psi: 0,
    ks: name === 'x' ? 0 : null,
    linf: 0,
    linfRobust: 0,
    js: 0,
    chi2: name === 'x' ? null : 0,
    outOfRange: 0,
    unseenLevels: {},
    ...patch,
  };
}

const check = (q: FeatureQuality[], d: FeatureDrift[]) =>
  findViolations({ baseline, rows: ROWS, quality: q, drifts: d });

describe('findViolations', () => {
  it('finds nothing in a window like the baseline', () => {
    expect(check([quality('x', 100), quality('c', 0)], [drift('x'), drift('c')])).toEqual([]);
  });

  it('flags completeness only past the baseline missing share plus the margin', () => {
    const baselineShare = 100 / 1000;
    const inside = Math.floor((baselineShare + COMPLETENESS_MARGIN) * ROWS) - 1;
    const outside = Math.ceil((baselineShare + COMPLETENESS_MARGIN) * ROWS) + 1;
    expect(check([quality('x', inside)], [])).toEqual([]);
    const found = check([quality('x', outside)], []);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      feature: 'x',
      constraintCheckType: 'completeness_check',
      count: outside,
    });
  });

  it('flags values of the wrong type', () => {
    const found = check([quality('x', 100, 3)], []);
    expect(found).toEqual([
      expect.objectContaining({ feature: 'x', constraintCheckType: 'data_type_check', count: 3 }),
    ]);
  });

  it('flags unseen levels with their total count, most frequent named first', () => {
    const found = check([], [drift('c', { unseenLevels: { z: 1, y: 4 } })]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      feature: 'c',
      constraintCheckType: 'categorical_values_check',
      count: 5,
    });
    expect(found[0].description.indexOf('"y"')).toBeLessThan(found[0].description.indexOf('"z"'));
  });

  it('flags out-of-range values only past 2/(n+1) plus the margin', () => {
    const allowed = 2 / (900 + 1) + OUT_OF_RANGE_MARGIN;
    const inside = Math.floor(allowed * ROWS);
    expect(check([], [drift('x', { outOfRange: inside })])).toEqual([]);
    const found = check([], [drift('x', { outOfRange: inside + 1 })]);
    expect(found).toEqual([
      expect.objectContaining({ feature: 'x', constraintCheckType: 'out_of_range_check', count: inside + 1 }),
    ]);
  });

  it('flags baseline drift when linf_robust exceeds the threshold', () => {
    expect(check([], [drift('x', { linfRobust: BASELINE_DRIFT_THRESHOLD })])).toEqual([]);
    const found = check([], [drift('c', { linfRobust: BASELINE_DRIFT_THRESHOLD + 0.01 })]);
    expect(found).toEqual([
      expect.objectContaining({ feature: 'c', constraintCheckType: 'baseline_drift_check', count: ROWS }),
    ]);
  });

  it('finds nothing in an empty window', () => {
    expect(findViolations({ baseline, rows: 0, quality: [quality('x', 0)], drifts: [] })).toEqual([]);
  });
});
