/** Drift of one window column, or of the predicted classes, against the baseline. */
import { DataError } from '../errors.ts';
import { measureCategoricalDrift } from './categorical-drift.ts';
import { measureNumericDrift } from './numeric-drift.ts';
import type { CategoricalBaseline, DriftColumn, FeatureBaseline, FeatureDrift } from './types.ts';

export function measureDrift(baseline: FeatureBaseline, column: DriftColumn): FeatureDrift {
  if (baseline.kind === 'numeric' && column.kind === 'numeric') {
    return measureNumericDrift(baseline, column.values);
  }
  if (baseline.kind === 'categorical' && column.kind === 'categorical') {
    return measureCategoricalDrift(baseline, column.codes, column.levels);
  }
  throw new DataError(
    'INVALID_VALUE',
    `column ${JSON.stringify(column.name)} is ${column.kind} but its baseline ${JSON.stringify(baseline.name)} is ${baseline.kind}`,
    { column: column.name },
  );
}

/**
 * Drift of the predicted classes against the training labels' class shares. Predictions may come as a
 * numeric column (numeric class labels): each number is then read as its text, as the baseline's labels are.
 */
export function measurePredictionDrift(target: CategoricalBaseline, predicted: DriftColumn): FeatureDrift {
  if (predicted.kind === 'categorical') {
    return measureCategoricalDrift(target, predicted.codes, predicted.levels);
  }
  const { values } = predicted;
  const codes = new Int32Array(values.length);
  const codeOf = new Map<number, number>();
  const levels: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Number.isNaN(x)) {
      codes[i] = -1;
      continue;
    }
    let code = codeOf.get(x);
    if (code === undefined) {
      code = levels.length;
      codeOf.set(x, code);
      levels.push(String(x));
    }
    codes[i] = code;
  }
  return measureCategoricalDrift(target, codes, levels);
}
