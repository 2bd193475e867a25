/**
 * The request `synergy predict` sends, in the protocol the user chose. Rows come from a JSON file (records)
 * or a CSV file (text); the model's V2 metadata (its inputs' datatypes) says which CSV cells are numbers.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { UsageError } from '../errors.ts';

export type CliProtocol = 'native' | 'mlflow' | 'v2';
export const CLI_PROTOCOLS: readonly CliProtocol[] = ['native', 'mlflow', 'v2'];

export type PredictInput =
  | { readonly kind: 'records'; readonly records: readonly Readonly<Record<string, unknown>>[] }
  | { readonly kind: 'csv'; readonly text: string };

/** An input as GET /v2/models/{name} describes it. */
export interface InputDescription {
  readonly name: string;
  readonly datatype: string;
}

export interface RequestSpec {
  /** Appended to `/models/{name}` (native, MLflow) or `/v2/models/{name}` (V2), after any version. */
  readonly action: 'predict' | 'invocations' | 'infer';
  readonly contentType: string;
  readonly body: string;
}

const ACTIONS: Readonly<Record<CliProtocol, RequestSpec['action']>> = {
  native: 'predict',
  mlflow: 'invocations',
  v2: 'infer',
};

/** CSV text → records, converting the cells of numeric inputs (empty cells become missing values). */
export function csvRecords(text: string, inputs: readonly InputDescription[]): Record<string, unknown>[] {
  const numeric = new Set(inputs.filter((input) => input.datatype !== 'BYTES').map((input) => input.name));
  const rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<
    string,
    string
  >[];
  return rows.map((row) => {
    const record: Record<string, unknown> = {};
    for (const [column, cell] of Object.entries(row)) {
      if (cell === '') continue;
      const number = Number(cell);
      record[column] = numeric.has(column) && Number.isFinite(number) ? number : cell;
    }
    return record;
  });
}

/** One V2 tensor per input column, as KServe's pandas codec sends a dataframe. */
function v2Body(records: readonly Readonly<Record<string, unknown>>[], inputs: readonly InputDescription[]) {
  const tensors = inputs
    .filter((input) => records.some((record) => Object.hasOwn(record, input.name)))
    .map((input) => {
      const data = records.map((record, i) => {
        const value = record[input.name];
        if (value === undefined || value === null) {
          throw new UsageError(
            `row ${i + 1}: "${input.name}" is missing, and the V2 protocol has no missing values (use --protocol native or mlflow, which impute it)`,
          );
        }
        return value;
      });
      return { name: input.name, shape: [records.length], datatype: input.datatype, data };
    });
  return { inputs: tensors };
}

export function requestFor(
  protocol: CliProtocol,
  input: PredictInput,
  inputs: readonly InputDescription[],
): RequestSpec {
  const action = ACTIONS[protocol];
  if (protocol === 'mlflow' && input.kind === 'csv') {
    return { action, contentType: 'text/csv', body: input.text };
  }
  const records = input.kind === 'csv' ? csvRecords(input.text, inputs) : input.records;
  if (records.length === 0) throw new UsageError('no rows to predict');
  const body =
    protocol === 'native'
      ? { rows: records }
      : protocol === 'mlflow'
        ? { dataframe_records: records }
        : v2Body(records, inputs);
  return { action, contentType: 'application/json', body: JSON.stringify(body) };
}
