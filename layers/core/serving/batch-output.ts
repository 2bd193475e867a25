/**
 * The text of the batch transform's CSV outputs: RFC 4180 quoting, the predictions header, and the
 * `row,field,reason` lines of the errors sidecar, taken from the ServingRequestError that csv-cells raised.
 */
import type { ClassLabel } from '../../ml/data/labels.ts';
import type { ServingRequestError } from './errors.ts';

const NEEDS_QUOTES = /[",\r\n]/;

/** A field as CSV writes it: quoted (inner quotes doubled) when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One CSV line, newline included. */
export function csvLine(fields: readonly string[]): string {
  let line = '';
  for (let j = 0; j < fields.length; j++) line += j === 0 ? csvField(fields[j]) : `,${csvField(fields[j])}`;
  return `${line}\n`;
}

/** `row`, the input's columns as given, `prediction`, then `probability_<class>` per class. */
export function predictionsHeader(inputHeader: readonly string[], classes: readonly ClassLabel[]): string {
  return csvLine([
    'row',
    ...inputHeader,
    'prediction',
    ...classes.map((label) => `probability_${String(label)}`),
  ]);
}

export const ERRORS_HEADER = csvLine(['row', 'field', 'reason']);

/** Where the problem is in the errors file: a data row (1-based, as in the output's `row`) or the header. */
export type ErrorRow = number | 'header';

export function errorLine(row: ErrorRow, field: string, reason: string): string {
  return csvLine([String(row), field, reason]);
}

/** csv-cells names a cell `row 7, column "duration"` (the column JSON-quoted). */
const CELL_FIELD = /^row \d+, column (".*")$/;

function columnOf(field: string | undefined): string {
  const match = field === undefined ? null : CELL_FIELD.exec(field);
  if (match === null) return '';
  try {
    const column: unknown = JSON.parse(match[1]);
    return typeof column === 'string' ? column : '';
  } catch {
    return '';
  }
}

/**
 * A refused row or header as an errors line: the column the error names (empty when it is about the
 * whole row or header) and the reason without the `row 7, column "duration": ` prefix the row and field
 * columns already say.
 */
export function requestErrorLine(row: ErrorRow, error: ServingRequestError): string {
  const prefix = error.field === undefined ? '' : `${error.field}: `;
  const reason =
    prefix !== '' && error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return errorLine(row, columnOf(error.field), reason);
}
