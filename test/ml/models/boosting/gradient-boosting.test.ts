import { describe, expect, it } from 'vitest';
import { fromRows } from '../../../../layers/ml/data/matrix.ts';
import { makeClassification } from '../../../../layers/ml/data/synthetic.ts';
import { DataError, ModelFormatError, ParamsError } from '../../../../layers/ml/errors.ts';
import type { ModelJSON } from '../../../../layers/ml/models/classifier.ts';
import {
  type GradientBoosting,
  gradientBoostingSpec,
} from '../../../../layers/ml/models/gradient-boosting.ts';
import { accuracyOn } from '../../../support/check.ts';
import { penguins, referenceSplits } from '../../../support/datasets.ts';
import { expectNear, fitModel, oneVsRest, rowAt } from './helpers.ts';

function fitGB(params: Record<string, unknown>, data = penguins().train, seed = 42): GradientBoosting {
  return fitModel(gradientBoostingSpec, params, data, seed) as GradientBoosting;
}

describe('GradientBoosting params', () => {
  it("uses scikit-learn's defaults", () => {
    expect(gradientBoostingSpec.params.parse({})).toEqual({
      n_estimators: 100,
      learning_rate: 0.1,
      max_depth: 3,
      subsample: 1,
      min_samples_split: 2,
      min_samples_leaf: 1,
      max_features: null,
      criterion: 'friedman_mse',
    });
  });

  it.each([
    { n_estimators: 0 },
    { learning_rate: 0 },
    { learning_rate: -0.1 },
    { subsample: 0 },
    { subsample: 1.5 },
    { max_depth: 0 },
    { min_samples_split: 1 },
    { criterion: 'gini' },
    { loss: 'exponential' },
  ])('rejects %j', (params) => {
    expect(gradientBoostingSpec.params.safeParse(params).success).toBe(false);
  });

  it('rejects max_features above the feature count with ParamsError', () => {
    expect(() => fitGB({ max_features: 9, n_estimators: 2 })).toThrow(ParamsError);
  });
});

describe('GradientBoosting log-loss arithmetic', () => {
  it('takes one Newton step per leaf from the log-odds prior (two classes, by hand)', () => {
    const data = { ...fromRows([[0], [1], [2], [3]]), y: Int32Array.from([0, 0, 1, 1]), nClasses: 2 };
    const model = fitGB({ n_estimators: 1, max_depth: 1 }, data);
    // Prior 1/2 → raw 0; residuals ∓1/2; each leaf: Σr / Σp(1−p) = ∓1 / (2 · 1/4) = ∓2; raw = ±0.1 · 2.
    expect(Array.from(model.decisionFunction(data))).toEqual([-0.2, -0.2, 0.2, 0.2]);
    const p = 1 / (1 + Math.exp(-0.2));
    const proba = model.predictProba(data);
    expect(proba[0]).toBeCloseTo(p, 15);
    expect(proba[1]).toBeCloseTo(1 - p, 15);
    expect(proba[6]).toBeCloseTo(1 - p, 15);
    expect(proba[7]).toBeCloseTo(p, 15);
  });

  it('starts K classes from the log priors and scales the Newton step by (K−1)/K', () => {
    const data = {
      ...fromRows([[0], [1], [2], [3], [4], [5]]),
      y: Int32Array.from([0, 0, 1, 1, 2, 2]),
      nClasses: 3,
    };
    const model = fitGB({ n_estimators: 1, max_depth: 1, learning_rate: 1 }, data);
    // Tree 0 (class 0) splits {0,1} | {2..5}: left residuals 2/3 each, p(1−p) = 2/9 each
    // → (2/3)·(4/3)/(4/9) = 2; right residuals −1/3 each → (2/3)·(−4/3)/(8/9) = −1.
    const raw = model.decisionFunction(data);
    expect(raw[0]).toBeCloseTo(Math.log(1 / 3) + 2, 12);
    expect(raw[3 * 5]).toBeCloseTo(Math.log(1 / 3) - 1, 12);
  });
});

describe('GradientBoosting accuracy against scikit-learn', () => {
  // GradientBoostingClassifier(n_estimators=…, random_state=42) test accuracy on the same matrices:
  //   npx tsx test/reference/export.ts && for d in penguins seattle-weather cars; do /usr/bin/python3
  //   test/reference/sklearn_models.py /tmp/synergy-ref/$d '[{"model":"GradientBoosting","params":{"n_estimators":50}},
  //   {"model":"GradientBoosting","params":{"n_estimators":100}},{"model":"GradientBoosting","params":{"n_estimators":150}}]'; done
  const sklearn: Record<string, Record<number, number>> = {
    penguins: { 50: 0.9565217391304348, 100: 0.9565217391304348, 150: 0.9420289855072463 },
    'seattle-weather': { 50: 0.8321917808219178, 100: 0.8253424657534246, 150: 0.8184931506849316 },
    cars: { 50: 0.7341772151898734, 100: 0.759493670886076, 150: 0.759493670886076 },
  };
  const cases = Object.entries(sklearn).flatMap(([name, byN]) =>
    Object.entries(byN).map(([n, acc]) => [name, Number(n), acc] as const),
  );
  it.each(cases)('%s: GB-%i accuracy within 2 points of scikit-learn', (name, n, expected) => {
    const split = referenceSplits[name as keyof typeof referenceSplits]();
    const acc = accuracyOn(fitGB({ n_estimators: n }, split.train), split.test);
    expect(Math.abs(acc - expected)).toBeLessThanOrEqual(0.02);
  });
});

describe('GradientBoosting matches scikit-learn on penguins (subsample 1, all features)', () => {
  // /usr/bin/python3 -c "import numpy as np; from sklearn.ensemble import GradientBoostingClassifier as G
  //   t=np.loadtxt('/tmp/synergy-ref/penguins/train.csv',delimiter=','); e=np.loadtxt('/tmp/synergy-ref/penguins/test.csv',delimiter=',')
  //   for n in (1,100):
  //     m=G(n_estimators=n,random_state=0).fit(t[:,:-1],t[:,-1]); print(n, m.decision_function(e[:8,:-1]).round(6).tolist())
  //     print(''.join(str(int(v)) for v in m.predict(e[:,:-1])),
  //           -np.log(m.predict_proba(e[:,:-1])[np.arange(len(e)),e[:,-1].astype(int)]).mean().round(4))"
  const oneStage = [
    [-0.663268, -1.703593, -1.128504],
    [-0.663268, -1.703593, -1.128504],
    [-0.91841, -1.283451, -1.128504],
  ];
  const hundredStages = [
    [4.271227, -5.882528, -7.944351],
    [1.371633, 0.53044, -7.944351],
    [-5.907287, 3.117994, -7.973423],
    [5.003674, -6.068526, -7.944273],
    [4.10177, -6.842136, -7.944387],
    [4.973034, -6.89689, -7.944273],
    [5.003674, -6.3642, -7.944273],
    [4.756274, -6.019824, -7.944273],
  ];
  const sklearnLabels = '001000000000000000000100000000111111111111112222222222222222222212222';
  const sklearnLogLoss = 0.2209;

  it('gives the same first stage to rounding', () => {
    const split = penguins();
    const raw = fitGB({ n_estimators: 1 }, split.train).decisionFunction(split.test);
    expectNear(raw, oneStage.flat(), 1e-6);
  });

  it('stays within tie-breaking distance after 100 stages', () => {
    // Equally good splits on different features are taken in a seeded random feature order on both sides
    // (scikit-learn's own random_state 0..4 moves its test probabilities by up to 0.014), so after 100
    // stages a few raw scores drift by ~1e-3; the predictions and the loss agree.
    const split = penguins();
    const model = fitGB({}, split.train);
    const raw = model.decisionFunction(split.test);
    expectNear(raw, hundredStages.flat(), 0.05);
    expect(Array.from(model.predict(split.test)).join('')).toBe(sklearnLabels);
    const proba = model.predictProba(split.test);
    let logLoss = 0;
    for (let i = 0; i < split.test.nRows; i++) logLoss -= Math.log(proba[i * 3 + split.test.y[i]]);
    expect(Math.abs(logLoss / split.test.nRows - sklearnLogLoss)).toBeLessThan(0.02);
  });

  it('matches the two-class raw scores (Chinstrap vs rest)', () => {
    // As above with t[:,-1]==1 as the target and the default 100 stages:
    // m=G(random_state=0).fit(t[:,:-1],t[:,-1]==1); print(m.decision_function(e[:8,:-1]).round(6).tolist())
    const expected = [-7.784172, -0.37241, 6.56696, -9.086527, -9.125939, -9.7972, -9.655832, -8.5066];
    const split = penguins();
    const raw = fitGB({}, oneVsRest(split.train, 1)).decisionFunction(oneVsRest(split.test, 1));
    expectNear(raw, expected, 0.05);
  });

  it('ranks feature importances as scikit-learn does', () => {
    // print(m.feature_importances_.round(4)) for the 100-stage model above → [0.4065 0.0764 0.4896 0.0275]
    const imp = fitGB({}).featureImportances();
    expect(imp.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expectNear(imp, [0.4065, 0.0764, 0.4896, 0.0275], 0.01);
  });
});

describe('GradientBoosting options', () => {
  it('grows stochastic stages that depend on the seed and still learn', () => {
    const split = referenceSplits.cars();
    const a = fitGB({ subsample: 0.5 }, split.train, 1);
    const b = fitGB({ subsample: 0.5 }, split.train, 2);
    expect(JSON.stringify(a.toJSON())).not.toBe(JSON.stringify(b.toJSON()));
    expect(accuracyOn(a, split.test)).toBeGreaterThan(0.65);
  });

  it('gives the same model with squared_error as with friedman_mse (same split order for unit weights)', () => {
    const split = penguins();
    const a = fitGB({ n_estimators: 20, criterion: 'squared_error' }, split.train);
    const b = fitGB({ n_estimators: 20 }, split.train);
    expect(Array.from(a.predict(split.test))).toEqual(Array.from(b.predict(split.test)));
  });

  it('respects max_depth and max_features', () => {
    const data = makeClassification({ nRows: 600, nFeatures: 6, seed: 3 });
    const model = fitGB({ n_estimators: 5, max_depth: 2, max_features: 'sqrt' }, data);
    expect(model.trees).toHaveLength(5);
    for (const t of model.trees) expect(t.nodeCount).toBeLessThanOrEqual(7);
  });

  it('refuses a single class', () => {
    const data = { ...fromRows([[0], [1]]), y: Int32Array.from([0, 0]), nClasses: 1 };
    expect(() => fitGB({}, data)).toThrow(DataError);
  });
});

describe('GradientBoosting serialization', () => {
  it.each([
    ['three classes', penguins().train],
    ['two classes', oneVsRest(penguins().train, 1)],
  ])('round-trips exactly (%s), predictProbaRow agrees and allocates nothing per call', (_, train) => {
    const model = fitGB({ n_estimators: 30, subsample: 0.8 }, train);
    const json = model.toJSON();
    expect(json.format).toBe('synergy.GradientBoosting');
    expect(json.formatVersion).toBe(1);
    const text = JSON.stringify(json);
    const loaded = gradientBoostingSpec.fromJSON(JSON.parse(text) as ModelJSON);
    expect(JSON.stringify(loaded.toJSON())).toBe(text);
    const test = penguins().test;
    const proba = model.predictProba(test);
    expect(Array.from(loaded.predictProba(test))).toEqual(Array.from(proba));
    const k = train.nClasses;
    const out = new Float64Array(k);
    for (let i = 0; i < test.nRows; i++) {
      loaded.predictProbaRow(rowAt(test.values, test.nRows, test.nFeatures, i), out);
      expect(Array.from(out)).toEqual(Array.from(proba.subarray(i * k, (i + 1) * k)));
    }
    expect(loaded.featureImportances()).toEqual(model.featureImportances());
  });

  it('gives byte-identical JSON for the same seed', () => {
    const data = referenceSplits['seattle-weather']().train;
    const a = JSON.stringify(fitGB({ n_estimators: 20, subsample: 0.7 }, data, 5).toJSON());
    const b = JSON.stringify(fitGB({ n_estimators: 20, subsample: 0.7 }, data, 5).toJSON());
    expect(a).toBe(b);
  });

  it('rejects corrupted JSON with ModelFormatError', () => {
    const json = fitGB({ n_estimators: 3 }).toJSON();
    const state = json.state as Record<string, unknown>;
    const bad: ModelJSON[] = [
      { ...json, format: 'synergy.RandomForest' },
      { ...json, formatVersion: 2 },
      { ...json, state: { ...state, init: [0] } },
      { ...json, state: { ...state, trees: (state.trees as unknown[]).slice(1) } },
      { ...json, params: { ...json.params, learning_rate: -1 } },
    ];
    for (const b of bad) expect(() => gradientBoostingSpec.fromJSON(b)).toThrow(ModelFormatError);
  });
});
