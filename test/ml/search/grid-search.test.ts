import { describe, expect, it } from 'vitest';
import { kFold, stratifiedKFold } from '../../../layers/ml/data/folds.ts';
import type { LabelledMatrix } from '../../../layers/ml/data/matrix.ts';
import { takeLabelled } from '../../../layers/ml/data/matrix.ts';
import { makeClassification } from '../../../layers/ml/data/synthetic.ts';
import { ParamsError } from '../../../layers/ml/errors.ts';
import { crossValidate, scoreCell, summarizeScores } from '../../../layers/ml/search/cross-validate.ts';
import { bestIndex, gridSearch, rankByMean } from '../../../layers/ml/search/grid-search.ts';
import { knnSpec, newCalls, thresholdSpec } from './fake-models.ts';

/** Feature 0 is 0..n-1; class 1 from row `boundary` on, so a threshold in [boundary-1, boundary) is perfect. */
function line(n: number, boundary: number): LabelledMatrix {
  const values = Float64Array.from({ length: n }, (_, i) => i);
  const y = Int32Array.from({ length: n }, (_, i) => (i >= boundary ? 1 : 0));
  return { nRows: n, nFeatures: 1, values, y, nClasses: 2 };
}

describe('scoreCell', () => {
  it('fits on the fold train rows only, scores accuracy on validation, and disposes the model', () => {
    const calls = newCalls();
    const data = line(20, 10);
    const fold = kFold(20, 4)[1]; // validation rows 5..9, all class 0
    const cell = scoreCell(thresholdSpec(calls), { threshold: 7.5 }, data, fold, 3);
    expect(cell.score).toBeCloseTo(3 / 5, 12); // 5, 6, 7 right; 8, 9 predicted class 1
    expect(cell.fitSeconds).toBeGreaterThanOrEqual(0);
    expect(calls).toEqual({ created: 1, disposed: 1, fitRows: [15], seeds: [3] });
  });

  it('applies the schema defaults and rejects bad params with ParamsError naming the field', () => {
    const calls = newCalls();
    const data = line(10, 5);
    const fold = kFold(10, 2)[0];
    expect(scoreCell(knnSpec(calls), {}, data, fold, 1).score).toBeGreaterThanOrEqual(0);
    expect(() => scoreCell(knnSpec(calls), { n_neighbors: 0 }, data, fold, 1)).toThrow(ParamsError);
    expect(() => scoreCell(knnSpec(calls), { n_neighbors: 0 }, data, fold, 1)).toThrow(
      /KNN: invalid parameter n_neighbors/,
    );
    expect(() => scoreCell(knnSpec(calls), { neighbours: 3 }, data, fold, 1)).toThrow(ParamsError);
  });
});

describe('crossValidate', () => {
  it('is scoreCell over the folds, with mean and population std of the fold scores', () => {
    const data = makeClassification({ nRows: 120, nFeatures: 3, nClasses: 3, seed: 4 });
    const folds = stratifiedKFold(data.y, 3, 5, { shuffle: true, seed: 8 });
    const calls = newCalls();
    const cv = crossValidate(knnSpec(calls), { n_neighbors: 3 }, data, folds, 42);
    const cells = folds.map((f) => scoreCell(knnSpec(newCalls()), { n_neighbors: 3 }, data, f, 42).score);
    expect(cv.foldScores).toEqual(cells);
    const mean = cells.reduce((s, x) => s + x, 0) / 5;
    expect(cv.mean).toBeCloseTo(mean, 12);
    expect(cv.std).toBeCloseTo(Math.sqrt(cells.reduce((s, x) => s + (x - mean) ** 2, 0) / 5), 12);
    expect(calls.created).toBe(5);
    expect(calls.disposed).toBe(5);
    expect(calls.fitRows).toEqual(folds.map((f) => f.train.length));
    expect(calls.seeds).toEqual([42, 42, 42, 42, 42]);
  });

  it('scores the validation rows by hand the same way (1-NN on a held-out fold)', () => {
    const data = makeClassification({ nRows: 60, nFeatures: 2, seed: 2 });
    const fold = kFold(60, 3)[2];
    const model = knnSpec(newCalls()).create({ n_neighbors: 1 }, 0);
    model.fit(takeLabelled(data, fold.train));
    const validation = takeLabelled(data, fold.validation);
    const pred = model.predict(validation);
    const byHand = pred.filter((p, i) => p === validation.y[i]).length / validation.nRows;
    expect(crossValidate(knnSpec(newCalls()), { n_neighbors: 1 }, data, [fold], 0).foldScores).toEqual([
      byHand,
    ]);
  });
});

describe('summarizeScores', () => {
  it('uses ddof = 0 like numpy.std', () => {
    expect(summarizeScores([1, 0])).toEqual({ mean: 0.5, std: 0.5 });
    // /usr/bin/python3 -c "import numpy as np; print(np.std([0.8,0.8,0.8]), np.std([0.9,0.7,0.8,0.6]))"
    // → 1.1102230246251565e-16 0.11180339887498951 (float sums are not exact, in numpy either)
    expect(summarizeScores([0.8, 0.8, 0.8]).std).toBeLessThan(1e-15);
    expect(summarizeScores([0.9, 0.7, 0.8, 0.6]).std).toBeCloseTo(0.11180339887498948, 15);
  });
});

describe('ranking', () => {
  it('ranks like scipy rankdata(-means, "min") with NaN last, as scikit-learn', () => {
    expect(rankByMean([0.5, 0.9, 0.9, Number.NaN, 0.7])).toEqual([4, 1, 1, 5, 3]);
    expect(bestIndex([0.5, 0.9, 0.9, 0.7])).toBe(1);
  });
});

describe('gridSearch', () => {
  it('picks the highest mean CV accuracy; ties go to the first combination in grid order', () => {
    const data = line(40, 20);
    // 19.5 and 19.25 are both perfect on every fold; 19.25 comes first in the value list, hence in grid order.
    const grid = { threshold: [5, 19.25, 19.5, 30] };
    const search = gridSearch(thresholdSpec(newCalls()), grid, data);
    expect(search.results.map((r) => r.params.threshold)).toEqual([5, 19.25, 19.5, 30]);
    expect(search.results.map((r) => r.rank)).toEqual([4, 1, 1, 3]);
    expect(search.bestParams).toEqual({ threshold: 19.25 });
    expect(search.bestScore).toBe(1);
    const reversed = gridSearch(thresholdSpec(newCalls()), { threshold: [30, 19.5, 19.25, 5] }, data);
    expect(reversed.bestParams).toEqual({ threshold: 19.5 });
  });

  it('defaults to stratified 5-fold with shuffle and seed 42, every fit seeded with the search seed', () => {
    const data = makeClassification({ nRows: 90, nFeatures: 2, nClasses: 3, seed: 6 });
    const calls = newCalls();
    const search = gridSearch(knnSpec(calls), { n_neighbors: [1, 5] }, data);
    const folds = stratifiedKFold(data.y, 3, 5, { shuffle: true, seed: 42 });
    for (const r of search.results) {
      expect(r.foldScores).toEqual(crossValidate(knnSpec(newCalls()), r.params, data, folds, 42).foldScores);
    }
    expect(calls.created).toBe(10);
    expect(calls.disposed).toBe(10);
    expect(new Set(calls.seeds)).toEqual(new Set([42]));
  });

  it('is deterministic in the seed (fit times aside) and accepts explicit folds', () => {
    const data = makeClassification({ nRows: 150, nFeatures: 4, nClasses: 2, labelNoise: 0.15, seed: 10 });
    const grid = { n_neighbors: [1, 3, 7, 15] };
    const strip = (s: ReturnType<typeof gridSearch>) => s.results.map(({ fitSeconds: _, ...rest }) => rest);
    const a = gridSearch(knnSpec(newCalls()), grid, data, { seed: 3 });
    expect(strip(gridSearch(knnSpec(newCalls()), grid, data, { seed: 3 }))).toEqual(strip(a));
    const other = gridSearch(knnSpec(newCalls()), grid, data, { seed: 4 });
    expect(other.results.map((r) => r.foldScores)).not.toEqual(a.results.map((r) => r.foldScores));
    const folds = kFold(data.nRows, 3);
    const explicit = gridSearch(knnSpec(newCalls()), grid, data, { folds });
    expect(explicit.results[0].foldScores).toHaveLength(3);
    const best = explicit.results.find((r) => r.rank === 1);
    expect(explicit.bestScore).toBe(best?.meanScore);
    expect(Math.max(...explicit.results.map((r) => r.meanScore))).toBe(explicit.bestScore);
  });

  it('propagates ParamsError from bad grids and too-small classes', () => {
    const data = line(20, 17); // class 1 has 3 rows
    expect(() => gridSearch(thresholdSpec(newCalls()), { threshold: [] }, data)).toThrow(ParamsError);
    expect(() => gridSearch(thresholdSpec(newCalls()), { threshold: [1] }, data)).toThrow(
      /class 1 has 3 rows, fewer than k=5/,
    );
    expect(() => gridSearch(thresholdSpec(newCalls()), { threshold: ['x'] }, data, { folds: 3 })).toThrow(
      /DecisionTree: invalid parameter threshold/,
    );
  });
});
