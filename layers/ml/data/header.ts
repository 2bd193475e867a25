/** Checks the header row and works out, from the options, what each column is for. */
import { DataError, ParamsError } from '../errors.ts';
import type { DeclaredKind } from './feature-column.ts';
import { listNames } from './messages.ts';

export type ColumnOverride = 'numeric' | 'categorical' | 'ignore';

export interface ColumnPlanOptions {
  /** Target column name; default the last column. */
  readonly target?: string;
  readonly columns?: Readonly<Record<string, ColumnOverride>>;
}

export type ColumnRole =
  | { readonly role: 'target' }
  | { readonly role: 'feature'; readonly declared: DeclaredKind }
  | { readonly role: 'ignore' };

export interface ColumnPlan {
  readonly targetName: string;
  /** One role per header position. */
  readonly roles: readonly ColumnRole[];
}

/** Header names must be non-blank and distinct: they are how serving records name their fields. */
export function checkHeader(names: readonly string[]): void {
  const firstSeen = new Map<string, number>();
  names.forEach((name, j) => {
    if (name.trim() === '') {
      throw new DataError('EMPTY_HEADER', `row 1, column ${j + 1}: the header name is empty`, { row: 1 });
    }
    const earlier = firstSeen.get(name);
    if (earlier !== undefined) {
      throw new DataError(
        'DUPLICATE_HEADER',
        `row 1, column ${j + 1}: the header name ${JSON.stringify(name)} repeats column ${earlier + 1}`,
        { row: 1, column: name },
      );
    }
    firstSeen.set(name, j);
  });
}

const OVERRIDES: ReadonlySet<string> = new Set(['numeric', 'categorical', 'ignore']);

export function planColumns(header: readonly string[], options: ColumnPlanOptions): ColumnPlan {
  const columns = options.columns ?? {};
  const known = new Set(header);
  for (const [name, kind] of Object.entries(columns)) {
    if (!known.has(name)) {
      throw new DataError(
        'UNKNOWN_COLUMN',
        `the columns option names ${JSON.stringify(name)}, which is not a column of the file (columns: ${listNames(header)})`,
        { column: name },
      );
    }
    if (!OVERRIDES.has(kind)) {
      throw new ParamsError(
        `columns option: ${JSON.stringify(name)} must be 'numeric', 'categorical' or 'ignore', got ${JSON.stringify(kind)}`,
        { column: name },
      );
    }
  }
  const targetName = options.target ?? header[header.length - 1];
  if (!known.has(targetName)) {
    throw new DataError(
      'TARGET_MISSING',
      `the target column ${JSON.stringify(targetName)} is not in the header (columns: ${listNames(header)})`,
      { row: 1, column: targetName },
    );
  }
  if (Object.hasOwn(columns, targetName)) {
    throw new ParamsError(
      `columns option: ${JSON.stringify(targetName)} is the target column; its values are class labels, not a feature`,
      { column: targetName },
    );
  }
  const roles = header.map((name): ColumnRole => {
    if (name === targetName) return { role: 'target' };
    const kind = Object.hasOwn(columns, name) ? columns[name] : undefined;
    return kind === 'ignore' ? { role: 'ignore' } : { role: 'feature', declared: kind };
  });
  if (!roles.some((r) => r.role === 'feature')) {
    const otherSeparator = header.length === 1 ? /[;\t|]/.exec(targetName) : null;
    const why =
      header.length > 1
        ? `every column other than the target ${JSON.stringify(targetName)} is ignored`
        : otherSeparator === null
          ? `the file has only the target column ${JSON.stringify(targetName)}`
          : `the file has only the target column ${JSON.stringify(targetName)} (columns must be separated by commas, not ${JSON.stringify(otherSeparator[0])})`;
    throw new DataError('NO_FEATURES', `no feature columns: ${why}`, { column: targetName });
  }
  return { targetName, roles };
}
