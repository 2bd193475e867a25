/**
 * Validated records → labels and class probabilities with one loaded version. One row takes the
 * allocation-free fast path (transformRecord + predictProbaRow into the version's scratch buffers);
 * more rows are transformed and scored as one batch.
 */
import type { ClassLabel } from '../../ml/data/labels.ts';
import type { InputRecord } from '../../ml/data/preprocessor.ts';
import { argmaxRows } from '../../ml/models/classifier.ts';
import { ServingRequestError } from './errors.ts';
import type { ServableModel } from './model-cache.ts';

export interface Scores {
  readonly labels: readonly ClassLabel[];
  /** n × C, row-major, in the model's class order. */
  readonly probabilities: Float64Array;
}

/** The preprocessor refuses a value the validator let through: still the client's value, so a 400. */
function asRequestError(error: unknown): unknown {
  if (error instanceof Error && error.name === 'DataError') {
    return new ServingRequestError(400, error.message, { cause: error });
  }
  return error;
}

function scoreOne(model: ServableModel, record: InputRecord): Scores {
  const { loaded, featureRow, probaRow } = model;
  try {
    loaded.preprocessor.transformRecord(record, featureRow);
  } catch (error) {
    throw asRequestError(error);
  }
  loaded.classifier.predictProbaRow(featureRow, probaRow);
  let best = 0;
  for (let c = 1; c < probaRow.length; c++) if (probaRow[c] > probaRow[best]) best = c;
  // A copy: the scratch buffer is overwritten by the next request.
  return { labels: [loaded.preprocessor.decode(best)], probabilities: probaRow.slice() };
}

export function scoreRecords(model: ServableModel, records: readonly InputRecord[]): Scores {
  const n = records.length;
  const nClasses = model.loaded.classes.length;
  if (n === 0) return { labels: [], probabilities: new Float64Array(0) };
  if (n === 1) return scoreOne(model, records[0]);
  const { preprocessor, classifier } = model.loaded;
  let features: ReturnType<typeof preprocessor.transformRecords>;
  try {
    features = preprocessor.transformRecords(records);
  } catch (error) {
    throw asRequestError(error);
  }
  const probabilities = classifier.predictProba(features);
  const best = argmaxRows(probabilities, n, nClasses);
  const labels = new Array<ClassLabel>(n);
  for (let i = 0; i < n; i++) labels[i] = preprocessor.decode(best[i]);
  return { labels, probabilities };
}

/** Percentage of rows on which two answers give the same label. */
export function agreementPercent(a: readonly ClassLabel[], b: readonly ClassLabel[]): number {
  if (a.length === 0) return 100;
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return (100 * same) / a.length;
}
