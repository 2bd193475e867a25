import type { Fold } from '../../ml/data/folds.ts';
import type { LabelledMatrix } from '../../ml/data/matrix.ts';

/**
 * A training matrix and its folds in SharedArrayBuffers, so every worker of a pool reads the same memory
 * instead of receiving a copy with each task.
 */
export interface SharedDataset {
  readonly nRows: number;
  readonly nFeatures: number;
  readonly nClasses: number;
  /** Float64 column-major values (LabelledMatrix.values). */
  readonly values: SharedArrayBuffer;
  /** Int32 class indices (LabelledMatrix.y). */
  readonly y: SharedArrayBuffer;
  /** Per fold, Int32 train row indices then validation row indices. */
  readonly folds: ReadonlyArray<{
    readonly train: SharedArrayBuffer;
    readonly validation: SharedArrayBuffer;
  }>;
}

function shareInt32(a: Int32Array): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(a.byteLength);
  new Int32Array(buffer).set(a);
  return buffer;
}

export function toShared(data: LabelledMatrix, folds: readonly Fold[]): SharedDataset {
  const values = new SharedArrayBuffer(data.values.byteLength);
  new Float64Array(values).set(data.values);
  return {
    nRows: data.nRows,
    nFeatures: data.nFeatures,
    nClasses: data.nClasses,
    values,
    y: shareInt32(data.y),
    folds: folds.map((f) => ({ train: shareInt32(f.train), validation: shareInt32(f.validation) })),
  };
}

/** Views over the shared memory (no copy); models only read their training matrix. */
export function fromShared(shared: SharedDataset): { data: LabelledMatrix; folds: Fold[] } {
  const data: LabelledMatrix = {
    nRows: shared.nRows,
    nFeatures: shared.nFeatures,
    nClasses: shared.nClasses,
    values: new Float64Array(shared.values),
    y: new Int32Array(shared.y),
  };
  const folds = shared.folds.map((f) => ({
    train: new Int32Array(f.train),
    validation: new Int32Array(f.validation),
  }));
  return { data, folds };
}
