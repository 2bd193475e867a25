/**
 * A fitted (or to-be-fitted) SVC. Prediction is libsvm's own rules in TypeScript (svc/model.ts), so this
 * module does not load libsvm-js: serving loads SVC models without the ~70 ms wasm start-up, and only the
 * training spec (svc.ts) supplies the trainer that `fit` needs.
 */
import type { FeatureMatrix, LabelledMatrix } from '../../data/matrix.ts';
import { DataError, MlError, ModelFormatError } from '../../errors.ts';
import type { Classifier, ModelJSON } from '../classifier.ts';
import type { trainLibsvm } from './libsvm.ts';
import { type LibsvmModel, LibsvmPredictor, linearImportances } from './model.ts';
import { formatModelText, parseModelText } from './model-text.ts';
import { resolveGamma, type SvcParams, svcParamsSchema } from './params.ts';

/** libsvm's trainer (svc/libsvm.ts); absent on a model loaded for prediction only. */
export type SvcTrainer = typeof trainLibsvm;

const FORMAT = 'synergy.SVC';
const FORMAT_VERSION = 1;

interface SvcState {
  readonly seed: number;
  /** libsvm's model file format, numbers written with full precision (svc/model-text.ts). */
  readonly libsvmModel: string;
}

interface Fitted {
  readonly model: LibsvmModel;
  readonly predictor: LibsvmPredictor;
  readonly nClasses: number;
  /** Scratch for probabilities per libsvm class slot. */
  readonly slotProba: Float64Array;
}

function makeFitted(model: LibsvmModel, nClasses: number): Fitted {
  return {
    model,
    predictor: new LibsvmPredictor(model),
    nClasses,
    slotProba: new Float64Array(model.labels.length),
  };
}

export class SvcClassifier implements Classifier {
  readonly name = 'SVC' as const;
  private readonly params: SvcParams;
  private readonly seed: number;
  private fitted: Fitted | undefined;
  private readonly trainer: SvcTrainer | undefined;

  constructor(params: SvcParams, seed: number, trainer: SvcTrainer | undefined, fitted?: Fitted) {
    this.params = params;
    this.seed = seed;
    this.trainer = trainer;
    this.fitted = fitted;
  }

  fit(train: LabelledMatrix): void {
    validateTraining(train);
    const { nRows: n, nFeatures: d, values, y } = train;
    // Stable grouping by class makes libsvm's class order ascending, as in scikit-learn's libsvm.
    const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => y[a] - y[b] || a - b);
    const rows = new Float64Array(n * d);
    const labels = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      const i = order[r];
      labels[r] = y[i];
      for (let f = 0; f < d; f++) rows[r * d + f] = values[f * n + i];
    }
    if (this.trainer === undefined) {
      throw new MlError('SVC: this model was loaded for prediction only; train with the svc.ts spec');
    }
    const p = this.params;
    const model = this.trainer(rows, labels, d, {
      kernel: p.kernel,
      degree: p.degree,
      gamma: resolveGamma(p.gamma, train),
      coef0: p.coef0,
      C: p.C,
      tol: p.tol,
      cacheSizeMb: p.cache_size,
      shrinking: p.shrinking,
      probability: p.probability,
      seed: this.seed,
    });
    this.fitted = makeFitted(model, train.nClasses);
  }

  /** libsvm's one-vs-one vote, as scikit-learn's predict (also when probability=true). */
  predict(x: FeatureMatrix): Int32Array {
    const { model, predictor } = this.ready(x.nFeatures);
    const n = x.nRows;
    const d = x.nFeatures;
    const row = new Float64Array(d);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < d; f++) row[f] = x.values[f * n + i];
      out[i] = model.labels[predictor.predictSlot(row)];
    }
    return out;
  }

  predictProba(x: FeatureMatrix): Float64Array {
    const { nClasses } = this.ready(x.nFeatures);
    const n = x.nRows;
    const d = x.nFeatures;
    const row = new Float64Array(d);
    const out = new Float64Array(n * nClasses);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < d; f++) row[f] = x.values[f * n + i];
      this.predictProbaRow(row, out.subarray(i * nClasses, (i + 1) * nClasses));
    }
    return out;
  }

  /**
   * With probability=true, libsvm's Platt-scaled, pairwise-coupled probabilities. With probability=false
   * scikit-learn refuses predict_proba; we return the one-hot of the predicted class instead, so every
   * model can be scored and served the same way (log loss and AUC then judge hard decisions).
   * Classes absent from the training data get probability 0.
   */
  predictProbaRow(row: Float64Array, out: Float64Array): void {
    const { model, predictor, slotProba: slots } = this.ready(row.length);
    out.fill(0);
    if (predictor.hasProbability) {
      predictor.probabilitySlots(row, slots);
      for (let s = 0; s < slots.length; s++) out[model.labels[s]] = slots[s];
    } else {
      out[model.labels[predictor.predictSlot(row)]] = 1;
    }
  }

  /** For the linear kernel, |w| summed over the one-vs-one classifiers; undefined for other kernels. */
  featureImportances(): Float64Array | undefined {
    const { model } = this.ready();
    return model.kernel === 'linear' ? linearImportances(model) : undefined;
  }

  toJSON(): ModelJSON {
    const { model, nClasses } = this.ready();
    const state: SvcState = { seed: this.seed, libsvmModel: formatModelText(model) };
    return {
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      model: 'SVC',
      params: { ...this.params },
      nFeatures: model.nFeatures,
      nClasses,
      state,
    };
  }

  /** Nothing to release: fit frees libsvm's wasm memory before returning. */
  dispose(): void {}

  private ready(nFeatures?: number): Fitted {
    const fitted = this.fitted;
    if (fitted === undefined) throw new MlError('SVC: the model is not fitted');
    if (nFeatures !== undefined && nFeatures !== fitted.model.nFeatures) {
      throw new DataError(
        'INVALID_VALUE',
        `SVC: expected ${fitted.model.nFeatures} features, got ${nFeatures}`,
      );
    }
    return fitted;
  }
}

function validateTraining(train: LabelledMatrix): void {
  const { nRows: n, nFeatures: d, values, y, nClasses } = train;
  if (d < 1) throw new DataError('NO_FEATURES', 'SVC: the training matrix has no features');
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new DataError('INVALID_VALUE', `SVC: non-finite feature value in row ${(i % n) + 1}`);
    }
  }
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(y[i]) || y[i] < 0 || y[i] >= nClasses) {
      throw new DataError('INVALID_VALUE', `SVC: class index ${y[i]} outside 0..${nClasses - 1}`);
    }
    seen.add(y[i]);
  }
  if (seen.size < 2) throw new DataError('TOO_FEW_CLASSES', 'SVC: training data needs at least two classes');
}

/** Reads toJSON() output; `trainer` only matters if the loaded model is fitted again. */
export function svcFromJSON(json: ModelJSON, trainer?: SvcTrainer): Classifier {
  if (json.format !== FORMAT || json.formatVersion !== FORMAT_VERSION || json.model !== 'SVC') {
    throw new ModelFormatError(
      `SVC: expected ${FORMAT} version ${FORMAT_VERSION}, got ${json.format} version ${json.formatVersion}`,
    );
  }
  const parsed = svcParamsSchema.safeParse(json.params);
  if (!parsed.success)
    throw new ModelFormatError('SVC: invalid params in model JSON', { cause: parsed.error });
  const params = parsed.data;
  const { nFeatures, nClasses } = json;
  if (!Number.isInteger(nFeatures) || nFeatures < 1 || !Number.isInteger(nClasses) || nClasses < 2) {
    throw new ModelFormatError('SVC: nFeatures must be ≥ 1 and nClasses ≥ 2');
  }
  const state = json.state as Partial<SvcState> | null;
  const seed = state?.seed;
  if (typeof state?.libsvmModel !== 'string' || typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new ModelFormatError('SVC: state must hold seed and libsvmModel');
  }
  const model = parseModelText(state.libsvmModel, nFeatures, nClasses);
  if (model.kernel !== params.kernel || (typeof params.gamma === 'number' && model.gamma !== params.gamma)) {
    throw new ModelFormatError('SVC: the libsvm model does not match the params');
  }
  return new SvcClassifier(params, seed, trainer, makeFitted(model, nClasses));
}
