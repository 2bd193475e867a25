/**
 * Reads one field of a serving record (parsed JSON) the way the CSV reader reads a cell: null, absent
 * and NA strings are missing; numbers may come as numbers or as numeric strings.
 */
import { DataError } from '../errors.ts';
import { isMissingCell, parseNumberCell } from './cell-values.ts';
import { quoteValue } from './messages.ts';

/** "record 3, field "x"" (or just "field "x"" for a lone record) at the head of a message. */
export function describeField(field: string, recordIndex: number | undefined): string {
  return recordIndex === undefined
    ? `field ${JSON.stringify(field)}`
    : `record ${recordIndex}, field ${JSON.stringify(field)}`;
}

function wrongType(field: string, recordIndex: number | undefined, what: string, value: unknown): DataError {
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  return new DataError(
    'INVALID_VALUE',
    `${describeField(field, recordIndex)}: expected ${what}, got ${got}`,
    {
      column: field,
    },
  );
}

/** The value as a number, or NaN when missing. */
export function numericField(value: unknown, field: string, recordIndex: number | undefined): number {
  if (value === undefined || value === null) return Number.NaN;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return value;
    if (Number.isFinite(value)) return value;
    throw new DataError(
      'INVALID_VALUE',
      `${describeField(field, recordIndex)}: ${value} is not a finite number`,
      {
        column: field,
      },
    );
  }
  if (typeof value === 'string') {
    if (isMissingCell(value)) return Number.NaN;
    const x = parseNumberCell(value);
    if (Number.isNaN(x)) {
      throw new DataError(
        'INVALID_VALUE',
        `${describeField(field, recordIndex)}: ${quoteValue(value)} is not a number`,
        { column: field },
      );
    }
    return x;
  }
  throw wrongType(field, recordIndex, 'a number', value);
}

/** The value as a category's text, or undefined when missing. Numbers and booleans are taken as their text. */
export function categoricalField(
  value: unknown,
  field: string,
  recordIndex: number | undefined,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return isMissingCell(value) ? undefined : value;
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : String(value);
  if (typeof value === 'boolean') return String(value);
  throw wrongType(field, recordIndex, 'text', value);
}
