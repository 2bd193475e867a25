import { expect } from 'vitest';
import type { LabelledMatrix } from '../../../../layers/ml/data/matrix.ts';
import type { Classifier, ModelSpec } from '../../../../layers/ml/models/classifier.ts';

export function fitModel<P extends Record<string, unknown>>(
  spec: ModelSpec<P>,
  params: Record<string, unknown>,
  data: LabelledMatrix,
  seed = 42,
): Classifier {
  const model = spec.create(spec.params.parse(params), seed);
  model.fit(data);
  return model;
}

/** The same rows with label 1 for `positive` and 0 for every other class. */
export function oneVsRest(m: LabelledMatrix, positive: number): LabelledMatrix {
  return { ...m, y: Int32Array.from(m.y, (v) => (v === positive ? 1 : 0)), nClasses: 2 };
}

export function rowAt(values: Float64Array, nRows: number, nFeatures: number, i: number): Float64Array {
  return Float64Array.from({ length: nFeatures }, (_, j) => values[j * nRows + i]);
}

/** Every `expected[i]` within `tolerance` of `actual[i]` (a failure names the index). */
export function expectNear(actual: ArrayLike<number>, expected: readonly number[], tolerance: number): void {
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i]), `index ${i}`).toBeLessThan(tolerance);
  }
}
