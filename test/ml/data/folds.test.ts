import { describe, expect, it } from 'vitest';
import type { Fold } from '../../../layers/ml/data/folds.ts';
import { kFold, stratifiedKFold } from '../../../layers/ml/data/folds.ts';
import { makeClassification } from '../../../layers/ml/data/synthetic.ts';
import { ParamsError } from '../../../layers/ml/errors.ts';

/** Validation sets partition the rows; each train set is exactly the complement; all ascending. */
function expectValidFolds(folds: Fold[], n: number): void {
  const seen = new Int32Array(n);
  for (const { train, validation } of folds) {
    expect([...validation]).toEqual([...validation].sort((a, b) => a - b));
    expect([...train]).toEqual([...train].sort((a, b) => a - b));
    const inValidation = new Set(validation);
    expect([...train]).toEqual(Array.from({ length: n }, (_, i) => i).filter((i) => !inValidation.has(i)));
    for (const i of validation) seen[i]++;
  }
  expect([...seen].every((c) => c === 1)).toBe(true);
}

function classCounts(y: Int32Array, idx: Int32Array, nClasses: number): number[] {
  const out = new Array<number>(nClasses).fill(0);
  for (const i of idx) out[y[i]]++;
  return out;
}

describe('kFold', () => {
  it('matches scikit-learn KFold (no shuffle) exactly', () => {
    // /usr/bin/python3 -c "import numpy as np; from sklearn.model_selection import KFold;
    //   [print(n,k,[list(t) for _,t in KFold(k).split(np.zeros(n))]) for n,k in [(10,3),(11,4),(7,7),(12,5)]]"
    const sklearn: Array<[number, number, number[][]]> = [
      [
        10,
        3,
        [
          [0, 1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
        ],
      ],
      [
        11,
        4,
        [
          [0, 1, 2],
          [3, 4, 5],
          [6, 7, 8],
          [9, 10],
        ],
      ],
      [7, 7, [[0], [1], [2], [3], [4], [5], [6]]],
      [
        12,
        5,
        [
          [0, 1, 2],
          [3, 4, 5],
          [6, 7],
          [8, 9],
          [10, 11],
        ],
      ],
    ];
    for (const [n, k, expected] of sklearn) {
      const folds = kFold(n, k);
      expect(folds.map((f) => [...f.validation])).toEqual(expected);
      expectValidFolds(folds, n);
    }
  });

  it('keeps the scikit-learn fold sizes when shuffled, and is deterministic in the seed', () => {
    for (const [n, k] of [
      [10, 3],
      [101, 5],
      [37, 10],
    ]) {
      const folds = kFold(n, k, { shuffle: true, seed: 5 });
      expect(folds.map((f) => f.validation.length)).toEqual(
        Array.from({ length: k }, (_, f) => Math.floor(n / k) + (f < n % k ? 1 : 0)),
      );
      expectValidFolds(folds, n);
      expect(kFold(n, k, { shuffle: true, seed: 5 })).toEqual(folds);
      expect(kFold(n, k, { shuffle: true, seed: 6 })).not.toEqual(folds);
    }
  });

  it('rejects k < 2 and k > n with ParamsError', () => {
    expect(() => kFold(10, 1)).toThrow(ParamsError);
    expect(() => kFold(10, 1)).toThrow(/k must be an integer ≥ 2, got 1/);
    expect(() => kFold(10, 2.5)).toThrow(ParamsError);
    expect(() => kFold(4, 5)).toThrow(/k=5 is greater than the number of rows \(4\)/);
  });
});

describe('stratifiedKFold', () => {
  it('matches scikit-learn StratifiedKFold (no shuffle) exactly, including first-appearance class order', () => {
    // /usr/bin/python3 -c "import numpy as np; from sklearn.model_selection import StratifiedKFold as S;
    //   y=np.array([1,1,0,0,0,2,2,2,2,0,1,1,2,0]); print([list(t) for _,t in S(3).split(np.zeros(len(y)),y)])"
    const y = Int32Array.from([1, 1, 0, 0, 0, 2, 2, 2, 2, 0, 1, 1, 2, 0]);
    const folds = stratifiedKFold(y, 3, 3);
    expect(folds.map((f) => [...f.validation])).toEqual([
      [0, 1, 2, 5, 6],
      [3, 4, 7, 8, 10],
      [9, 11, 12, 13],
    ]);
    expectValidFolds(folds, y.length);
  });

  it('spreads each class so fold counts differ by at most one, shuffled or not', () => {
    const data = makeClassification({ nRows: 503, nFeatures: 2, nClasses: 3, labelNoise: 0.2, seed: 11 });
    for (const shuffle of [false, true]) {
      for (const k of [2, 5, 10]) {
        const folds = stratifiedKFold(data.y, 3, k, { shuffle, seed: 3 });
        expectValidFolds(folds, data.nRows);
        const perFold = folds.map((f) => classCounts(data.y, f.validation, 3));
        for (let c = 0; c < 3; c++) {
          const counts = perFold.map((p) => p[c]);
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        }
        const sizes = folds.map((f) => f.validation.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('is deterministic in the seed and shuffles rows within classes', () => {
    const y = Int32Array.from({ length: 60 }, (_, i) => i % 3);
    const a = stratifiedKFold(y, 3, 4, { shuffle: true, seed: 1 });
    expect(stratifiedKFold(y, 3, 4, { shuffle: true, seed: 1 })).toEqual(a);
    expect(stratifiedKFold(y, 3, 4, { shuffle: true, seed: 2 })).not.toEqual(a);
    expect(stratifiedKFold(y, 3, 4, { shuffle: false })).not.toEqual(a);
  });

  it('ignores declared classes with no rows', () => {
    const y = Int32Array.from([0, 0, 2, 2, 0, 2]);
    expectValidFolds(stratifiedKFold(y, 4, 2), 6);
  });

  it('rejects a class smaller than k, naming the class, and bad k', () => {
    const y = Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 0, 1]);
    expect(() => stratifiedKFold(y, 3, 3)).toThrow(ParamsError);
    expect(() => stratifiedKFold(y, 3, 3)).toThrow(/class 2 has 2 rows, fewer than k=3 folds/);
    expect(() => stratifiedKFold(y, 3, 1)).toThrow(/k must be an integer ≥ 2/);
    expect(() => stratifiedKFold(y, 3, 11)).toThrow(/greater than the number of rows \(10\)/);
    expect(() => stratifiedKFold(y, 2, 2)).toThrow(/label 2 at row 6 is outside 0..1/);
  });
});
