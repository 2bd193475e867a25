import type { z } from 'zod/mini';
import type { FeatureMatrix, LabelledMatrix } from '../data/matrix.ts';

/** The nine model names of the paper, in its order; the order also breaks ties between models. */
export const MODEL_NAMES = [
  'LogisticRegression',
  'DecisionTree',
  'RandomForest',
  'SVC',
  'KNN',
  'GradientBoosting',
  'AdaBoost',
  'XGBoost',
  'MLP',
] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export function isModelName(s: string): s is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(s);
}

/**
 * Serialized model: plain JSON (typed arrays become number arrays). `format` is
 * `synergy.<ModelName>` and `formatVersion` an integer bumped on any incompatible change.
 * Same data + params + seed ⇒ byte-identical JSON.stringify output.
 */
export interface ModelJSON {
  readonly format: string;
  readonly formatVersion: number;
  readonly model: ModelName;
  readonly params: Readonly<Record<string, unknown>>;
  readonly nFeatures: number;
  readonly nClasses: number;
  readonly state: unknown;
}

/**
 * One fitted classifier. Classes are indices 0..nClasses-1 (labels live in the preprocessor);
 * probabilities are row-major `nRows × nClasses`.
 */
export interface Classifier {
  readonly name: ModelName;
  fit(train: LabelledMatrix): void;
  predict(x: FeatureMatrix): Int32Array;
  predictProba(x: FeatureMatrix): Float64Array;
  /** Fast path for serving one row (features in model order); writes nClasses probabilities into `out`. */
  predictProbaRow(row: Float64Array, out: Float64Array): void;
  /** Importance per feature, summing to 1 where defined natively (trees, linear |coef|); else undefined. */
  featureImportances(): Float64Array | undefined;
  toJSON(): ModelJSON;
  /** Releases native/wasm memory (SVC); a no-op elsewhere. */
  dispose(): void;
}

/**
 * How the search and the registry know a model: its hyperparameter schema (zod, with scikit-learn's
 * defaults), a factory, and a loader for its JSON.
 */
export interface ModelSpec<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly name: ModelName;
  readonly params: z.ZodMiniType<P, Record<string, unknown>>;
  create(params: P, seed: number): Classifier;
  fromJSON(json: ModelJSON): Classifier;
}

/** argmax per row of a row-major probability matrix; ties go to the lowest class index (as numpy). */
export function argmaxRows(proba: Float64Array, nRows: number, nClasses: number): Int32Array {
  const out = new Int32Array(nRows);
  for (let i = 0; i < nRows; i++) {
    const off = i * nClasses;
    let best = 0;
    let bestP = proba[off];
    for (let c = 1; c < nClasses; c++) {
      const p = proba[off + c];
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}
