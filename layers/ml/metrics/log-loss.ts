import { checkLabels, checkProba } from './checks.ts';

/**
 * Mean cross-entropy, as scikit-learn 1.2's log_loss(labels=range(nClasses)) with its default
 * eps="auto": probabilities clipped to [ε, 1 − ε] with ε the float64 machine epsilon, then each row
 * renormalized to sum to 1.
 */
export function logLoss(yTrue: Int32Array, proba: Float64Array, nClasses: number): number {
  const n = checkLabels('logLoss', nClasses, yTrue);
  checkProba('logLoss', proba, n, nClasses);
  const eps = Number.EPSILON;
  const clip = (p: number): number => Math.min(Math.max(p, eps), 1 - eps);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const off = i * nClasses;
    let rowSum = 0;
    for (let c = 0; c < nClasses; c++) rowSum += clip(proba[off + c]);
    total -= Math.log(clip(proba[off + yTrue[i]]) / rowSum);
  }
  return total / n;
}
