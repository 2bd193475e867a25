import { describe, expect, it } from 'vitest';
import { fromRows, type LabelledMatrix } from '../../../../layers/ml/data/matrix.ts';
import { makeClassification } from '../../../../layers/ml/data/synthetic.ts';
import { DataError, MlError, ModelFormatError, ParamsError } from '../../../../layers/ml/errors.ts';
import type { ModelJSON } from '../../../../layers/ml/models/classifier.ts';
import {
  parseXGBoostParams,
  type XGBoostParams,
  xgboostParams,
  xgboostSpec,
} from '../../../../layers/ml/models/xgboost.ts';
import { accuracyOn } from '../../../support/check.ts';
import { cars, penguins } from '../../../support/datasets.ts';
import { fitXGBoost, rowAt, treeOutput } from './helpers.ts';

function labelled(rows: number[][], y: number[], nClasses: number): LabelledMatrix {
  return { ...fromRows(rows), y: Int32Array.from(y), nClasses };
}

const sigmoid = (m: number) => 1 / (1 + Math.exp(-m));

describe('XGBoost params', () => {
  it("uses xgboost's scikit-learn names and defaults", () => {
    expect(xgboostParams.parse({})).toEqual({
      n_estimators: 100,
      learning_rate: 0.3,
      max_depth: 6,
      reg_lambda: 1,
      gamma: 0,
      min_child_weight: 1,
      colsample_bytree: 1,
      subsample: 1,
      max_bin: 256,
    });
  });

  it.each([
    { n_estimators: 0 },
    { n_estimators: 2.5 },
    { learning_rate: 0 },
    { learning_rate: 1.5 },
    { max_depth: 0 },
    { reg_lambda: -1 },
    { gamma: -0.1 },
    { min_child_weight: -1 },
    { colsample_bytree: 0 },
    { subsample: 1.2 },
    { max_bin: 1 },
    { max_bin: 257 },
    { booster: 'gblinear' },
    { n_estimators: '100' },
  ])('rejects %j with ParamsError', (params) => {
    expect(() => parseXGBoostParams(params)).toThrow(ParamsError);
    expect(() => xgboostSpec.create(params as never, 1)).toThrow(ParamsError);
  });

  it('names the offending field', () => {
    expect(() => parseXGBoostParams({ max_depth: -3 })).toThrow(/XGBoost: invalid parameter max_depth/);
  });
});

describe('XGBoost on a hand-checkable stump', () => {
  // One depth-1 tree from margin 0 (p = 0.5): g = p − y = ±0.5 and h = p(1 − p) = 0.25 per row.
  // x = 1..5, y = 0 0 1 1 1 ⇒ G = 2·0.5 − 3·0.5 = −0.5, H = 1.25; with λ = 1 the best split is x < 3:
  //   left  {1, 2}:    G_L = 1,    H_L = 0.5
  //   right {3, 4, 5}: G_R = −1.5, H_R = 0.75
  //   gain = G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ) = 1/1.5 + 2.25/1.75 − 0.25/2.25 ≈ 1.84127
  //   leaves = −G/(H+λ)·η: −1/1.5·0.3 = −0.2 and 1.5/1.75·0.3 ≈ 0.257143
  // xgboost agrees (gain=1.84126973, leaves −0.200000018 and 0.257142872):
  //   /usr/bin/python3 -c "import numpy as np, xgboost as xgb; print(xgb.XGBClassifier(n_estimators=1,
  //   max_depth=1, min_child_weight=0, tree_method='hist', n_jobs=1).fit(np.arange(1.,6.).reshape(-1,1),
  //   [0,0,1,1,1]).get_booster().get_dump(with_stats=True)[0])"   (add gamma=1.8 / 1.9 or min_child_weight=0.6)
  const data = labelled([[1], [2], [3], [4], [5]], [0, 0, 1, 1, 1], 2);
  const stump = (extra: Partial<XGBoostParams>) =>
    fitXGBoost({ n_estimators: 1, max_depth: 1, min_child_weight: 0, ...extra }, data).trees[0];
  const gain = 1 / 1.5 + 2.25 / 1.75 - 0.25 / 2.25;

  it('splits where the formula says, with the formula’s gain and leaf weights', () => {
    const tree = stump({});
    expect(tree.nodeCount).toBe(3);
    expect(tree.feature[0]).toBe(0);
    // Threshold = the upper edge of the left bin: rows go left when x < 3.
    expect(tree.threshold[0]).toBe(3);
    expect(tree.gain[0]).toBeCloseTo(gain, 12);
    expect(tree.value[tree.left[0]]).toBeCloseTo((-1 / 1.5) * 0.3, 12);
    expect(tree.value[tree.right[0]]).toBeCloseTo((1.5 / 1.75) * 0.3, 12);
  });

  it('compares gamma with the un-halved gain, as xgboost does', () => {
    expect(stump({ gamma: 1.8 }).nodeCount).toBe(3);
    const pruned = stump({ gamma: 1.9 });
    expect(pruned.nodeCount).toBe(1);
    expect(pruned.value[0]).toBeCloseTo((0.5 / 2.25) * 0.3, 12);
  });

  it('needs min_child_weight of hessian on both sides', () => {
    // Every split leaves a side with H < 0.6 (the hessians are 0.25 per row), so the root stays a leaf.
    const tree = stump({ min_child_weight: 0.6 });
    expect(tree.nodeCount).toBe(1);
    expect(tree.value[0]).toBeCloseTo((0.5 / 2.25) * 0.3, 12);
  });

  it('scales the leaves by the learning rate and the hessian sums by reg_lambda', () => {
    const tree = stump({ learning_rate: 1, reg_lambda: 0 });
    expect(tree.value[tree.left[0]]).toBeCloseTo(-1 / 0.5, 12);
    expect(tree.value[tree.right[0]]).toBeCloseTo(1.5 / 0.75, 12);
  });
});

describe('XGBoost objectives and predictions', () => {
  it('binary:logistic: one tree per round, p = sigmoid(sum of the trees)', () => {
    const data = makeClassification({ nRows: 600, nFeatures: 6, seed: 3 });
    const model = fitXGBoost({ n_estimators: 20, max_depth: 3 }, data);
    expect(model.trees.length).toBe(20);
    const proba = model.predictProba(data);
    const out = new Float64Array(2);
    for (let i = 0; i < 50; i++) {
      const row = rowAt(data, i);
      const margin = model.trees.reduce((s, t) => s + treeOutput(t, row), 0);
      expect(proba[2 * i + 1]).toBeCloseTo(sigmoid(margin), 12);
      expect(proba[2 * i] + proba[2 * i + 1]).toBeCloseTo(1, 12);
      model.predictProbaRow(row, out);
      expect(Array.from(out)).toEqual(Array.from(proba.subarray(2 * i, 2 * i + 2)));
    }
    expect(accuracyOn(model, data)).toBeGreaterThan(0.85);
  });

  it('multi:softprob: one tree per class per round, softmax of the per-class sums', () => {
    const split = penguins();
    const model = fitXGBoost({ n_estimators: 10 }, split.train);
    expect(model.trees.length).toBe(30);
    const proba = model.predictProba(split.test);
    const out = new Float64Array(3);
    for (let i = 0; i < split.test.nRows; i++) {
      const row = rowAt(split.test, i);
      const margins = [0, 0, 0];
      model.trees.forEach((t, k) => {
        margins[k % 3] += treeOutput(t, row);
      });
      const exp = margins.map(Math.exp);
      const sum = exp[0] + exp[1] + exp[2];
      for (let c = 0; c < 3; c++) expect(proba[i * 3 + c]).toBeCloseTo(exp[c] / sum, 12);
      model.predictProbaRow(row, out);
      expect(Array.from(out)).toEqual(Array.from(proba.subarray(i * 3, i * 3 + 3)));
    }
  });

  it('keeps trees within max_depth', () => {
    const model = fitXGBoost({ n_estimators: 5, max_depth: 2 }, cars().train);
    for (const t of model.trees) {
      const depth = (node: number): number =>
        t.feature[node] < 0 ? 0 : 1 + Math.max(depth(t.left[node]), depth(t.right[node]));
      expect(depth(0)).toBeLessThanOrEqual(2);
    }
  });

  it('sends a NaN feature left at prediction (training data is imputed upstream)', () => {
    const data = labelled([[1], [2], [3], [4], [5]], [0, 0, 1, 1, 1], 2);
    const model = fitXGBoost({ n_estimators: 1, max_depth: 1, min_child_weight: 0 }, data);
    const nan = new Float64Array(2);
    const low = new Float64Array(2);
    model.predictProbaRow(Float64Array.of(Number.NaN), nan);
    model.predictProbaRow(Float64Array.of(1), low);
    expect(Array.from(nan)).toEqual(Array.from(low));
  });
});

describe('XGBoost sampling', () => {
  it('colsample_bytree: each tree splits on at most ⌊fraction·d⌋ features', () => {
    const data = makeClassification({ nRows: 500, nFeatures: 8, seed: 5 });
    const model = fitXGBoost({ n_estimators: 15, colsample_bytree: 0.25 }, data);
    const used = model.trees.map((t) => new Set(Array.from(t.feature).filter((f) => f >= 0)));
    for (const s of used) expect(s.size).toBeLessThanOrEqual(2);
    // Different trees draw different features.
    expect(new Set(used.map((s) => [...s].sort().join(','))).size).toBeGreaterThan(1);
  });

  it('subsample still learns, and depends on the seed', () => {
    const data = makeClassification({ nRows: 800, nFeatures: 6, seed: 9 });
    const a = fitXGBoost({ n_estimators: 30, subsample: 0.5 }, data, 1);
    const b = fitXGBoost({ n_estimators: 30, subsample: 0.5 }, data, 2);
    expect(accuracyOn(a, data)).toBeGreaterThan(0.85);
    expect(JSON.stringify(a.toJSON())).not.toBe(JSON.stringify(b.toJSON()));
  });
});

describe('XGBoost feature importances', () => {
  it("is xgboost's 'gain': mean split gain per feature, normalised to sum 1", () => {
    const model = fitXGBoost({ n_estimators: 20 }, cars().train);
    const total = new Float64Array(6);
    const count = new Float64Array(6);
    for (const t of model.trees) {
      for (let i = 0; i < t.nodeCount; i++) {
        if (t.feature[i] >= 0) {
          total[t.feature[i]] += t.gain[i];
          count[t.feature[i]]++;
        }
      }
    }
    const mean = Array.from(total, (g, j) => (count[j] > 0 ? g / count[j] : 0));
    const sum = mean.reduce((s, v) => s + v, 0);
    const importances = model.featureImportances();
    mean.forEach((v, j) => {
      expect(importances[j]).toBeCloseTo(v / sum, 12);
    });
    expect(importances.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });

  it('is all zeros when no tree splits', () => {
    const data = labelled([[1], [2], [3], [4]], [0, 1, 0, 1], 2);
    const model = fitXGBoost({ n_estimators: 3, gamma: 100 }, data);
    expect(Array.from(model.featureImportances())).toEqual([0]);
  });
});

describe('XGBoost JSON', () => {
  const split = cars();
  const fitted = () =>
    fitXGBoost({ n_estimators: 12, subsample: 0.8, colsample_bytree: 0.7 }, split.train, 7);

  it('is byte-identical for the same data, params and seed', () => {
    expect(JSON.stringify(fitted().toJSON())).toBe(JSON.stringify(fitted().toJSON()));
  });

  it('round-trips exactly: same JSON, same probabilities', () => {
    const model = fitted();
    const json = model.toJSON();
    expect(json.format).toBe('synergy.XGBoost');
    expect(json.formatVersion).toBe(1);
    const text = JSON.stringify(json);
    const loaded = xgboostSpec.fromJSON(JSON.parse(text) as ModelJSON);
    expect(JSON.stringify(loaded.toJSON())).toBe(text);
    expect(Array.from(loaded.predictProba(split.test))).toEqual(Array.from(model.predictProba(split.test)));
    expect(Array.from(loaded.featureImportances() ?? [])).toEqual(Array.from(model.featureImportances()));
  });

  it('rejects damaged artifacts with ModelFormatError', () => {
    const good = fitted().toJSON();
    const state = good.state as { trees: Array<Record<string, number[]>> };
    const withTree = (change: (t: Record<string, number[]>) => void): ModelJSON => {
      const trees = structuredClone(state.trees);
      change(trees[0]);
      return { ...good, state: { trees } };
    };
    const rootChildren = state.trees[0].left[0];
    const bad: ModelJSON[] = [
      { ...good, format: 'synergy.RandomForest' },
      { ...good, formatVersion: 2 },
      { ...good, nClasses: 1 },
      { ...good, params: { ...good.params, n_estimators: 0 } },
      { ...good, state: { trees: state.trees.slice(1) } },
      withTree((t) => {
        t.feature[0] = 6;
      }),
      withTree((t) => {
        t.left[0] = 0;
      }),
      withTree((t) => {
        t.right[0] = rootChildren + 2;
      }),
      withTree((t) => {
        t.threshold.pop();
      }),
      withTree((t) => {
        t.value[0] = Number.NaN;
      }),
      withTree((t) => {
        t.gain[0] = -1;
      }),
    ];
    for (const json of bad) expect(() => xgboostSpec.fromJSON(json)).toThrow(ModelFormatError);
  });
});

describe('XGBoost errors', () => {
  it('rejects prediction before fit', () => {
    const model = xgboostSpec.create(xgboostParams.parse({}), 1);
    expect(() => model.predict(penguins().test)).toThrow(MlError);
  });

  it('rejects bad training data with DataError', () => {
    const make = () => xgboostSpec.create(xgboostParams.parse({ n_estimators: 2 }), 1);
    expect(() => make().fit(labelled([[1], [2]], [0, 0], 1))).toThrow(DataError);
    expect(() => make().fit(labelled([[1], [Number.NaN]], [0, 1], 2))).toThrow(DataError);
    expect(() => make().fit(labelled([[1], [2]], [0, 2], 2))).toThrow(DataError);
  });

  it('rejects rows with the wrong number of features', () => {
    const model = fitXGBoost({ n_estimators: 2 }, cars().train);
    expect(() => model.predictProba(penguins().test)).toThrow(DataError);
    expect(() => model.predictProbaRow(new Float64Array(2), new Float64Array(3))).toThrow(DataError);
  });
});
