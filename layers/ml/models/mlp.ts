import type { FeatureMatrix, LabelledMatrix } from '../data/matrix.ts';
import { toRowMajor } from '../data/matrix.ts';
import { DataError, MlError, ModelFormatError, ParamsError } from '../errors.ts';
import { Random } from '../random.ts';
import * as z from '../zod.ts';
import type { Classifier, ModelJSON, ModelSpec } from './classifier.ts';
import { argmaxRows } from './classifier.ts';
import type { OutputActivation } from './mlp/activations.ts';
import { HIDDEN_ACTIVATIONS } from './mlp/activations.ts';
import { Network, parameterCount } from './mlp/network.ts';
import { train } from './mlp/train.ts';

/** scikit-learn's MLPClassifier hyperparameters and defaults (Adam only; no early_stopping). */
const positiveInt = z.int().check(z.positive());
const nonNegative = z.number().check(z.minimum(0));
const positive = z.number().check(z.positive());
const momentum = z.number().check(z.minimum(0), z.lt(1));

export const mlpParamsSchema = z.strictObject({
  hidden_layer_sizes: z._default(z.array(positiveInt), [100]),
  activation: z._default(z.enum(HIDDEN_ACTIVATIONS), 'relu'),
  solver: z._default(z.literal('adam', { error: "only solver 'adam' is supported" }), 'adam'),
  alpha: z._default(nonNegative, 1e-4),
  batch_size: z._default(z.union([z.literal('auto'), positiveInt]), 'auto'),
  learning_rate_init: z._default(positive, 1e-3),
  max_iter: z._default(positiveInt, 200),
  tol: z._default(nonNegative, 1e-4),
  n_iter_no_change: z._default(positiveInt, 10),
  beta_1: z._default(momentum, 0.9),
  beta_2: z._default(momentum, 0.999),
  epsilon: z._default(positive, 1e-8),
  shuffle: z._default(z.boolean(), true),
});

export type MlpParams = z.output<typeof mlpParamsSchema>;

const FORMAT = 'synergy.MLP';
const FORMAT_VERSION = 1;
/** Rows per block in predictProba: big enough for the dense kernels, small enough to stay in cache. */
const PREDICT_BLOCK = 256;

function parseParams(raw: unknown): MlpParams {
  const parsed = mlpParamsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.join('.') : '(params)';
    throw new ParamsError(`MLP: invalid parameter ${field}: ${issue.message}`, { model: 'MLP', field });
  }
  return parsed.data;
}

/** One logistic unit for two classes, one softmax unit per class otherwise (as scikit-learn). */
function outputShape(nClasses: number): { units: number; activation: OutputActivation } {
  return nClasses === 2 ? { units: 1, activation: 'logistic' } : { units: nClasses, activation: 'softmax' };
}

/** A trained network and what it was trained on. */
export interface MlpFitted {
  readonly net: Network;
  readonly nFeatures: number;
  readonly nClasses: number;
  readonly nIter: number;
  readonly loss: number;
}

/** A multi-layer perceptron trained with mini-batch Adam, following scikit-learn's MLPClassifier. */
export class MlpClassifier implements Classifier {
  readonly name = 'MLP' as const;
  readonly params: MlpParams;
  private readonly seed: number;
  private fitted: MlpFitted | undefined;
  /** Scratch for predictProbaRow / predictProba, allocated once per fitted network. */
  private rowActs: Float64Array[] = [];
  private blockActs: Float64Array[] = [];

  constructor(params: MlpParams, seed: number, fitted?: MlpFitted) {
    this.params = params;
    this.seed = seed;
    if (fitted) this.adopt(fitted);
  }

  /** Epochs of the last fit (scikit-learn's n_iter_), for diagnostics. */
  get nIter(): number {
    return this.model().nIter;
  }

  fit(data: LabelledMatrix): void {
    validateTrainingData(data);
    const { nRows: n, nFeatures: d, nClasses } = data;
    const p = this.params;
    const out = outputShape(nClasses);
    const net = new Network([d, ...p.hidden_layer_sizes, out.units], p.activation, out.activation);
    const rng = new Random(this.seed);
    net.initialize(rng);
    const result = train(
      net,
      toRowMajor(data),
      data.y,
      {
        alpha: p.alpha,
        batchSize: p.batch_size === 'auto' ? Math.min(200, n) : Math.min(p.batch_size, n),
        learningRate: p.learning_rate_init,
        beta1: p.beta_1,
        beta2: p.beta_2,
        epsilon: p.epsilon,
        maxIter: p.max_iter,
        tol: p.tol,
        nIterNoChange: p.n_iter_no_change,
        shuffle: p.shuffle,
      },
      rng,
    );
    if (!net.params.every(Number.isFinite)) {
      throw new DataError(
        'INVALID_VALUE',
        'MLP: training produced non-finite weights; the input may contain very large values and need scaling',
      );
    }
    this.adopt({ net, nFeatures: d, nClasses, nIter: result.nIter, loss: result.loss });
  }

  predict(x: FeatureMatrix): Int32Array {
    return argmaxRows(this.predictProba(x), x.nRows, this.model().nClasses);
  }

  predictProba(x: FeatureMatrix): Float64Array {
    const { net, nClasses } = this.model();
    this.checkFeatures(x.nFeatures);
    const { nRows: n, nFeatures: d, values } = x;
    const proba = new Float64Array(n * nClasses);
    const input = this.blockActs[0];
    for (let start = 0; start < n; start += PREDICT_BLOCK) {
      const count = Math.min(PREDICT_BLOCK, n - start);
      for (let j = 0; j < d; j++) {
        const col = j * n + start;
        for (let r = 0; r < count; r++) input[r * d + j] = values[col + r];
      }
      const out = net.forward(this.blockActs, count);
      writeProba(out, count, nClasses, proba, start * nClasses);
    }
    return proba;
  }

  predictProbaRow(row: Float64Array, out: Float64Array): void {
    const { net, nClasses, nFeatures } = this.model();
    this.checkFeatures(row.length);
    const input = this.rowActs[0];
    for (let j = 0; j < nFeatures; j++) input[j] = row[j];
    writeProba(net.forward(this.rowActs, 1), 1, nClasses, out, 0);
  }

  featureImportances(): undefined {
    return undefined;
  }

  toJSON(): ModelJSON {
    const { net, nFeatures, nClasses, nIter, loss } = this.model();
    return {
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      model: 'MLP',
      params: { ...this.params, hidden_layer_sizes: [...this.params.hidden_layer_sizes] },
      nFeatures,
      nClasses,
      state: {
        seed: this.seed,
        layerSizes: [...net.sizes],
        outActivation: net.output,
        nIter,
        loss,
        coefs: net.coefs.map((w) => Array.from(w)),
        intercepts: net.intercepts.map((b) => Array.from(b)),
      },
    };
  }

  dispose(): void {}

  private adopt(fitted: MlpFitted): void {
    this.fitted = fitted;
    this.rowActs = fitted.net.allocateActivations(1);
    this.blockActs = fitted.net.allocateActivations(PREDICT_BLOCK);
  }

  private model(): MlpFitted {
    if (!this.fitted) throw new MlError('MLP: the model is not fitted yet', { model: 'MLP' });
    return this.fitted;
  }

  private checkFeatures(got: number): void {
    const expected = this.model().nFeatures;
    if (got !== expected) {
      throw new DataError('INVALID_VALUE', `MLP: expected ${expected} features, got ${got}`);
    }
  }
}

function validateTrainingData(data: LabelledMatrix): void {
  if (data.nRows < 1 || data.nFeatures < 1) {
    throw new DataError('INVALID_VALUE', `MLP: cannot fit ${data.nRows} rows × ${data.nFeatures} features`);
  }
  if (data.nClasses < 2) throw new DataError('TOO_FEW_CLASSES', 'MLP: needs at least two classes');
  for (let i = 0; i < data.y.length; i++) {
    const c = data.y[i];
    if (c < 0 || c >= data.nClasses) {
      throw new DataError('INVALID_VALUE', `MLP: label ${c} of row ${i} is outside 0..${data.nClasses - 1}`);
    }
  }
  if (!data.values.every(Number.isFinite)) {
    throw new DataError('INVALID_VALUE', 'MLP: features must be finite numbers (impute or drop NaN first)');
  }
}

/** Network outputs → class probabilities; a single logistic unit p becomes [1 - p, p]. */
function writeProba(
  out: Float64Array,
  nRows: number,
  nClasses: number,
  proba: Float64Array,
  at: number,
): void {
  if (nClasses === 2) {
    for (let i = 0; i < nRows; i++) {
      proba[at + 2 * i] = 1 - out[i];
      proba[at + 2 * i + 1] = out[i];
    }
    return;
  }
  for (let i = 0; i < nRows * nClasses; i++) proba[at + i] = out[i];
}

/** zod 4 numbers reject NaN and ±Infinity, so this also catches corrupted weights. */
const finiteArray = z.array(z.number());
const stateSchema = z.strictObject({
  seed: z.number(),
  layerSizes: z.array(positiveInt).check(z.minLength(2)),
  outActivation: z.enum(['logistic', 'softmax']),
  nIter: z.int().check(z.minimum(0)),
  loss: z.number(),
  coefs: z.array(finiteArray),
  intercepts: z.array(finiteArray),
});

function formatError(json: unknown, why: string): ModelFormatError {
  const header = json !== null && typeof json === 'object' ? (json as Partial<ModelJSON>) : {};
  return new ModelFormatError(`MLP model: ${why}`, {
    format: header.format,
    formatVersion: header.formatVersion,
  });
}

function loadMlp(json: ModelJSON): MlpClassifier {
  if (json === null || typeof json !== 'object') throw formatError(json, 'not an object');
  if (json.format !== FORMAT) throw formatError(json, `format is ${String(json.format)}, expected ${FORMAT}`);
  if (json.formatVersion !== FORMAT_VERSION) {
    throw formatError(json, `unsupported formatVersion ${String(json.formatVersion)}`);
  }
  if (json.model !== 'MLP') throw formatError(json, `model is ${String(json.model)}`);
  const params = mlpParamsSchema.safeParse(json.params);
  if (!params.success) throw formatError(json, `bad params: ${params.error.issues[0].message}`);
  const state = stateSchema.safeParse(json.state);
  if (!state.success) throw formatError(json, `bad state: ${state.error.issues[0].message}`);
  const p = params.data;
  const s = state.data;
  const { nFeatures, nClasses } = json;
  if (!Number.isInteger(nFeatures) || nFeatures < 1)
    throw formatError(json, 'nFeatures must be a positive integer');
  if (!Number.isInteger(nClasses) || nClasses < 2) throw formatError(json, 'nClasses must be an integer ≥ 2');
  const out = outputShape(nClasses);
  const sizes = [nFeatures, ...p.hidden_layer_sizes, out.units];
  if (s.layerSizes.join() !== sizes.join() || s.outActivation !== out.activation) {
    throw formatError(
      json,
      `layer sizes ${s.layerSizes.join('-')} do not match params, nFeatures and nClasses`,
    );
  }
  const nLayers = sizes.length - 1;
  if (s.coefs.length !== nLayers || s.intercepts.length !== nLayers) {
    throw formatError(json, `expected ${nLayers} weight layers`);
  }
  // Same order as Network's flat layout: all coefficient matrices, then all intercept vectors.
  const flat = new Float64Array(parameterCount(sizes));
  const blocks = [
    ...s.coefs.map((values, l) => ({ values, expected: sizes[l] * sizes[l + 1], what: `coefs[${l}]` })),
    ...s.intercepts.map((values, l) => ({ values, expected: sizes[l + 1], what: `intercepts[${l}]` })),
  ];
  let at = 0;
  for (const { values, expected, what } of blocks) {
    if (values.length !== expected)
      throw formatError(json, `${what} has ${values.length} values, expected ${expected}`);
    flat.set(values, at);
    at += expected;
  }
  const net = new Network(sizes, p.activation, out.activation, flat);
  return new MlpClassifier(p, s.seed, { net, nFeatures, nClasses, nIter: s.nIter, loss: s.loss });
}

export const mlpSpec: ModelSpec<MlpParams> = {
  name: 'MLP',
  params: mlpParamsSchema,
  create: (params, seed) => new MlpClassifier(parseParams(params), seed),
  fromJSON: loadMlp,
};
