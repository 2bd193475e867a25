/**
 * Reads CSV rows (text cells under a header) into serving records with the same cell semantics as
 * training: empty and NA cells are missing (imputed later), numeric columns take decimal text only.
 * Used for MLflow `text/csv` bodies and by batch transform, which reports errors row by row — so a bad
 * row throws and the reader stays usable for the next one.
 */
import { isMissingCell, parseNumberCell } from '../../ml/data/cell-values.ts';
import { quoteValue } from '../../ml/data/messages.ts';
import type { InputRecord } from '../../ml/data/preprocessor.ts';
import type { InputSignature } from '../pipeline/records.ts';
import { ServingRequestError } from './errors.ts';

export interface CsvRowReader {
  /** The header's names, as given. */
  readonly header: readonly string[];
  /** One row's cells → a record (null for missing). `rowNumber` is only used in error messages. */
  read(cells: readonly string[], rowNumber: number): InputRecord;
}

/** What to do with the cell at one header position. */
type CellPlan =
  | { readonly kind: 'number' | 'string'; readonly name: string; readonly required: boolean }
  | { readonly kind: 'ignore' };

function refuseHeader(field: string, message: string): ServingRequestError {
  return new ServingRequestError(400, `${field}: ${message}`, { field });
}

/**
 * Checks the header against the signature once; the reader then maps each row without lookups.
 * Throws ServingRequestError 400 (field `header`, or `field` when given) for a blank, unknown or
 * repeated column, or a required input that is absent. The target column, if present, is ignored.
 */
export function compileCsvHeader(
  signature: InputSignature,
  header: readonly string[],
  field = 'header',
): CsvRowReader {
  const columns = new Map(signature.inputs.map((column) => [column.name, column]));
  const seen = new Map<string, number>();
  const plans = header.map((name, j): CellPlan => {
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw refuseHeader(field, `column ${j + 1} ${quoteValue(name)} repeats column ${earlier + 1}`);
    }
    seen.set(name, j);
    if (name === signature.target) return { kind: 'ignore' };
    const column = columns.get(name);
    if (column === undefined) {
      const what =
        name.trim() === '' ? 'has an empty name' : `${quoteValue(name)} is not an input of the model`;
      throw refuseHeader(field, `column ${j + 1} ${what}`);
    }
    return { kind: column.type, name, required: !column.optional };
  });
  for (const column of signature.inputs) {
    if (!column.optional && !seen.has(column.name)) {
      throw refuseHeader(field, `the required column ${quoteValue(column.name)} is absent`);
    }
  }
  const width = header.length;
  // Columns absent from the header are optional (checked above): they are missing in every row.
  const absent = signature.inputs.filter((column) => !seen.has(column.name)).map((column) => column.name);

  return {
    header: [...header],
    read(cells: readonly string[], rowNumber: number): InputRecord {
      if (cells.length !== width) {
        const where = `row ${rowNumber}`;
        throw new ServingRequestError(400, `${where}: has ${cells.length} cells, the header has ${width}`, {
          field: where,
        });
      }
      const record: Record<string, unknown> = Object.create(null);
      for (let j = 0; j < width; j++) {
        const plan = plans[j];
        if (plan.kind === 'ignore') continue;
        record[plan.name] = readCell(plan, cells[j], rowNumber);
      }
      for (const name of absent) record[name] = null;
      return record;
    },
  };
}

function readCell(
  plan: Exclude<CellPlan, { kind: 'ignore' }>,
  cell: string,
  rowNumber: number,
): number | string | null {
  if (isMissingCell(cell)) {
    if (!plan.required) return null;
    throw cellError(plan.name, rowNumber, 'a value is required, the cell is empty or NA');
  }
  if (plan.kind === 'string') return cell;
  const x = parseNumberCell(cell);
  if (Number.isNaN(x)) throw cellError(plan.name, rowNumber, `expected a number, got ${quoteValue(cell)}`);
  return x;
}

function cellError(name: string, rowNumber: number, reason: string): ServingRequestError {
  const where = `row ${rowNumber}, column ${JSON.stringify(name)}`;
  return new ServingRequestError(400, `${where}: ${reason}`, { field: where });
}
