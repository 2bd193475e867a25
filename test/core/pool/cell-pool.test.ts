import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateConstructionCsv } from '../../../layers/core/demo/construction-schedule.ts';
import { createCellPool } from '../../../layers/core/training/cell-pool.ts';
import type { TrainOptions, TrainResult } from '../../../layers/core/training/train-in-process.ts';
import { trainInProcess } from '../../../layers/core/training/train-in-process.ts';
import { prepareCsv } from '../../../layers/ml/data/prepare.ts';
import { ParamsError } from '../../../layers/ml/errors.ts';
import { runCell } from '../../../layers/ml/search/cell.ts';
import { searchFolds } from '../../../layers/ml/search/cell-search.ts';

const csv = generateConstructionCsv({ rows: 400, seed: 3 });

/** Everything but wall-clock timings, which are the only thing allowed to differ between runs. */
function outcome(result: TrainResult) {
  return {
    leaderboard: result.leaderboard.map(({ fitSeconds: _, results, ...entry }) => ({
      ...entry,
      results: results?.map(({ fitSeconds: __, ...r }) => r),
    })),
    best: JSON.stringify(result.best),
    preprocessor: JSON.stringify(result.preprocessor),
  };
}

describe('cell pool', () => {
  it('runs cells in worker threads with the same scores as in-process, and ends its threads', async () => {
    const prepared = await prepareCsv(csv, { seed: 42, folds: 5 });
    const folds = searchFolds(prepared.train, { folds: 5, seed: 42 });
    const pool = createCellPool(prepared.train, folds, { workers: 2 });
    try {
      expect(pool.concurrency).toBe(2);
      const cells = [3, 7].flatMap((max_depth) =>
        folds.map((_, fold) => ({ model: 'DecisionTree' as const, params: { max_depth }, fold, seed: 9 })),
      );
      const pooled = await Promise.all(cells.map((cell) => pool.run(cell)));
      const local = cells.map((cell) => runCell(prepared.train, folds, cell));
      expect(pooled.map((r) => [r.score, r.status])).toEqual(local.map((r) => [r.score, r.status]));
      expect(pool.liveThreads()).toBe(2);
    } finally {
      await pool.destroy();
    }
    expect(pool.liveThreads()).toBe(0);
  });

  it('reports a failing cell as a rejected run, not a dead pool', async () => {
    const prepared = await prepareCsv(csv, { seed: 42, folds: 5 });
    const folds = searchFolds(prepared.train, { folds: 5, seed: 42 });
    const pool = createCellPool(prepared.train, folds, { workers: 1 });
    try {
      const outOfRange = pool.run({ model: 'DecisionTree', params: { max_depth: 3 }, fold: 99, seed: 1 });
      await expect(outOfRange).rejects.toThrow(/fold 99 is out of range/);
      // The same class as in-process, so callers (the CLI's exit code) cannot tell the difference.
      await expect(outOfRange).rejects.toBeInstanceOf(ParamsError);
      const ok = await pool.run({ model: 'DecisionTree', params: { max_depth: 3 }, fold: 0, seed: 1 });
      expect(ok.status).toBe('ok');
    } finally {
      await pool.destroy();
    }
  });
});

describe('trainInProcess on a worker pool', () => {
  const base: TrainOptions = {
    models: ['LogisticRegression', 'DecisionTree'],
    grids: { LogisticRegression: { C: [0.1, 1, 10] }, DecisionTree: { max_depth: [3, 5, 7, 10] } },
  };

  it('gives identical results with 1 worker (in-process) and 2 workers', async () => {
    const one = await trainInProcess(csv, { ...base, workers: 1 });
    const two = await trainInProcess(csv, { ...base, workers: 2 });
    expect(outcome(two)).toEqual(outcome(one));
    expect(one.leaderboard.map((e) => e.results?.length)).toEqual([3, 4]);
  });

  it('gives identical results for random search with median stopping, whatever the workers', async () => {
    const options: TrainOptions = {
      models: ['DecisionTree', 'KNN'],
      grids: {
        DecisionTree: { max_depth: [2, 3, 4, 5, 6, 8, 10, 12] },
        KNN: { n_neighbors: [1, 3, 5, 7, 9, 11] },
      },
      search: 'random',
      trials: 5,
      earlyStop: 'median',
      seed: 6,
    };
    const one = await trainInProcess(csv, { ...options, workers: 1 });
    const two = await trainInProcess(csv, { ...options, workers: 2 });
    expect(outcome(two)).toEqual(outcome(one));
    expect(one.leaderboard.map((e) => e.configurations)).toEqual([5, 5]);
    // The rule did stop something here, so the comparison covers stopping decisions made on the pool.
    expect(one.leaderboard.flatMap((e) => e.results ?? []).some((r) => r.stopped)).toBe(true);
    for (const entry of one.leaderboard) {
      const chosen = entry.results?.find((r) => r.rank === 1);
      expect(chosen?.stopped).toBe(false);
      expect(chosen?.params).toEqual(entry.params);
    }
  });
});

describe('synergy train --workers 2', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'synergy-pool-'));
    await writeFile(join(dir, 'data.csv'), csv);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits by itself once done and prints the usual JSON', async () => {
    // A process kept alive by a busy or leaked handle would hit the timeout and be killed, failing the test.
    const run = promisify(execFile);
    const { stdout } = await run(
      process.execPath,
      [
        'bin/synergy.mjs',
        'train',
        join(dir, 'data.csv'),
        '--models',
        'DecisionTree',
        '--workers',
        '2',
        '--json',
      ],
      { timeout: 50_000, killSignal: 'SIGKILL' },
    );
    const json = JSON.parse(stdout);
    expect(Object.keys(json).sort()).toEqual(['best', 'leaderboard', 'seconds']);
    expect(Object.keys(json.leaderboard[0]).sort()).toEqual([
      'cvAccuracy',
      'fitSeconds',
      'model',
      'params',
      'testAccuracy',
    ]);
  });

  it('runs random search with --trials on the pool and keeps the --json shape', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [
        'bin/synergy.mjs',
        'train',
        join(dir, 'data.csv'),
        '--models',
        'KNN',
        '--search',
        'random',
        '--trials',
        '2',
        '--workers',
        '2',
        '--json',
      ],
      { timeout: 50_000, killSignal: 'SIGKILL' },
    );
    expect(stderr).toBe('');
    const json = JSON.parse(stdout);
    expect(Object.keys(json).sort()).toEqual(['best', 'leaderboard', 'seconds']);
    expect(json.leaderboard.map((e: { model: string }) => e.model)).toEqual(['KNN']);
  });

  it.each([
    [['--search', 'bayes'], /--search must be one of grid, random/],
    [['--trials', '3'], /--trials only applies to --search random/],
    [['--search', 'random', '--trials', '0'], /--trials must be at least 1/],
    [['--workers', '0'], /--workers must be at least 1/],
    [['--early-stop', 'asha'], /--early-stop must be one of none, median/],
  ])('rejects %j with exit code 2', async (flags, message) => {
    const failure = await promisify(execFile)(
      process.execPath,
      ['bin/synergy.mjs', 'train', join(dir, 'data.csv'), ...flags],
      { timeout: 50_000, killSignal: 'SIGKILL' },
    ).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toMatch(message);
  });
});
