import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { kFold } from '../../../layers/ml/data/folds.ts';
import type { FeatureMatrix, LabelledMatrix } from '../../../layers/ml/data/matrix.ts';
import { ParamsError } from '../../../layers/ml/errors.ts';
import type { Classifier, ModelSpec } from '../../../layers/ml/models/classifier.ts';
import { argmaxRows } from '../../../layers/ml/models/classifier.ts';
import type { CellResult, CellTask } from '../../../layers/ml/search/cell.ts';
import type { CellRunner } from '../../../layers/ml/search/cell-search.ts';
import { inProcessRunner, rankWithStopped, searchCells } from '../../../layers/ml/search/cell-search.ts';
import { gridSearch } from '../../../layers/ml/search/grid-search.ts';
import { MedianStoppingRule, median } from '../../../layers/ml/search/median-stopping.ts';

/**
 * A model whose accuracy on fold f is exactly `scores[f]`. The data makes that possible: row i belongs to
 * validation fold floor(i / 64) (kFold without shuffle), feature 0 is that fold, feature 1 the row's
 * position in it, every label is 0; the model predicts 0 for the first scores[f]·64 positions. Scores are
 * multiples of 1/64, so every mean and median below is exact in floating point.
 */
const ROWS_PER_FOLD = 64;
const K = 5;

class Scripted implements Classifier {
  readonly name = 'DecisionTree';
  constructor(private readonly scores: readonly number[]) {}
  fit(): void {}
  predictProba(x: FeatureMatrix): Float64Array {
    const out = new Float64Array(x.nRows * 2);
    for (let i = 0; i < x.nRows; i++) {
      const fold = x.values[i];
      const position = x.values[x.nRows + i];
      out[i * 2 + (position < this.scores[fold] * ROWS_PER_FOLD ? 0 : 1)] = 1;
    }
    return out;
  }
  predict(x: FeatureMatrix): Int32Array {
    return argmaxRows(this.predictProba(x), x.nRows, 2);
  }
  predictProbaRow(): void {
    throw new Error('not needed');
  }
  featureImportances(): undefined {
    return undefined;
  }
  toJSON(): never {
    throw new Error('not needed');
  }
  dispose(): void {}
}

const scriptedSpec: ModelSpec<{ scores: number[] }> = {
  name: 'DecisionTree',
  params: z.strictObject({ scores: z.array(z.number()).check(z.length(K)) }),
  create: (params) => new Scripted(params.scores),
  fromJSON: () => {
    throw new Error('not needed');
  },
};

function scriptedData(): LabelledMatrix {
  const n = ROWS_PER_FOLD * K;
  const values = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    values[i] = Math.floor(i / ROWS_PER_FOLD);
    values[n + i] = i % ROWS_PER_FOLD;
  }
  return { nRows: n, nFeatures: 2, values, y: new Int32Array(n), nClasses: 2 };
}

const data = scriptedData();
const folds = kFold(data.nRows, K);
const resolve = () => scriptedSpec as unknown as ModelSpec;
const opts = { model: 'DecisionTree', nFolds: K, seed: 0 } as const;

/**
 * With minFolds = 2, configuration by configuration (median of the complete ones' running means):
 *  c0 complete (nothing to compare with yet); c1 0.5 < 0.75 → stops after 2; c2 complete;
 *  c3 (0.875+0.625)/2 = 0.75 < median(0.75, 0.875) = 0.8125 → 2; c4 0.8125 is not below 0.8125, then
 *  (0.8125·2+0.25)/3 = 0.625 < 0.8125 → 3; c5 0.75 < 0.8125 → 2 although its full mean (0.9) beats
 *  every complete one; c6 1, 0.833 pass, then 3/4 = 0.75 < 0.8125 → 4.
 */
const scripts = [
  [0.75, 0.75, 0.75, 0.75, 0.75],
  [0.5, 0.5, 0.5, 0.5, 0.5],
  [0.875, 0.875, 0.875, 0.875, 0.875],
  [0.875, 0.625, 0.625, 0.625, 0.625],
  [0.8125, 0.8125, 0.25, 0.25, 0.25],
  [0.75, 0.75, 1, 1, 1],
  [1, 1, 0.5, 0.5, 0.5],
];
const configs = scripts.map((scores) => ({ scores }));

/** Holds every cell it is given and answers them newest first, `concurrency` at a time. */
function lifoRunner(inner: CellRunner, concurrency: number): CellRunner & { ran: CellTask[] } {
  const pending: { cell: CellTask; done: (r: CellResult) => void }[] = [];
  const ran: CellTask[] = [];
  const flush = (): void => {
    const job = pending.pop();
    if (!job) return;
    ran.push(job.cell);
    inner.run(job.cell).then(job.done);
  };
  return {
    concurrency,
    ran,
    run: (cell) =>
      new Promise<CellResult>((done) => {
        pending.push({ cell, done });
        // Answer only once the search has filled its window, so results come back out of order.
        if (pending.length >= concurrency) setTimeout(() => flush(), 0);
        else setTimeout(() => flush(), 1);
      }),
  };
}

describe('median stopping rule', () => {
  it('computes numpy-style medians and stops only strictly below, after minFolds, before the last fold', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    const rule = new MedianStoppingRule(4, 2);
    expect(rule.shouldStop([0, 0, 0], 2)).toBe(false); // nothing complete yet
    rule.recordCompleted([1, 0.5, 0.5, 0.5]);
    expect(rule.shouldStop([0, 0, 0, 0], 1)).toBe(false); // fewer than minFolds
    expect(rule.shouldStop([0.75, 0.74], 2)).toBe(true); // 0.745 < 0.75
    expect(rule.shouldStop([0.75, 0.75], 2)).toBe(false); // equal is not below
    expect(rule.shouldStop([0, 0, 0, 0], 4)).toBe(false); // nothing left to save
    expect(() => new MedianStoppingRule(4, 0)).toThrow(ParamsError);
  });
});

describe('searchCells with the median stopping rule', () => {
  it('stops the expected configurations after the expected folds, keeping them in the results', async () => {
    const result = await searchCells(configs, inProcessRunner(data, folds, resolve), {
      ...opts,
      earlyStop: 'median',
    });
    expect(result.results.map((r) => r.foldScores)).toEqual(
      scripts.map((s, c) => s.slice(0, [5, 2, 5, 2, 3, 2, 4][c])),
    );
    expect(result.results.map((r) => r.stopped)).toEqual([false, true, false, true, true, true, true]);
    expect(result.results.map((r) => r.status)).toEqual([
      'complete',
      'stopped',
      'complete',
      'stopped',
      'stopped',
      'stopped',
      'stopped',
    ]);
    expect(result.results.map((r) => r.foldsDone)).toEqual([5, 2, 5, 2, 3, 2, 4]);
    expect(result.results.map((r) => r.meanScore)).toEqual([0.75, 0.5, 0.875, 0.75, 0.625, 0.75, 0.75]);
    // Complete ones first by mean, then the stopped ones by partial mean.
    expect(result.results.map((r) => r.rank)).toEqual([2, 7, 1, 3, 6, 3, 3]);
    expect(result.bestParams).toEqual(configs[2]);
    expect(result.bestScore).toBe(0.875);

    // Cell records: the folds a stopped configuration skipped are there, marked stopped.
    expect(result.cells).toHaveLength(configs.length * K);
    const c4 = result.cells.filter((cell) => cell.config === 4);
    expect(c4.map((cell) => cell.status)).toEqual(['ok', 'ok', 'ok', 'stopped', 'stopped']);
    expect(c4.map((cell) => cell.score)).toEqual([0.8125, 0.8125, 0.25, Number.NaN, Number.NaN]);
  });

  it('changes the result vs exhaustive search, which it equals when off (the default)', async () => {
    const off = await searchCells(configs, inProcessRunner(data, folds, resolve), opts);
    expect(off.results.every((r) => !r.stopped && r.foldsDone === K)).toBe(true);
    expect(off.bestParams).toEqual(configs[5]); // mean 0.9: stopped by the median rule above
    const grid = gridSearch(scriptedSpec, { scores: scripts }, data, { folds, seed: 0 });
    expect(off.results.map((r) => [r.params, r.meanScore, r.stdScore, r.foldScores, r.rank])).toEqual(
      grid.results.map((r) => [r.params, r.meanScore, r.stdScore, r.foldScores, r.rank]),
    );
    expect(off.bestParams).toEqual(grid.bestParams);
  });

  it('never chooses a stopped configuration, even one whose partial mean beats every complete one', async () => {
    const twoConfigs = [{ scores: [1, 1, 0.25, 0.25, 0.25] }, { scores: [0.875, 0.875, 1, 1, 1] }];
    const result = await searchCells(twoConfigs, inProcessRunner(data, folds, resolve), {
      ...opts,
      earlyStop: 'median',
    });
    expect(result.results.map((r) => r.stopped)).toEqual([false, true]);
    expect(result.results[1].meanScore).toBeGreaterThan(result.results[0].meanScore);
    expect(result.bestParams).toEqual(twoConfigs[0]);
    expect(result.results.map((r) => r.rank)).toEqual([1, 2]);
  });

  it('gives the same outcome whatever order and concurrency the runner answers in', async () => {
    const reference = await searchCells(configs, inProcessRunner(data, folds, resolve), {
      ...opts,
      earlyStop: 'median',
    });
    for (const concurrency of [2, 3, 8]) {
      const runner = lifoRunner(inProcessRunner(data, folds, resolve), concurrency);
      const result = await searchCells(configs, runner, { ...opts, earlyStop: 'median' });
      const strip = (r: typeof result) => ({
        results: r.results.map(({ fitSeconds: _, ...rest }) => rest),
        cells: r.cells.map(({ fitSeconds: _, ...rest }) => rest),
        best: r.bestParams,
      });
      expect(strip(result)).toEqual(strip(reference));
      // Out of order for real: some cell ran before an earlier one in configuration-major order.
      const order = runner.ran.map(
        (cell) => configs.findIndex((c) => c.scores === cell.params.scores) * K + cell.fold,
      );
      expect(order).not.toEqual([...order].sort((a, b) => a - b));
    }
  });

  it('does not stop before minFolds', async () => {
    const result = await searchCells(configs, inProcessRunner(data, folds, resolve), {
      ...opts,
      earlyStop: 'median',
      minFolds: 3,
    });
    // c1: 0.5 < 0.75 at 3 folds; c3: 0.708 < 0.8125; c4: 0.625 < 0.8125; c5: 0.833 passes, then 0.875 passes
    // (median 0.8125), complete; c6: 0.833 passes, 0.75 < median(0.75, 0.875, 0.875) = 0.875 → 4.
    expect(result.results.map((r) => r.foldsDone)).toEqual([5, 3, 5, 3, 3, 5, 4]);
    expect(result.bestParams).toEqual(configs[5]);
  });
});

describe('rankWithStopped', () => {
  it('ranks complete configurations by mean, then stopped ones, ties sharing the lowest rank', () => {
    expect(rankWithStopped([0.5, 0.9, 0.7, 0.7], [false, true, false, false])).toEqual([3, 4, 1, 1]);
  });
});
