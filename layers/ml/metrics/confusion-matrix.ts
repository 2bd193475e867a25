import { checkLabels } from './checks.ts';

/** Counts with rows = true class and columns = predicted class, as scikit-learn's confusion_matrix. */
export function confusionMatrix(yTrue: Int32Array, yPred: Int32Array, nClasses: number): number[][] {
  const n = checkLabels('confusionMatrix', nClasses, yTrue, yPred);
  const m = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < n; i++) m[yTrue[i]][yPred[i]]++;
  return m;
}
