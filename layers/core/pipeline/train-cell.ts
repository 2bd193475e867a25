/**
 * The Train task: one cell of a run. A CV cell fits one configuration on one fold's training rows and
 * scores its validation rows, exactly as the in-process search's runCell (same folds, same seed, so the
 * same score); a refit fits the chosen configuration on the whole training split and scores the test
 * split, as trainInProcess's refit. Both read the prepared dataset Prep wrote (cached across warm calls).
 */
import type { z } from 'zod';
import type { PreparedDataset } from '../../ml/data/dataset-binary.ts';
import type { Fold } from '../../ml/data/folds.ts';
import { accuracy } from '../../ml/metrics/accuracy.ts';
import { createModel } from '../../ml/models/registry.ts';
import { Random } from '../../ml/random.ts';
import { runCell } from '../../ml/search/cell.ts';
import { SynergyError } from '../errors.ts';
import { type DatasetCache, sharedDatasetCache } from './dataset-cache.ts';
import type { PipelineDeps } from './deps.ts';
import { refitKey } from './keys.ts';
import type { CvCell, cvCellOutputSchema, RefitCell, RefitOutput, TrainEvent } from './messages.ts';

export type CvCellOutput = z.infer<typeof cvCellOutputSchema>;

/** The invocation ran out of time (its AbortSignal fired) between two steps of a cell. */
export class CellTimeoutError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'CellTimeoutError';
  }
}

export interface TrainContext {
  /** Who runs the cell (the Lambda request id), kept on the cell's record. */
  readonly requestId: string;
  /** Fires shortly before the invocation's deadline. */
  readonly signal?: AbortSignal;
  readonly datasets?: DatasetCache;
}

type TrainDeps = Pick<PipelineDeps, 'artifacts' | 'experiments' | 'metrics' | 'clock' | 'bucket'>;

export function cellIdOf(cell: Pick<CvCell, 'model' | 'paramsKey' | 'fold'>): string {
  return `${cell.model}#${cell.paramsKey}#${cell.fold}`;
}

export async function trainCell(
  deps: TrainDeps,
  event: TrainEvent,
  context: TrainContext,
): Promise<CvCellOutput | RefitOutput> {
  const { cell } = event;
  checkTime(context.signal, event.runId, 'before loading the dataset');
  const data = await (context.datasets ?? sharedDatasetCache).get(
    deps.artifacts,
    event.dataset,
    context.signal,
  );
  checkTime(context.signal, event.runId, 'after loading the dataset');
  return cell.kind === 'cv'
    ? trainCvCell(deps, event.runId, cell, data, context)
    : refit(deps, event.runId, cell, data, context);
}

async function trainCvCell(
  deps: TrainDeps,
  runId: string,
  cell: CvCell,
  data: PreparedDataset,
  context: TrainContext,
): Promise<CvCellOutput> {
  const folds = cell.maxTrainRows === undefined ? data.folds : withSubsampledFold(data.folds, cell);
  const result = runCell(data.train, folds, {
    model: cell.model,
    params: cell.params,
    fold: cell.fold,
    seed: cell.seed,
  });
  checkTime(context.signal, runId, 'after fitting, before recording the cell');
  const cellId = cellIdOf(cell);
  const fitMs = result.fitSeconds * 1000;
  await deps.experiments.putCell({
    runId,
    cellId,
    model: cell.model,
    params: cell.params,
    paramsKey: cell.paramsKey,
    configIndex: cell.configIndex,
    fold: cell.fold,
    status: 'done',
    score: result.score,
    fitMs,
    worker: context.requestId,
    finishedAt: deps.clock.now().toISOString(),
  });
  deps.metrics.add('CellFitMs', 'Milliseconds', fitMs, { model: cell.model });
  return { kind: 'cv', cellId, score: result.score, fitMs };
}

/** The folds with `cell.fold`'s training rows cut to `cell.maxTrainRows` (the others untouched). */
function withSubsampledFold(folds: readonly Fold[], cell: CvCell): Fold[] {
  const max = cell.maxTrainRows ?? Number.POSITIVE_INFINITY;
  return folds.map((fold, f) =>
    f === cell.fold
      ? { train: subsampleRows(fold.train, max, cell.seed), validation: fold.validation }
      : fold,
  );
}

/**
 * `max` of `rows` drawn without replacement with `seed` (so every configuration of a model sees the same
 * sample of a fold), ascending as folds always are; `rows` itself when it is no longer than `max`.
 */
export function subsampleRows(rows: Int32Array, max: number, seed: number): Int32Array {
  if (rows.length <= max) return rows;
  const drawn = rows.slice();
  const rng = new Random(seed);
  for (let i = 0; i < max; i++) {
    const j = i + rng.int(drawn.length - i);
    const t = drawn[i];
    drawn[i] = drawn[j];
    drawn[j] = t;
  }
  return drawn.subarray(0, max).sort();
}

async function refit(
  deps: TrainDeps,
  runId: string,
  cell: RefitCell,
  data: PreparedDataset,
  context: TrainContext,
): Promise<RefitOutput> {
  const model = createModel(cell.model, cell.params, cell.seed);
  let fitSeconds: number;
  let testAccuracy: number;
  let artifact: ReturnType<typeof model.toJSON>;
  try {
    const started = performance.now();
    model.fit(data.train);
    fitSeconds = (performance.now() - started) / 1000;
    checkTime(context.signal, runId, 'after the refit, before scoring it');
    testAccuracy = accuracy(data.test.y, model.predict(data.test));
    artifact = model.toJSON();
  } finally {
    model.dispose();
  }
  const ref = { bucket: deps.bucket, key: refitKey(runId, cell.model) };
  await deps.artifacts.writeJson(ref, artifact);
  deps.metrics.add('RefitFitMs', 'Milliseconds', fitSeconds * 1000, { model: cell.model });
  return {
    kind: 'refit',
    model: cell.model,
    params: cell.params,
    paramsKey: cell.paramsKey,
    cvAccuracy: cell.cvAccuracy,
    cvStd: cell.cvStd,
    configurations: cell.configurations,
    testAccuracy,
    fitSeconds,
    artifact: ref,
  };
}

/** A fit cannot be interrupted, so the deadline is checked between steps, before any result is written. */
function checkTime(signal: AbortSignal | undefined, runId: string, step: string): void {
  if (signal?.aborted) {
    throw new CellTimeoutError(
      `cell of run ${runId} stopped ${step}: the invocation is out of time`,
      {
        runId,
        step,
      },
      { cause: signal.reason },
    );
  }
}
