/** Drift of a numeric window against its baseline: PSI over the decile bins, KS / L∞ against the CDF. */
import { baselineCdf, cellCount, countCells } from './baseline-cdf.ts';
import { jensenShannon, linfRobust, psi } from './distances.ts';
import { noDrift } from './no-drift.ts';
import type { FeatureDrift, NumericBaseline } from './types.ts';

export function measureNumericDrift(baseline: NumericBaseline, values: Float64Array): FeatureDrift {
  if (baseline.count === 0) {
    let missing = 0;
    for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) missing++;
    return noDrift(baseline.name, 'numeric', values.length - missing, missing);
  }
  const cdf = baselineCdf(baseline);
  const cells = new Int32Array(cellCount(cdf));
  const missing = countCells(cdf, values, cells);
  const m = values.length - missing;
  if (m === 0) return noDrift(baseline.name, 'numeric', 0, missing);

  const { below, at, binOfCell, minCell, maxCell } = cdf;
  const binCounts = new Float64Array(baseline.binFractions.length);
  let seen = 0;
  let ks = 0;
  let outOfRange = 0;
  for (let c = 0; c < cells.length; c++) {
    const count = cells[c];
    seen += count;
    binCounts[binOfCell[c]] += count;
    if (c < minCell || c > maxCell) outOfRange += count;
    // Cell 2i is the open interval below point i, cell 2i + 1 the point itself: after adding it, `seen`
    // is the window's CDF just below (even c) or at (odd c) point ⌊c/2⌋.
    if (c < cells.length - 1) {
      const point = c >> 1;
      const baselineCdfHere = c % 2 === 0 ? below[point] : at[point];
      ks = Math.max(ks, Math.abs(seen / m - baselineCdfHere));
    }
  }
  const windowFractions = binCounts.map((count) => count / m);
  return {
    name: baseline.name,
    kind: 'numeric',
    count: m,
    missing,
    psi: psi(baseline.binFractions, windowFractions),
    ks,
    linf: ks,
    linfRobust: linfRobust(ks, baseline.count, m),
    js: jensenShannon(baseline.binFractions, windowFractions),
    chi2: null,
    outOfRange,
    unseenLevels: {},
  };
}
