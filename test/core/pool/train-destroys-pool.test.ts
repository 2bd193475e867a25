import { describe, expect, it, vi } from 'vitest';
import { generateConstructionCsv } from '../../../layers/core/demo/construction-schedule.ts';
import type { CellPool } from '../../../layers/core/training/cell-pool.ts';
import { trainInProcess } from '../../../layers/core/training/train-in-process.ts';
import { ParamsError } from '../../../layers/ml/errors.ts';

// Piscina unrefs idle workers, so a leaked pool would not even keep the process alive: the only way to
// see one is to count the pools trainInProcess makes and look at their threads afterwards.
const made = vi.hoisted(() => ({ pools: [] as CellPool[] }));
vi.mock('../../../layers/core/training/cell-pool.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../layers/core/training/cell-pool.ts')>();
  return {
    ...original,
    createCellPool: (...args: Parameters<typeof original.createCellPool>) => {
      const pool = original.createCellPool(...args);
      made.pools.push(pool);
      return pool;
    },
  };
});

describe('trainInProcess and its pool', () => {
  const csv = generateConstructionCsv({ rows: 300, seed: 2 });

  it('makes one pool of the requested size and ends all its threads before returning', async () => {
    made.pools.length = 0;
    await trainInProcess(csv, { models: ['DecisionTree', 'KNN'], workers: 2 });
    expect(made.pools).toHaveLength(1);
    expect(made.pools[0].concurrency).toBe(2);
    expect(made.pools[0].liveThreads()).toBe(0);
  });

  it('ends the threads when a cell fails in a worker too', async () => {
    made.pools.length = 0;
    // Valid for the schema, but more neighbours than any fold has training rows: the fit throws.
    const failing = trainInProcess(csv, {
      models: ['KNN'],
      grids: { KNN: { n_neighbors: [5000] } },
      workers: 2,
    });
    await expect(failing).rejects.toThrow(/n_neighbors=5000 exceeds/);
    await expect(failing).rejects.toBeInstanceOf(ParamsError);
    expect(made.pools).toHaveLength(1);
    expect(made.pools[0].liveThreads()).toBe(0);
  });

  it('makes no pool with one worker', async () => {
    made.pools.length = 0;
    await trainInProcess(csv, {
      models: ['DecisionTree'],
      grids: { DecisionTree: { max_depth: [3] } },
      workers: 1,
    });
    expect(made.pools).toHaveLength(0);
  });
});
