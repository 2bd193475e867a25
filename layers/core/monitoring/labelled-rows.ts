/**
 * Feedback rows joined with the inputs they were predicted from, as a CSV a retraining run appends to
 * its dataset (retraining-source.ts): the signature's input names, then the target.
 */
import { createHash } from 'node:crypto';
import type { InputRecord } from '../../ml/data/preprocessor.ts';
import type { InputSignature } from '../pipeline/records.ts';
import type { StoredObject } from '../ports.ts';
import { csvLine } from '../serving/batch-output.ts';

export interface LabelledRow {
  readonly input: InputRecord;
  readonly actual: string;
}

/** A captured input value as CSV text: missing (null, absent, NaN) becomes an empty cell. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isNaN(value) ? '' : String(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** The CSV text: header `<inputs…>,<target>`, one line per row, RFC 4180 quoting. */
export function labelledCsv(signature: InputSignature, rows: readonly LabelledRow[]): string {
  const names = signature.inputs.map((column) => column.name);
  let text = csvLine([...names, signature.target]);
  for (const row of rows) text += csvLine([...names.map((name) => cellText(row.input[name])), row.actual]);
  return text;
}

/**
 * The labelled file's id: a hash of the feedback object's bucket, key, etag and size, so a redelivered
 * event rewrites the same object while a new upload under the same key gets its own.
 */
export function labelledId(source: StoredObject): string {
  const { bucket, key } = source.ref;
  const identity = `${bucket}\n${key}\n${source.etag ?? ''}\n${source.size}`;
  return createHash('sha256').update(identity).digest('hex').slice(0, 32);
}
