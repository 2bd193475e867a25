/**
 * Every S3 key the pipeline reads or writes, in one place, so the layout in the README and the code
 * cannot drift apart. Keys only: the bucket is the deployment's data bucket (PipelineDeps.bucket).
 */
import type { ModelName } from '../../ml/models/classifier.ts';
import { SynergyError } from '../errors.ts';
import type { ObjectRef } from '../ports.ts';

const INCOMING = 'incoming/';

/** `runs/<runId>/`: everything one run produces lives under it. */
export function runPrefix(runId: string): string {
  return `runs/${runId}/`;
}

/** The prepared dataset (layers/ml/data/dataset-binary.ts). */
export function preparedDatasetKey(runId: string): string {
  return `${runPrefix(runId)}prepared.bin`;
}

/** The fitted preprocessor's JSON (Preprocessor.toJSON). */
export function preprocessorKey(runId: string): string {
  return `${runPrefix(runId)}preprocessor.json`;
}

/** The raw test-split records, one JSON object per line, in test-row order. */
export function holdoutKey(runId: string): string {
  return `${runPrefix(runId)}holdout.jsonl`;
}

/** The CV cells manifest Plan writes (a JSON array the Distributed Map reads). */
export function cellsManifestKey(runId: string): string {
  return `${runPrefix(runId)}cells.json`;
}

/** The Distributed Map's ResultWriter prefix (no trailing slash: Step Functions adds its own). */
export function cellResultsPrefix(runId: string): string {
  return `${runPrefix(runId)}results`;
}

/** One model's refit on the whole training split (ModelJSON). */
export function refitKey(runId: string, model: ModelName): string {
  return `${runPrefix(runId)}refits/${model}.json`;
}

export function leaderboardKey(runId: string): string {
  return `${runPrefix(runId)}leaderboard.json`;
}

export function evaluationKey(runId: string): string {
  return `${runPrefix(runId)}evaluation.json`;
}

/** The model document a run registers (model + preprocessor + signature + metrics). */
export function runModelDocumentKey(runId: string): string {
  return `${runPrefix(runId)}model.json`;
}

/** A registered version's model document. */
export function modelVersionKey(modelName: string, version: number): string {
  return `models/${modelName}/${version}/model.json`;
}

/** The folder whose uploads start runs of `dataset`. */
export function incomingPrefix(dataset: string): string {
  return `${INCOMING}${dataset}/`;
}

/** A dataset's optional run settings (run-config.ts). */
export function runConfigKey(dataset: string): string {
  return `${incomingPrefix(dataset)}_config.json`;
}

/**
 * The dataset (= model) name of an upload key `incoming/<dataset>/<file>.csv`, or undefined for any other
 * key: deeper folders, other extensions, `_config.json`, keys outside `incoming/`.
 */
export function datasetNameFromKey(key: string): string | undefined {
  if (!key.startsWith(INCOMING)) return undefined;
  const parts = key.slice(INCOMING.length).split('/');
  if (parts.length !== 2) return undefined;
  const [dataset, file] = parts;
  if (dataset === '' || !/^[^/]+\.csv$/i.test(file) || file.length === '.csv'.length) return undefined;
  return dataset;
}

/**
 * What a retraining run trained on (retraining-source.ts): the dataset and the labelled feedback files
 * appended to it, with the digest of the combined bytes.
 */
export function trainingSourceKey(runId: string): string {
  return `${runPrefix(runId)}training-source.json`;
}

const FEEDBACK = 'feedback/';

/** The folder whose uploads are ground truth for `model` (the feedback function's S3 trigger). */
export function feedbackPrefix(model: string): string {
  return `${FEEDBACK}${model}/`;
}

/** The model of a feedback upload key `feedback/<model>/<file>.csv`, or undefined for any other key. */
export function modelOfFeedbackKey(key: string): string | undefined {
  if (!key.startsWith(FEEDBACK)) return undefined;
  const parts = key.slice(FEEDBACK.length).split('/');
  if (parts.length !== 2) return undefined;
  const [model, file] = parts;
  if (model === '' || !/^[^/]+\.csv$/i.test(file) || file.length === '.csv'.length) return undefined;
  return model;
}

/**
 * Feedback rows joined with their captured inputs, as CSV, for retraining. Outside `feedback/` so that
 * writing them does not trigger the feedback function again.
 */
export function labelledPrefix(model: string): string {
  return `monitoring/${model}/labelled/`;
}

export function labelledKey(model: string, id: string): string {
  return `${labelledPrefix(model)}${id}.csv`;
}

export function s3Uri(ref: { readonly bucket: string; readonly key: string }): string {
  return `s3://${ref.bucket}/${ref.key}`;
}

/** `s3://bucket/key` → ObjectRef (the inverse of s3Uri). */
export function refOfUri(uri: string): ObjectRef {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new SynergyError(`not an s3:// URI: ${uri}`, { uri });
  return { bucket: match[1], key: match[2] };
}
