import type { Fold } from '../data/folds.ts';
import type { LabelledMatrix } from '../data/matrix.ts';
import { ParamsError } from '../errors.ts';
import type { ModelName, ModelSpec } from '../models/classifier.ts';
import { modelSpec } from '../models/registry.ts';
import { scoreCell } from './cross-validate.ts';

/**
 * One unit of search work, as plain JSON: which model with which parameters on which fold. It names the
 * model rather than holding its spec so it can cross a thread or a Lambda boundary unchanged.
 */
export interface CellTask {
  readonly model: ModelName;
  readonly params: Readonly<Record<string, unknown>>;
  /** Index into the folds the runner was given. */
  readonly fold: number;
  readonly seed: number;
}

/**
 * `ok`: the cell was fitted and scored. `stopped`: the cell was never run because its configuration was
 * stopped early (median rule) before this fold; its score is NaN.
 */
export type CellStatus = 'ok' | 'stopped';

export interface CellResult {
  readonly score: number;
  readonly fitSeconds: number;
  readonly status: CellStatus;
}

/** Finds the spec for a model name; the registry by default, a fake one in tests. */
export type SpecResolver = (model: ModelName) => ModelSpec;

/**
 * Runs one cell: fit `cell.model` with `cell.params` on the training rows of `folds[cell.fold]`, score
 * accuracy on its validation rows. Pure given its arguments (scoreCell with the registry's spec), so the
 * in-process search, a worker thread and a Lambda invocation all give the same score for the same cell.
 */
export function runCell(
  data: LabelledMatrix,
  folds: readonly Fold[],
  cell: CellTask,
  resolve: SpecResolver = modelSpec,
): CellResult {
  if (!Number.isInteger(cell.fold) || cell.fold < 0 || cell.fold >= folds.length) {
    throw new ParamsError(`cell: fold ${cell.fold} is out of range (0..${folds.length - 1})`, {
      fold: cell.fold,
    });
  }
  const { score, fitSeconds } = scoreCell(
    resolve(cell.model),
    cell.params,
    data,
    folds[cell.fold],
    cell.seed,
  );
  return { score, fitSeconds, status: 'ok' };
}
