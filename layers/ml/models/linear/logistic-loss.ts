/**
 * scikit-learn's lbfgs objective for LogisticRegression, on the same scale so its `tol` means the same:
 *   f(w, b) = Σᵢ loss(zᵢ, yᵢ) + ‖w‖² / (2C),   zᵢ = w·xᵢ + b
 * (C·Σ loss + ½‖w‖² divided by C; the intercept is not penalized). One fused pass over the row-major
 * data computes the loss and the gradient together, so each row is read from memory once.
 *
 * Parameter layout: binary `[w₀ … w_{d-1}, b]` (one logistic on class 1, as scikit-learn);
 * multinomial `[W (K×d, class-major), b₀ … b_{K-1}]` (softmax over all K classes, as scikit-learn).
 * Without an intercept the trailing b entries are absent.
 */
import type { Objective } from './lbfgs.ts';

export interface LogisticProblem {
  /** Row-major `nRows × nFeatures`. */
  readonly x: Float64Array;
  readonly y: Int32Array;
  readonly nRows: number;
  readonly nFeatures: number;
  readonly nClasses: number;
  readonly C: number;
  readonly fitIntercept: boolean;
}

/** Number of parameters the objective takes: coefficients then intercepts. */
export function parameterCount(p: LogisticProblem): number {
  const rows = p.nClasses === 2 ? 1 : p.nClasses;
  return rows * p.nFeatures + (p.fitIntercept ? rows : 0);
}

/** Rows per block: the block's rows stay in L1 between the forward and the gradient pass. */
const BLOCK = 64;

export function logisticObjective(p: LogisticProblem): Objective {
  const invC = 1 / p.C;
  const { x, y, nRows: n, nFeatures: d, fitIntercept } = p;
  if (p.nClasses === 2) {
    const residuals = new Float64Array(BLOCK);
    return (params, grad) => binaryLossAndGradient(x, y, n, d, fitIntercept, invC, params, grad, residuals);
  }
  const k = p.nClasses;
  const residuals = new Float64Array(BLOCK * k);
  return (params, grad) =>
    multinomialLossAndGradient(x, y, n, d, k, fitIntercept, invC, params, grad, residuals);
}

// Both kernels take everything as arguments (not closure variables) so V8 keeps arrays and sizes in
// registers. Rows go in blocks: a forward pass writes each row's decision values into `res`, a second
// pass turns them into the loss and residuals (probability − target), then the block's gradient is summed feature by feature in local accumulators, two features at
// a time, while the block is still in L1 — instead of read-modify-writing the gradient array per row.

function binaryLossAndGradient(
  x: Float64Array,
  y: Int32Array,
  n: number,
  d: number,
  fitIntercept: boolean,
  invC: number,
  params: Float64Array,
  grad: Float64Array,
  res: Float64Array,
): number {
  grad.fill(0);
  const b = fitIntercept ? params[d] : 0;
  let loss = 0;
  let gb = 0;
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const rows = Math.min(BLOCK, n - i0);
    forwardBlock(x, d, i0, rows, params, 0, b, res, 1, 0);
    // Half binomial loss log(1 + e^z) − y·z = max(z, 0) − y·z + log(1 + e^−|z|), which never
    // overflows. The logs are summed as the log of a product of factors in (1, 2] — at most 2⁶⁴ per
    // block — so the pass makes one log call per 64 rows instead of one per row.
    let product = 1;
    for (let r = 0; r < rows; r++) {
      const z = res[r];
      const e = Math.exp(-Math.abs(z));
      const target = y[i0 + r] === 1 ? 1 : 0;
      const residual = (z >= 0 ? 1 / (1 + e) : e / (1 + e)) - target;
      res[r] = residual;
      gb += residual;
      loss += Math.max(z, 0) - target * z;
      product *= 1 + e;
    }
    loss += Math.log(product);
    accumulateBlock(x, d, i0, rows, res, 1, 0, grad, 0);
  }
  if (fitIntercept) grad[d] = gb;
  return loss + penalize(params, grad, d, invC);
}

function multinomialLossAndGradient(
  x: Float64Array,
  y: Int32Array,
  n: number,
  d: number,
  k: number,
  fitIntercept: boolean,
  invC: number,
  params: Float64Array,
  grad: Float64Array,
  res: Float64Array,
): number {
  grad.fill(0);
  const nw = k * d;
  let loss = 0;
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const rows = Math.min(BLOCK, n - i0);
    for (let c = 0; c < k; c++) {
      forwardBlock(x, d, i0, rows, params, c * d, fitIntercept ? params[nw + c] : 0, res, k, c);
    }
    // Loss logsumexp(z) − z_y and residuals softmax(z) − onehot(y), shifted by the max for stability.
    // The log-sums are summed as the log of a product of the sums (each in [1, k]), flushed well before
    // overflow, so there is about one log call per block instead of one per row.
    let product = 1;
    for (let r = 0; r < rows; r++) {
      const o = r * k;
      let max = res[o];
      for (let c = 1; c < k; c++) if (res[o + c] > max) max = res[o + c];
      const label = y[i0 + r];
      loss -= res[o + label] - max;
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp(res[o + c] - max);
        res[o + c] = e;
        sum += e;
      }
      const inv = 1 / sum;
      for (let c = 0; c < k; c++) res[o + c] *= inv;
      res[o + label] -= 1;
      product *= sum;
      if (product > 1e280) {
        loss += Math.log(product);
        product = 1;
      }
    }
    loss += Math.log(product);
    for (let c = 0; c < k; c++) {
      accumulateBlock(x, d, i0, rows, res, k, c, grad, c * d);
      if (fitIntercept) {
        let sb = 0;
        for (let r = 0; r < rows; r++) sb += res[r * k + c];
        grad[nw + c] += sb;
      }
    }
  }
  return loss + penalize(params, grad, nw, invC);
}

/**
 * res[r·stride + c] = b + w[wo … wo+d-1]·x[i0 + r] for one block of rows, two rows per step so each
 * coefficient load serves both.
 */
function forwardBlock(
  x: Float64Array,
  d: number,
  i0: number,
  rows: number,
  w: Float64Array,
  wo: number,
  b: number,
  res: Float64Array,
  stride: number,
  c: number,
): void {
  let r = 0;
  for (; r + 1 < rows; r += 2) {
    let z0 = b;
    let z1 = b;
    for (let j = wo, o = (i0 + r) * d, end = wo + d; j < end; j++, o++) {
      const wj = w[j];
      z0 += wj * x[o];
      z1 += wj * x[o + d];
    }
    res[r * stride + c] = z0;
    res[(r + 1) * stride + c] = z1;
  }
  if (r < rows) {
    let z0 = b;
    for (let j = wo, o = (i0 + r) * d, end = wo + d; j < end; j++, o++) z0 += w[j] * x[o];
    res[r * stride + c] = z0;
  }
}

/** grad[g + j] += Σ_r res[r·stride + c] · x[(i0 + r)·d + j] over one block of rows. */
function accumulateBlock(
  x: Float64Array,
  d: number,
  i0: number,
  rows: number,
  res: Float64Array,
  stride: number,
  c: number,
  grad: Float64Array,
  g: number,
): void {
  let j = 0;
  for (; j + 1 < d; j += 2) {
    let s0 = 0;
    let s1 = 0;
    for (let r = 0, o = i0 * d + j, q = c; r < rows; r++, o += d, q += stride) {
      const v = res[q];
      s0 += v * x[o];
      s1 += v * x[o + 1];
    }
    grad[g + j] += s0;
    grad[g + j + 1] += s1;
  }
  if (j < d) {
    let s0 = 0;
    for (let r = 0, o = i0 * d + j, q = c; r < rows; r++, o += d, q += stride) s0 += res[q] * x[o];
    grad[g + j] += s0;
  }
}

/** Adds the L2 term's gradient w/C to the first `nw` entries and returns its value ‖w‖²/(2C). */
function penalize(params: Float64Array, grad: Float64Array, nw: number, invC: number): number {
  let sq = 0;
  for (let j = 0; j < nw; j++) {
    sq += params[j] * params[j];
    grad[j] += params[j] * invC;
  }
  return 0.5 * invC * sq;
}
