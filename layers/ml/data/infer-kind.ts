/**
 * Numeric or categorical, decided per column once the whole file is read.
 *
 * The rule: a column is numeric when more than half of its non-missing values are numbers (or when it
 * has no values at all); a non-numeric value in a numeric column is junk, and the first one is reported
 * with its row, as a data error, rather than silently turning the column into hundreds of categories.
 * A column whose values are mostly (half or more) not numbers is categorical, and its numeric-looking
 * values are simply more levels. The `columns` option overrides the rule: a column declared numeric
 * must be all numbers; one declared categorical is never parsed as numbers.
 */
import { DataError } from '../errors.ts';
import { type FeatureColumn, MAX_CATEGORICAL_LEVELS } from './feature-column.ts';
import { describeRow, quoteValue } from './messages.ts';

export type ColumnKind = 'numeric' | 'categorical';

export function inferKind(column: FeatureColumn): ColumnKind {
  const { name, declared, numeric, nonMissing } = column;
  const kind: ColumnKind =
    declared ?? (nonMissing === 0 || numeric * 2 > nonMissing ? 'numeric' : 'categorical');
  if (kind === 'numeric' && column.firstNonNumeric !== null) {
    const { row, line, value } = column.firstNonNumeric;
    const why =
      declared === 'numeric'
        ? 'declared numeric in the columns option'
        : `${Math.floor((numeric / nonMissing) * 100)}% of its values are numbers`;
    throw new DataError(
      'NON_NUMERIC_VALUE',
      `${describeRow(row, line)}, column ${JSON.stringify(name)}: ${quoteValue(value)} is not a number (column is numeric: ${why})`,
      { row, column: name },
    );
  }
  if (kind === 'categorical' && column.tooManyLevels) {
    throw new DataError(
      'INVALID_VALUE',
      `column ${JSON.stringify(name)} has more than ${MAX_CATEGORICAL_LEVELS} distinct values, too many for a categorical feature; mark it 'ignore' in the columns option`,
      { column: name },
    );
  }
  return kind;
}
