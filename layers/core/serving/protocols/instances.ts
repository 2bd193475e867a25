/**
 * TF-Serving-style `instances` / `inputs` (native and MLflow): a list of records, a list of rows in the
 * signature's column order, or one array per column.
 */
import type { RawRows } from '../rows.ts';
import { describeValue } from '../signature-validator.ts';
import { badRequest, isJsonObject } from './json-body.ts';

export function rowsOfInstances(value: unknown, field: string): RawRows {
  if (Array.isArray(value)) {
    return Array.isArray(value[0])
      ? { kind: 'positional', data: value, field }
      : { kind: 'records', records: value, field };
  }
  if (isJsonObject(value)) return { kind: 'columns', columns: value, field };
  throw badRequest(
    field,
    `expected a list of records, a list of rows or an object of columns, got ${describeValue(value)}`,
  );
}
