/**
 * Ground truth arrives as a CSV under `feedback/<model>/`: each row names a prediction (request id and
 * row) and its actual label. Joined with the predictions captured over the last `lookbackDays`, it gives
 * the model's live accuracy and per-class recall (metrics the accuracy alarm watches) and, for the next
 * retraining, the matched inputs with their labels (`monitoring/<model>/labelled/<id>.csv`).
 *
 * S3 delivers at least once: a redelivered event rewrites the same labelled object (its id is a hash of
 * the feedback object) and re-emits the metrics, which the alarm's statistic (Minimum) tolerates.
 */
import { NotFoundError, SynergyError } from '../errors.ts';
import { labelledKey, modelOfFeedbackKey, s3Uri } from '../pipeline/keys.ts';
import type { InputSignature } from '../pipeline/records.ts';
import type { Alarms, ArtifactStore, Clock, Metrics, ObjectRef, Registry } from '../ports.ts';
import type { CapturedRow } from '../serving/deps.ts';
import { accuracyAlarm } from './alarm-definitions.ts';
import { readCapture } from './capture-reader.ts';
import { type FeedbackRow, joinKey, readFeedbackCsv } from './feedback-csv.ts';
import { type LabelledRow, labelledCsv, labelledId } from './labelled-rows.ts';
import { LIVE_ACCURACY_METRIC } from './metric-names.ts';
import type { MonitorSettings } from './monitor-settings.ts';
import type { FeedbackResult } from './types.ts';

export interface FeedbackDeps {
  readonly artifacts: ArtifactStore;
  readonly registry: Pick<Registry, 'getAlias' | 'getVersion'>;
  readonly metrics: Metrics;
  readonly alarms: Pick<Alarms, 'ensure'>;
  readonly clock: Clock;
  /** The data bucket (capture and labelled rows). */
  readonly bucket: string;
  readonly settings: MonitorSettings;
  /** How far back captured predictions are searched for the feedback's request ids. */
  readonly lookbackDays: number;
}

const DAY_MS = 86_400_000;

export async function recordFeedback(
  deps: FeedbackDeps,
  source: ObjectRef,
  signal?: AbortSignal,
): Promise<FeedbackResult> {
  const model = modelOfFeedbackKey(source.key);
  if (model === undefined) {
    throw new SynergyError(`${s3Uri(source)} is not a feedback upload (feedback/<model>/<file>.csv)`, {
      uri: s3Uri(source),
    });
  }
  const stored = await deps.artifacts.head(source);
  if (stored === undefined) {
    throw new NotFoundError(`the feedback file ${s3Uri(source)} does not exist`, { uri: s3Uri(source) });
  }
  const signature = await championSignature(deps, model);
  const file = await readFeedbackCsv(await deps.artifacts.stream(source, signal), signature.target);

  const now = deps.clock.now();
  const from = new Date(now.getTime() - deps.lookbackDays * DAY_MS);
  const captured = await capturedFor(deps, model, file.rows, from, now, signal);
  const matched: Array<LabelledRow & { readonly predicted: string }> = [];
  for (const row of file.rows) {
    const prediction = captured.get(joinKey(row.requestId, row.row));
    if (prediction !== undefined) {
      matched.push({ input: prediction.input, actual: row.actual, predicted: String(prediction.prediction) });
    }
  }

  let labelledUri: string | undefined;
  if (matched.length > 0) {
    const ref = { bucket: deps.bucket, key: labelledKey(model, labelledId(stored)) };
    await deps.artifacts.write(ref, labelledCsv(signature, matched), { contentType: 'text/csv' });
    labelledUri = s3Uri(ref);
  }

  const { accuracy, recall } = scores(matched);
  const dimensions = { model };
  deps.metrics.add('FeedbackRows', 'Count', file.rows.length, dimensions);
  deps.metrics.add('FeedbackMatched', 'Count', matched.length, dimensions);
  // No datapoint without a match: the alarm treats missing data as not breaching, 0 would breach.
  if (accuracy !== null) deps.metrics.add(LIVE_ACCURACY_METRIC, 'None', accuracy, dimensions);
  for (const [label, value] of Object.entries(recall)) {
    deps.metrics.add('LiveRecall', 'None', value, { model, class: label });
  }
  await deps.alarms.ensure(accuracyAlarm(deps.settings, model));

  return {
    model,
    source: s3Uri(source),
    rows: file.rows.length,
    matched: matched.length,
    unmatched: file.rows.length - matched.length,
    accuracy,
    recall,
    ...(labelledUri === undefined ? {} : { labelledUri }),
  };
}

/** The champion's signature: the labelled rows take its input names and target. */
async function championSignature(
  deps: Pick<FeedbackDeps, 'registry'>,
  model: string,
): Promise<InputSignature> {
  const champion = await deps.registry.getAlias(model, 'champion');
  if (champion === undefined) {
    throw new NotFoundError(`model ${model} has no champion to record feedback for`, { model });
  }
  const version = await deps.registry.getVersion(model, champion.version);
  if (version === undefined) {
    throw new NotFoundError(`model ${model} v${champion.version} (its champion) is not registered`, {
      model,
      version: champion.version,
    });
  }
  return version.signature;
}

/**
 * The captured predictions the feedback names, keyed by (request id, row). Only those are kept, so memory
 * follows the feedback file, not the capture window; the first capture of a prediction wins.
 */
async function capturedFor(
  deps: Pick<FeedbackDeps, 'artifacts' | 'bucket'>,
  model: string,
  rows: readonly FeedbackRow[],
  from: Date,
  to: Date,
  signal: AbortSignal | undefined,
): Promise<Map<string, CapturedRow>> {
  const wanted = new Set(rows.map((row) => joinKey(row.requestId, row.row)));
  const found = new Map<string, CapturedRow>();
  if (wanted.size === 0) return found;
  for await (const captured of readCapture(deps, model, from, to, signal)) {
    const key = joinKey(captured.requestId, rowOf(captured));
    if (wanted.has(key) && !found.has(key)) found.set(key, captured);
  }
  return found;
}

/**
 * Rows captured before captures recorded `row` lack it: they can still be joined as row 0, which is right
 * for the usual one-row request.
 */
function rowOf(captured: CapturedRow): number {
  const row: unknown = captured.row;
  return typeof row === 'number' ? row : 0;
}

/** Accuracy over the matched rows, and recall per actual class (labels compared as text). */
function scores(matched: readonly { readonly actual: string; readonly predicted: string }[]): {
  accuracy: number | null;
  recall: Record<string, number>;
} {
  if (matched.length === 0) return { accuracy: null, recall: {} };
  let correct = 0;
  const perClass = new Map<string, { total: number; correct: number }>();
  for (const { actual, predicted } of matched) {
    const tally = perClass.get(actual) ?? { total: 0, correct: 0 };
    tally.total++;
    if (actual === predicted) {
      tally.correct++;
      correct++;
    }
    perClass.set(actual, tally);
  }
  const recall: Record<string, number> = {};
  for (const label of [...perClass.keys()].sort()) {
    const tally = perClass.get(label);
    if (tally) recall[label] = tally.correct / tally.total;
  }
  return { accuracy: correct / matched.length, recall };
}
