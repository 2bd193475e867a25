/**
 * The Prep task: the uploaded CSV → the run's prepared dataset (matrices + CV folds), its preprocessor,
 * its raw holdout records and its drift baseline in S3, with the same preparation (and so the same
 * numbers) as the CLI's in-process `synergy train`. Data errors propagate unchanged, so a run fails with
 * the very message the CLI prints for the same file.
 *
 * A retraining run (alarm, schedule, person) trains on the model's latest dataset with the labelled
 * feedback rows appended (monitoring/retraining-source.ts). Its dataset summary keeps the dataset's URI,
 * so the next retraining starts from the same dataset rather than appending the feedback twice; the
 * digest and row count are of the combined bytes, and `runs/<runId>/training-source.json` lists the
 * feedback files and how many rows they added.
 */
import { createHash } from 'node:crypto';
import { encodeDataset } from '../../ml/data/dataset-binary.ts';
import { prepareCsv } from '../../ml/data/prepare.ts';
import { searchFolds } from '../../ml/search/cell-search.ts';
import { NotFoundError, RunConfigError } from '../errors.ts';
import { writeRunBaseline } from '../monitoring/baseline-artifacts.ts';
import {
  describeSource,
  type RetrainingSource,
  retrainingSource,
  type SourceTally,
} from '../monitoring/retraining-source.ts';
import type { ObjectRef } from '../ports.ts';
import type { PipelineDeps } from './deps.ts';
import { holdoutLines } from './holdout-writer.ts';
import {
  holdoutKey,
  preparedDatasetKey,
  preprocessorKey,
  refOfUri,
  runConfigKey,
  s3Uri,
  trainingSourceKey,
} from './keys.ts';
import type { PrepOutput, TrainingRequest } from './messages.ts';
import type { RunRecord } from './records.ts';
import { type RunConfig, resolveRunConfig } from './run-config.ts';

export interface RunState {
  readonly runId: string;
  readonly request: TrainingRequest;
}

type PrepDeps = Pick<PipelineDeps, 'artifacts' | 'experiments' | 'clock' | 'bucket'>;

export async function prepareRun(deps: PrepDeps, state: RunState, signal?: AbortSignal): Promise<PrepOutput> {
  const started = deps.clock.now();
  const run = await markRunning(deps, state, started.toISOString());
  const source = await resolveSource(deps, state.request);
  const head = await deps.artifacts.head(source);
  if (!head)
    throw new NotFoundError(`the run's data ${s3Uri(source)} does not exist`, { uri: s3Uri(source) });
  const config = await readRunConfig(deps, source.bucket, state.request.modelName, head.metadata.target);
  const training = await trainingBytes(deps, state.request, source, signal);

  const digest = createHash('sha256');
  const tally: SourceTally = { labelledRows: 0, skippedFiles: [] };
  const prepared = await prepareCsv(teeInto(await training.open(signal, tally), digest), {
    ...(config.target === undefined ? {} : { target: config.target }),
    testSize: config.testSize,
    seed: config.seed,
    folds: config.folds,
  });
  const sourceDigest = digest.digest('hex');
  // The same folds trainInProcess cross-validates on, so every cell scores what the CLI would.
  const folds = searchFolds(prepared.train, { folds: config.folds, seed: config.seed, shuffle: true });

  const at = (key: string): ObjectRef => ({ bucket: deps.bucket, key });
  const dataset = at(preparedDatasetKey(state.runId));
  const preprocessor = at(preprocessorKey(state.runId));
  const holdout = at(holdoutKey(state.runId));
  await deps.artifacts.write(dataset, chunksOf(encodeDataset({ ...prepared, folds })), {
    contentType: 'application/octet-stream',
  });
  await deps.artifacts.writeJson(preprocessor, prepared.preprocessor.toJSON());
  await writeRunBaseline(deps, state.runId, prepared.baseline, state.request.modelName);
  if (training.retraining) {
    const described = describeSource(training.retraining, sourceDigest, tally);
    await deps.artifacts.writeJson(at(trainingSourceKey(state.runId)), described);
  }
  const holdoutSource = {
    // The same bytes again (for a retraining, the same dataset and feedback files), checked by digest.
    bytes: await training.open(signal),
    digest: sourceDigest,
    testRows: prepared.testRows,
    uri: training.retraining
      ? `${s3Uri(source)} with ${training.retraining.labelled.length} labelled feedback file(s)`
      : s3Uri(source),
  };
  await deps.artifacts.write(holdout, holdoutLines(holdoutSource), { contentType: 'application/x-ndjson' });

  const sourceSummary = {
    uri: s3Uri(source),
    digest: sourceDigest,
    rows: prepared.summary.rows,
    columns: prepared.summary.columns,
  };
  const finished = deps.clock.now();
  await deps.experiments.updateRun(
    state.runId,
    {
      dataset: sourceSummary,
      config,
      timings: { ...run.timings, prep: finished.getTime() - started.getTime() },
      updatedAt: finished.toISOString(),
    },
    // A run marked FAILED meanwhile (e.g. the execution timed out) stays failed.
    ['RUNNING'],
  );
  return {
    dataset,
    preprocessor,
    holdout,
    source: sourceSummary,
    target: prepared.target,
    classes: prepared.classes,
    features: prepared.featureNames.length,
    trainRows: prepared.train.nRows,
    testRows: prepared.test.nRows,
    config: { ...config },
  };
}

/**
 * RUNNING at stage prep. A run started by an upload already has its item; one started by an alarm or a
 * schedule (EventBridge → StartExecution) does not, so it is created here.
 */
async function markRunning(deps: PrepDeps, state: RunState, now: string): Promise<RunRecord> {
  const existing = await deps.experiments.getRun(state.runId);
  if (!existing) {
    await deps.experiments.createRun({
      runId: state.runId,
      modelName: state.request.modelName,
      status: 'RUNNING',
      trigger: state.request.trigger,
      createdAt: now,
      updatedAt: now,
      startedAt: now,
      stage: 'prep',
    });
  }
  // A retried Prep finds the run RUNNING already; a finished run is never restarted (ConflictError).
  return deps.experiments.updateRun(
    state.runId,
    { status: 'RUNNING', stage: 'prep', startedAt: existing?.startedAt ?? now, updatedAt: now },
    ['PENDING', 'RUNNING'],
  );
}

/**
 * The CSV to train on: the upload that triggered the run; for a retraining (alarm, schedule, person) the
 * data of the model's latest run that recorded some.
 */
async function resolveSource(
  deps: Pick<PipelineDeps, 'experiments'>,
  request: TrainingRequest,
): Promise<ObjectRef> {
  if (request.trigger.kind === 'upload') return { bucket: request.trigger.bucket, key: request.trigger.key };
  const runs = await deps.experiments.listRuns({ modelName: request.modelName, limit: 50 });
  const previous = runs.find((run) => run.dataset !== undefined)?.dataset;
  if (!previous) {
    throw new NotFoundError(`no earlier run of ${request.modelName} has data to retrain on`, {
      modelName: request.modelName,
    });
  }
  return refOfUri(previous.uri);
}

interface TrainingBytes {
  /** A fresh stream of the bytes to train on; every call gives the same bytes. */
  open(signal?: AbortSignal, tally?: SourceTally): Promise<AsyncIterable<Uint8Array>>;
  /** Set for a retraining: the dataset with the model's labelled feedback appended. */
  readonly retraining?: RetrainingSource;
}

/**
 * An upload trains on its own bytes; a retraining on the latest dataset followed by every feedback row
 * labelled so far (retraining-source.ts), so ground truth reaches the next model.
 */
async function trainingBytes(
  deps: Pick<PipelineDeps, 'artifacts' | 'bucket'>,
  request: TrainingRequest,
  source: ObjectRef,
  signal: AbortSignal | undefined,
): Promise<TrainingBytes> {
  if (request.trigger.kind === 'upload') {
    return { open: (streamSignal) => deps.artifacts.stream(source, streamSignal) };
  }
  const retraining = await retrainingSource(deps, request.modelName, source, signal);
  return { open: async (streamSignal, tally) => retraining.stream(streamSignal, tally), retraining };
}

/** `incoming/<dataset>/_config.json` (optional) and the upload's `target` metadata → the run's config. */
async function readRunConfig(
  deps: Pick<PipelineDeps, 'artifacts'>,
  bucket: string,
  dataset: string,
  targetFromMetadata: string | undefined,
): Promise<RunConfig> {
  const ref = { bucket, key: runConfigKey(dataset) };
  // S3 metadata cannot be absent-but-present: an empty `target` means none was given.
  const target = targetFromMetadata === '' ? undefined : targetFromMetadata;
  let bytes: Uint8Array;
  try {
    bytes = await deps.artifacts.readBytes(ref);
  } catch (error) {
    if (error instanceof NotFoundError) return resolveRunConfig(undefined, target);
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RunConfigError(
      `_config.json: not valid JSON (${reason})`,
      { field: '(config)', uri: s3Uri(ref) },
      {
        cause: error,
      },
    );
  }
  return resolveRunConfig(json, target);
}

/** Passes the chunks through, hashing them on the way (one read of the CSV gives both). */
async function* teeInto(
  chunks: AsyncIterable<Uint8Array>,
  hash: ReturnType<typeof createHash>,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    hash.update(chunk);
    yield chunk;
  }
}

/** Upload pieces: views of at most 8 MiB, so a multipart upload never has to buffer a whole matrix. */
const UPLOAD_PIECE_BYTES = 8 * 2 ** 20;

async function* chunksOf(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) {
    for (let at = 0; at < chunk.byteLength; at += UPLOAD_PIECE_BYTES) {
      yield chunk.subarray(at, Math.min(chunk.byteLength, at + UPLOAD_PIECE_BYTES));
    }
  }
}
