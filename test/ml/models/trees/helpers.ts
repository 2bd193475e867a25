import type { FeatureMatrix, LabelledMatrix } from '../../../../layers/ml/data/matrix.ts';
import { fromRows } from '../../../../layers/ml/data/matrix.ts';

export function labelled(rows: number[][], y: number[], nClasses: number): LabelledMatrix {
  return { ...fromRows(rows), y: Int32Array.from(y), nClasses };
}

/** Rows as plain arrays (for the ml.js oracles). */
export function rowsOf(m: FeatureMatrix): number[][] {
  return Array.from({ length: m.nRows }, (_, i) =>
    Array.from({ length: m.nFeatures }, (_, j) => m.values[j * m.nRows + i]),
  );
}

export function rowAt(m: FeatureMatrix, i: number): Float64Array {
  return Float64Array.from({ length: m.nFeatures }, (_, j) => m.values[j * m.nRows + i]);
}

/** Indices of `v` sorted by decreasing value. */
export function ranking(v: ArrayLike<number>): number[] {
  return Array.from({ length: v.length }, (_, j) => j).sort((a, b) => v[b] - v[a] || a - b);
}

export function agreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}
