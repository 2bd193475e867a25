/**
 * CSV → columns in typed arrays, with the checks that need only the header and each row in turn
 * (header names, target and option names, row widths, missing target values).
 */
import { DataError } from '../errors.ts';
import { type CsvSource, readCsv } from './csv-records.ts';
import { FeatureColumn } from './feature-column.ts';
import { type ColumnPlanOptions, checkHeader, planColumns } from './header.ts';
import { describeRow } from './messages.ts';
import { TargetColumn } from './target-column.ts';

export interface RawTable {
  readonly header: readonly string[];
  /** Data rows (header excluded). */
  readonly nRows: number;
  readonly target: TargetColumn;
  /** Feature columns in header order (ignored columns are not stored). */
  readonly features: readonly FeatureColumn[];
}

export async function readTable(source: CsvSource, options: ColumnPlanOptions = {}): Promise<RawTable> {
  let header: string[] = [];
  let target: TargetColumn | undefined;
  const features: FeatureColumn[] = [];
  // Per header position, where its cells go (null: ignored column).
  let slots: (FeatureColumn | TargetColumn | null)[] = [];

  const nRows = await readCsv(source, {
    header(fields) {
      checkHeader(fields);
      header = fields;
      const plan = planColumns(fields, options);
      slots = fields.map((name, j) => {
        const role = plan.roles[j];
        if (role.role === 'target') {
          target = new TargetColumn(name);
          return target;
        }
        if (role.role === 'ignore') return null;
        const column = new FeatureColumn(name, role.declared);
        features.push(column);
        return column;
      });
    },
    record(fields, row, line) {
      if (fields.length !== slots.length) {
        throw new DataError(
          'RAGGED_ROW',
          `${describeRow(row, line)}: ${fields.length} ${fields.length === 1 ? 'field' : 'fields'}, but the header has ${slots.length}`,
          { row },
        );
      }
      for (let j = 0; j < slots.length; j++) slots[j]?.push(fields[j], row, line);
    },
  });
  if (target === undefined) throw new Error('readTable: the header was never seen');
  if (nRows === 0) {
    throw new DataError('HEADER_ONLY', 'the file has a header row but no data rows', { row: 1 });
  }
  return { header, nRows, target, features };
}
