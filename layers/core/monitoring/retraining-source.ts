/**
 * What a retraining run (alarm, schedule, person) trains on: the model's latest run dataset, byte for
 * byte, followed by the rows of every labelled feedback file of the model (sorted by key) re-emitted in
 * the dataset's header order, missing columns empty. The file list is fixed when the source is resolved,
 * so every stream of it gives the same bytes (prep reads it twice: once to prepare, once for the holdout,
 * whose digest check catches a file that changed in between), and the same files give the same digest
 * and so the same models.
 */
import { readCsv } from '../../ml/data/csv-records.ts';
import { csvRecordStream } from '../csv-record-stream.ts';
import { labelledPrefix, s3Uri } from '../pipeline/keys.ts';
import type { ArtifactStore, ObjectRef, StoredObject } from '../ports.ts';
import { csvLine } from '../serving/batch-output.ts';

export interface RetrainingSource {
  readonly dataset: ObjectRef;
  /** The dataset's header, as prep will read it. */
  readonly header: readonly string[];
  /** The labelled feedback files appended, in order. */
  readonly labelled: readonly StoredObject[];
  /** A fresh stream of the training bytes; `tally` is filled in once it has been read to its end. */
  stream(signal?: AbortSignal, tally?: SourceTally): AsyncIterable<Uint8Array>;
}

export interface SourceTally {
  /** Feedback rows appended to the dataset. */
  labelledRows: number;
  /**
   * Labelled files left out because the dataset has no column named like their target (their last
   * column): they were recorded for a model trained on another schema, and would add rows without labels.
   */
  skippedFiles: string[];
}

type SourceDeps = { readonly artifacts: ArtifactStore; readonly bucket: string };

/** Output is handed over in pieces of about this size. */
const PIECE_CHARS = 64 * 1024;

export async function retrainingSource(
  deps: SourceDeps,
  modelName: string,
  dataset: ObjectRef,
  signal?: AbortSignal,
): Promise<RetrainingSource> {
  const header = await readHeader(deps.artifacts, dataset, signal);
  const labelled: StoredObject[] = [];
  for await (const object of deps.artifacts.list(deps.bucket, labelledPrefix(modelName))) {
    if (object.ref.key.toLowerCase().endsWith('.csv')) labelled.push(object);
  }
  labelled.sort((a, b) => (a.ref.key < b.ref.key ? -1 : a.ref.key > b.ref.key ? 1 : 0));
  return {
    dataset,
    header,
    labelled,
    stream: (streamSignal, tally) => combined(deps.artifacts, dataset, header, labelled, streamSignal, tally),
  };
}

/** Where a retraining run's rows came from (written next to its outputs as training-source.json). */
export function describeSource(
  source: RetrainingSource,
  digest: string,
  tally: SourceTally,
): Readonly<Record<string, unknown>> {
  return {
    dataset: s3Uri(source.dataset),
    labelled: source.labelled.map((object) => ({
      uri: s3Uri(object.ref),
      size: object.size,
      ...(object.etag === undefined ? {} : { etag: object.etag }),
    })),
    labelledRows: tally.labelledRows,
    skippedFiles: tally.skippedFiles,
    digest,
  };
}

/** Stops reading once the header is parsed. */
class HeaderRead extends Error {
  constructor(readonly fields: string[]) {
    super('header read');
  }
}

/** The dataset's header, parsed exactly as prep parses the file (BOM, quoting), reading no further. */
async function readHeader(
  artifacts: ArtifactStore,
  dataset: ObjectRef,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  try {
    await readCsv(await artifacts.stream(dataset, signal), {
      header(fields) {
        throw new HeaderRead(fields);
      },
      record() {},
    });
  } catch (error) {
    if (error instanceof HeaderRead) return error.fields;
    throw error;
  }
  throw new Error('readCsv finished without a header');
}

async function* combined(
  artifacts: ArtifactStore,
  dataset: ObjectRef,
  header: readonly string[],
  labelled: readonly StoredObject[],
  signal: AbortSignal | undefined,
  tally: SourceTally | undefined,
): AsyncGenerator<Uint8Array> {
  let last = -1;
  for await (const chunk of await artifacts.stream(dataset, signal)) {
    if (chunk.byteLength > 0) last = chunk[chunk.byteLength - 1];
    yield chunk;
  }
  // Only a dataset without a final line break needs one before the appended rows.
  let separated = last === 0x0a || last === 0x0d;
  let text = '';
  let rows = 0;
  const skipped: string[] = [];
  for (const file of labelled) {
    const lines = reorderedLines(artifacts, file.ref, header, signal, () => skipped.push(s3Uri(file.ref)));
    for await (const line of lines) {
      if (!separated) {
        text += '\n';
        separated = true;
      }
      text += line;
      rows++;
      if (text.length >= PIECE_CHARS) {
        yield Buffer.from(text);
        text = '';
      }
    }
  }
  if (text !== '') yield Buffer.from(text);
  if (tally) {
    tally.labelledRows = rows;
    tally.skippedFiles = skipped;
  }
}

/** A labelled file's data rows as CSV lines with the dataset's columns, in the dataset's order. */
async function* reorderedLines(
  artifacts: ArtifactStore,
  ref: ObjectRef,
  header: readonly string[],
  signal: AbortSignal | undefined,
  skip: () => void,
): AsyncGenerator<string> {
  let positions: Array<number | undefined> | undefined;
  for await (const fields of csvRecordStream(await artifacts.stream(ref, signal))) {
    if (positions === undefined) {
      if (!header.includes(fields[fields.length - 1])) {
        skip();
        return;
      }
      const own = new Map<string, number>();
      fields.forEach((name, j) => {
        if (!own.has(name)) own.set(name, j);
      });
      positions = header.map((name) => own.get(name));
      continue;
    }
    yield csvLine(positions.map((j) => (j === undefined ? '' : (fields[j] ?? ''))));
  }
}
