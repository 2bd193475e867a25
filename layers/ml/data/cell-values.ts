/**
 * How one CSV cell (or one string field of a serving record) is read: missing, a number, or text.
 * The same functions serve training and prediction, so a value means the same thing in both.
 */

/**
 * pandas' default NA strings (read_csv `na_values` defaults, pandas 2.x). A cell equal to one of
 * these once surrounding whitespace is trimmed (so also an empty or blank cell) is missing. pandas keeps
 * "  " or " NA" as text; we do not, because a blank-looking cell is never meant as a value and would
 * otherwise be junk in a numeric column.
 */
export const NA_STRINGS: ReadonlySet<string> = new Set([
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
]);

/** Longest entry of NA_STRINGS ("#N/A N/A"): longer cells skip the set lookup. */
const LONGEST_NA = 8;

export function isMissingCell(cell: string): boolean {
  const n = cell.length;
  if (n === 0 || (n <= LONGEST_NA && NA_STRINGS.has(cell))) return true;
  // Trim (and allocate) only when there is whitespace at an end to trim.
  if (cell.charCodeAt(0) > 32 && cell.charCodeAt(n - 1) > 32) return false;
  const trimmed = cell.trim();
  return trimmed.length === 0 || NA_STRINGS.has(trimmed);
}

/**
 * Decimal numbers only, with optional sign, fraction and exponent; surrounding whitespace is allowed
 * (pandas accepts it too). Deliberately not JavaScript's Number(): that also takes "0x1f", "0b1",
 * "Infinity" and "" — none of which a data file means as a measurement.
 */
const DECIMAL = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** The cell as a finite number, or NaN when it is not one (callers test missing first). */
export function parseNumberCell(cell: string): number {
  const x = Number(cell);
  if (!Number.isFinite(x)) return Number.NaN;
  // Fast path for the common case, a cell starting with a digit, sign or point: Number() agrees with
  // DECIMAL there except for the 0x / 0b / 0o prefixes. Anything else takes the full check.
  const c0 = cell.charCodeAt(0);
  if ((c0 >= 48 && c0 <= 57) || c0 === 43 || c0 === 45 || c0 === 46) {
    if (c0 !== 48) return x;
    const c1 = cell.charCodeAt(1) | 0x20;
    return c1 === 120 || c1 === 98 || c1 === 111 ? Number.NaN : x;
  }
  return DECIMAL.test(cell) ? x : Number.NaN;
}
