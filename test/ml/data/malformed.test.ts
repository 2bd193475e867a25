import { describe, expect, it } from 'vitest';
import { type PrepareOptions, prepareCsv } from '../../../layers/ml/data/prepare.ts';
import { DataError, type DataErrorCode } from '../../../layers/ml/errors.ts';
import { fileStream, fixturesDir } from './fixtures.ts';

interface Case {
  readonly file: string;
  readonly options?: PrepareOptions;
  readonly code: DataErrorCode;
  readonly message: string;
  readonly row?: number;
  readonly column?: string;
}

const cases: Case[] = [
  { file: 'empty.csv', code: 'EMPTY_FILE', message: 'the file is empty (no header row)' },
  {
    file: 'header-only.csv',
    code: 'HEADER_ONLY',
    message: 'the file has a header row but no data rows',
    row: 1,
  },
  { file: 'ragged-row.csv', code: 'RAGGED_ROW', message: 'row 4: 4 fields, but the header has 3', row: 4 },
  {
    // A two-line quoted field and a blank line put row 4 on physical line 6.
    file: 'ragged-after-multiline.csv',
    code: 'RAGGED_ROW',
    message: 'row 4 (line 6): 2 fields, but the header has 3',
    row: 4,
  },
  {
    file: 'duplicate-header.csv',
    code: 'DUPLICATE_HEADER',
    message: 'row 1, column 3: the header name "duration" repeats column 1',
    row: 1,
    column: 'duration',
  },
  {
    file: 'empty-header-name.csv',
    code: 'EMPTY_HEADER',
    message: 'row 1, column 2: the header name is empty',
    row: 1,
  },
  {
    file: 'missing-target-column.csv',
    options: { target: 'species' },
    code: 'TARGET_MISSING',
    message: 'the target column "species" is not in the header (columns: "bill", "flipper", "island")',
    row: 1,
    column: 'species',
  },
  {
    file: 'missing-target-value.csv',
    code: 'MISSING_TARGET_VALUE',
    message: 'row 4, column "species": the target value is missing',
    row: 4,
    column: 'species',
  },
  {
    file: 'one-class.csv',
    code: 'TOO_FEW_CLASSES',
    message: 'column "species" has a single class ("Adelie"); classification needs at least two',
    column: 'species',
  },
  {
    // 5 "rare" rows of 50: a stratified 80/20 split keeps exactly 4 of them for training.
    file: 'class-smaller-than-folds.csv',
    code: 'CLASS_TOO_SMALL',
    message:
      'class "rare" of column "label" has 4 rows in the training split, fewer than the 5 cross-validation folds',
    column: 'label',
  },
  {
    file: 'numeric-junk.csv',
    code: 'NON_NUMERIC_VALUE',
    message:
      'row 7, column "duration": "abc" is not a number (column is numeric: 98% of its values are numbers)',
    row: 7,
    column: 'duration',
  },
  {
    file: 'unterminated-quote.csv',
    code: 'MALFORMED_CSV',
    message: 'row 3: a quoted field is never closed (the file ends inside quotes)',
    row: 3,
  },
  {
    file: 'only-target.csv',
    code: 'NO_FEATURES',
    message: 'no feature columns: the file has only the target column "label"',
    column: 'label',
  },
];

async function errorOf(promise: Promise<unknown>): Promise<DataError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DataError) return err;
    throw err;
  }
  throw new Error('expected a DataError, but preparing succeeded');
}

describe('malformed CSV corpus (test/fixtures/malformed)', () => {
  for (const c of cases) {
    it(`${c.file} → ${c.code}`, async () => {
      const err = await errorOf(prepareCsv(fileStream(`${fixturesDir}malformed/${c.file}`), c.options));
      expect(err.code).toBe(c.code);
      expect(err.message).toBe(c.message);
      expect(err.message).not.toContain('\n');
      expect(err.row).toBe(c.row);
      expect(err.column).toBe(c.column);
    });
  }
});
