import { describe, expect, it } from 'vitest';
import { trainTestSplit } from '../../../layers/ml/data/split.ts';
import { makeClassification } from '../../../layers/ml/data/synthetic.ts';
import { ParamsError } from '../../../layers/ml/errors.ts';

function expectPartition(train: Int32Array, test: Int32Array, n: number): void {
  const all = [...train, ...test].sort((a, b) => a - b);
  expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
  expect([...train]).toEqual([...train].sort((a, b) => a - b));
  expect([...test]).toEqual([...test].sort((a, b) => a - b));
}

function bincount(y: Int32Array, idx: Int32Array, nClasses: number): number[] {
  const out = new Array<number>(nClasses).fill(0);
  for (const i of idx) out[y[i]]++;
  return out;
}

describe('trainTestSplit', () => {
  it('holds out ceil(testSize · n) rows, as scikit-learn, and partitions the rows in ascending order', () => {
    for (const [n, testSize] of [
      [100, 0.2],
      [101, 0.2],
      [10, 0.25],
      [7, 0.5],
      [3, 0.1],
    ] as const) {
      const { train, test } = trainTestSplit(n, { testSize, seed: 1 });
      expect(test.length).toBe(Math.ceil(testSize * n));
      expectPartition(train, test, n);
    }
  });

  it('defaults to testSize 0.2 and seed 42, and is deterministic in the seed', () => {
    const a = trainTestSplit(50);
    expect(a.test.length).toBe(10);
    expect(trainTestSplit(50, { testSize: 0.2, seed: 42 })).toEqual(a);
    expect(trainTestSplit(50, { seed: 7 }).test).not.toEqual(a.test);
  });

  it('allocates stratified counts per class as StratifiedShuffleSplit', () => {
    // /usr/bin/python3 -c "import numpy as np; from sklearn.model_selection import train_test_split as t;
    //   y=np.array([0]*50+[1]*30+[2]*20); tr,te=t(np.arange(100),test_size=0.37,stratify=y,random_state=0);
    //   print(np.bincount(y[tr]),np.bincount(y[te]))"  →  [31 19 13] [19 11 7]
    // (no tied remainders here, so the counts do not depend on the random stream)
    const y = Int32Array.from([...Array(50).fill(0), ...Array(30).fill(1), ...Array(20).fill(2)]);
    for (const seed of [0, 1, 42]) {
      const { train, test } = trainTestSplit(100, { testSize: 0.37, seed, stratify: y, nClasses: 3 });
      expect(bincount(y, train, 3)).toEqual([31, 19, 13]);
      expect(bincount(y, test, 3)).toEqual([19, 11, 7]);
      expectPartition(train, test, 100);
    }
  });

  it('keeps class proportions within one row on generated imbalanced data', () => {
    const data = makeClassification({ nRows: 997, nFeatures: 2, nClasses: 4, seed: 3 });
    const { train, test } = trainTestSplit(data.nRows, { stratify: data.y, nClasses: 4, seed: 9 });
    const total = bincount(
      data.y,
      Int32Array.from({ length: data.nRows }, (_, i) => i),
      4,
    );
    const inTest = bincount(data.y, test, 4);
    expect(test.length).toBe(Math.ceil(0.2 * 997));
    inTest.forEach((c, k) => {
      expect(Math.abs(c - (total[k] * test.length) / data.nRows)).toBeLessThanOrEqual(1);
    });
    expectPartition(train, test, data.nRows);
  });

  it('breaks tied remainders at random but still sums to the requested sizes', () => {
    // 3 classes of 5: 12 train rows ⇒ 4 each; 3 test rows ⇒ 1 each. 4 classes of 3 with 2 test rows ties.
    const y = Int32Array.from([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
    const seen = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const { train, test } = trainTestSplit(12, { testSize: 0.34, seed, stratify: y });
      expect(test.length).toBe(5);
      const counts = bincount(y, test, 4);
      expect(counts.every((c) => c === 1 || c === 2)).toBe(true);
      seen.add(counts.join(','));
      expectPartition(train, test, 12);
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it('rejects bad options with ParamsError', () => {
    expect(() => trainTestSplit(10, { testSize: 0 })).toThrow(ParamsError);
    expect(() => trainTestSplit(10, { testSize: 1 })).toThrow(/testSize must be in \(0, 1\), got 1/);
    expect(() => trainTestSplit(10, { testSize: Number.NaN })).toThrow(ParamsError);
    expect(() => trainTestSplit(1)).toThrow(/nRows must be an integer ≥ 2/);
    expect(() => trainTestSplit(3, { testSize: 0.9 })).toThrow(/train set would be empty/);
    const y = Int32Array.from([0, 0, 0, 1, 1, 2]);
    expect(() => trainTestSplit(6, { testSize: 0.5, stratify: y })).toThrow(/class 2 has only 1 row/);
    expect(() => trainTestSplit(5, { stratify: y })).toThrow(/stratify has 6 labels for 5 rows/);
    const y2 = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 2, 2]);
    expect(() => trainTestSplit(10, { testSize: 0.2, stratify: y2 })).toThrow(
      /test \(2\) sizes must each be at least/,
    );
    expect(() => trainTestSplit(4, { stratify: Int32Array.from([0, 0, 3, 3]), nClasses: 2 })).toThrow(
      /label 3 at row 2 is outside 0..1/,
    );
  });
});
