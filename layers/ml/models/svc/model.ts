/**
 * A trained libsvm C-SVC model held in plain typed arrays, and libsvm's prediction rules ported line for
 * line (svm_predict_values, the one-vs-one vote, sigmoid_predict, multiclass_probability of libsvm 3.22,
 * the version compiled into libsvm-js). Training runs in wasm; prediction runs here so a fitted model
 * keeps no wasm memory alive and serving one row costs no copy into the wasm heap.
 */

export type SvcKernel = 'linear' | 'poly' | 'rbf' | 'sigmoid';

export interface LibsvmModel {
  readonly kernel: SvcKernel;
  readonly degree: number;
  readonly gamma: number;
  readonly coef0: number;
  readonly nFeatures: number;
  /** Class index (label) of each libsvm class slot, in libsvm's order. */
  readonly labels: Int32Array;
  /** Support vectors per class slot; the support vectors are grouped by slot in this order. */
  readonly nSV: Int32Array;
  /** Row-major `totalSV × nFeatures`. */
  readonly supportVectors: Float64Array;
  /** Row-major `(nrClass - 1) × totalSV`: libsvm's `sv_coef[j][i]` is `svCoef[j * totalSV + i]`. */
  readonly svCoef: Float64Array;
  /** One intercept per one-vs-one pair (i < j, in libsvm's pair order). */
  readonly rho: Float64Array;
  /** Platt sigmoid parameters per pair; present only when trained with probability estimates. */
  readonly probA: Float64Array | undefined;
  readonly probB: Float64Array | undefined;
}

export function totalSupportVectors(model: LibsvmModel): number {
  return model.supportVectors.length / model.nFeatures;
}

/** libsvm's powi: exponentiation by squaring, so polynomial kernels round exactly as in C. */
function powi(base: number, times: number): number {
  let tmp = base;
  let ret = 1.0;
  for (let t = times; t > 0; t = Math.trunc(t / 2)) {
    if (t % 2 === 1) ret *= tmp;
    tmp = tmp * tmp;
  }
  return ret;
}

/** Evaluates a model on single rows with preallocated scratch space (not safe to share across threads). */
export class LibsvmPredictor {
  readonly model: LibsvmModel;
  private readonly kvalue: Float64Array;
  private readonly decision: Float64Array;
  private readonly vote: Int32Array;
  private readonly start: Int32Array;
  private readonly pairwise: Float64Array;
  private readonly q: Float64Array;
  private readonly qp: Float64Array;

  constructor(model: LibsvmModel) {
    this.model = model;
    const k = model.labels.length;
    this.kvalue = new Float64Array(totalSupportVectors(model));
    this.decision = new Float64Array((k * (k - 1)) / 2);
    this.vote = new Int32Array(k);
    this.start = new Int32Array(k);
    for (let i = 1; i < k; i++) this.start[i] = this.start[i - 1] + model.nSV[i - 1];
    this.pairwise = new Float64Array(k * k);
    this.q = new Float64Array(k * k);
    this.qp = new Float64Array(k);
  }

  get nrClass(): number {
    return this.model.labels.length;
  }

  get hasProbability(): boolean {
    return this.model.probA !== undefined && this.model.probB !== undefined;
  }

  /** svm_predict_values: one decision value per pair, then the vote; returns the winning class slot. */
  predictSlot(row: ArrayLike<number>): number {
    this.decisionValues(row);
    const k = this.nrClass;
    const vote = this.vote;
    vote.fill(0);
    let p = 0;
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        if (this.decision[p] > 0) ++vote[i];
        else ++vote[j];
        p++;
      }
    }
    let best = 0;
    for (let i = 1; i < k; i++) if (vote[i] > vote[best]) best = i;
    return best;
  }

  /** svm_predict_probability: pairwise Platt probabilities coupled into one estimate per class slot. */
  probabilitySlots(row: ArrayLike<number>, out: Float64Array): void {
    const { probA, probB } = this.model;
    if (probA === undefined || probB === undefined) {
      throw new RangeError('LibsvmPredictor: the model was trained without probability estimates');
    }
    this.decisionValues(row);
    const k = this.nrClass;
    const minProb = 1e-7;
    const r = this.pairwise;
    let p = 0;
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        const pij = Math.min(
          Math.max(sigmoidPredict(this.decision[p], probA[p], probB[p]), minProb),
          1 - minProb,
        );
        r[i * k + j] = pij;
        r[j * k + i] = 1 - pij;
        p++;
      }
    }
    if (k === 2) {
      out[0] = r[0 * k + 1];
      out[1] = r[1 * k + 0];
    } else {
      this.multiclassProbability(k, out);
    }
  }

  private decisionValues(row: ArrayLike<number>): void {
    const { model, kvalue } = this;
    const d = model.nFeatures;
    const sv = model.supportVectors;
    const l = kvalue.length;
    const { gamma, coef0, degree } = model;
    switch (model.kernel) {
      case 'rbf':
        for (let s = 0; s < l; s++) {
          const off = s * d;
          let sum = 0;
          for (let f = 0; f < d; f++) {
            const diff = row[f] - sv[off + f];
            sum += diff * diff;
          }
          kvalue[s] = Math.exp(-gamma * sum);
        }
        break;
      case 'linear':
        for (let s = 0; s < l; s++) kvalue[s] = dot(row, sv, s * d, d);
        break;
      case 'poly':
        for (let s = 0; s < l; s++) kvalue[s] = powi(gamma * dot(row, sv, s * d, d) + coef0, degree);
        break;
      case 'sigmoid':
        for (let s = 0; s < l; s++) kvalue[s] = Math.tanh(gamma * dot(row, sv, s * d, d) + coef0);
        break;
    }
    const k = this.nrClass;
    const { nSV, svCoef, rho } = model;
    const start = this.start;
    let p = 0;
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        let sum = 0;
        const si = start[i];
        const sj = start[j];
        const coef1 = (j - 1) * l;
        const coef2 = i * l;
        for (let t = 0; t < nSV[i]; t++) sum += svCoef[coef1 + si + t] * kvalue[si + t];
        for (let t = 0; t < nSV[j]; t++) sum += svCoef[coef2 + sj + t] * kvalue[sj + t];
        sum -= rho[p];
        this.decision[p] = sum;
        p++;
      }
    }
  }

  /** Wu, Lin and Weng's pairwise coupling (method 2), exactly as libsvm iterates it. */
  private multiclassProbability(k: number, p: Float64Array): void {
    const r = this.pairwise;
    const Q = this.q;
    const Qp = this.qp;
    const maxIter = Math.max(100, k);
    const eps = 0.005 / k;
    for (let t = 0; t < k; t++) {
      p[t] = 1.0 / k;
      Q[t * k + t] = 0;
      for (let j = 0; j < t; j++) {
        Q[t * k + t] += r[j * k + t] * r[j * k + t];
        Q[t * k + j] = Q[j * k + t];
      }
      for (let j = t + 1; j < k; j++) {
        Q[t * k + t] += r[j * k + t] * r[j * k + t];
        Q[t * k + j] = -r[j * k + t] * r[t * k + j];
      }
    }
    for (let iter = 0; iter < maxIter; iter++) {
      let pQp = 0;
      for (let t = 0; t < k; t++) {
        Qp[t] = 0;
        for (let j = 0; j < k; j++) Qp[t] += Q[t * k + j] * p[j];
        pQp += p[t] * Qp[t];
      }
      let maxError = 0;
      for (let t = 0; t < k; t++) {
        const error = Math.abs(Qp[t] - pQp);
        if (error > maxError) maxError = error;
      }
      if (maxError < eps) break;
      for (let t = 0; t < k; t++) {
        const diff = (-Qp[t] + pQp) / Q[t * k + t];
        p[t] += diff;
        pQp = (pQp + diff * (diff * Q[t * k + t] + 2 * Qp[t])) / (1 + diff) / (1 + diff);
        for (let j = 0; j < k; j++) {
          Qp[j] = (Qp[j] + diff * Q[t * k + j]) / (1 + diff);
          p[j] /= 1 + diff;
        }
      }
    }
  }
}

function dot(row: ArrayLike<number>, sv: Float64Array, off: number, d: number): number {
  let sum = 0;
  for (let f = 0; f < d; f++) sum += row[f] * sv[off + f];
  return sum;
}

/** 1 − p is used by the caller, so both branches avoid catastrophic cancellation (as libsvm). */
function sigmoidPredict(decisionValue: number, a: number, b: number): number {
  const fApB = decisionValue * a + b;
  if (fApB >= 0) return Math.exp(-fApB) / (1.0 + Math.exp(-fApB));
  return 1.0 / (1 + Math.exp(fApB));
}

/**
 * Primal weights of a linear-kernel model, |w| summed over the one-vs-one classifiers per feature and
 * normalized to 1; undefined when every weight is zero.
 */
export function linearImportances(model: LibsvmModel): Float64Array | undefined {
  const d = model.nFeatures;
  const k = model.labels.length;
  const l = totalSupportVectors(model);
  const start = new Int32Array(k);
  for (let i = 1; i < k; i++) start[i] = start[i - 1] + model.nSV[i - 1];
  const importance = new Float64Array(d);
  const w = new Float64Array(d);
  const { svCoef, supportVectors: sv, nSV } = model;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      w.fill(0);
      // Same coefficient rows as svm_predict_values uses for pair (i, j).
      const addClass = (cls: number, coefRow: number): void => {
        for (let t = 0; t < nSV[cls]; t++) {
          const s = start[cls] + t;
          const c = svCoef[coefRow * l + s];
          for (let f = 0; f < d; f++) w[f] += c * sv[s * d + f];
        }
      };
      addClass(i, j - 1);
      addClass(j, i);
      for (let f = 0; f < d; f++) importance[f] += Math.abs(w[f]);
    }
  }
  let total = 0;
  for (let f = 0; f < d; f++) total += importance[f];
  if (!(total > 0)) return undefined;
  for (let f = 0; f < d; f++) importance[f] /= total;
  return importance;
}
