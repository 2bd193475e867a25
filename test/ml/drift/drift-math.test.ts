/**
 * The drift statistics against values computed independently: closed forms for shifted normals (KS and
 * PSI through the normal CDF), hand-worked counts for the categorical measures and SageMaker's robust L∞.
 */
import { describe, expect, it } from 'vitest';
import { computeBaseline } from '../../../layers/ml/drift/baseline.ts';
import { PSI_EPSILON } from '../../../layers/ml/drift/distances.ts';
import { measureDrift, measurePredictionDrift } from '../../../layers/ml/drift/measure-drift.ts';
import type {
  CategoricalBaseline,
  DriftColumn,
  FeatureBaseline,
  NumericBaseline,
} from '../../../layers/ml/drift/types.ts';
import { Random } from '../../../layers/ml/random.ts';
import { normalCdf } from './normal-cdf.ts';

const N = 100_000;

function normals(n: number, shift: number, seed: number): Float64Array {
  const random = new Random(seed);
  return Float64Array.from({ length: n }, () => shift + random.normal());
}

function numericBaselineOf(values: Float64Array, name = 'x'): NumericBaseline {
  const baseline = computeBaseline({
    columns: [{ name, kind: 'numeric', values }],
    targetLevels: ['a'],
    targetCodes: new Int32Array(values.length),
  });
  const [feature] = baseline.features;
  if (feature.kind !== 'numeric') throw new Error('expected numeric');
  return feature;
}

/** A categorical column with `counts[i]` rows of `levels[i]`. */
function categorical(name: string, levels: string[], counts: number[], missing = 0): DriftColumn {
  const codes: number[] = [];
  counts.forEach((count, code) => {
    for (let i = 0; i < count; i++) codes.push(code);
  });
  for (let i = 0; i < missing; i++) codes.push(-1);
  return { name, kind: 'categorical', codes: Int32Array.from(codes), levels };
}

function categoricalBaselineOf(column: DriftColumn): CategoricalBaseline {
  const length = column.kind === 'categorical' ? column.codes.length : 0;
  const [feature] = computeBaseline({
    columns: [column],
    targetLevels: ['a'],
    targetCodes: new Int32Array(length),
  }).features;
  if (feature.kind !== 'categorical') throw new Error('expected categorical');
  return feature;
}

/** PSI of N(δ, 1) against N(0, 1) over the given inner edges, from the normal CDF. */
function analyticPsi(edges: readonly number[], shift: number): number {
  const bounds = [Number.NEGATIVE_INFINITY, ...edges, Number.POSITIVE_INFINITY];
  let sum = 0;
  for (let i = 1; i < bounds.length; i++) {
    const p = normalCdf(bounds[i]) - normalCdf(bounds[i - 1]);
    const q = normalCdf(bounds[i] - shift) - normalCdf(bounds[i - 1] - shift);
    sum += (q - p) * Math.log(q / p);
  }
  return sum;
}

describe('numeric drift', () => {
  const baselineValues = normals(N, 0, 1);
  const baseline = numericBaselineOf(baselineValues);

  it('is ≈ 0 for the baseline sample itself', () => {
    const drift = measureDrift(baseline, { name: 'x', kind: 'numeric', values: baselineValues });
    expect(drift.count).toBe(N);
    expect(drift.psi).toBe(0);
    expect(drift.js).toBe(0);
    // The CDF is the quantiles' linear interpolation: exact to 1/1000 in probability, plus 1/n.
    expect(drift.ks).toBeLessThanOrEqual(1 / 1000 + 1 / N);
    expect(drift.linf).toBe(drift.ks);
    expect(drift.linfRobust).toBe(0);
    expect(drift.outOfRange).toBe(0);
    expect(drift.chi2).toBeNull();
  });

  it.each([0, 0.1, 0.25, 0.5, 1, 2])(
    'matches KS = 2Φ(δ/2) − 1 and the analytic decile PSI for a N(%s, 1) window',
    (shift) => {
      const drift = measureDrift(baseline, { name: 'x', kind: 'numeric', values: normals(N, shift, 2) });
      const ks = 2 * normalCdf(shift / 2) - 1;
      // Two samples of 100k: the KS statistic's own noise is ~0.004 (95%), the CDF grid adds ≤ 0.001.
      expect(Math.abs((drift.ks ?? Number.NaN) - ks)).toBeLessThan(0.008);
      const psi = analyticPsi(baseline.binEdges, shift);
      expect(Math.abs(drift.psi - psi)).toBeLessThan(Math.max(0.005, 0.03 * psi));
      expect(drift.linfRobust).toBeCloseTo(Math.max(0, drift.linf - 1.8 * Math.sqrt(2 / N)), 12);
    },
  );

  it('raises PSI past the 0.25 alarm for a shift of half a standard deviation', () => {
    const drift = measureDrift(baseline, { name: 'x', kind: 'numeric', values: normals(N, 0.6, 3) });
    expect(drift.psi).toBeGreaterThan(0.25);
  });

  it('smooths empty bins with ε: a window wholly above the baseline’s max', () => {
    const window = Float64Array.from({ length: 1000 }, (_, i) => baseline.max + 1 + i);
    const drift = measureDrift(baseline, { name: 'x', kind: 'numeric', values: window });
    // All of the window falls in the last bin (the one above the 9th decile); the others are empty.
    const expected = baseline.binFractions.reduce((sum, p, i) => {
      const q = i === baseline.binFractions.length - 1 ? 1 : PSI_EPSILON;
      return sum + (q - p) * Math.log(q / p);
    }, 0);
    expect(drift.psi).toBeCloseTo(expected, 10);
    expect(drift.ks).toBe(1);
    expect(drift.outOfRange).toBe(1000);
    expect(drift.js).toBeCloseTo(
      // Each emptied bin contributes ½p·log2(2); the last bin ½[p log2(2p/(p+1)) + log2(2/(p+1))].
      baseline.binFractions.reduce((sum, p, i) => {
        if (i < baseline.binFractions.length - 1) return sum + (p / 2) * Math.log2(2);
        return sum + (p * Math.log2((2 * p) / (p + 1)) + Math.log2(2 / (p + 1))) / 2;
      }, 0),
      10,
    );
  });

  it('counts missing values apart and values outside [min, max] as out of range', () => {
    const values = Float64Array.from([
      Number.NaN,
      baseline.min - 1,
      baseline.min,
      0,
      baseline.max,
      baseline.max + 1,
    ]);
    const drift = measureDrift(baseline, { name: 'x', kind: 'numeric', values });
    expect(drift).toMatchObject({ count: 5, missing: 1, outOfRange: 2 });
  });

  it('gives 0 for every distance, and no NaN, on an empty window', () => {
    for (const values of [new Float64Array(0), Float64Array.from([Number.NaN, Number.NaN])]) {
      const drift = measureDrift(baseline, { name: 'x', kind: 'numeric', values });
      expect(drift).toEqual({
        name: 'x',
        kind: 'numeric',
        count: 0,
        missing: values.length,
        psi: 0,
        ks: 0,
        linf: 0,
        linfRobust: 0,
        js: 0,
        chi2: null,
        outOfRange: 0,
        unseenLevels: {},
      });
    }
  });

  it('handles a discrete baseline with point masses: the same distribution is ≈ 0, a shifted one is not', () => {
    const random = new Random(9);
    const dice = (n: number, sides: number) => Float64Array.from({ length: n }, () => 1 + random.int(sides));
    const discrete = numericBaselineOf(dice(60_000, 6));
    const same = measureDrift(discrete, { name: 'x', kind: 'numeric', values: dice(60_000, 6) });
    expect(same.ks).toBeLessThan(0.012);
    expect(same.psi).toBeLessThan(0.001);
    const loaded = measureDrift(discrete, { name: 'x', kind: 'numeric', values: dice(60_000, 5) });
    // P(X ≤ k) is k/6 against k/5: the gap k/30 is largest at k = 5, 1 − 5/6.
    expect(Math.abs((loaded.ks ?? 0) - 1 / 6)).toBeLessThan(0.012);
    expect(loaded.outOfRange).toBe(0);
  });

  it('refuses a column of the other kind', () => {
    expect(() => measureDrift(baseline, categorical('x', ['a'], [1]))).toThrow(
      /is categorical but its baseline/,
    );
  });
});

describe('categorical drift', () => {
  // Baseline 100 rows: a 50%, b 30%, c 20%. Window 400 rows: a 80, b 120, c 200 (20%, 30%, 50%).
  const baseline = categoricalBaselineOf(categorical('level', ['a', 'b', 'c'], [50, 30, 20], 5));

  it('gives hand-worked χ², L∞, SageMaker’s robust L∞, PSI and JS', () => {
    const drift = measureDrift(baseline, categorical('level', ['c', 'b', 'a'], [200, 120, 80], 3));
    expect(drift.count).toBe(400);
    expect(drift.missing).toBe(3);
    // E = 400 · (0.5, 0.3, 0.2) = (200, 120, 80); O = (80, 120, 200): 120²/200 + 0 + 120²/80.
    expect(drift.chi2).toBeCloseTo(72 + 180, 10);
    expect(drift.linf).toBeCloseTo(0.3, 12);
    // linf_robust = 0.3 − 1.8·√((100 + 400)/(100·400)) = 0.3 − 1.8·√0.0125.
    expect(drift.linfRobust).toBeCloseTo(0.3 - 1.8 * Math.sqrt(0.0125), 12);
    expect(drift.linfRobust).toBeCloseTo(0.098754, 6);
    // PSI: (0.2 − 0.5)·ln(0.4) + 0 + (0.5 − 0.2)·ln(2.5) = 0.3·ln(6.25).
    expect(drift.psi).toBeCloseTo(0.3 * Math.log(6.25), 12);
    // JS with M = (0.35, 0.3, 0.35): 0.5·log2(0.5/0.35) + 0.2·log2(0.2/0.35).
    expect(drift.js).toBeCloseTo(0.5 * Math.log2(10 / 7) + 0.2 * Math.log2(4 / 7), 12);
    expect(drift.ks).toBeNull();
    expect(drift.unseenLevels).toEqual({});
  });

  it('puts unseen levels in one extra χ² / PSI cell and counts each of them for L∞', () => {
    // 400 rows as the baseline's shares, plus 40 of "z" and 10 of "y", never seen in the baseline.
    const drift = measureDrift(
      baseline,
      categorical('level', ['a', 'b', 'c', 'z', 'y'], [200, 120, 80, 40, 10]),
    );
    expect(drift.count).toBe(450);
    expect(drift.unseenLevels).toEqual({ y: 10, z: 40 });
    // Baseline levels: O = (200, 120, 80) against E = 450·(0.5, 0.3, 0.2) = (225, 135, 90); the unseen cell
    // expects 450·ε.
    const unseenExpected = 450 * PSI_EPSILON;
    const chi2 = 25 ** 2 / 225 + 15 ** 2 / 135 + 10 ** 2 / 90 + (50 - unseenExpected) ** 2 / unseenExpected;
    expect(drift.chi2).toBeCloseTo(chi2, 8);
    // L∞: |0.5 − 200/450| = 0.0556, …, and "z" alone 40/450 = 0.0889 (not the 50/450 of the unseen cell).
    expect(drift.linf).toBeCloseTo(40 / 450, 12);
    const shares = [200 / 450, 120 / 450, 80 / 450];
    const psi =
      [0.5, 0.3, 0.2].reduce((sum, p, i) => sum + (shares[i] - p) * Math.log(shares[i] / p), 0) +
      (50 / 450 - PSI_EPSILON) * Math.log(50 / 450 / PSI_EPSILON);
    expect(drift.psi).toBeCloseTo(psi, 10);
  });

  it('is 0 for the baseline’s own shares, and 0 without NaN for an empty window', () => {
    const same = measureDrift(baseline, categorical('level', ['a', 'b', 'c'], [500, 300, 200]));
    expect(same).toMatchObject({ psi: 0, linf: 0, js: 0, chi2: 0, linfRobust: 0 });
    const empty = measureDrift(baseline, categorical('level', ['a'], [0], 4));
    expect(empty).toMatchObject({ count: 0, missing: 4, psi: 0, linf: 0, linfRobust: 0, js: 0, chi2: 0 });
  });
});

describe('prediction drift', () => {
  const target: CategoricalBaseline = {
    name: 'species',
    kind: 'categorical',
    count: 100,
    missing: 0,
    levels: { '0': 0.5, '1': 0.5 },
  };

  it('reads numeric predictions as label texts', () => {
    const predicted: DriftColumn = {
      name: 'prediction',
      kind: 'numeric',
      values: Float64Array.from([0, 1, 1, 1]),
    };
    const drift = measurePredictionDrift(target, predicted);
    expect(drift.name).toBe('species');
    expect(drift.count).toBe(4);
    expect(drift.linf).toBeCloseTo(0.25, 12);
    // E = (2, 2), O = (1, 3).
    expect(drift.chi2).toBeCloseTo(1, 12);
  });

  it('takes categorical predictions as they are', () => {
    const drift = measurePredictionDrift(target, categorical('prediction', ['1', '2'], [3, 1]));
    expect(drift.unseenLevels).toEqual({ '2': 1 });
    expect(drift.linf).toBeCloseTo(0.5, 12);
  });
});

it('measureDrift accepts any FeatureBaseline', () => {
  const feature: FeatureBaseline = categoricalBaselineOf(categorical('k', ['x'], [3]));
  expect(measureDrift(feature, categorical('k', ['x'], [2])).psi).toBe(0);
});
