/**
 * Checks request rows (in whichever shape the protocol received them) against a model version's input
 * signature and turns them into the records the preprocessor reads. Compiled once per model version.
 *
 * JSON values are taken strictly: numbers (finite) for number columns, text for string columns (levels
 * not seen in training are accepted: the preprocessor encodes them as no known level); null or an
 * absent field is missing and imputed later. CSV text (MLflow `text/csv`) arrives as CsvRow rows of a
 * table and is read with the training CSV cell rules instead (csv-cells.ts).
 *
 * Every refusal is a ServingRequestError 400 whose field says where the value was in the body as the
 * client wrote it (`rows[3].duration`, `dataframe_split.data[2][1] (duration)`, `inputs.duration[4]`),
 * with a reason; values are quoted at most 40 characters long and the signature is never listed.
 */
import { quoteValue } from '../../ml/data/messages.ts';
import type { InputRecord } from '../../ml/data/preprocessor.ts';
import type { InputSignature, SignatureColumn } from '../pipeline/records.ts';
import { compileCsvHeader } from './csv-cells.ts';
import { ServingRequestError } from './errors.ts';
import type { RawRows } from './rows.ts';

export type SignatureValidator = (rows: RawRows) => InputRecord[];

/**
 * One row of CSV text cells as a protocol read it from a `text/csv` body. Placed in a `table`'s data so
 * the validator reads its cells as text, the way the training CSV reader does; JSON cannot produce one.
 */
export class CsvRow {
  constructor(
    readonly cells: readonly string[],
    /** Spreadsheet row number (header = 1), for messages. */
    readonly rowNumber: number,
  ) {}
}

interface Column {
  readonly name: string;
  readonly isNumber: boolean;
  readonly required: boolean;
  /** `.duration`, or `["petal length"]` for a name that is not an identifier. */
  readonly accessor: string;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function accessorOf(name: string): string {
  return IDENTIFIER.test(name) ? `.${name}` : `[${quoteValue(name)}]`;
}

/** How a refused value is shown: strings quoted and cut short, containers named, never dumped. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return quoteValue(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'a number out of range';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'boolean') return String(value);
  return typeof value;
}

/** Why `cell` refused a value. */
function reasonFor(column: Column, value: unknown): string {
  if (value === undefined || value === null) return 'a value is required';
  if (!column.isNumber) return `expected text, got ${describeValue(value)}`;
  return typeof value === 'number'
    ? 'expected a finite number, got a number out of range'
    : `expected a number, got ${describeValue(value)}`;
}

const INVALID: unique symbol = Symbol('invalid');

function refuse(field: string, reason: string): ServingRequestError {
  return new ServingRequestError(400, `${field}: ${reason}`, { field });
}

function isRecordObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof CsvRow);
}

export function compileSignature(signature: InputSignature): SignatureValidator {
  const columns: readonly Column[] = signature.inputs.map((input: SignatureColumn) => ({
    name: input.name,
    isNumber: input.type === 'number',
    required: !input.optional,
    accessor: accessorOf(input.name),
  }));
  const byName = new Map(columns.map((column) => [column.name, column]));
  const width = columns.length;
  const target = signature.target;
  const positionalShape = `an array of ${width} ${width === 1 ? 'value' : 'values'} (one per input, in signature order)`;

  /**
   * The value as the preprocessor should receive it (null = missing), or INVALID. Returning a marker
   * rather than throwing with a message built in place keeps the per-cell path free of allocations.
   */
  function cell(column: Column, value: unknown): number | string | null | typeof INVALID {
    if (value === undefined || value === null) return column.required ? INVALID : null;
    if (column.isNumber) return typeof value === 'number' && Number.isFinite(value) ? value : INVALID;
    return typeof value === 'string' ? value : INVALID;
  }

  function unknownColumn(where: string, name: string): ServingRequestError {
    return refuse(
      where,
      name === target
        ? `${quoteValue(name)} is the target column, not an input`
        : `unknown column ${quoteValue(name)}`,
    );
  }

  function nonEmptyArray(value: unknown, field: string, what: string): readonly unknown[] {
    if (!Array.isArray(value)) throw refuse(field, `expected ${what}, got ${describeValue(value)}`);
    if (value.length === 0) throw refuse(field, 'expected at least one row, got none');
    return value;
  }

  function fromRecords(records: readonly unknown[], field: string): InputRecord[] {
    nonEmptyArray(records, field, 'an array of records');
    const out: InputRecord[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const source = records[i];
      if (!isRecordObject(source)) {
        throw refuse(`${field}[${i}]`, `expected an object of column values, got ${describeValue(source)}`);
      }
      const record: Record<string, unknown> = Object.create(null);
      let present = 0;
      for (const column of columns) {
        const has = Object.hasOwn(source, column.name);
        if (has) present++;
        const value = has ? source[column.name] : undefined;
        const x = cell(column, value);
        if (x === INVALID) throw refuse(`${field}[${i}]${column.accessor}`, reasonFor(column, value));
        record[column.name] = x;
      }
      let keys = 0;
      for (const key in source) if (Object.hasOwn(source, key)) keys++;
      if (keys > present) {
        const extra = Object.keys(source).find((key) => !byName.has(key)) ?? '';
        throw unknownColumn(`${field}[${i}]${accessorOf(extra)}`, extra);
      }
      out[i] = record;
    }
    return out;
  }

  function fromPositional(data: readonly unknown[], field: string): InputRecord[] {
    nonEmptyArray(data, field, 'an array of rows');
    const out: InputRecord[] = new Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const row = data[i];
      if (!Array.isArray(row))
        throw refuse(`${field}[${i}]`, `expected ${positionalShape}, got ${describeValue(row)}`);
      if (row.length !== width) {
        throw refuse(`${field}[${i}]`, `expected ${positionalShape}, got ${row.length}`);
      }
      const record: Record<string, unknown> = Object.create(null);
      for (let j = 0; j < width; j++) {
        const column = columns[j];
        const x = cell(column, row[j]);
        if (x === INVALID) throw refuse(`${field}[${i}][${j}] (${column.name})`, reasonFor(column, row[j]));
        record[column.name] = x;
      }
      out[i] = record;
    }
    return out;
  }

  function fromTable(header: readonly unknown[], data: readonly unknown[], field: string): InputRecord[] {
    if (!Array.isArray(data))
      throw refuse(`${field}.data`, `expected an array of rows, got ${describeValue(data)}`);
    if (data.length > 0 && data[0] instanceof CsvRow) return fromCsv(header, data);
    if (!Array.isArray(header)) throw refuse(`${field}.columns`, `expected an array of column names`);
    const at: Column[] = [];
    const seen = new Map<string, number>();
    header.forEach((name, j) => {
      const where = `${field}.columns[${j}]`;
      if (typeof name !== 'string') throw refuse(where, `expected a column name, got ${describeValue(name)}`);
      const earlier = seen.get(name);
      if (earlier !== undefined) throw refuse(where, `${quoteValue(name)} repeats columns[${earlier}]`);
      seen.set(name, j);
      const column = byName.get(name);
      if (column === undefined) throw unknownColumn(where, name);
      at.push(column);
    });
    for (const column of columns) {
      if (column.required && !seen.has(column.name)) {
        throw refuse(`${field}.columns`, `the required column ${quoteValue(column.name)} is absent`);
      }
    }
    const absent = columns.filter((column) => !seen.has(column.name));
    const rowsField = `${field}.data`;
    nonEmptyArray(data, rowsField, 'an array of rows');
    const out: InputRecord[] = new Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const row = data[i];
      if (!Array.isArray(row) || row.length !== at.length) {
        const got = Array.isArray(row) ? String(row.length) : describeValue(row);
        throw refuse(
          `${rowsField}[${i}]`,
          `expected an array of ${at.length} values (one per column), got ${got}`,
        );
      }
      const record: Record<string, unknown> = Object.create(null);
      for (let j = 0; j < at.length; j++) {
        const column = at[j];
        const x = cell(column, row[j]);
        if (x === INVALID)
          throw refuse(`${rowsField}[${i}][${j}] (${column.name})`, reasonFor(column, row[j]));
        record[column.name] = x;
      }
      for (const column of absent) record[column.name] = null;
      out[i] = record;
    }
    return out;
  }

  function fromCsv(header: readonly unknown[], data: readonly unknown[]): InputRecord[] {
    const reader = compileCsvHeader(signature, header.map(String));
    return data.map((row, i) => {
      if (!(row instanceof CsvRow)) throw refuse(`row ${i + 2}`, 'is not a CSV row');
      return reader.read(row.cells, row.rowNumber);
    });
  }

  function fromColumns(source: Readonly<Record<string, unknown>>, field: string): InputRecord[] {
    if (!isRecordObject(source))
      throw refuse(field, `expected an object of columns, got ${describeValue(source)}`);
    const given: { column: Column; values: readonly unknown[] }[] = [];
    let n = -1;
    let first = '';
    for (const name in source) {
      if (!Object.hasOwn(source, name)) continue;
      const column = byName.get(name);
      if (column === undefined) throw unknownColumn(`${field}${accessorOf(name)}`, name);
      const where = `${field}${column.accessor}`;
      const values = source[name];
      if (!Array.isArray(values))
        throw refuse(where, `expected an array of values, got ${describeValue(values)}`);
      if (n === -1) {
        n = values.length;
        first = where;
      } else if (values.length !== n) {
        throw refuse(where, `has ${values.length} values, ${first} has ${n}`);
      }
      given.push({ column, values });
    }
    if (n <= 0) throw refuse(field, 'expected at least one row, got none');
    for (const column of columns) {
      if (column.required && !given.some((g) => g.column === column)) {
        throw refuse(`${field}${column.accessor}`, 'a value is required, the column is absent');
      }
    }
    const absent = columns.filter((column) => !given.some((g) => g.column === column));
    const out: InputRecord[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const record: Record<string, unknown> = Object.create(null);
      for (const { column, values } of given) {
        const x = cell(column, values[i]);
        if (x === INVALID) throw refuse(`${field}${column.accessor}[${i}]`, reasonFor(column, values[i]));
        record[column.name] = x;
      }
      for (const column of absent) record[column.name] = null;
      out[i] = record;
    }
    return out;
  }

  return (rows: RawRows): InputRecord[] => {
    switch (rows.kind) {
      case 'records':
        return fromRecords(rows.records, rows.field);
      case 'positional':
        return fromPositional(rows.data, rows.field);
      case 'table':
        return fromTable(rows.columns, rows.data, rows.field);
      case 'columns':
        return fromColumns(rows.columns, rows.field);
    }
  };
}
