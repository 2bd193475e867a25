import { describe, expect, it } from 'vitest';
import type { LabelledMatrix } from '../../../../layers/ml/data/matrix.ts';
import { makeClassification } from '../../../../layers/ml/data/synthetic.ts';
import { DataError, ModelFormatError, ParamsError } from '../../../../layers/ml/errors.ts';
import type { ModelJSON } from '../../../../layers/ml/models/classifier.ts';
import type { MlpParams } from '../../../../layers/ml/models/mlp.ts';
import { type MlpClassifier, mlpParamsSchema, mlpSpec } from '../../../../layers/ml/models/mlp.ts';
import { Random } from '../../../../layers/ml/random.ts';
import { penguins } from '../../../support/datasets.ts';

const params = (overrides: Record<string, unknown> = {}): MlpParams => mlpParamsSchema.parse(overrides);

function fitted(data: LabelledMatrix, overrides: Record<string, unknown> = {}, seed = 1): MlpClassifier {
  const model = mlpSpec.create(params({ hidden_layer_sizes: [16], max_iter: 30, ...overrides }), seed);
  model.fit(data);
  return model as MlpClassifier;
}

/** A JSON round trip through text, as the registry stores models. */
const throughText = (json: ModelJSON): ModelJSON => JSON.parse(JSON.stringify(json)) as ModelJSON;

/** Inside vs outside the unit circle (plus one noise feature): only a non-linear model separates it. */
function circle(nRows: number, seed: number): LabelledMatrix {
  const rng = new Random(seed);
  const values = new Float64Array(nRows * 3);
  const y = new Int32Array(nRows);
  for (let i = 0; i < nRows; i++) {
    for (let j = 0; j < 3; j++) values[j * nRows + i] = rng.next() * 3 - 1.5;
    y[i] = values[i] ** 2 + values[nRows + i] ** 2 < 1 ? 1 : 0;
  }
  return { nRows, nFeatures: 3, values, y, nClasses: 2 };
}

const binary = circle(300, 3);
const multiclass = makeClassification({ nRows: 300, nFeatures: 4, nClasses: 4, seed: 4 });

describe('MLP params', () => {
  it("defaults are scikit-learn's", () => {
    expect(params()).toEqual({
      hidden_layer_sizes: [100],
      activation: 'relu',
      solver: 'adam',
      alpha: 1e-4,
      batch_size: 'auto',
      learning_rate_init: 1e-3,
      max_iter: 200,
      tol: 1e-4,
      n_iter_no_change: 10,
      beta_1: 0.9,
      beta_2: 0.999,
      epsilon: 1e-8,
      shuffle: true,
    });
  });

  it.each([
    { solver: 'sgd' },
    { solver: 'lbfgs' },
    { learning_rate: 'adaptive' },
    { early_stopping: true },
    { hidden_layer_sizes: [0] },
    { hidden_layer_sizes: [10.5] },
    { hidden_layer_sizes: 100 },
    { activation: 'softplus' },
    { alpha: -1 },
    { batch_size: 0 },
    { batch_size: 'max' },
    { learning_rate_init: 0 },
    { max_iter: 0 },
    { tol: -1e-4 },
    { n_iter_no_change: 0 },
    { beta_1: 1 },
    { beta_2: -0.1 },
    { epsilon: 0 },
    { shuffle: 'yes' },
  ])('rejects %o with ParamsError', (bad) => {
    expect(mlpParamsSchema.safeParse(bad).success).toBe(false);
    expect(() => mlpSpec.create({ ...params(), ...bad } as MlpParams, 1)).toThrow(ParamsError);
  });

  it('names the offending field', () => {
    expect(() => mlpSpec.create({ ...params(), solver: 'sgd' } as unknown as MlpParams, 1)).toThrow(/solver/);
  });
});

describe('MLP fit and predict', () => {
  it('learns a binary problem with one logistic output and [1 - p, p] probabilities', () => {
    const model = fitted(binary, { learning_rate_init: 0.01, max_iter: 200 });
    const state = model.toJSON().state as { layerSizes: number[]; outActivation: string };
    expect(state.layerSizes).toEqual([3, 16, 1]);
    expect(state.outActivation).toBe('logistic');
    const proba = model.predictProba(binary);
    const pred = model.predict(binary);
    let correct = 0;
    for (let i = 0; i < binary.nRows; i++) {
      expect(proba[2 * i] + proba[2 * i + 1]).toBeCloseTo(1, 12);
      expect(pred[i]).toBe(proba[2 * i + 1] > proba[2 * i] ? 1 : 0);
      if (pred[i] === binary.y[i]) correct++;
    }
    expect(correct / binary.nRows).toBeGreaterThan(0.9);
  });

  it('uses a softmax over all classes for multiclass problems', () => {
    const model = fitted(multiclass, { activation: 'tanh', hidden_layer_sizes: [12, 8] });
    const state = model.toJSON().state as { layerSizes: number[]; outActivation: string };
    expect(state.layerSizes).toEqual([4, 12, 8, 4]);
    expect(state.outActivation).toBe('softmax');
    const proba = model.predictProba(multiclass);
    for (let i = 0; i < multiclass.nRows; i++) {
      const row = proba.subarray(4 * i, 4 * i + 4);
      expect(row.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
    }
  });

  it('accepts no hidden layer at all (as scikit-learn: a logistic regression trained by Adam)', () => {
    const model = fitted(multiclass, { hidden_layer_sizes: [], learning_rate_init: 0.01 });
    expect((model.toJSON().state as { layerSizes: number[] }).layerSizes).toEqual([4, 4]);
    const pred = model.predict(multiclass);
    let correct = 0;
    for (let i = 0; i < multiclass.nRows; i++) if (pred[i] === multiclass.y[i]) correct++;
    // Four classes: chance is 25%.
    expect(correct / multiclass.nRows).toBeGreaterThan(0.4);
  });

  it('predictProbaRow gives exactly the rows of predictProba', () => {
    for (const data of [binary, multiclass]) {
      const model = fitted(data);
      const proba = model.predictProba(data);
      const row = new Float64Array(data.nFeatures);
      const out = new Float64Array(data.nClasses);
      for (let i = 0; i < data.nRows; i += 7) {
        for (let j = 0; j < data.nFeatures; j++) row[j] = data.values[j * data.nRows + i];
        model.predictProbaRow(row, out);
        expect(Array.from(out)).toEqual(
          Array.from(proba.subarray(i * data.nClasses, (i + 1) * data.nClasses)),
        );
      }
    }
  });

  it("stops as scikit-learn's tol rule does: after n_iter_no_change + 1 epochs without improvement", () => {
    // With tol this large no epoch improves on the best loss by tol, so the count starts at epoch 2 and
    // training stops when it exceeds n_iter_no_change (scikit-learn gives n_iter_ = 5 for n_iter_no_change=3).
    expect(fitted(binary, { tol: 1e9, n_iter_no_change: 3 }).nIter).toBe(5);
    expect(fitted(binary, { tol: 0, max_iter: 7 }).nIter).toBe(7);
    const state = fitted(binary, { tol: 0, max_iter: 7 }).toJSON().state as { nIter: number };
    expect(state.nIter).toBe(7);
  });

  it('featureImportances is undefined (not defined natively for an MLP)', () => {
    expect(fitted(binary).featureImportances()).toBeUndefined();
  });

  it('rejects data it cannot use with DataError', () => {
    const model = fitted(binary);
    expect(() => model.predictProba(multiclass)).toThrow(DataError);
    expect(() => model.predictProbaRow(new Float64Array(5), new Float64Array(2))).toThrow(DataError);
    const withNaN = { ...binary, values: binary.values.slice() };
    withNaN.values[5] = Number.NaN;
    expect(() => mlpSpec.create(params(), 1).fit(withNaN)).toThrow(DataError);
    const oneClass = { ...binary, nClasses: 1, y: new Int32Array(binary.nRows) };
    expect(() => mlpSpec.create(params(), 1).fit(oneClass)).toThrow(DataError);
  });
});

describe('MLP serialization', () => {
  it('round-trips through JSON text to identical predictions and identical JSON', () => {
    for (const data of [binary, multiclass]) {
      const model = fitted(data, { hidden_layer_sizes: [10, 6] });
      const json = throughText(model.toJSON());
      expect(json.format).toBe('synergy.MLP');
      expect(json.formatVersion).toBe(1);
      const loaded = mlpSpec.fromJSON(json);
      expect(loaded.predictProba(data)).toEqual(model.predictProba(data));
      expect(JSON.stringify(loaded.toJSON())).toBe(JSON.stringify(model.toJSON()));
    }
  });

  it('same data, params and seed give byte-identical JSON; another seed does not', () => {
    const data = penguins().train;
    const a = JSON.stringify(fitted(data, {}, 11).toJSON());
    const b = JSON.stringify(fitted(data, {}, 11).toJSON());
    const c = JSON.stringify(fitted(data, {}, 12).toJSON());
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('turning shuffle off still depends on the seed only through the initial weights', () => {
    const a = JSON.stringify(fitted(binary, { shuffle: false }, 5).toJSON());
    expect(JSON.stringify(fitted(binary, { shuffle: false }, 5).toJSON())).toBe(a);
  });

  it('rejects corrupted or foreign JSON with ModelFormatError', () => {
    const good = throughText(fitted(multiclass).toJSON());
    const state = good.state as Record<string, unknown> & { coefs: number[][]; intercepts: number[][] };
    const variants: unknown[] = [
      { ...good, format: 'synergy.SVC' },
      { ...good, formatVersion: 2 },
      { ...good, model: 'KNN' },
      { ...good, nFeatures: 5 },
      { ...good, nClasses: 2 },
      { ...good, params: { ...good.params, hidden_layer_sizes: [17] } },
      { ...good, params: { ...good.params, solver: 'sgd' } },
      { ...good, state: { ...state, coefs: [state.coefs[0].slice(1), state.coefs[1]] } },
      { ...good, state: { ...state, intercepts: [state.intercepts[0]] } },
      {
        ...good,
        state: { ...state, coefs: [state.coefs[0].map((w, i) => (i === 3 ? null : w)), state.coefs[1]] },
      },
      { ...good, state: { ...state, outActivation: 'logistic' } },
      { ...good, state: { ...state, extra: 1 } },
      { ...good, state: null },
    ];
    for (const bad of variants) {
      expect(() => mlpSpec.fromJSON(bad as ModelJSON)).toThrow(ModelFormatError);
    }
    expect(() => mlpSpec.fromJSON(good)).not.toThrow();
  });
});
