/** The baseline of a model: per-feature statistics of the training split's raw columns, and the class shares. */

import { sortClasses } from '../data/labels.ts';
import { DataError } from '../errors.ts';
import { countAtMost, decileEdges, quantileGrid } from './quantiles.ts';
import { sortPresent } from './sort-floats.ts';
import type { Baseline, CategoricalBaseline, DriftColumn, NumericBaseline } from './types.ts';

export interface BaselineInput {
  readonly columns: readonly DriftColumn[];
  /** The classes as text, indexed by class code. */
  readonly targetLevels: readonly string[];
  /** Class code per training row. */
  readonly targetCodes: Int32Array;
  /** The target column's name; default "target". */
  readonly targetName?: string;
}

export function computeBaseline(input: BaselineInput): Baseline {
  const { columns, targetLevels, targetCodes, targetName = 'target' } = input;
  for (const column of columns) {
    const length = column.kind === 'numeric' ? column.values.length : column.codes.length;
    if (length !== targetCodes.length) {
      throw new DataError(
        'INVALID_VALUE',
        `baseline column ${JSON.stringify(column.name)} has ${length} rows, the target ${targetCodes.length}`,
        { column: column.name },
      );
    }
  }
  return {
    rows: targetCodes.length,
    features: columns.map((column) =>
      column.kind === 'numeric'
        ? numericBaseline(column.name, column.values)
        : categoricalBaseline(column.name, column.codes, column.levels),
    ),
    target: categoricalBaseline(targetName, targetCodes, targetLevels),
  };
}

export function numericBaseline(name: string, values: Float64Array): NumericBaseline {
  const { sorted, missing } = sortPresent(values);
  const count = sorted.length;
  if (count === 0) {
    return {
      name,
      kind: 'numeric',
      count,
      missing,
      min: 0,
      max: 0,
      mean: 0,
      std: 0,
      integral: true,
      quantiles: [],
      binEdges: [],
      binFractions: [1],
    };
  }
  let sum = 0;
  let integral = true;
  for (let i = 0; i < count; i++) {
    sum += sorted[i];
    if (integral && !Number.isInteger(sorted[i])) integral = false;
  }
  const mean = sum / count;
  // Two passes: the one-pass sum of squares loses every digit when the mean is large against the spread.
  let squares = 0;
  for (let i = 0; i < count; i++) squares += (sorted[i] - mean) ** 2;
  const quantiles = quantileGrid(sorted);
  const binEdges = decileEdges(quantiles);
  const binFractions: number[] = [];
  let below = 0;
  for (const edge of binEdges) {
    const atMost = countAtMost(sorted, edge);
    binFractions.push((atMost - below) / count);
    below = atMost;
  }
  binFractions.push((count - below) / count);
  return {
    name,
    kind: 'numeric',
    count,
    missing,
    min: sorted[0] + 0,
    max: sorted[count - 1] + 0,
    mean: mean + 0,
    std: Math.sqrt(squares / count),
    integral,
    quantiles,
    binEdges,
    binFractions,
  };
}

/** Level shares of the present codes (-1 = missing); levels never present are left out, the rest sorted. */
export function categoricalBaseline(
  name: string,
  codes: Int32Array,
  levels: readonly string[],
): CategoricalBaseline {
  const counts = new Float64Array(levels.length);
  let missing = 0;
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (code < 0) missing++;
    else if (code < levels.length) counts[code]++;
    else throw outOfRangeCode(name, code, levels.length);
  }
  const count = codes.length - missing;
  const countOf = new Map<string, number>();
  levels.forEach((level, code) => {
    if (counts[code] > 0) countOf.set(level, (countOf.get(level) ?? 0) + counts[code]);
  });
  // fromEntries defines own properties, so even a level named "__proto__" is kept as a key.
  const shares: Record<string, number> = Object.fromEntries(
    sortClasses([...countOf.keys()]).map((level) => [level, (countOf.get(level) ?? 0) / count]),
  );
  return { name, kind: 'categorical', count, missing, levels: shares };
}

export function outOfRangeCode(name: string, code: number, nLevels: number): DataError {
  return new DataError(
    'INVALID_VALUE',
    `column ${JSON.stringify(name)}: code ${code} is past its ${nLevels} levels`,
    { column: name },
  );
}
