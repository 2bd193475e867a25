import { RandomForestClassifier as ForestOracle } from 'ml-random-forest';
import { describe, expect, it } from 'vitest';
import { makeClassification } from '../../../../layers/ml/data/synthetic.ts';
import { ModelFormatError } from '../../../../layers/ml/errors.ts';
import type { ModelJSON } from '../../../../layers/ml/models/classifier.ts';
import {
  type RandomForest,
  type RandomForestParams,
  randomForestSpec,
} from '../../../../layers/ml/models/random-forest.ts';
import { leafOfRow } from '../../../../layers/ml/models/tree/nodes.ts';
import { treeToJSON } from '../../../../layers/ml/models/tree/serialize.ts';
import { accuracyOn } from '../../../support/check.ts';
import { penguins, referenceSplits } from '../../../support/datasets.ts';
import { agreement, ranking, rowAt, rowsOf } from './helpers.ts';

function fitForest(params: Partial<RandomForestParams>, data = penguins().train, seed = 42): RandomForest {
  const model = randomForestSpec.create(randomForestSpec.params.parse(params), seed) as RandomForest;
  model.fit(data);
  return model;
}

describe('RandomForest params', () => {
  it("uses scikit-learn's defaults", () => {
    expect(randomForestSpec.params.parse({})).toEqual({
      n_estimators: 100,
      criterion: 'gini',
      max_depth: null,
      min_samples_split: 2,
      min_samples_leaf: 1,
      max_features: 'sqrt',
      bootstrap: true,
    });
  });

  it.each([
    { n_estimators: 0 },
    { n_estimators: 2.5 },
    { bootstrap: 'yes' },
    { max_depth: 0 },
    { criterion: 'mse' },
    { oob_score: true },
  ])('rejects %j', (params) => {
    expect(randomForestSpec.params.safeParse(params).success).toBe(false);
  });
});

describe('RandomForest accuracy against scikit-learn', () => {
  // Mean test accuracy of RandomForestClassifier() over random_state 0..4 on the same matrices:
  //   npx tsx test/reference/export.ts && for d in penguins seattle-weather cars; do /usr/bin/python3
  //   test/reference/sklearn_models.py /tmp/synergy-ref/$d '[{"model":"RandomForest","params":{"random_state":0}},
  //   {"model":"RandomForest","params":{"random_state":1}},{"model":"RandomForest","params":{"random_state":2}},
  //   {"model":"RandomForest","params":{"random_state":3}},{"model":"RandomForest","params":{"random_state":4}}]'; done
  // Averaging five seeds on both sides keeps the comparison about the algorithm, not one lucky draw.
  const sklearnMean = { penguins: 0.9681159420289855, 'seattle-weather': 0.8184931506849316, cars: 0.8 };
  it.each(Object.entries(sklearnMean))(
    '%s: RF-100 mean accuracy within 2 points of scikit-learn',
    (name, expected) => {
      const split = referenceSplits[name as keyof typeof referenceSplits]();
      let sum = 0;
      for (let seed = 0; seed < 5; seed++) sum += accuracyOn(fitForest({}, split.train, seed), split.test);
      expect(Math.abs(sum / 5 - expected)).toBeLessThanOrEqual(0.02);
    },
  );

  it('ranks the penguin features as scikit-learn does', () => {
    // /usr/bin/python3 -c "import numpy as np; from sklearn.ensemble import RandomForestClassifier;
    //   t=np.loadtxt('/tmp/synergy-ref/penguins/train.csv',delimiter=',');
    //   print(RandomForestClassifier(random_state=0).fit(t[:,:-1],t[:,-1]).feature_importances_.round(4))"
    // → [0.4186 0.1743 0.3354 0.0717]
    const importances = fitForest({}).featureImportances();
    expect(ranking(importances)).toEqual([0, 2, 1, 3]);
    for (const [j, v] of [0.4186, 0.1743, 0.3354, 0.0717].entries()) {
      expect(Math.abs(importances[j] - v)).toBeLessThan(0.05);
    }
  });
});

describe('RandomForest against ml-random-forest (oracle)', () => {
  it('reaches a similar accuracy and mostly the same predictions on penguins', () => {
    const split = penguins();
    const oracle = new ForestOracle({
      nEstimators: 100,
      maxFeatures: 1.0,
      replacement: true,
      useSampleBagging: true,
      seed: 42,
      noOOB: true,
      treeOptions: { gainFunction: 'gini', minNumSamples: 2 },
    });
    oracle.train(rowsOf(split.train), Array.from(split.train.y));
    const theirs = oracle.predict(rowsOf(split.test));
    const model = fitForest({}, split.train);
    expect(agreement(model.predict(split.test), theirs)).toBeGreaterThanOrEqual(0.93);
    expect(Math.abs(accuracyOn(model, split.test) - agreement(theirs, split.test.y))).toBeLessThanOrEqual(
      0.03,
    );
  });
});

describe('RandomForest predictions', () => {
  it('averages the per-tree leaf class distributions, in batch and row by row', () => {
    const split = referenceSplits.cars();
    const model = fitForest({ n_estimators: 25, max_depth: 6 }, split.train);
    const k = split.train.nClasses;
    const proba = model.predictProba(split.test);
    const out = new Float64Array(k);
    for (let i = 0; i < split.test.nRows; i++) {
      const row = rowAt(split.test, i);
      const expected = new Float64Array(k);
      for (const tree of model.trees) {
        const leaf = leafOfRow(tree, row);
        for (let c = 0; c < k; c++) expected[c] += tree.value[leaf * k + c];
      }
      for (let c = 0; c < k; c++) expected[c] /= model.trees.length;
      expect(Array.from(proba.subarray(i * k, (i + 1) * k))).toEqual(Array.from(expected));
      model.predictProbaRow(row, out);
      expect(Array.from(out)).toEqual(Array.from(expected));
    }
  });

  it('grows each tree on all rows without bootstrap and on a resample with it', () => {
    const data = makeClassification({ nRows: 400, nFeatures: 5, seed: 8 });
    const treeErrors = (model: RandomForest): number => {
      let wrong = 0;
      for (const tree of model.trees) {
        for (let i = 0; i < data.nRows; i++) {
          const leaf = leafOfRow(tree, rowAt(data, i));
          if (tree.value[leaf * 2 + data.y[i]] < 1) wrong++;
        }
      }
      return wrong;
    };
    // Distinct rows and unlimited depth: a tree that saw every row classifies every row perfectly…
    expect(treeErrors(fitForest({ n_estimators: 5, bootstrap: false }, data))).toBe(0);
    // …while bootstrapped trees miss some of the ~37% of rows left out of their sample.
    expect(treeErrors(fitForest({ n_estimators: 5 }, data))).toBeGreaterThan(0);
  });
});

describe('RandomForest importances', () => {
  it('sum to 1 and put the informative features of generated data first', () => {
    const data = makeClassification({ nRows: 3000, nFeatures: 10, nInformative: 3, seed: 4 });
    const importances = fitForest({ n_estimators: 30 }, data).featureImportances();
    expect(importances.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(ranking(importances).slice(0, 3).sort()).toEqual([0, 1, 2]);
  });
});

describe('RandomForest serialization and seeds', () => {
  it('round-trips predictions and probabilities exactly', () => {
    const split = referenceSplits['seattle-weather']();
    const model = fitForest({ n_estimators: 20, criterion: 'entropy' }, split.train);
    const json = JSON.parse(JSON.stringify(model.toJSON())) as ModelJSON;
    expect(json.format).toBe('synergy.RandomForest');
    expect(json.formatVersion).toBe(2);
    const loaded = randomForestSpec.fromJSON(json);
    expect(loaded.predictProba(split.test)).toEqual(model.predictProba(split.test));
    expect(loaded.predict(split.test)).toEqual(model.predict(split.test));
    expect(loaded.featureImportances()).toEqual(model.featureImportances());
    expect(JSON.stringify(loaded.toJSON())).toBe(JSON.stringify(json));
  });

  it('same seed gives byte-identical JSON; another seed another forest', () => {
    const data = penguins().train;
    const a = JSON.stringify(fitForest({ n_estimators: 15 }, data, 3).toJSON());
    const b = JSON.stringify(fitForest({ n_estimators: 15 }, data, 3).toJSON());
    const c = JSON.stringify(fitForest({ n_estimators: 15 }, data, 4).toJSON());
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('rejects corrupted format 1 artifacts', () => {
    // Format 2's own checks are in forest-json.test.ts.
    const model = fitForest({ n_estimators: 3 });
    const v1 = {
      ...model.toJSON(),
      formatVersion: 1,
      state: {
        trees: model.trees.map(treeToJSON),
        featureImportances: Array.from(model.featureImportances()),
      },
    };
    const good = JSON.parse(JSON.stringify(v1)) as ModelJSON;
    type State = { trees: Record<string, number[]>[]; featureImportances: number[] };
    const corrupt = (edit: (state: State, j: Record<string, unknown>) => void): ModelJSON => {
      const j = structuredClone(good) as ModelJSON & { state: State };
      edit(j.state, j as unknown as Record<string, unknown>);
      return j;
    };
    const bad = [
      corrupt((_, j) => {
        j.format = 'synergy.DecisionTree';
      }),
      corrupt((s) => {
        s.trees.pop(); // n_estimators says 3
      }),
      corrupt((s) => {
        s.trees[1].left[0] = 0; // children must come after their parent
      }),
      corrupt((s) => {
        s.trees[2].feature[0] = -2;
      }),
      corrupt((s) => {
        s.featureImportances = [0.5, 0.5, Number.NaN, 0];
      }),
      corrupt((_, j) => {
        j.nClasses = 0;
      }),
    ];
    for (const j of bad) expect(() => randomForestSpec.fromJSON(j)).toThrow(ModelFormatError);
    expect(() => randomForestSpec.fromJSON(good)).not.toThrow();
  });
});
