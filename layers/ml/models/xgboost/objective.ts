/**
 * XGBoost's two classification objectives, on margins laid out class-major (`margin[k * n + i]`).
 * binary:logistic has one margin per row; multi:softprob one per class. Gradients and hessians are
 * written interleaved per class (`gradHess[k][2i]`, `gradHess[k][2i + 1]`), the layout the histogram
 * passes read. Hessians are floored at 1e-16 as xgboost does, so a leaf's hessian sum is never zero.
 */
const MIN_HESSIAN = 1e-16;

export function sigmoid(m: number): number {
  return 1 / (1 + Math.exp(-m));
}

/** binary:logistic: g = p − y, h = p(1 − p). */
export function logisticGradients(margin: Float64Array, y: Int32Array, gradHess: Float64Array): void {
  for (let i = 0; i < y.length; i++) {
    const p = sigmoid(margin[i]);
    gradHess[2 * i] = p - y[i];
    gradHess[2 * i + 1] = Math.max(p * (1 - p), MIN_HESSIAN);
  }
}

/**
 * multi:softprob: p = softmax(margins), g_k = p_k − [y = k], h_k = 2·p_k(1 − p_k) — xgboost's hessian
 * carries the factor 2, which matters for min_child_weight and the leaf weights.
 */
export function softmaxGradients(
  margin: Float64Array,
  y: Int32Array,
  nClasses: number,
  gradHess: readonly Float64Array[],
): void {
  const n = y.length;
  for (let i = 0; i < n; i++) {
    let max = margin[i];
    for (let k = 1; k < nClasses; k++) max = Math.max(max, margin[k * n + i]);
    let sum = 0;
    for (let k = 0; k < nClasses; k++) {
      const e = Math.exp(margin[k * n + i] - max);
      gradHess[k][2 * i] = e;
      sum += e;
    }
    for (let k = 0; k < nClasses; k++) {
      const gh = gradHess[k];
      const p = gh[2 * i] / sum;
      gh[2 * i] = y[i] === k ? p - 1 : p;
      gh[2 * i + 1] = Math.max(2 * p * (1 - p), MIN_HESSIAN);
    }
  }
}

/**
 * One row's margins (1 for binary, nClasses otherwise) as nClasses probabilities. `margins` and `out` may
 * be the same array at the same offset: every slot is read before it is written.
 */
export function marginsToProba(
  margins: Float64Array,
  mOff: number,
  nClasses: number,
  out: Float64Array,
  oOff: number,
): void {
  if (nClasses === 2) {
    const p = sigmoid(margins[mOff]);
    out[oOff] = 1 - p;
    out[oOff + 1] = p;
    return;
  }
  let max = margins[mOff];
  for (let k = 1; k < nClasses; k++) max = Math.max(max, margins[mOff + k]);
  let sum = 0;
  for (let k = 0; k < nClasses; k++) {
    const e = Math.exp(margins[mOff + k] - max);
    out[oOff + k] = e;
    sum += e;
  }
  for (let k = 0; k < nClasses; k++) out[oOff + k] /= sum;
}
