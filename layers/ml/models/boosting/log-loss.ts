import type { TreeNodes } from '../tree/nodes.ts';

/**
 * scikit-learn 1.2's log-loss for gradient boosting (BinomialDeviance with one raw score per row for two
 * classes, MultinomialDeviance with K for more), with its arithmetic kept where rounding could show.
 * Raw scores are row-major `nRows × nScores`.
 */

/** float32 machine epsilon: scikit-learn clips the prior probabilities with it before taking logs. */
const FLOAT32_EPS = 1.1920928955078125e-7;

/** Below this |denominator| a Newton step is taken as 0 (scikit-learn's guard). */
const TINY_DENOMINATOR = 1e-150;

/** Raw scores per row: 1 for two classes (log-odds of class 1), else one per class. */
export function scoresPerRow(nClasses: number): number {
  return nClasses === 2 ? 1 : nClasses;
}

/**
 * Initial raw scores from the class priors: log-odds of class 1 for two classes, log prior per class
 * for more (scikit-learn's DummyClassifier(strategy='prior') init).
 */
export function initialScores(y: Int32Array, nClasses: number): Float64Array {
  const counts = new Float64Array(nClasses);
  for (let i = 0; i < y.length; i++) counts[y[i]]++;
  const clip = (p: number): number => Math.min(Math.max(p, FLOAT32_EPS), 1 - FLOAT32_EPS);
  if (nClasses === 2) {
    const p = clip(counts[1] / y.length);
    return Float64Array.of(Math.log(p / (1 - p)));
  }
  const init = new Float64Array(nClasses);
  for (let k = 0; k < nClasses; k++) init[k] = Math.log(clip(counts[k] / y.length));
  return init;
}

/** Logistic function as scipy's expit. */
export function expit(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Softmax of `scores[from..from+k)` into `out[outFrom..outFrom+k)` as scikit-learn's
 * exp(raw − logsumexp(raw)); `out` may alias `scores`.
 */
export function softmaxInto(
  scores: Float64Array,
  from: number,
  k: number,
  out: Float64Array,
  outFrom: number,
): void {
  let max = scores[from];
  for (let c = 1; c < k; c++) if (scores[from + c] > max) max = scores[from + c];
  let s = 0;
  for (let c = 0; c < k; c++) s += Math.exp(scores[from + c] - max);
  const lse = Math.log(s) + max;
  for (let c = 0; c < k; c++) out[outFrom + c] = Math.exp(scores[from + c] - lse);
}

/** Class probabilities (row-major `nRows × nClasses`) from raw scores. */
export function scoresToProba(raw: Float64Array, nRows: number, nClasses: number): Float64Array {
  const out = new Float64Array(nRows * nClasses);
  if (nClasses === 2) {
    for (let i = 0; i < nRows; i++) {
      const p = expit(raw[i]);
      out[2 * i] = 1 - p;
      out[2 * i + 1] = p;
    }
    return out;
  }
  for (let i = 0; i < nRows; i++) softmaxInto(raw, i * nClasses, nClasses, out, i * nClasses);
  return out;
}

/**
 * Negative gradients of one stage. Two classes: `residual = y − expit(raw)`. More: for score k,
 * `residual = [y = k] − softmax_k(raw)`, all K taken from the stage's starting scores (`stageProba`,
 * filled once per stage by `stageProbabilities`).
 */
export function binaryResiduals(y: Int32Array, raw: Float64Array, residual: Float64Array): void {
  for (let i = 0; i < y.length; i++) residual[i] = y[i] - expit(raw[i]);
}

export function stageProbabilities(raw: Float64Array, nRows: number, k: number, out: Float64Array): void {
  for (let i = 0; i < nRows; i++) softmaxInto(raw, i * k, k, out, i * k);
}

export function multinomialResiduals(
  y: Int32Array,
  stageProba: Float64Array,
  nClasses: number,
  k: number,
  residual: Float64Array,
): void {
  for (let i = 0; i < y.length; i++) residual[i] = (y[i] === k ? 1 : 0) - stageProba[i * nClasses + k];
}

/**
 * Replaces each leaf's value by scikit-learn's one Newton step on the rows that grew the tree:
 * Σ residual / Σ p(1 − p) (times (K − 1)/K for K > 2 classes), where p(1 − p) is written, as
 * scikit-learn does, (t − r)(1 − t + r) with t = [y = positive] the 0/1 target of the score and r the
 * residual. `leafOf[i]` is row i's leaf; rows with `inBag[i] === 0` do not count.
 */
export function newtonLeafValues(
  tree: TreeNodes,
  leafOf: Int32Array,
  residual: Float64Array,
  y: Int32Array,
  positive: number,
  inBag: Uint8Array | undefined,
  nClasses: number,
): void {
  const { nodeCount, feature, value } = tree;
  const numerator = new Float64Array(nodeCount);
  const denominator = new Float64Array(nodeCount);
  for (let i = 0; i < leafOf.length; i++) {
    if (inBag !== undefined && inBag[i] === 0) continue;
    const r = residual[i];
    const t = y[i] === positive ? 1 : 0;
    const leaf = leafOf[i];
    numerator[leaf] += r;
    denominator[leaf] += (t - r) * (1 - t + r);
  }
  const scale = nClasses === 2 ? 1 : (nClasses - 1) / nClasses;
  for (let node = 0; node < nodeCount; node++) {
    if (feature[node] >= 0) continue;
    const den = denominator[node];
    value[node] = Math.abs(den) < TINY_DENOMINATOR ? 0 : (numerator[node] * scale) / den;
  }
}
