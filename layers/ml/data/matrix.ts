/**
 * The numeric matrix every model consumes: column-major Float64Array, `values[j * nRows + i]` is
 * feature j of row i. Column-major because tree split search and scaling walk one feature at a time;
 * models that want rows (KNN, linear models) transpose once with `toRowMajor`.
 */
export interface FeatureMatrix {
  readonly nRows: number;
  readonly nFeatures: number;
  readonly values: Float64Array;
}

/** A labelled training set: `y[i]` is the class index of row i in `0..nClasses-1`. */
export interface LabelledMatrix extends FeatureMatrix {
  readonly y: Int32Array;
  readonly nClasses: number;
}

export function matrix(nRows: number, nFeatures: number, values?: Float64Array): FeatureMatrix {
  const v = values ?? new Float64Array(nRows * nFeatures);
  if (v.length !== nRows * nFeatures) {
    throw new RangeError(`matrix: expected ${nRows * nFeatures} values, got ${v.length}`);
  }
  return { nRows, nFeatures, values: v };
}

/** Feature j as a view (no copy). */
export function column(m: FeatureMatrix, j: number): Float64Array {
  return m.values.subarray(j * m.nRows, (j + 1) * m.nRows);
}

/** Row-major copy: `out[i * nFeatures + j]`. */
export function toRowMajor(m: FeatureMatrix): Float64Array {
  const { nRows: n, nFeatures: d, values } = m;
  const out = new Float64Array(n * d);
  for (let j = 0; j < d; j++) {
    const off = j * n;
    for (let i = 0; i < n; i++) out[i * d + j] = values[off + i];
  }
  return out;
}

/** Build a column-major matrix from row-major values. */
export function fromRowMajor(
  rows: Float64Array | ArrayLike<number>,
  nRows: number,
  nFeatures: number,
): FeatureMatrix {
  const values = new Float64Array(nRows * nFeatures);
  for (let i = 0; i < nRows; i++) {
    for (let j = 0; j < nFeatures; j++) values[j * nRows + i] = rows[i * nFeatures + j];
  }
  return { nRows, nFeatures, values };
}

/** Build a column-major matrix from an array of rows (tests, small inputs). */
export function fromRows(rows: ReadonlyArray<ArrayLike<number>>): FeatureMatrix {
  const n = rows.length;
  const d = n === 0 ? 0 : rows[0].length;
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    for (let j = 0; j < d; j++) values[j * n + i] = r[j];
  }
  return { nRows: n, nFeatures: d, values };
}

/** The rows at `idx`, in that order (used for splits and folds). */
export function takeRows(m: FeatureMatrix, idx: ArrayLike<number>): FeatureMatrix {
  const n = m.nRows;
  const k = idx.length;
  const out = new Float64Array(k * m.nFeatures);
  for (let j = 0; j < m.nFeatures; j++) {
    const src = j * n;
    const dst = j * k;
    for (let r = 0; r < k; r++) out[dst + r] = m.values[src + idx[r]];
  }
  return { nRows: k, nFeatures: m.nFeatures, values: out };
}

export function takeLabelled(m: LabelledMatrix, idx: ArrayLike<number>): LabelledMatrix {
  const y = new Int32Array(idx.length);
  for (let r = 0; r < idx.length; r++) y[r] = m.y[idx[r]];
  return { ...takeRows(m, idx), y, nClasses: m.nClasses };
}
