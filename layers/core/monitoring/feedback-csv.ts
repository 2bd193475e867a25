/**
 * A ground-truth feedback file: which request (and row of it) had which actual label. The whole file is
 * checked before anything is joined or written, so a bad file fails as a whole with a DataError naming
 * the row and column, as training's CSV errors do.
 */
import { type CsvSource, readCsv } from '../../ml/data/csv-records.ts';
import { listNames, quoteValue } from '../../ml/data/messages.ts';
import { DataError } from '../../ml/errors.ts';

/** Accepted names of the request id column, in order of preference. */
export const REQUEST_ID_COLUMNS: readonly string[] = ['request_id', 'inference_id', 'requestId'];
/** The optional column with the row's index within its request (0 when absent or empty). */
export const ROW_COLUMN = 'row';
/** Accepted names of the label column after the model's own target name, in order of preference. */
export const LABEL_COLUMNS: readonly string[] = ['actual', 'label', 'ground_truth'];

export interface FeedbackRow {
  readonly requestId: string;
  /** The row's index within its request. */
  readonly row: number;
  /** The actual label, as text (surrounding whitespace trimmed). */
  readonly actual: string;
  /** Where the row is in the file, as a spreadsheet numbers it (header = row 1). */
  readonly fileRow: number;
}

export interface FeedbackFile {
  readonly labelColumn: string;
  /** In file order. */
  readonly rows: readonly FeedbackRow[];
}

interface Columns {
  readonly width: number;
  readonly requestId: { readonly name: string; readonly index: number };
  readonly row: number | undefined;
  readonly label: { readonly name: string; readonly index: number };
}

function findColumn(
  header: readonly string[],
  names: readonly string[],
): { name: string; index: number } | undefined {
  for (const name of names) {
    const index = header.indexOf(name);
    if (index >= 0) return { name, index };
  }
  return undefined;
}

function resolveColumns(header: readonly string[], target: string): Columns {
  const names = header.map((name) => name.trim());
  const requestId = findColumn(names, REQUEST_ID_COLUMNS);
  if (requestId === undefined) {
    throw new DataError(
      'UNKNOWN_COLUMN',
      `row 1: no request id column (expected one of ${listNames(REQUEST_ID_COLUMNS)}; columns: ${listNames(names)})`,
      { row: 1, column: REQUEST_ID_COLUMNS[0] },
    );
  }
  const label = findColumn(names, [target, ...LABEL_COLUMNS]);
  if (label === undefined) {
    throw new DataError(
      'TARGET_MISSING',
      `row 1: no label column (expected one of ${listNames([target, ...LABEL_COLUMNS])}; columns: ${listNames(names)})`,
      { row: 1, column: target },
    );
  }
  const row = names.indexOf(ROW_COLUMN);
  return { width: header.length, requestId, row: row >= 0 ? row : undefined, label };
}

const ROW_INDEX = /^\d+$/;

function parseRow(fields: readonly string[], columns: Columns, fileRow: number): FeedbackRow {
  if (fields.length !== columns.width) {
    throw new DataError(
      'RAGGED_ROW',
      `row ${fileRow}: ${fields.length} fields, but the header has ${columns.width}`,
      { row: fileRow },
    );
  }
  const requestId = fields[columns.requestId.index].trim();
  if (requestId === '') {
    const column = columns.requestId.name;
    throw new DataError(
      'INVALID_VALUE',
      `row ${fileRow}, column ${JSON.stringify(column)}: the request id is empty`,
      {
        row: fileRow,
        column,
      },
    );
  }
  let row = 0;
  if (columns.row !== undefined) {
    const cell = fields[columns.row].trim();
    if (cell !== '') {
      row = ROW_INDEX.test(cell) ? Number(cell) : Number.NaN;
      if (!Number.isSafeInteger(row)) {
        throw new DataError(
          'INVALID_VALUE',
          `row ${fileRow}, column "${ROW_COLUMN}": ${quoteValue(cell)} is not a row index (0, 1, 2…)`,
          { row: fileRow, column: ROW_COLUMN },
        );
      }
    }
  }
  const actual = fields[columns.label.index].trim();
  if (actual === '') {
    const column = columns.label.name;
    throw new DataError(
      'MISSING_TARGET_VALUE',
      `row ${fileRow}, column ${JSON.stringify(column)}: the label is empty`,
      {
        row: fileRow,
        column,
      },
    );
  }
  return { requestId, row, actual, fileRow };
}

/**
 * Reads the whole file (streaming; only the parsed rows are kept). The label column is the model's
 * target name if the file has it, else `actual`, `label` or `ground_truth`. A (request id, row) pair
 * given twice is refused: two labels for one prediction cannot both be right.
 */
export async function readFeedbackCsv(source: CsvSource, target: string): Promise<FeedbackFile> {
  let columns: Columns | undefined;
  const rows: FeedbackRow[] = [];
  const seen = new Map<string, number>();
  await readCsv(source, {
    header(fields) {
      columns = resolveColumns(fields, target);
    },
    record(fields, fileRow) {
      if (columns === undefined) throw new Error('readCsv gave a record before the header');
      const parsed = parseRow(fields, columns, fileRow);
      const key = joinKey(parsed.requestId, parsed.row);
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        const column = columns.requestId.name;
        throw new DataError(
          'INVALID_VALUE',
          `row ${fileRow}, column ${JSON.stringify(column)}: request ${quoteValue(parsed.requestId)} row ${parsed.row} already has a label at row ${earlier}`,
          { row: fileRow, column },
        );
      }
      seen.set(key, fileRow);
      rows.push(parsed);
    },
  });
  if (columns === undefined) throw new DataError('EMPTY_FILE', 'the file is empty (no header row)');
  return { labelColumn: columns.label.name, rows };
}

/** How a prediction is identified across feedback and capture. */
export function joinKey(requestId: string, row: number): string {
  return `${requestId}\n${row}`;
}
