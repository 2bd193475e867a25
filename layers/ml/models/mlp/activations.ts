/** Hidden-unit activations and output functions, in place on the first `n` entries (as scikit-learn's _base.py). */

export const HIDDEN_ACTIVATIONS = ['identity', 'logistic', 'tanh', 'relu'] as const;
export type HiddenActivation = (typeof HIDDEN_ACTIVATIONS)[number];

/** Binary problems use one logistic unit, multiclass a softmax, as scikit-learn's MLPClassifier. */
export type OutputActivation = 'logistic' | 'softmax';

export function activateInPlace(kind: HiddenActivation, z: Float64Array, n: number): void {
  switch (kind) {
    case 'identity':
      return;
    case 'relu':
      // (z + |z|) / 2 is max(z, 0) exactly, without the branch that mispredicts on half the units.
      for (let i = 0; i < n; i++) {
        const v = z[i];
        z[i] = (v + Math.abs(v)) * 0.5;
      }
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) z[i] = Math.tanh(z[i]);
      return;
    case 'logistic':
      for (let i = 0; i < n; i++) z[i] = 1 / (1 + Math.exp(-z[i]));
      return;
  }
}

/**
 * Multiplies `delta` by the activation's derivative, expressed through the activation value `a`
 * (as scikit-learn's inplace derivatives). For ReLU the backprop kernel already left zeros where the
 * unit was off, so nothing remains to do.
 */
export function multiplyByDerivative(
  kind: HiddenActivation,
  a: Float64Array,
  delta: Float64Array,
  n: number,
): void {
  switch (kind) {
    case 'identity':
    case 'relu':
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) delta[i] *= 1 - a[i] * a[i];
      return;
    case 'logistic':
      for (let i = 0; i < n; i++) delta[i] *= a[i] * (1 - a[i]);
      return;
  }
}

/** Output layer: logistic on a single column, or a row-wise softmax over `width` columns. */
export function outputInPlace(kind: OutputActivation, z: Float64Array, nRows: number, width: number): void {
  if (kind === 'logistic') {
    for (let i = 0; i < nRows; i++) z[i] = 1 / (1 + Math.exp(-z[i]));
    return;
  }
  for (let i = 0; i < nRows; i++) {
    const o = i * width;
    let max = z[o];
    for (let c = 1; c < width; c++) if (z[o + c] > max) max = z[o + c];
    let sum = 0;
    for (let c = 0; c < width; c++) {
      const e = Math.exp(z[o + c] - max);
      z[o + c] = e;
      sum += e;
    }
    for (let c = 0; c < width; c++) z[o + c] /= sum;
  }
}
