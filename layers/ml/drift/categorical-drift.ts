/**
 * Drift of a categorical window against the baseline's level shares. The cells are the baseline's levels
 * plus one "unseen" cell for every level the baseline never had: PSI, Jensen–Shannon and χ² run over those
 * cells; L∞ (SageMaker's) over the levels of both, each unseen level on its own.
 */
import { sortClasses } from '../data/labels.ts';
import { outOfRangeCode } from './baseline.ts';
import { chiSquare, jensenShannon, linfRobust, psi } from './distances.ts';
import { noDrift } from './no-drift.ts';
import type { CategoricalBaseline, FeatureDrift } from './types.ts';

export function measureCategoricalDrift(
  baseline: CategoricalBaseline,
  codes: Int32Array,
  levels: readonly string[],
): FeatureDrift {
  const perCode = new Float64Array(levels.length);
  let missing = 0;
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (code < 0) missing++;
    else if (code < levels.length) perCode[code]++;
    else throw outOfRangeCode(baseline.name, code, levels.length);
  }
  const m = codes.length - missing;

  const baselineLevels = Object.entries(baseline.levels);
  const cellOf = new Map(baselineLevels.map(([level], i) => [level, i]));
  const unseenCell = baselineLevels.length;
  const observed = new Float64Array(baselineLevels.length + 1);
  const unseen = new Map<string, number>();
  levels.forEach((level, code) => {
    const count = perCode[code];
    if (count === 0) return;
    const cell = cellOf.get(level);
    if (cell !== undefined) observed[cell] += count;
    else {
      observed[unseenCell] += count;
      unseen.set(level, (unseen.get(level) ?? 0) + count);
    }
  });
  const unseenLevels = Object.fromEntries(
    sortClasses([...unseen.keys()]).map((level) => [level, unseen.get(level) ?? 0]),
  );
  if (m === 0 || baseline.count === 0) return noDrift(baseline.name, 'categorical', m, missing, unseenLevels);

  const expected = new Float64Array(observed.length);
  baselineLevels.forEach(([, share], i) => {
    expected[i] = share;
  });
  const windowShares = observed.map((count) => count / m);
  let linf = 0;
  for (let i = 0; i < unseenCell; i++) linf = Math.max(linf, Math.abs(expected[i] - windowShares[i]));
  for (const count of unseen.values()) linf = Math.max(linf, count / m);
  return {
    name: baseline.name,
    kind: 'categorical',
    count: m,
    missing,
    psi: psi(expected, windowShares),
    ks: null,
    linf,
    linfRobust: linfRobust(linf, baseline.count, m),
    js: jensenShannon(expected, windowShares),
    chi2: chiSquare(observed, expected, m),
    outOfRange: 0,
    unseenLevels,
  };
}
