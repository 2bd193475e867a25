import { describe, expect, it } from 'vitest';
import { kFold } from '../../../layers/ml/data/folds.ts';
import type { LabelledMatrix } from '../../../layers/ml/data/matrix.ts';
import { ParamsError } from '../../../layers/ml/errors.ts';
import type { ModelSpec } from '../../../layers/ml/models/classifier.ts';
import { inProcessRunner, searchCells, searchConfigurations } from '../../../layers/ml/search/cell-search.ts';
import { expandGrid, paramsKey } from '../../../layers/ml/search/grid.ts';
import { gridSearch } from '../../../layers/ml/search/grid-search.ts';
import { gridCombination, gridSize, sampleGrid } from '../../../layers/ml/search/random-search.ts';
import { knnSpec, newCalls, thresholdSpec } from './fake-models.ts';

const grid = { c: [1, 2, 3, 4, 5], b: ['x', 'y', 'z'], a: [[1], [2]] };

describe('gridCombination', () => {
  it('is expandGrid at the same index (ParameterGrid order), without expanding', () => {
    const all = expandGrid(grid);
    expect(gridSize(grid)).toBe(all.length);
    expect(all.map((_, i) => JSON.stringify(gridCombination(grid, i)))).toEqual(
      all.map((combo) => JSON.stringify(combo)),
    );
    expect(gridSize({})).toBe(1);
    expect(() => gridSize({ a: [] })).toThrow(ParamsError);
  });
});

describe('sampleGrid', () => {
  it('draws distinct combinations of the grid (without replacement)', () => {
    const keys = new Set(expandGrid(grid).map(paramsKey));
    for (const trials of [1, 7, 29]) {
      const drawn = sampleGrid(grid, trials, 3).map(paramsKey);
      expect(drawn).toHaveLength(trials);
      expect(new Set(drawn).size).toBe(trials);
      for (const key of drawn) expect(keys.has(key)).toBe(true);
    }
  });

  it('is seeded: the same seed gives the same draws in the same order, other seeds other draws', () => {
    expect(sampleGrid(grid, 10, 42)).toEqual(sampleGrid(grid, 10, 42));
    const bySeed = [1, 2, 3, 4].map((seed) => sampleGrid(grid, 10, seed).map(paramsKey).join('|'));
    expect(new Set(bySeed).size).toBe(4);
  });

  it('takes the whole grid in grid order when trials reach the grid size (scikit-learn caps n_iter)', () => {
    expect(sampleGrid(grid, 30, 9)).toEqual(expandGrid(grid));
    expect(sampleGrid(grid, 1000, 9)).toEqual(expandGrid(grid));
  });

  it('draws every combination about equally often over many seeds', () => {
    const small = { n: [1, 2, 3, 4, 5, 6] };
    const counts = new Map<number, number>();
    const seeds = 3000;
    for (let seed = 0; seed < seeds; seed++) {
      for (const { n } of sampleGrid(small, 2, seed))
        counts.set(n as number, (counts.get(n as number) ?? 0) + 1);
    }
    // Each of 6 values is expected 3000·2/6 = 1000 times; allow ±10 % (about 3.3 standard deviations).
    expect([...counts.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    for (const count of counts.values()) expect(Math.abs(count - 1000)).toBeLessThan(100);
  });

  it('rejects a bad number of trials or an empty value list', () => {
    expect(() => sampleGrid(grid, 0, 1)).toThrow(ParamsError);
    expect(() => sampleGrid(grid, 2.5, 1)).toThrow(ParamsError);
    expect(() => sampleGrid({ a: [1], b: [] }, 1, 1)).toThrow(/"b" must be a non-empty list/);
  });
});

describe('random search through searchCells', () => {
  /** Feature 0 is 0..n-1; class 1 from row `boundary` on. */
  function line(n: number, boundary: number): LabelledMatrix {
    const values = Float64Array.from({ length: n }, (_, i) => i);
    const y = Int32Array.from({ length: n }, (_, i) => (i >= boundary ? 1 : 0));
    return { nRows: n, nFeatures: 1, values, y, nClasses: 2 };
  }
  const data = line(40, 20);
  const folds = kFold(40, 4, { shuffle: true, seed: 5 });

  it('scores the sampled configurations with the same CV as grid search', async () => {
    const knnGrid = { n_neighbors: [1, 3, 5, 7, 9, 11, 13] };
    const configs = searchConfigurations(knnGrid, { search: 'random', trials: 4, seed: 8 });
    expect(configs).toEqual(sampleGrid(knnGrid, 4, 8));
    const spec = knnSpec(newCalls()) as unknown as ModelSpec;
    const result = await searchCells(
      configs,
      inProcessRunner(data, folds, () => spec),
      {
        model: 'KNN',
        nFolds: folds.length,
        seed: 1,
      },
    );
    expect(result.results.map((r) => r.params)).toEqual(configs);
    for (const entry of result.results) {
      const alone = gridSearch(knnSpec(newCalls()), { n_neighbors: [entry.params.n_neighbors] }, data, {
        folds,
        seed: 1,
      });
      expect(entry.foldScores).toEqual(alone.results[0].foldScores);
    }
  });

  it('breaks ties by the sampled order, not the grid order', async () => {
    // Every threshold is beyond the data, so every configuration predicts class 0: all means are equal.
    const thresholds = { threshold: [100, 200, 300, 400, 500, 600] };
    const configs = searchConfigurations(thresholds, { search: 'random', trials: 3, seed: 2 });
    // The first draw is not the first of the three in grid order, so the two orders give different winners.
    const firstInGridOrder = Math.min(...configs.map((c) => c.threshold as number));
    expect(configs[0].threshold).not.toBe(firstInGridOrder);
    const spec = thresholdSpec(newCalls()) as unknown as ModelSpec;
    const result = await searchCells(
      configs,
      inProcessRunner(data, folds, () => spec),
      {
        model: 'DecisionTree',
        nFolds: folds.length,
        seed: 1,
      },
    );
    expect(new Set(result.results.map((r) => r.meanScore)).size).toBe(1);
    expect(result.bestParams).toEqual(configs[0]);
  });
});
