/** Pieces of one-line error messages about data, shared so every message places a cell the same way. */

/**
 * "row 7", as a spreadsheet numbers it (header = row 1), plus the physical line when a multi-line
 * quoted field or skipped blank lines make the two differ: "row 7 (line 9)".
 */
export function describeRow(row: number, line: number): string {
  return row === line ? `row ${row}` : `row ${row} (line ${line})`;
}

/** A value quoted for a message, cut short so one absurd cell cannot flood a log line. */
export function quoteValue(value: string, max = 40): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(shown);
}

/** Column names for a message, at most `max` of them. */
export function listNames(names: readonly string[], max = 12): string {
  const shown = names.slice(0, max).map((n) => JSON.stringify(n));
  return names.length > max ? `${shown.join(', ')}, … (${names.length} in all)` : shown.join(', ');
}
