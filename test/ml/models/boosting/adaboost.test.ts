import { describe, expect, it } from 'vitest';
import { fromRows } from '../../../../layers/ml/data/matrix.ts';
import { DataError, ModelFormatError } from '../../../../layers/ml/errors.ts';
import { type AdaBoost, adaBoostSpec } from '../../../../layers/ml/models/adaboost.ts';
import type { ModelJSON } from '../../../../layers/ml/models/classifier.ts';
import { accuracyOn } from '../../../support/check.ts';
import { cars, penguins, referenceSplits } from '../../../support/datasets.ts';
import { expectNear, fitModel, oneVsRest, rowAt } from './helpers.ts';

function fitAda(params: Record<string, unknown>, data = penguins().train, seed = 42): AdaBoost {
  return fitModel(adaBoostSpec, params, data, seed) as AdaBoost;
}

describe('AdaBoost params', () => {
  it("uses scikit-learn's defaults with SAMME and a stump", () => {
    expect(adaBoostSpec.params.parse({})).toEqual({
      n_estimators: 50,
      learning_rate: 1,
      max_depth: 1,
      algorithm: 'SAMME',
    });
  });

  it.each([
    { n_estimators: 0 },
    { learning_rate: 0 },
    { max_depth: 0 },
    { algorithm: 'SAMME.R' },
    { base_estimator: 'tree' },
  ])('rejects %j', (params) => {
    expect(adaBoostSpec.params.safeParse(params).success).toBe(false);
  });
});

describe('AdaBoost accuracy against scikit-learn', () => {
  // AdaBoostClassifier(algorithm='SAMME', n_estimators=…, random_state=42) on the same matrices:
  //   npx tsx test/reference/export.ts && for d in penguins seattle-weather cars; do /usr/bin/python3
  //   test/reference/sklearn_models.py /tmp/synergy-ref/$d '[{"model":"AdaBoost","params":{"n_estimators":50,"algorithm":"SAMME"}},
  //   {"model":"AdaBoost","params":{"n_estimators":100,"algorithm":"SAMME"}},{"model":"AdaBoost","params":{"n_estimators":150,"algorithm":"SAMME"}}]'; done
  const sklearn: Record<string, Record<number, number>> = {
    penguins: { 50: 0.9420289855072463, 100: 0.9420289855072463, 150: 0.9420289855072463 },
    'seattle-weather': { 50: 0.8287671232876712, 100: 0.8287671232876712, 150: 0.8321917808219178 },
    cars: { 50: 0.7215189873417721, 100: 0.7341772151898734, 150: 0.7088607594936709 },
  };
  const cases = Object.entries(sklearn).flatMap(([name, byN]) =>
    Object.entries(byN).map(([n, acc]) => [name, Number(n), acc] as const),
  );
  it.each(cases)('%s: AdaBoost-%i accuracy within 2 points of scikit-learn', (name, n, expected) => {
    const split = referenceSplits[name as keyof typeof referenceSplits]();
    const acc = accuracyOn(fitAda({ n_estimators: n }, split.train), split.test);
    expect(Math.abs(acc - expected)).toBeLessThanOrEqual(0.02);
  });
});

describe('AdaBoost matches scikit-learn SAMME', () => {
  // /usr/bin/python3 -c "import numpy as np; from sklearn.ensemble import AdaBoostClassifier as A
  //   for d in ('penguins','cars'):
  //     t=np.loadtxt(f'/tmp/synergy-ref/{d}/train.csv',delimiter=','); e=np.loadtxt(f'/tmp/synergy-ref/{d}/test.csv',delimiter=',')
  //     m=A(algorithm='SAMME',random_state=0).fit(t[:,:-1],t[:,-1]); print(d, m.estimator_weights_[:5].round(6).tolist(),
  //       m.predict_proba(e[:3,:-1]).round(6).tolist(), m.feature_importances_.round(4).tolist())
  //     print(''.join(str(int(v)) for v in m.predict(e[:,:-1])))"
  // Stumps on these data have no tied splits, so the whole sequence is reproduced (weighted gini, SAMME
  // weights, scikit-learn's weight update and clipping).
  const reference = {
    penguins: {
      split: penguins,
      weights: [2.070309, 2.187536, 2.159186, 2.302055, 1.825196],
      proba: [0.364858, 0.354897, 0.280246, 0.364858, 0.354897, 0.280246, 0.287204, 0.432779, 0.280017],
      importances: [0.4508, 0.0472, 0.4758, 0.0262],
      labels: '001000000000000000000110000000111111111111112222222222222222222212222',
    },
    cars: {
      split: cars,
      weights: [1.696052, 1.191902, 1.219796, 0.753492, 0.495086],
      proba: [0.312997, 0.318064, 0.36894, 0.312997, 0.318064, 0.36894, 0.312997, 0.318064, 0.36894],
      importances: [0.1096, 0.0485, 0.4579, 0.1181, 0.1221, 0.1437],
      labels: '2221022210022212220102222222221220202222222222222222221001222122202121111222222',
    },
  };
  it.each(Object.entries(reference))('%s: same weights, probabilities and predictions', (_, ref) => {
    const split = ref.split();
    const model = fitAda({}, split.train);
    expect(model.trees).toHaveLength(50);
    const w = model.estimatorWeights;
    expectNear(w, ref.weights, 1e-6);
    expectNear(model.predictProba(split.test), ref.proba, 1e-6);
    expectNear(model.featureImportances(), ref.importances, 1e-4);
    expect(Array.from(model.predict(split.test)).join('')).toBe(ref.labels);
  });

  it('two classes: softmax of ±decision/2 (Chinstrap vs rest)', () => {
    // As above with t[:,-1]==1 as the target on penguins:
    //   print(m.estimator_weights_[:5].round(6).tolist(), m.predict_proba(e[:3,:-1]).round(6).tolist())
    const split = penguins();
    const model = fitAda({}, oneVsRest(split.train, 1));
    expectNear(model.estimatorWeights, [1.400088, 1.128603, 1.216483, 1.249686, 1.07295], 1e-6);
    const proba = model.predictProba(oneVsRest(split.test, 1));
    expectNear(proba, [0.571673, 0.428327, 0.490215, 0.509785, 0.484704, 0.515296], 1e-6);
  });
});

describe('AdaBoost boosting rules', () => {
  it('stops at a perfect weak learner, kept with weight 1', () => {
    const data = { ...fromRows([[0], [1], [2], [3]]), y: Int32Array.from([0, 0, 1, 1]), nClasses: 2 };
    const model = fitAda({}, data);
    expect(model.trees).toHaveLength(1);
    expect(Array.from(model.estimatorWeights)).toEqual([1]);
    expect(Array.from(model.predict(data))).toEqual([0, 0, 1, 1]);
  });

  it('refuses data where the first learner is no better than chance', () => {
    const data = { ...fromRows([[1], [1], [1], [1]]), y: Int32Array.from([0, 1, 0, 1]), nClasses: 2 };
    expect(() => fitAda({}, data)).toThrow(DataError);
  });

  it('grows deeper weak learners with max_depth and scales weights by learning_rate', () => {
    const split = referenceSplits['seattle-weather']();
    const deep = fitAda({ max_depth: 3, n_estimators: 10 }, split.train);
    expect(deep.trees.some((t) => t.nodeCount > 3)).toBe(true);
    const slow = fitAda({ n_estimators: 1, learning_rate: 0.5 }, split.train);
    const fast = fitAda({ n_estimators: 1 }, split.train);
    expect(slow.estimatorWeights[0]).toBeCloseTo(fast.estimatorWeights[0] / 2, 12);
  });
});

describe('AdaBoost serialization', () => {
  it.each([
    ['three classes', penguins().train],
    ['two classes', oneVsRest(penguins().train, 1)],
  ])('round-trips exactly (%s), predictProbaRow agrees', (_, train) => {
    const model = fitAda({ n_estimators: 40 }, train);
    const json = model.toJSON();
    expect(json.format).toBe('synergy.AdaBoost');
    const text = JSON.stringify(json);
    const loaded = adaBoostSpec.fromJSON(JSON.parse(text) as ModelJSON);
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
  });

  it('gives byte-identical JSON for the same seed', () => {
    const data = referenceSplits.cars().train;
    expect(JSON.stringify(fitAda({ max_depth: 2 }, data, 9).toJSON())).toBe(
      JSON.stringify(fitAda({ max_depth: 2 }, data, 9).toJSON()),
    );
  });

  it('rejects corrupted JSON with ModelFormatError', () => {
    const json = fitAda({ n_estimators: 5 }).toJSON();
    const state = json.state as Record<string, unknown>;
    const bad: ModelJSON[] = [
      { ...json, format: 'synergy.GradientBoosting' },
      { ...json, state: { ...state, estimatorWeights: [1] } },
      { ...json, state: { ...state, trees: [] } },
      { ...json, params: { ...json.params, algorithm: 'SAMME.R' } },
    ];
    for (const b of bad) expect(() => adaBoostSpec.fromJSON(b)).toThrow(ModelFormatError);
  });
});
