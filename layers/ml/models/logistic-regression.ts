/**
 * L2-regularized logistic regression fitted with L-BFGS, matching scikit-learn's
 * `LogisticRegression(solver='lbfgs')`: the same objective (C · Σ log-loss + ½‖w‖², intercept not
 * penalized), the same stopping rule, a single logistic for two classes and a softmax over all classes
 * (multi_class='multinomial') for more.
 */

import type { FeatureMatrix, LabelledMatrix } from '../data/matrix.ts';
import { toRowMajor } from '../data/matrix.ts';
import { DataError, MlError, ParamsError } from '../errors.ts';
import * as z from '../zod.ts';
import type { Classifier, ModelJSON, ModelSpec } from './classifier.ts';
import { argmaxRows } from './classifier.ts';
import { checkFeatures, checkTrainingSet } from './linear/data-checks.ts';
import { minimizeLbfgs } from './linear/lbfgs.ts';
import type { LogisticProblem } from './linear/logistic-loss.ts';
import { logisticObjective, parameterCount } from './linear/logistic-loss.ts';
import { finiteArray, positiveInteger, readHeader, stateObject } from './linear/model-json.ts';

/** scikit-learn's names and defaults (max_iter stays at its 100 so the same params mean the same fit). */
export const logisticRegressionParams = z.strictObject({
  C: z._default(z.number().check(z.positive()), 1),
  max_iter: z._default(z.int().check(z.minimum(1)), 100),
  tol: z._default(z.number().check(z.positive()), 1e-4),
  fit_intercept: z._default(z.boolean(), true),
});

export type LogisticRegressionParams = z.infer<typeof logisticRegressionParams>;

const FORMAT_VERSION = 1;

interface Fitted {
  readonly nFeatures: number;
  readonly nClasses: number;
  /** `rows × nFeatures`, rows = 1 for two classes (the logit of class 1), else nClasses. */
  readonly coef: Float64Array;
  /** One per coefficient row; zeros without an intercept. */
  readonly intercept: Float64Array;
  readonly nIter: number;
}

function coefRows(nClasses: number): number {
  return nClasses === 2 ? 1 : nClasses;
}

/** The logistic function as SciPy's expit computes it. */
function expit(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

class LogisticRegression implements Classifier {
  readonly name = 'LogisticRegression' as const;
  private fitted: Fitted | undefined;

  constructor(
    readonly params: LogisticRegressionParams,
    fitted?: Fitted,
  ) {
    this.fitted = fitted;
  }

  fit(train: LabelledMatrix): void {
    const distinct = checkTrainingSet(train, this.name);
    if (distinct < 2) {
      throw new DataError('TOO_FEW_CLASSES', `${this.name}: the training labels hold a single class`);
    }
    const { C, max_iter: maxIter, tol, fit_intercept: fitIntercept } = this.params;
    const problem: LogisticProblem = {
      x: toRowMajor(train),
      y: train.y,
      nRows: train.nRows,
      nFeatures: train.nFeatures,
      nClasses: train.nClasses,
      C,
      fitIntercept,
    };
    const objective = logisticObjective(problem);
    const result = minimizeLbfgs(objective, new Float64Array(parameterCount(problem)), {
      maxIter,
      gtol: tol,
    });
    const rows = coefRows(train.nClasses);
    const nw = rows * train.nFeatures;
    const intercept = new Float64Array(rows);
    if (fitIntercept) intercept.set(result.x.subarray(nw, nw + rows));
    this.fitted = {
      nFeatures: train.nFeatures,
      nClasses: train.nClasses,
      coef: result.x.slice(0, nw),
      intercept,
      nIter: result.iterations,
    };
  }

  private model(): Fitted {
    if (!this.fitted) throw new MlError(`${this.name}: predict called before fit`);
    return this.fitted;
  }

  predict(x: FeatureMatrix): Int32Array {
    return argmaxRows(this.predictProba(x), x.nRows, this.model().nClasses);
  }

  predictProba(x: FeatureMatrix): Float64Array {
    const m = this.model();
    checkFeatures(x, m.nFeatures, this.name);
    const n = x.nRows;
    const k = m.nClasses;
    const rows = coefRows(k);
    // Decision values accumulated column by column (the matrix is column-major), in the same
    // feature order as predictProbaRow so both give bit-identical probabilities.
    const z = new Float64Array(n * rows);
    const xv = x.values;
    for (let r = 0; r < rows; r++) {
      const base = r * n;
      z.fill(m.intercept[r], base, base + n);
      for (let j = 0; j < m.nFeatures; j++) {
        const w = m.coef[r * m.nFeatures + j];
        const col = j * n;
        for (let i = 0; i < n; i++) z[base + i] += w * xv[col + i];
      }
    }
    const out = new Float64Array(n * k);
    if (k === 2) {
      for (let i = 0; i < n; i++) {
        const p = expit(z[i]);
        out[2 * i] = 1 - p;
        out[2 * i + 1] = p;
      }
      return out;
    }
    for (let i = 0; i < n; i++) {
      const o = i * k;
      for (let c = 0; c < k; c++) out[o + c] = z[c * n + i];
      softmaxInPlace(out, o, k);
    }
    return out;
  }

  predictProbaRow(row: Float64Array, out: Float64Array): void {
    const m = this.model();
    const d = m.nFeatures;
    const rows = coefRows(m.nClasses);
    for (let r = 0; r < rows; r++) {
      let s = m.intercept[r];
      const w = r * d;
      for (let j = 0; j < d; j++) s += m.coef[w + j] * row[j];
      out[r] = s;
    }
    if (m.nClasses === 2) {
      const p = expit(out[0]);
      out[0] = 1 - p;
      out[1] = p;
    } else {
      softmaxInPlace(out, 0, m.nClasses);
    }
  }

  /** |coef| per feature (averaged over classes for the softmax), normalized to sum 1. */
  featureImportances(): Float64Array {
    const m = this.model();
    const d = m.nFeatures;
    const rows = coefRows(m.nClasses);
    const imp = new Float64Array(d);
    for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) imp[j] += Math.abs(m.coef[r * d + j]) / rows;
    let sum = 0;
    for (let j = 0; j < d; j++) sum += imp[j];
    for (let j = 0; j < d; j++) imp[j] = sum > 0 ? imp[j] / sum : 1 / d;
    return imp;
  }

  /** scikit-learn's `coef_` (rows × nFeatures, row-major) and `intercept_`. */
  coefficients(): { coef: Float64Array; intercept: Float64Array; nIter: number } {
    const m = this.model();
    return { coef: m.coef.slice(), intercept: m.intercept.slice(), nIter: m.nIter };
  }

  toJSON(): ModelJSON {
    const m = this.model();
    return {
      format: 'synergy.LogisticRegression',
      formatVersion: FORMAT_VERSION,
      model: this.name,
      params: { ...this.params },
      nFeatures: m.nFeatures,
      nClasses: m.nClasses,
      state: { coef: Array.from(m.coef), intercept: Array.from(m.intercept), nIter: m.nIter },
    };
  }

  dispose(): void {}
}

/** Numerically safe softmax of `v[o … o+k-1]`, computed as scipy.special.softmax does. */
function softmaxInPlace(v: Float64Array, o: number, k: number): void {
  let max = v[o];
  for (let c = 1; c < k; c++) if (v[o + c] > max) max = v[o + c];
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(v[o + c] - max);
    v[o + c] = e;
    sum += e;
  }
  for (let c = 0; c < k; c++) v[o + c] /= sum;
}

function parseParams(params: unknown): LogisticRegressionParams {
  const parsed = logisticRegressionParams.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ParamsError(
      `LogisticRegression: invalid parameter ${issue.path.join('.') || '(params)'}: ${issue.message}`,
      {
        model: 'LogisticRegression',
        field: issue.path.join('.'),
      },
    );
  }
  return parsed.data;
}

function fromJSON(json: ModelJSON): Classifier {
  const params = readHeader(json, 'LogisticRegression', FORMAT_VERSION, logisticRegressionParams);
  const state = stateObject(json.state, 'LogisticRegression');
  const rows = coefRows(json.nClasses);
  const fitted: Fitted = {
    nFeatures: json.nFeatures,
    nClasses: json.nClasses,
    coef: finiteArray(state.coef, rows * json.nFeatures, 'LogisticRegression: state.coef'),
    intercept: finiteArray(state.intercept, rows, 'LogisticRegression: state.intercept'),
    nIter: positiveIntegerOrZero(state.nIter),
  };
  return new LogisticRegression(params, fitted);
}

function positiveIntegerOrZero(v: unknown): number {
  return v === 0 ? 0 : positiveInteger(v, 'LogisticRegression: state.nIter');
}

export const logisticRegressionSpec: ModelSpec<LogisticRegressionParams> = {
  name: 'LogisticRegression',
  params: logisticRegressionParams,
  create: (params) => new LogisticRegression(parseParams(params)),
  fromJSON,
};

/** Direct construction for callers that want `coefficients()` (tests, reports). */
export function createLogisticRegression(params: Partial<LogisticRegressionParams> = {}): LogisticRegression {
  return new LogisticRegression(parseParams(params));
}

export type { LogisticRegression };
