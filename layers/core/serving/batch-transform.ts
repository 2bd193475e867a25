/**
 * Batch transform: a CSV uploaded at `batch/<model>/in/<name>.csv` is scored by the model's champion (or
 * the alias its `x-amz-meta-alias` names) into `batch/<model>/out/<name>.csv`: `row`, the input columns
 * as given, `prediction` and one `probability_<class>` per class. Nothing holds the file: the input is
 * parsed as it streams in, rows are scored in chunks of CHUNK_ROWS, and the output and the errors sidecar
 * are uploaded as streams, so memory stays flat whatever the file's size.
 *
 * A bad row is never skipped silently: it becomes a line of `<name>.errors.csv` (`row,field,reason`,
 * always written, header-only when every row was good) and counts as failed. A bad header, a malformed
 * CSV, a missing model or an abort stops the file: the summary says FAILED with the reason and the error
 * is thrown. `<name>.summary.json` records the version used, the counts and the outcome either way.
 */
import { CsvError } from 'csv-parse';
import type { InputRecord } from '../../ml/data/preprocessor.ts';
import { argmaxRows } from '../../ml/models/classifier.ts';
import { csvRecordStream } from '../csv-record-stream.ts';
import { NotFoundError, SynergyError } from '../errors.ts';
import { refOfUri, s3Uri } from '../pipeline/keys.ts';
import { type LoadedModel, loadModelDocument } from '../pipeline/model-document.ts';
import type { AliasName, ModelVersionRecord } from '../pipeline/records.ts';
import type { ArtifactStore, Clock, ObjectRef, Registry } from '../ports.ts';
import { type BatchRefs, batchRefs, parseBatchInputKey } from './batch-keys.ts';
import {
  csvLine,
  ERRORS_HEADER,
  type ErrorRow,
  errorLine,
  predictionsHeader,
  requestErrorLine,
} from './batch-output.ts';
import { type CsvRowReader, compileCsvHeader } from './csv-cells.ts';
import { ServingRequestError } from './errors.ts';
import { TextChannel } from './text-channel.ts';

export interface BatchTransformDeps {
  readonly artifacts: ArtifactStore;
  readonly registry: Pick<Registry, 'getAlias' | 'getVersion'>;
  readonly clock: Clock;
}

export type BatchStatus = 'SUCCEEDED' | 'FAILED';

/** What `<name>.summary.json` holds. */
export interface BatchTransformSummary {
  readonly model: string;
  /** The version that scored the file; null when the file failed before one was chosen. */
  readonly version: number | null;
  /** The alias asked for (object metadata `alias`, champion by default). */
  readonly alias: string;
  /** s3:// URIs. `output` is null when the file failed (no predictions file is left for it). */
  readonly input: string;
  readonly output: string | null;
  readonly errors: string;
  /** Data rows read; of them, rows predicted and rows refused (each a line of the errors file). */
  readonly rows: number;
  readonly predicted: number;
  readonly failed: number;
  readonly status: BatchStatus;
  /** Why the file failed. */
  readonly reason?: string;
  /** ISO-8601. */
  readonly startedAt: string;
  readonly finishedAt: string;
}

/** A file that could not be transformed; the summary (FAILED, with the reason) has been written. */
export class BatchTransformError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'BatchTransformError';
  }
}

/** Rows scored together: enough to amortize a transformRecords + predictProba call, few enough to stay small. */
export const CHUNK_ROWS = 2_048;

const ALIASES: readonly string[] = ['champion', 'challenger'] satisfies readonly AliasName[];
const DEFAULT_ALIAS: AliasName = 'champion';
const encoder = new TextEncoder();

interface Progress {
  rows: number;
  predicted: number;
  failed: number;
}

/** What the run has settled so far, for the summary of a file that fails part way. */
interface Outcome {
  alias: string;
  version: number | null;
  /** The errors upload was started (it then holds the lines written before any failure). */
  errorsStarted: boolean;
}

function isAlias(value: string): value is AliasName {
  return ALIASES.includes(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function resolveVersion(
  registry: BatchTransformDeps['registry'],
  model: string,
  alias: AliasName,
): Promise<ModelVersionRecord> {
  const pointer = await registry.getAlias(model, alias);
  if (pointer === undefined) {
    throw new NotFoundError(`model ${model} has no ${alias} version`, { model, alias });
  }
  const record = await registry.getVersion(model, pointer.version);
  if (record === undefined) {
    throw new NotFoundError(`model ${model} version ${pointer.version} (its ${alias}) is not registered`, {
      model,
      alias,
      version: pointer.version,
    });
  }
  return record;
}

/** Good rows waiting to be scored together. */
class Chunk {
  readonly rows: number[] = [];
  readonly cells: string[][] = [];
  readonly records: InputRecord[] = [];

  add(row: number, cells: string[], record: InputRecord): void {
    this.rows.push(row);
    this.cells.push(cells);
    this.records.push(record);
  }

  get size(): number {
    return this.rows.length;
  }

  /** The chunk's output lines, in input order. */
  score(model: LoadedModel): string {
    const n = this.size;
    const nClasses = model.classes.length;
    const probabilities = model.classifier.predictProba(model.preprocessor.transformRecords(this.records));
    const best = argmaxRows(probabilities, n, nClasses);
    let text = '';
    for (let i = 0; i < n; i++) {
      const fields = [String(this.rows[i]), ...this.cells[i], String(model.classes[best[i]])];
      for (let c = 0; c < nClasses; c++) fields.push(String(probabilities[i * nClasses + c]));
      text += csvLine(fields);
    }
    return text;
  }
}

/** Compiles the header, or fails the file with the header's line in the errors file. */
async function headerReader(
  model: LoadedModel,
  header: string[],
  errors: TextChannel,
): Promise<CsvRowReader> {
  try {
    return compileCsvHeader(model.signature, header);
  } catch (error) {
    if (!(error instanceof ServingRequestError)) throw error;
    await errors.push(requestErrorLine('header', error));
    throw new BatchTransformError(
      `the header does not fit the model: ${error.message}`,
      {},
      { cause: error },
    );
  }
}

/**
 * The row a parse error is in. The stream can report an error before handing over the records parsed
 * just ahead of it, so the parser's own count (header included) says where it stopped.
 */
function malformedRow(error: CsvError, progress: Progress): ErrorRow {
  const parsed: unknown = error.records;
  const row = typeof parsed === 'number' && Number.isInteger(parsed) ? parsed : progress.rows + 1;
  return row === 0 ? 'header' : row;
}

/** The predictions file's bytes, produced as the upload pulls them; refused rows go to `errors`. */
async function* predictionsCsv(
  source: AsyncIterable<Uint8Array>,
  model: LoadedModel,
  errors: TextChannel,
  progress: Progress,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array> {
  let reader: CsvRowReader | undefined;
  let chunk = new Chunk();
  try {
    for await (const cells of csvRecordStream(source)) {
      signal?.throwIfAborted();
      if (reader === undefined) {
        reader = await headerReader(model, cells, errors);
        yield encoder.encode(predictionsHeader(cells, model.classes));
        continue;
      }
      const row = ++progress.rows;
      let record: InputRecord;
      try {
        record = reader.read(cells, row);
      } catch (error) {
        if (!(error instanceof ServingRequestError)) throw error;
        progress.failed++;
        await errors.push(requestErrorLine(row, error));
        continue;
      }
      chunk.add(row, cells, record);
      if (chunk.size >= CHUNK_ROWS) {
        const scored = chunk.score(model);
        progress.predicted += chunk.size;
        chunk = new Chunk();
        yield encoder.encode(scored);
      }
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const row = malformedRow(error, progress);
    await errors.push(errorLine(row, '', `malformed CSV: ${error.message}`));
    const where = row === 'header' ? 'the header' : `data row ${row}`;
    throw new BatchTransformError(`malformed CSV at ${where}: ${error.message}`, { row }, { cause: error });
  }
  if (reader === undefined) {
    await errors.push(errorLine('header', '', 'the file is empty (no header row)'));
    throw new BatchTransformError('the file is empty (no header row)');
  }
  if (chunk.size > 0) {
    const scored = chunk.score(model);
    progress.predicted += chunk.size;
    yield encoder.encode(scored);
  }
}

/** Ends a source the upload never finished reading, so an S3 body does not hold its connection. */
async function closeSource(source: AsyncIterable<Uint8Array>): Promise<void> {
  try {
    await source[Symbol.asyncIterator]().return?.();
  } catch {
    // Already ended or failed: nothing left to release.
  }
}

/**
 * Uploads the predictions and the errors file side by side, both streamed. Sets `outcome.errorsStarted`
 * once the errors upload has begun (from then on it ends with whatever lines the file got).
 */
async function writeOutputs(
  artifacts: ArtifactStore,
  refs: BatchRefs,
  model: LoadedModel,
  outcome: Outcome,
  progress: Progress,
  signal: AbortSignal | undefined,
): Promise<void> {
  const source = await artifacts.stream(refs.input, signal);
  const errors = new TextChannel();
  await errors.push(ERRORS_HEADER);
  outcome.errorsStarted = true;
  const output = artifacts
    .write(refs.output, predictionsCsv(source, model, errors, progress, signal), { contentType: 'text/csv' })
    // However the predictions end, the errors file ends with them.
    .finally(() => errors.close());
  const sidecar = artifacts.write(refs.errors, errors, { contentType: 'text/csv' });
  // Should the errors upload fail, the producer must not wait for it forever.
  sidecar.catch((error: unknown) => errors.abort(error));
  const [written, sidecarWritten] = await Promise.allSettled([output, sidecar]);
  if (written.status === 'rejected') {
    await closeSource(source);
    throw written.reason;
  }
  if (sidecarWritten.status === 'rejected') throw sidecarWritten.reason;
}

async function transformFile(
  deps: BatchTransformDeps,
  refs: BatchRefs,
  modelName: string,
  outcome: Outcome,
  progress: Progress,
  signal: AbortSignal | undefined,
): Promise<void> {
  signal?.throwIfAborted();
  const head = await deps.artifacts.head(refs.input);
  if (head === undefined) throw new NotFoundError(`${s3Uri(refs.input)} no longer exists`);
  const alias = head.metadata.alias ?? DEFAULT_ALIAS;
  outcome.alias = alias;
  if (!isAlias(alias)) {
    throw new BatchTransformError(
      `the object's metadata alias is ${JSON.stringify(alias)}: expected ${ALIASES.join(' or ')}`,
      { alias },
    );
  }
  const record = await resolveVersion(deps.registry, modelName, alias);
  outcome.version = record.version;
  const bytes = await deps.artifacts.readBytes(refOfUri(record.artifact.uri), signal);
  const model = loadModelDocument(bytes, record.artifact.sha256);
  try {
    await writeOutputs(deps.artifacts, refs, model, outcome, progress, signal);
  } finally {
    model.classifier.dispose();
  }
}

function failureReason(error: unknown, signal: AbortSignal | undefined, progress: Progress): string {
  if (signal?.aborted) {
    return `stopped after ${progress.rows} rows: ${messageOf(signal.reason ?? error)}`;
  }
  return messageOf(error);
}

/**
 * Scores one uploaded CSV. Keys outside `batch/<model>/in/…csv` (our own outputs among them) are skipped.
 * Throws BatchTransformError when the file fails, after writing its FAILED summary.
 */
export async function batchTransform(
  deps: BatchTransformDeps,
  input: ObjectRef,
  signal?: AbortSignal,
): Promise<BatchTransformSummary | { readonly skipped: string }> {
  const key = parseBatchInputKey(input.key);
  if (key === undefined) return { skipped: `${input.key} is not a CSV under batch/<model>/in/` };
  const refs = batchRefs(input.bucket, key);
  const startedAt = deps.clock.now().toISOString();
  const outcome: Outcome = { alias: DEFAULT_ALIAS, version: null, errorsStarted: false };
  const progress: Progress = { rows: 0, predicted: 0, failed: 0 };
  const summaryOf = (status: BatchStatus, reason?: string): BatchTransformSummary => ({
    model: key.model,
    version: outcome.version,
    alias: outcome.alias,
    input: s3Uri(refs.input),
    output: status === 'SUCCEEDED' ? s3Uri(refs.output) : null,
    errors: s3Uri(refs.errors),
    ...progress,
    status,
    ...(reason === undefined ? {} : { reason }),
    startedAt,
    finishedAt: deps.clock.now().toISOString(),
  });

  try {
    await transformFile(deps, refs, key.model, outcome, progress, signal);
  } catch (error) {
    const reason = failureReason(error, signal, progress);
    if (!outcome.errorsStarted)
      await deps.artifacts.write(refs.errors, ERRORS_HEADER, { contentType: 'text/csv' });
    await deps.artifacts.writeJson(refs.summary, summaryOf('FAILED', reason));
    throw new BatchTransformError(
      `batch transform of ${s3Uri(refs.input)} failed: ${reason}`,
      { input: s3Uri(refs.input), summary: s3Uri(refs.summary), ...progress },
      { cause: error },
    );
  }
  const summary = summaryOf('SUCCEEDED');
  await deps.artifacts.writeJson(refs.summary, summary);
  return summary;
}
