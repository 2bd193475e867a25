import type { LabelledMatrix } from '../../data/matrix.ts';
import { DataError } from '../../errors.ts';

/** Rejects what a tree cannot learn from: no rows, non-finite values, labels outside 0..nClasses-1. */
export function checkTrainingData(train: LabelledMatrix, model: string): void {
  if (train.nRows < 1 || train.nFeatures < 1) {
    throw new DataError('INVALID_VALUE', `${model}: training data needs at least one row and one feature`);
  }
  if (train.nClasses < 1) throw new DataError('INVALID_VALUE', `${model}: nClasses must be at least 1`);
  const { values, y, nClasses, nRows } = train;
  for (let p = 0; p < values.length; p++) {
    if (!Number.isFinite(values[p])) {
      throw new DataError(
        'INVALID_VALUE',
        `${model}: feature ${Math.floor(p / nRows)} of row ${p % nRows} is not a finite number`,
      );
    }
  }
  for (let i = 0; i < nRows; i++) {
    if (!(y[i] >= 0 && y[i] < nClasses)) {
      throw new DataError(
        'INVALID_VALUE',
        `${model}: label ${y[i]} of row ${i} is outside 0..${nClasses - 1}`,
      );
    }
  }
}

/** Prediction input must have the feature count the model was fitted on. */
export function checkFeatureCount(got: number, nFeatures: number, model: string): void {
  if (got !== nFeatures) {
    throw new DataError('INVALID_VALUE', `${model}: expected ${nFeatures} features, got ${got}`);
  }
}
