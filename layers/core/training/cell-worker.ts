import { workerData } from 'node:worker_threads';
import { MlError } from '../../ml/errors.ts';
import type { CellTask } from '../../ml/search/cell.ts';
import { runCell } from '../../ml/search/cell.ts';
import type { CellReply } from './cell-reply.ts';
import { serializeMlError } from './cell-reply.ts';
import type { SharedDataset } from './shared-dataset.ts';
import { fromShared } from './shared-dataset.ts';

/**
 * A pool worker's body: the dataset arrives once, as SharedArrayBuffers in the pool's workerData, and
 * every task is then just (model, params, fold, seed).
 */
const { data, folds } = fromShared(workerData as SharedDataset);

export function runTask(task: CellTask): CellReply {
  try {
    return { result: runCell(data, folds, task) };
  } catch (error) {
    if (error instanceof MlError) return { error: serializeMlError(error) };
    throw error;
  }
}
