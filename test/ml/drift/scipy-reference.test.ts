/**
 * Against scipy (fixtures/scipy-reference.json, written once by scipy_reference.py): ks_2samp's two-sample
 * KS statistic, and chisquare's / jensenshannon's values on categorical counts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeBaseline } from '../../../layers/ml/drift/baseline.ts';
import { measureDrift } from '../../../layers/ml/drift/measure-drift.ts';
import { QUANTILE_POINTS } from '../../../layers/ml/drift/quantiles.ts';
import type { DriftColumn } from '../../../layers/ml/drift/types.ts';

interface Reference {
  ks: { name: string; baseline: number[]; window: number[]; ks: number }[];
  categorical: { name: string; baselineCounts: number[]; windowCounts: number[]; chi2: number; js: number }[];
}

const reference: Reference = JSON.parse(
  readFileSync(new URL('./fixtures/scipy-reference.json', import.meta.url), 'utf8'),
);

function codesOf(counts: number[]): Int32Array {
  return Int32Array.from(counts.flatMap((count, code) => new Array<number>(count).fill(code)));
}

describe('against scipy', () => {
  it.each(reference.ks)('KS matches scipy.stats.ks_2samp: $name', ({ baseline, window, ks }) => {
    const values = Float64Array.from(baseline);
    const [feature] = computeBaseline({
      columns: [{ name: 'x', kind: 'numeric', values }],
      targetLevels: ['a'],
      targetCodes: new Int32Array(values.length),
    }).features;
    const drift = measureDrift(feature, { name: 'x', kind: 'numeric', values: Float64Array.from(window) });
    // scipy compares the two ECDFs; we compare the window's with the baseline quantiles' interpolated CDF,
    // which is within 1/n of the baseline ECDF at the grid, and evaluate at the grid (≤ 1/1000 apart).
    const tolerance = 1 / baseline.length + 1 / (QUANTILE_POINTS - 1);
    expect(Math.abs((drift.ks ?? Number.NaN) - ks)).toBeLessThanOrEqual(tolerance);
  });

  it.each(reference.categorical)(
    'χ² and JS match scipy.stats.chisquare and jensenshannon²: $name',
    ({ baselineCounts, windowCounts, chi2, js }) => {
      const levels = baselineCounts.map((_, i) => `level${i}`);
      const column: DriftColumn = { name: 'k', kind: 'categorical', codes: codesOf(baselineCounts), levels };
      const [feature] = computeBaseline({
        columns: [column],
        targetLevels: ['a'],
        targetCodes: new Int32Array(column.codes.length),
      }).features;
      const drift = measureDrift(feature, {
        name: 'k',
        kind: 'categorical',
        codes: codesOf(windowCounts),
        levels,
      });
      expect(drift.chi2).toBeCloseTo(chi2, 9);
      expect(drift.js).toBeCloseTo(js, 12);
    },
  );
});
