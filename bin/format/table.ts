const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?%?$|^—$/i;

/**
 * A plain-text table: the first column and any column holding text are left-aligned, numeric columns
 * right-aligned. Readable in any terminal without a dependency.
 */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const numeric = header.map((_, j) => j > 0 && rows.length > 0 && rows.every((r) => NUMBER.test(r[j])));
  const render = (cells: string[]) =>
    cells
      .map((c, j) => (numeric[j] ? c.padStart(widths[j]) : c.padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...rows.map(render)];
}
