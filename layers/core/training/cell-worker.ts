import { workerData } from 'node:worker_threads';
import type { CellResult, CellTask } from '../../ml/search/cell.ts';
import { runCell } from '../../ml/search/cell.ts';
import type { SharedDataset } from './shared-dataset.ts';
import { fromShared } from './shared-dataset.ts';

/**
 * A pool worker's body: the dataset arrives once, as SharedArrayBuffers in the pool's workerData, and
 * every task is then just (model, params, fold, seed).
 */
const { data, folds } = fromShared(workerData as SharedDataset);

export function runTask(task: CellTask): CellResult {
  return runCell(data, folds, task);
}
