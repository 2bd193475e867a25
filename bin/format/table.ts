/** Left-aligned first column, right-aligned numbers: readable in any terminal without a dependency. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const render = (cells: string[]) =>
    cells
      .map((c, j) =>
        j <= 1 && header[1] === 'Best params'
          ? c.padEnd(widths[j])
          : j === 0
            ? c.padEnd(widths[j])
            : c.padStart(widths[j]),
      )
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...rows.map(render)];
}
