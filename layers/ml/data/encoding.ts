/**
 * Fits, on the training split only, how each feature column becomes numbers (median imputation for
 * numeric columns, one-hot levels for categorical ones) and writes those numbers, unscaled, into a
 * column-major matrix for any set of rows.
 */
import { type FeatureColumn, MISSING_CODE } from './feature-column.ts';
import type { ColumnKind } from './infer-kind.ts';
import { sortClasses } from './labels.ts';
import { featureCount, type UnscaledColumnSchema } from './schema.ts';

export interface FittedEncoding {
  readonly schema: UnscaledColumnSchema;
  readonly nFeatures: number;
  /**
   * Writes this column's features for `rows` into the column-major `values` (nRows = rows.length),
   * starting at feature `firstFeature`.
   */
  fill(rows: Int32Array, values: Float64Array, firstFeature: number): void;
}

export function fitEncoding(column: FeatureColumn, kind: ColumnKind, trainRows: Int32Array): FittedEncoding {
  return kind === 'numeric' ? fitNumeric(column, trainRows) : fitCategorical(column, trainRows);
}

/** numpy's median (mean of the two middle values for an even count); 0 when there is nothing to take it of. */
export function median(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return 0;
  // Selection instead of a full sort: linear time matters at a million rows per column.
  const work = values.slice();
  const upper = selectKth(work, n >> 1);
  if (n % 2 === 1) return upper;
  // After selection everything below index n/2 is ≤ the upper middle; the lower middle is their maximum.
  let lower = work[0];
  for (let i = 1; i < n >> 1; i++) if (work[i] > lower) lower = work[i];
  return (lower + upper) / 2;
}

/** Hoare's quickselect: reorders `a` so a[k] is the k-th smallest, smaller values before it; returns a[k]. */
function selectKth(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    // Median of three as pivot keeps sorted or constant input linear.
    const mid = lo + ((hi - lo) >> 1);
    const pivot = Math.max(Math.min(a[lo], a[mid]), Math.min(Math.max(a[lo], a[mid]), a[hi]));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

function fitNumeric(column: FeatureColumn, trainRows: Int32Array): FittedEncoding {
  const numbers = column.numbers();
  const present = new Float64Array(trainRows.length);
  let n = 0;
  for (let r = 0; r < trainRows.length; r++) {
    const x = numbers[trainRows[r]];
    if (!Number.isNaN(x)) present[n++] = x;
  }
  // A column with no value in the training split imputes 0: a constant feature the models ignore.
  const fill = median(present.subarray(0, n));
  return {
    schema: { name: column.name, kind: 'numeric', median: fill },
    nFeatures: 1,
    fill(rows, values, firstFeature) {
      const base = firstFeature * rows.length;
      for (let r = 0; r < rows.length; r++) {
        const x = numbers[rows[r]];
        values[base + r] = Number.isNaN(x) ? fill : x;
      }
    },
  };
}

function fitCategorical(column: FeatureColumn, trainRows: Int32Array): FittedEncoding {
  const codes = column.codes();
  const seen = new Uint8Array(column.levels.length);
  let missingLevel = false;
  for (let r = 0; r < trainRows.length; r++) {
    const code = codes[trainRows[r]];
    if (code === MISSING_CODE) missingLevel = true;
    else seen[code] = 1;
  }
  const levels = sortClasses(column.levels.filter((_, code) => seen[code] === 1));
  const indicatorOfLevel = new Map(levels.map((level, k) => [level, k]));
  // Levels met only outside the training split get no indicator (-1): all zeros, as handle_unknown='ignore'.
  const indicatorOfCode = Int32Array.from(column.levels, (level) => indicatorOfLevel.get(level) ?? -1);
  const missingIndicator = missingLevel ? levels.length : -1;
  const schema: UnscaledColumnSchema = { name: column.name, kind: 'categorical', levels, missingLevel };
  return {
    schema,
    nFeatures: featureCount(schema),
    fill(rows, values, firstFeature) {
      const n = rows.length;
      // The matrix starts zeroed; set the one indicator that is on, if any.
      for (let r = 0; r < n; r++) {
        const code = codes[rows[r]];
        const k = code === MISSING_CODE ? missingIndicator : indicatorOfCode[code];
        if (k >= 0) values[(firstFeature + k) * n + r] = 1;
      }
    },
  };
}
