import { createRequire } from 'node:module';
import type { LibsvmWasmModule } from 'libsvm-js/out/wasm/libsvm.js';
import type loadSVMFactory from 'libsvm-js/src/loadSVM.js';
import { describe, expect, it } from 'vitest';
import type { LabelledMatrix } from '../../../../layers/ml/data/matrix.ts';
import { fromRows, takeLabelled } from '../../../../layers/ml/data/matrix.ts';
import { makeClassification } from '../../../../layers/ml/data/synthetic.ts';
import { DataError, ModelFormatError, ParamsError } from '../../../../layers/ml/errors.ts';
import type { ModelJSON } from '../../../../layers/ml/models/classifier.ts';
import { parseSvcParams, resolveGamma, svcSpec } from '../../../../layers/ml/models/svc.ts';
import { cars, penguins, type ReferenceSplit, seattleWeather } from '../../../support/datasets.ts';

// The same libsvm-js instance svc.ts trains with (required, as svc/libsvm.ts explains, never awaited).
const require = createRequire(import.meta.url);
const wasm = require('libsvm-js/out/wasm/libsvm.js') as LibsvmWasmModule;
const LibsvmSVM = (require('libsvm-js/src/loadSVM.js') as typeof loadSVMFactory)(wasm);

function accuracy(pred: Int32Array, y: Int32Array): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) ok++;
  return ok / y.length;
}

function trainSvc(train: LabelledMatrix, params: Record<string, unknown>, seed = 1) {
  const model = svcSpec.create(parseSvcParams(params), seed);
  model.fit(train);
  return model;
}

function libsvmText(json: ModelJSON): string {
  return (json.state as { libsvmModel: string }).libsvmModel;
}

/**
 * scikit-learn 1.2 SVC accuracy on the same test splits, from:
 *   npx tsx test/reference/export.ts && for d in penguins seattle-weather cars; do
 *   /usr/bin/python3 test/reference/sklearn_models.py /tmp/synergy-ref/$d '[{"model":"SVC","params":{"kernel":"linear","C":0.1}},
 *   {"model":"SVC","params":{"kernel":"linear","C":1}},{"model":"SVC","params":{"kernel":"linear","C":10}},
 *   {"model":"SVC","params":{"kernel":"rbf","C":0.1}},{"model":"SVC","params":{"kernel":"rbf","C":1}},
 *   {"model":"SVC","params":{"kernel":"rbf","C":10}}]'; done
 */
const SKLEARN_ACCURACY: Record<string, Record<string, number>> = {
  penguins: {
    'linear 0.1': 1.0,
    'linear 1': 1.0,
    'linear 10': 0.9855072463768116,
    'rbf 0.1': 1.0,
    'rbf 1': 1.0,
    'rbf 10': 1.0,
  },
  'seattle-weather': {
    'linear 0.1': 0.7534246575342466,
    'linear 1': 0.7705479452054794,
    'linear 10': 0.8424657534246576,
    'rbf 0.1': 0.7226027397260274,
    'rbf 1': 0.7671232876712328,
    'rbf 10': 0.8047945205479452,
  },
  cars: {
    'linear 0.1': 0.6329113924050633,
    'linear 1': 0.7341772151898734,
    'linear 10': 0.7341772151898734,
    'rbf 0.1': 0.6329113924050633,
    'rbf 1': 0.6582278481012658,
    'rbf 10': 0.7215189873417721,
  },
};

const splits: ReferenceSplit[] = [penguins(), seattleWeather(), cars()];

describe('SVC accuracy against scikit-learn', () => {
  for (const split of splits) {
    for (const kernel of ['linear', 'rbf'] as const) {
      for (const C of [0.1, 1, 10]) {
        it(`${split.name} kernel=${kernel} C=${C} is within 2 points`, () => {
          const model = trainSvc(split.train, { kernel, C });
          const ours = accuracy(model.predict(split.test), split.test.y);
          expect(Math.abs(ours - SKLEARN_ACCURACY[split.name][`${kernel} ${C}`])).toBeLessThanOrEqual(0.02);
        });
      }
    }
  }
});

describe('gamma', () => {
  it("'scale' is scikit-learn's 1 / (n_features · X.var())", () => {
    // Rescaled so the variance is far from 1:
    // /usr/bin/python3 -c "import numpy as np; X=np.loadtxt('/tmp/synergy-ref/seattle-weather/train.csv',
    //   delimiter=',')[:,:-1]*np.array([1,10,100,1000])+np.array([5,-3,0,7]); print(repr(1/(X.shape[1]*X.var())))"
    const { train } = seattleWeather();
    const scale = [1, 10, 100, 1000];
    const offset = [5, -3, 0, 7];
    const values = train.values.map((v, k) => {
      const f = Math.floor(k / train.nRows);
      return v * scale[f] + offset[f];
    });
    const gamma = resolveGamma('scale', { ...train, values });
    expect(Math.abs(gamma - 9.899385124441464e-7) / 9.899385124441464e-7).toBeLessThan(1e-12);
  });

  it("'auto' is 1 / n_features, a number is used as given, zero variance gives 1", () => {
    const { train } = cars();
    expect(resolveGamma('auto', train)).toBe(1 / 6);
    expect(resolveGamma(0.3, train)).toBe(0.3);
    expect(
      resolveGamma(
        'scale',
        fromRows([
          [2, 2],
          [2, 2],
        ]),
      ),
    ).toBe(1);
  });

  it('is what libsvm trains with (written to the model)', () => {
    const { train } = cars();
    const text = libsvmText(trainSvc(train, { gamma: 'auto' }).toJSON());
    expect(text).toContain(`\ngamma ${1 / 6}\n`);
  });
});

describe('prediction matches libsvm itself', () => {
  // Loads our saved model text into libsvm (wasm) and compares its svm_predict / svm_predict_probability
  // with the TypeScript port, for every kernel, multiclass and binary.
  const binary = (() => {
    const { train, test } = cars();
    const keep = (m: LabelledMatrix) => Array.from(m.y).flatMap((c, i) => (c !== 2 ? [i] : []));
    return {
      name: 'cars (binary)',
      train: { ...takeLabelled(train, keep(train)), nClasses: 2 },
      test: { ...takeLabelled(test, keep(test)), nClasses: 2 },
    };
  })();
  for (const split of [...splits, binary]) {
    for (const kernel of ['linear', 'poly', 'rbf', 'sigmoid'] as const) {
      it(`${split.name} kernel=${kernel}`, () => {
        const model = trainSvc(split.train, { kernel, probability: true });
        const reference = LibsvmSVM.load(libsvmText(model.toJSON()));
        try {
          const { test } = split;
          const n = test.nRows;
          const k = test.nClasses;
          const pred = model.predict(test);
          const proba = model.predictProba(test);
          let maxDiff = 0;
          for (let i = 0; i < n; i++) {
            const row = Array.from({ length: test.nFeatures }, (_, f) => test.values[f * n + i]);
            expect(pred[i]).toBe(reference.predictOne(row));
            for (const { label, probability } of reference.predictOneProbability(row).estimates) {
              maxDiff = Math.max(maxDiff, Math.abs(probability - proba[i * k + label]));
            }
          }
          expect(maxDiff).toBeLessThan(1e-12);
        } finally {
          reference.free();
        }
      });
    }
  }
});

describe('probabilities', () => {
  it('sum to 1 and leave a class absent from training at 0', () => {
    const { train, test } = seattleWeather();
    const nClasses = train.nClasses + 1;
    const model = trainSvc({ ...train, nClasses }, { probability: true });
    const proba = model.predictProba(test);
    for (let i = 0; i < test.nRows; i++) {
      const row = proba.subarray(i * nClasses, (i + 1) * nClasses);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
      expect(row[nClasses - 1]).toBe(0);
    }
    expect(model.predict(test).every((c) => c < nClasses - 1)).toBe(true);
  });

  it('are the one-hot of predict when probability=false', () => {
    const { train, test } = cars();
    const model = trainSvc(train, { kernel: 'rbf', C: 10 });
    const pred = model.predict(test);
    const proba = model.predictProba(test);
    const k = train.nClasses;
    for (let i = 0; i < test.nRows; i++) {
      expect(Array.from(proba.subarray(i * k, (i + 1) * k))).toEqual(
        Array.from({ length: k }, (_, c) => (c === pred[i] ? 1 : 0)),
      );
    }
  });

  it('depend on the seed only (libsvm rand state is reset per fit)', () => {
    const { train } = penguins();
    const a = JSON.stringify(trainSvc(train, { probability: true }, 5).toJSON());
    trainSvc(train, { probability: true }, 6); // advances libsvm's rand() if nothing resets it
    const b = JSON.stringify(trainSvc(train, { probability: true }, 5).toJSON());
    const c = JSON.stringify(trainSvc(train, { probability: true }, 6).toJSON());
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });
});

describe('feature importances', () => {
  it('for the linear kernel match scikit-learn |coef_| summed over pairs, normalized', () => {
    // /usr/bin/python3 -c "import numpy as np; from sklearn.svm import SVC;
    //   t=np.loadtxt('/tmp/synergy-ref/cars/train.csv',delimiter=','); m=SVC(kernel='linear',C=1).fit(t[:,:-1],t[:,-1]);
    //   w=np.abs(m.coef_).sum(0); print((w/w.sum()).round(6).tolist())"
    const sklearn = [0.069463, 0.100527, 0.479424, 0.172434, 0.160101, 0.018052];
    const importances = trainSvc(cars().train, { kernel: 'linear', C: 1 }).featureImportances();
    expect(importances).toBeDefined();
    expect(importances?.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    sklearn.forEach((v, f) => {
      expect(importances?.[f]).toBeCloseTo(v, 3);
    });
  });

  it('are undefined for the rbf kernel', () => {
    expect(trainSvc(cars().train, { kernel: 'rbf' }).featureImportances()).toBeUndefined();
  });
});

describe('serialization', () => {
  for (const params of [
    { kernel: 'rbf' },
    { kernel: 'linear', probability: true },
    { kernel: 'poly', C: 3 },
  ]) {
    it(`round-trips exactly (${JSON.stringify(params)})`, () => {
      const { train, test } = seattleWeather();
      const model = trainSvc(train, params);
      const json = model.toJSON();
      expect(json.format).toBe('synergy.SVC');
      expect(json.formatVersion).toBe(1);
      const text = JSON.stringify(json);
      const loaded = svcSpec.fromJSON(JSON.parse(text) as ModelJSON);
      expect(loaded.predict(test)).toEqual(model.predict(test));
      expect(loaded.predictProba(test)).toEqual(model.predictProba(test));
      expect(JSON.stringify(loaded.toJSON())).toBe(text);
    });
  }

  it('same data, params and seed give byte-identical JSON', () => {
    const { train } = cars();
    const params = { kernel: 'rbf', C: 2, probability: true };
    expect(JSON.stringify(trainSvc(train, params, 9).toJSON())).toBe(
      JSON.stringify(trainSvc(train, params, 9).toJSON()),
    );
  });

  it('rejects foreign or corrupted JSON with ModelFormatError', () => {
    const json = trainSvc(cars().train, {}).toJSON();
    const text = libsvmText(json);
    const broken: ModelJSON[] = [
      { ...json, formatVersion: 2 },
      { ...json, format: 'synergy.KNN' },
      { ...json, params: { ...json.params, C: -1 } },
      { ...json, state: { seed: 1 } },
      { ...json, state: { seed: 1, libsvmModel: text.replace(/\ntotal_sv \d+/, '\ntotal_sv 1') } },
      { ...json, state: { seed: 1, libsvmModel: text.replace('kernel_type rbf', 'kernel_type linear') } },
      { ...json, state: { seed: 1, libsvmModel: text.replace(/ 1:/, ' 9:') } },
      { ...json, nFeatures: 3 },
    ];
    for (const b of broken) expect(() => svcSpec.fromJSON(b)).toThrow(ModelFormatError);
  });
});

describe('params and data validation', () => {
  it('fills scikit-learn defaults', () => {
    expect(parseSvcParams({})).toEqual({
      kernel: 'rbf',
      C: 1,
      gamma: 'scale',
      degree: 3,
      coef0: 0,
      shrinking: true,
      tol: 1e-3,
      probability: false,
      cache_size: 200,
    });
  });

  it.each([
    { C: 0 },
    { C: -1 },
    { kernel: 'precomputed' },
    { gamma: 'big' },
    { gamma: 0 },
    { tol: 0 },
    { degree: 1.5 },
    { cache_size: -5 },
    { probability: 'yes' },
    { max_iter: 10 },
  ])('throws ParamsError for %j', (params) => {
    expect(() => parseSvcParams(params)).toThrow(ParamsError);
    expect(() => svcSpec.create(params as never, 1)).toThrow(ParamsError);
  });

  it('throws DataError for one class or non-finite values', () => {
    const oneClass = { ...fromRows([[0], [1], [2]]), y: new Int32Array(3), nClasses: 2 };
    expect(() => trainSvc(oneClass, {})).toThrow(DataError);
    const nan = { ...fromRows([[0], [Number.NaN], [2]]), y: Int32Array.from([0, 1, 0]), nClasses: 2 };
    expect(() => trainSvc(nan, {})).toThrow(DataError);
  });
});

describe('wasm memory', () => {
  it('is all released after each fit (the heap top does not creep up)', () => {
    // A large block comes from the top of dlmalloc's heap, so its address rises if anything leaked below.
    const heapTop = (): number => {
      const probe = wasm._malloc(8 << 20);
      wasm._free(probe);
      return probe;
    };
    const data = makeClassification({ nRows: 300, nFeatures: 8, nClasses: 3, seed: 3 });
    const once = () => trainSvc(data, { probability: true }).dispose();
    once();
    const top = heapTop();
    for (let i = 0; i < 10; i++) once();
    expect(heapTop()).toBe(top);
  });
});
