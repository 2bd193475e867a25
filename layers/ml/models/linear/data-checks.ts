/** Input checks shared by LogisticRegression and KNN: fail with a DataError before any arithmetic. */
import type { FeatureMatrix, LabelledMatrix } from '../../data/matrix.ts';
import { DataError } from '../../errors.ts';
import type { ModelName } from '../classifier.ts';

function checkFinite(x: FeatureMatrix, model: ModelName): void {
  const v = x.values;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      const row = i % x.nRows;
      const feature = Math.floor(i / x.nRows);
      throw new DataError(
        'INVALID_VALUE',
        `${model}: feature ${feature} of row ${row} is ${v[i]}; impute or drop missing values first`,
      );
    }
  }
}

/** Training data: at least one row and feature, finite values, labels in range; returns the distinct label count. */
export function checkTrainingSet(train: LabelledMatrix, model: ModelName): number {
  if (train.nRows < 1 || train.nFeatures < 1) {
    throw new DataError(
      'NO_FEATURES',
      `${model}: training set has ${train.nRows} rows × ${train.nFeatures} features`,
    );
  }
  if (train.nClasses < 2) throw new DataError('TOO_FEW_CLASSES', `${model}: needs at least 2 classes`);
  if (train.y.length !== train.nRows) {
    throw new DataError('INVALID_VALUE', `${model}: ${train.y.length} labels for ${train.nRows} rows`);
  }
  checkFinite(train, model);
  const seen = new Uint8Array(train.nClasses);
  let distinct = 0;
  for (let i = 0; i < train.nRows; i++) {
    const c = train.y[i];
    if (c < 0 || c >= train.nClasses) {
      throw new DataError(
        'INVALID_VALUE',
        `${model}: label ${c} of row ${i} is outside 0..${train.nClasses - 1}`,
      );
    }
    if (seen[c] === 0) {
      seen[c] = 1;
      distinct++;
    }
  }
  return distinct;
}

/** Data to predict: the fitted feature count and finite values. */
export function checkFeatures(x: FeatureMatrix, nFeatures: number, model: ModelName): void {
  if (x.nFeatures !== nFeatures) {
    throw new DataError('INVALID_VALUE', `${model}: fitted on ${nFeatures} features, got ${x.nFeatures}`);
  }
  checkFinite(x, model);
}
