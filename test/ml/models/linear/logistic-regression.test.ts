import { describe, expect, it } from 'vitest';
import type { LabelledMatrix } from '../../../../layers/ml/data/matrix.ts';
import { fromRows } from '../../../../layers/ml/data/matrix.ts';
import { makeClassification } from '../../../../layers/ml/data/synthetic.ts';
import { DataError, ModelFormatError, ParamsError } from '../../../../layers/ml/errors.ts';
import type { ModelJSON } from '../../../../layers/ml/models/classifier.ts';
import {
  createLogisticRegression,
  logisticRegressionSpec,
} from '../../../../layers/ml/models/logistic-regression.ts';
import { accuracyOn } from '../../../support/check.ts';
import { penguins, referenceSplits } from '../../../support/datasets.ts';

function expectClose(actual: Float64Array, expected: readonly number[], relTol: number): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(...expected.map(Math.abs));
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(
      relTol * Math.max(Math.abs(expected[i]), scale * 1e-3),
    );
  }
}

describe('LogisticRegression vs scikit-learn coefficients (penguins train split)', () => {
  /*
   * scikit-learn 1.2.1 values, from:
   *   npx tsx test/reference/export.ts && /usr/bin/python3 -c '
   *   import numpy as np; from sklearn.linear_model import LogisticRegression
   *   tr = np.loadtxt("/tmp/synergy-ref/penguins/train.csv", delimiter=",", ndmin=2)
   *   m = LogisticRegression(C=1.0).fit(tr[:, :-1], (tr[:, -1] == 0).astype(int))
   *   print(m.n_iter_, m.coef_.tolist(), m.intercept_.tolist())
   *   m = LogisticRegression(C=1.0).fit(tr[:, :-1], tr[:, -1].astype(int))
   *   print(m.n_iter_, m.coef_.tolist(), m.intercept_.tolist())'
   */
  it('binary (Adelie vs rest): one logistic, same coef_ and intercept_', () => {
    const { train } = penguins();
    const y = Int32Array.from(train.y, (c) => (c === 0 ? 1 : 0));
    const binary: LabelledMatrix = { ...train, y, nClasses: 2 };
    const model = createLogisticRegression({ C: 1 });
    model.fit(binary);
    const { coef, intercept, nIter } = model.coefficients();
    expectClose(
      coef,
      [-3.9553168914709627, 1.9693891419560063, -0.4080996787771515, 0.3837902452392084],
      1e-3,
    );
    expectClose(intercept, [-1.0261650248481817], 1e-3);
    expect(nIter).toBe(14);
  });

  it('multinomial (3 species): softmax over all classes, same coef_ and intercept_', () => {
    const model = createLogisticRegression({ C: 1 });
    model.fit(penguins().train);
    const { coef, intercept, nIter } = model.coefficients();
    expectClose(
      coef,
      [
        -2.5875986969196734, 1.3784177387245529, -0.3921126514971756, 0.27783917029690797, 2.2643386874002958,
        0.2631832162878333, -0.7616312633904423, -1.417501146799165, 0.32326000951937606, -1.6416009550123862,
        1.1537439148876165, 1.1396619765022555,
      ],
      1e-3,
    );
    expectClose(intercept, [0.5212479161589711, -0.16286814234313435, -0.3583797738158413], 1e-3);
    expect(nIter).toBe(16);
  });
});

describe('LogisticRegression accuracy vs scikit-learn on real data', () => {
  /*
   * scikit-learn 1.2.1 test accuracy on the same splits, from:
   *   npx tsx test/reference/export.ts && for n in penguins seattle-weather cars; do
   *   /usr/bin/python3 test/reference/sklearn_models.py /tmp/synergy-ref/$n '[{"model":"LogisticRegression","params":{"C":0.1,"max_iter":100}},{"model":"LogisticRegression","params":{"C":1,"max_iter":100}},{"model":"LogisticRegression","params":{"C":10,"max_iter":100}}]'; done
   */
  const sklearn: Record<keyof typeof referenceSplits, Record<string, number>> = {
    penguins: { '0.1': 1.0, '1': 1.0, '10': 1.0 },
    'seattle-weather': { '0.1': 0.7431506849315068, '1': 0.7945205479452054, '10': 0.8321917808219178 },
    cars: { '0.1': 0.6582278481012658, '1': 0.7215189873417721, '10': 0.7468354430379747 },
  };
  for (const [name, load] of Object.entries(referenceSplits)) {
    for (const C of [0.1, 1, 10]) {
      it(`${name}, C=${C}: within 2 points`, () => {
        const split = load();
        const model = logisticRegressionSpec.create(logisticRegressionSpec.params.parse({ C }), 42);
        model.fit(split.train);
        const expected = sklearn[name as keyof typeof referenceSplits][String(C)];
        expect(Math.abs(accuracyOn(model, split.test) - expected)).toBeLessThanOrEqual(0.02);
      });
    }
  }
});

describe('LogisticRegression predictions', () => {
  it('predictProbaRow matches predictProba bit for bit, rows sum to 1, predict is their argmax', () => {
    for (const nClasses of [2, 4]) {
      const data = makeClassification({ nRows: 300, nFeatures: 5, nClasses, seed: 7 });
      const model = createLogisticRegression({ C: 0.5 });
      model.fit(data);
      const proba = model.predictProba(data);
      const pred = model.predict(data);
      const row = new Float64Array(5);
      const out = new Float64Array(nClasses);
      for (let i = 0; i < data.nRows; i++) {
        for (let j = 0; j < 5; j++) row[j] = data.values[j * data.nRows + i];
        model.predictProbaRow(row, out);
        expect(Array.from(out)).toEqual(Array.from(proba.subarray(i * nClasses, (i + 1) * nClasses)));
        expect(out.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
        let best = 0;
        for (let c = 1; c < nClasses; c++) if (out[c] > out[best]) best = c;
        expect(pred[i]).toBe(best);
      }
    }
  });

  it('featureImportances: mean |coef| normalized to 1, largest on the informative feature', () => {
    // Feature 0 decides the class, feature 1 is noise.
    const rows: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 200; i++) {
      const a = (i % 20) / 10 - 1;
      rows.push([a, Math.sin(i * 12.9898) * 0.5]);
      y.push(a > 0 ? 1 : 0);
    }
    const data: LabelledMatrix = { ...fromRows(rows), y: Int32Array.from(y), nClasses: 2 };
    const model = createLogisticRegression();
    model.fit(data);
    const imp = model.featureImportances();
    expect(imp[0] + imp[1]).toBeCloseTo(1, 12);
    expect(imp[0]).toBeGreaterThan(0.9);
  });

  it('fit_intercept=false keeps the intercept at 0', () => {
    const model = createLogisticRegression({ fit_intercept: false });
    model.fit(penguins().train);
    expect(Array.from(model.coefficients().intercept)).toEqual([0, 0, 0]);
  });

  it('rejects a single-class training set and wrong feature counts with DataError', () => {
    const data: LabelledMatrix = { ...fromRows([[1], [2], [3]]), y: new Int32Array(3), nClasses: 2 };
    expect(() => createLogisticRegression().fit(data)).toThrow(DataError);
    const model = createLogisticRegression();
    model.fit(penguins().train);
    expect(() => model.predict(fromRows([[1, 2]]))).toThrow(DataError);
  });
});

describe('LogisticRegression params', () => {
  it('uses scikit-learn defaults', () => {
    expect(logisticRegressionSpec.params.parse({})).toEqual({
      C: 1,
      max_iter: 100,
      tol: 1e-4,
      fit_intercept: true,
    });
  });

  it.each([
    [{ C: 0 }],
    [{ C: -1 }],
    [{ max_iter: 0 }],
    [{ max_iter: 1.5 }],
    [{ tol: 0 }],
    [{ penalty: 'l1' }],
  ])('rejects %j with ParamsError', (params) => {
    expect(() => logisticRegressionSpec.create(params as never, 1)).toThrow(ParamsError);
    expect(() => createLogisticRegression(params as never)).toThrow(ParamsError);
  });
});

describe('LogisticRegression JSON', () => {
  const fitted = () => {
    const model = createLogisticRegression({ C: 2 });
    model.fit(referenceSplits.cars().train);
    return model;
  };

  it('round-trips exactly: same probabilities, same JSON', () => {
    const model = fitted();
    const json = JSON.parse(JSON.stringify(model.toJSON())) as ModelJSON;
    expect(json.format).toBe('synergy.LogisticRegression');
    expect(json.formatVersion).toBe(1);
    const loaded = logisticRegressionSpec.fromJSON(json);
    const test = referenceSplits.cars().test;
    expect(Array.from(loaded.predictProba(test))).toEqual(Array.from(model.predictProba(test)));
    expect(Array.from(loaded.predict(test))).toEqual(Array.from(model.predict(test)));
    expect(JSON.stringify(loaded.toJSON())).toBe(JSON.stringify(model.toJSON()));
  });

  it('is byte-identical for the same data and params', () => {
    expect(JSON.stringify(fitted().toJSON())).toBe(JSON.stringify(fitted().toJSON()));
  });

  it('rejects corrupted JSON with ModelFormatError', () => {
    const good = fitted().toJSON();
    const state = good.state as { coef: number[]; intercept: number[] };
    const bad: ModelJSON[] = [
      { ...good, format: 'synergy.KNN' },
      { ...good, formatVersion: 2 },
      { ...good, params: { C: -1 } },
      { ...good, nClasses: 1 },
      { ...good, state: null },
      { ...good, state: { ...state, coef: state.coef.slice(1) } },
      { ...good, state: { ...state, intercept: [0, 'x', 0] } },
      { ...good, state: { ...state, coef: state.coef.map(() => Number.NaN) } },
    ];
    for (const json of bad) expect(() => logisticRegressionSpec.fromJSON(json)).toThrow(ModelFormatError);
  });
});
