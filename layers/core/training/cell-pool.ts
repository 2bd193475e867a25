import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { Fold } from '../../ml/data/folds.ts';
import type { LabelledMatrix } from '../../ml/data/matrix.ts';
import type { CellTask } from '../../ml/search/cell.ts';
import type { CellRunner } from '../../ml/search/cell-search.ts';
import type { CellReply } from './cell-reply.ts';
import { reviveMlError } from './cell-reply.ts';
import { toShared } from './shared-dataset.ts';

/** A CellRunner on worker threads; `destroy` ends the threads so the process can exit. */
export interface CellPool extends CellRunner {
  /** Worker threads currently alive (0 once destroyed). */
  liveThreads(): number;
  destroy(): Promise<void>;
}

export interface CellPoolOptions {
  /** Worker threads (default os.availableParallelism()). */
  readonly workers?: number;
}

const WORKER = fileURLToPath(new URL('./cell-worker.mjs', import.meta.url));

/**
 * A piscina pool whose workers all see one copy of the training matrix and folds (SharedArrayBuffers in
 * workerData), so a task is only (model, params, fold, seed) and a result only (score, fitSeconds, status).
 * An MlError thrown by a cell is rethrown here as the same class.
 */
export function createCellPool(
  data: LabelledMatrix,
  folds: readonly Fold[],
  opts: CellPoolOptions = {},
): CellPool {
  const workers = opts.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) {
    throw new RangeError(`cell pool: workers must be an integer ≥ 1, got ${workers}`);
  }
  const pool = new Piscina<CellTask, CellReply>({
    filename: WORKER,
    minThreads: workers,
    maxThreads: workers,
    workerData: toShared(data, folds),
  });
  return {
    concurrency: workers,
    run: async (cell) => {
      const reply = await pool.run(cell);
      if ('error' in reply) throw reviveMlError(reply.error);
      return reply.result;
    },
    liveThreads: () => pool.threads.length,
    destroy: () => pool.destroy(),
  };
}
