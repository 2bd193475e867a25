import { DataError } from '../errors.ts';

/** Same non-zero length and every class index inside 0..nClasses-1. */
export function checkLabels(name: string, nClasses: number, ...ys: Int32Array[]): number {
  const n = ys[0].length;
  if (n === 0) throw new DataError('INVALID_VALUE', `${name}: no samples`);
  for (const y of ys) {
    if (y.length !== n) throw new DataError('INVALID_VALUE', `${name}: ${y.length} labels, expected ${n}`);
    for (let i = 0; i < n; i++) {
      if (y[i] < 0 || y[i] >= nClasses) {
        throw new DataError('INVALID_VALUE', `${name}: class index ${y[i]} outside 0..${nClasses - 1}`);
      }
    }
  }
  return n;
}

/** A row-major `n × nClasses` probability matrix of finite values. */
export function checkProba(name: string, proba: Float64Array, n: number, nClasses: number): void {
  if (proba.length !== n * nClasses) {
    throw new DataError(
      'INVALID_VALUE',
      `${name}: ${proba.length} probabilities, expected ${n} × ${nClasses}`,
    );
  }
  for (let i = 0; i < proba.length; i++) {
    if (!Number.isFinite(proba[i])) throw new DataError('INVALID_VALUE', `${name}: non-finite probability`);
  }
}
