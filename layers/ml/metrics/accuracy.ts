import { checkLabels } from './checks.ts';

/** Fraction of rows where the prediction equals the truth (scikit-learn's accuracy_score). */
export function accuracy(yTrue: Int32Array, yPred: Int32Array): number {
  const n = checkLabels('accuracy', Number.MAX_SAFE_INTEGER, yTrue, yPred);
  let correct = 0;
  for (let i = 0; i < n; i++) if (yTrue[i] === yPred[i]) correct++;
  return correct / n;
}
