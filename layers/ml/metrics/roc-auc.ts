import { DataError } from '../errors.ts';
import { checkLabels, checkProba } from './checks.ts';

/**
 * Area under the ROC curve, as scikit-learn's roc_auc_score: for two classes the score of class 1;
 * for more, one-vs-rest per class averaged without weights (multi_class='ovr', average='macro').
 * Each binary AUC is the Mann–Whitney statistic with tied scores given their average rank, which equals
 * the trapezoidal area scikit-learn integrates. Like scikit-learn, it refuses a class with no positive
 * or no negative rows, and multiclass rows that do not sum to 1.
 */
export function rocAuc(yTrue: Int32Array, proba: Float64Array, nClasses: number): number {
  const n = checkLabels('rocAuc', nClasses, yTrue);
  checkProba('rocAuc', proba, n, nClasses);
  if (nClasses < 2) throw new DataError('TOO_FEW_CLASSES', 'rocAuc: needs at least two classes');
  const scores = new Float64Array(n);
  const isPositive = new Uint8Array(n);
  const binaryAuc = (c: number): number => {
    for (let i = 0; i < n; i++) {
      scores[i] = proba[i * nClasses + c];
      isPositive[i] = yTrue[i] === c ? 1 : 0;
    }
    return mannWhitneyAuc(scores, isPositive, c);
  };
  if (nClasses === 2) return binaryAuc(1);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < nClasses; c++) s += proba[i * nClasses + c];
    if (!(Math.abs(1 - s) <= 1e-8 + 1e-5 * Math.abs(s))) {
      throw new DataError('INVALID_VALUE', `rocAuc: probabilities of row ${i + 1} sum to ${s}, not 1`);
    }
  }
  let sum = 0;
  for (let c = 0; c < nClasses; c++) sum += binaryAuc(c);
  return sum / nClasses;
}

function mannWhitneyAuc(scores: Float64Array, isPositive: Uint8Array, cls: number): number {
  const n = scores.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let nPos = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end]] === scores[order[start]]) end++;
    // Ranks start+1 … end share their mean.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) {
      if (isPositive[order[k]] === 1) {
        nPos++;
        positiveRankSum += rank;
      }
    }
    start = end;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) {
    throw new DataError(
      'TOO_FEW_CLASSES',
      `rocAuc: class ${cls} has ${nPos === 0 ? 'no' : 'only'} positive rows, so its AUC is undefined`,
    );
  }
  return (positiveRankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}
