import { DecisionTreeClassifier as CartOracle } from 'ml-cart';
import { describe, expect, it } from 'vitest';
import { makeClassification } from '../../../../layers/ml/data/synthetic.ts';
import { DataError, ModelFormatError, ParamsError } from '../../../../layers/ml/errors.ts';
import type { ModelJSON } from '../../../../layers/ml/models/classifier.ts';
import {
  type DecisionTree,
  type DecisionTreeParams,
  decisionTreeSpec,
} from '../../../../layers/ml/models/decision-tree.ts';
import { leafOfColumnMajorRow, treeDepth } from '../../../../layers/ml/models/tree/nodes.ts';
import { accuracyOn } from '../../../support/check.ts';
import { penguins, referenceSplits } from '../../../support/datasets.ts';
import { agreement, labelled, ranking, rowAt, rowsOf } from './helpers.ts';

function fitTree(params: Partial<DecisionTreeParams>, data = penguins().train, seed = 42): DecisionTree {
  const model = decisionTreeSpec.create(decisionTreeSpec.params.parse(params), seed) as DecisionTree;
  model.fit(data);
  return model;
}

describe('DecisionTree params', () => {
  it("uses scikit-learn's defaults", () => {
    expect(decisionTreeSpec.params.parse({})).toEqual({
      criterion: 'gini',
      max_depth: null,
      min_samples_split: 2,
      min_samples_leaf: 1,
      max_features: null,
    });
  });

  it.each([
    { criterion: 'log_loss' },
    { max_depth: 0 },
    { max_depth: 2.5 },
    { min_samples_split: 1 },
    { min_samples_leaf: 0 },
    { max_features: 0 },
    { max_features: 1.5 },
    { max_features: 'auto' },
    { n_estimators: 10 },
  ])('rejects %j', (params) => {
    expect(decisionTreeSpec.params.safeParse(params).success).toBe(false);
  });

  it('accepts sqrt, log2, counts and fractions for max_features', () => {
    for (const max_features of ['sqrt', 'log2', 3, 0.5, null]) {
      expect(decisionTreeSpec.params.safeParse({ max_features }).success).toBe(true);
    }
  });

  it('rejects a max_features count larger than the data has features', () => {
    expect(() => fitTree({ max_features: 5 })).toThrow(ParamsError);
  });
});

describe('DecisionTree structure', () => {
  it('grows the exact depth-2 tree scikit-learn grows on a hand-made set', () => {
    // Expected from scikit-learn 1.2 (same tree for random_state 0..4, so no ties are involved):
    //   /usr/bin/python3 -c "import numpy as np; from sklearn.tree import DecisionTreeClassifier, export_text;
    //   X=np.array([[1,7],[2,3],[3,8],[4,1],[5,9],[6,2],[7,6],[8,4],[9,5],[10,10]],float);
    //   y=[0,0,0,1,0,1,2,1,2,2]; print(export_text(DecisionTreeClassifier(max_depth=2).fit(X,y), show_weights=True))"
    // |--- feature_0 <= 5.500
    // |   |--- feature_1 <= 2.000  -> weights [0, 1, 0]
    // |   |--- feature_1 >  2.000  -> weights [4, 0, 0]
    // |--- feature_0 >  5.500
    // |   |--- feature_1 <= 4.500  -> weights [0, 2, 0]
    // |   |--- feature_1 >  4.500  -> weights [0, 0, 3]
    // Our numbering: children allocated in pairs, left subtree first.
    const data = labelled(
      [
        [1, 7],
        [2, 3],
        [3, 8],
        [4, 1],
        [5, 9],
        [6, 2],
        [7, 6],
        [8, 4],
        [9, 5],
        [10, 10],
      ],
      [0, 0, 0, 1, 0, 1, 2, 1, 2, 2],
      3,
    );
    for (const criterion of ['gini', 'entropy'] as const) {
      const tree = fitTree({ max_depth: 2, criterion }, data).tree;
      expect(Array.from(tree.feature)).toEqual([0, 1, 1, -1, -1, -1, -1]);
      expect(Array.from(tree.threshold.subarray(0, 3))).toEqual([5.5, 2, 4.5]);
      expect(Array.from(tree.left)).toEqual([1, 3, 5, -1, -1, -1, -1]);
      expect(Array.from(tree.right)).toEqual([2, 4, 6, -1, -1, -1, -1]);
      expect(Array.from(tree.value.subarray(9))).toEqual([0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
    }
  });

  it('respects max_depth, min_samples_leaf and min_samples_split', () => {
    const data = makeClassification({ nRows: 2000, nFeatures: 6, seed: 5 });
    for (const params of [{ max_depth: 4 }, { min_samples_leaf: 7 }, { min_samples_split: 30 }]) {
      const model = fitTree(params, data);
      const tree = model.tree;
      if (params.max_depth) expect(treeDepth(tree)).toBeLessThanOrEqual(params.max_depth);
      const perLeaf = new Map<number, number>();
      for (let i = 0; i < data.nRows; i++) {
        const leaf = leafOfColumnMajorRow(tree, data.values, data.nRows, i);
        perLeaf.set(leaf, (perLeaf.get(leaf) ?? 0) + 1);
      }
      const smallest = Math.min(...perLeaf.values());
      if (params.min_samples_leaf) expect(smallest).toBeGreaterThanOrEqual(params.min_samples_leaf);
      if (params.min_samples_split) {
        // Every internal node held ≥ 30 rows, so each leaf's parent did: sibling leaves sum to ≥ 30.
        for (let node = 0; node < tree.nodeCount; node++) {
          const l = tree.left[node];
          if (l < 0 || tree.feature[l] >= 0 || tree.feature[l + 1] >= 0) continue;
          expect((perLeaf.get(l) ?? 0) + (perLeaf.get(l + 1) ?? 0)).toBeGreaterThanOrEqual(30);
        }
      }
    }
  });

  it('fits the training data perfectly when unlimited and rows are distinct', () => {
    const data = makeClassification({ nRows: 500, nFeatures: 5, seed: 9 });
    expect(accuracyOn(fitTree({}, data), data)).toBe(1);
  });
});

describe('DecisionTree accuracy against scikit-learn', () => {
  // scikit-learn's test accuracy on the same matrices, from:
  //   npx tsx test/reference/export.ts && for d in penguins seattle-weather cars; do /usr/bin/python3
  //   test/reference/sklearn_models.py /tmp/synergy-ref/$d '[{"model":"DecisionTree","params":{"max_depth":3}},
  //   {"model":"DecisionTree","params":{"max_depth":3,"criterion":"entropy"}},{"model":"DecisionTree","params":{"max_depth":5}},
  //   {"model":"DecisionTree","params":{"max_depth":5,"criterion":"entropy"}},{"model":"DecisionTree","params":{}},
  //   {"model":"DecisionTree","params":{"criterion":"entropy"}}]'; done
  const sklearn: Record<keyof typeof referenceSplits, [Partial<DecisionTreeParams>, number][]> = {
    penguins: [
      [{ max_depth: 3 }, 0.9565217391304348],
      [{ max_depth: 3, criterion: 'entropy' }, 0.9130434782608695],
      [{ max_depth: 5 }, 0.927536231884058],
      [{ max_depth: 5, criterion: 'entropy' }, 0.9565217391304348],
    ],
    'seattle-weather': [
      [{ max_depth: 3 }, 0.8458904109589042],
      [{ max_depth: 3, criterion: 'entropy' }, 0.8424657534246576],
      [{ max_depth: 5 }, 0.8493150684931506],
      [{ max_depth: 5, criterion: 'entropy' }, 0.8458904109589042],
      [{}, 0.7842465753424658],
      [{ criterion: 'entropy' }, 0.7602739726027398],
    ],
    cars: [
      [{ max_depth: 3 }, 0.6962025316455697],
      [{ max_depth: 3, criterion: 'entropy' }, 0.6835443037974683],
      [{ max_depth: 5 }, 0.7215189873417721],
      [{ max_depth: 5, criterion: 'entropy' }, 0.7215189873417721],
    ],
  };
  for (const [name, cases] of Object.entries(sklearn)) {
    it.each(cases)(`${name} %j is within 2 points of scikit-learn`, (params, expected) => {
      const split = referenceSplits[name as keyof typeof referenceSplits]();
      const acc = accuracyOn(fitTree(params, split.train), split.test);
      expect(Math.abs(acc - expected)).toBeLessThanOrEqual(0.02 + 1e-9);
    });
  }

  it('ranks the penguin features as scikit-learn does (depth 3)', () => {
    // /usr/bin/python3 -c "import numpy as np; from sklearn.tree import DecisionTreeClassifier;
    //   t=np.loadtxt('/tmp/synergy-ref/penguins/train.csv',delimiter=',');
    //   print(DecisionTreeClassifier(random_state=0,max_depth=3).fit(t[:,:-1],t[:,-1]).feature_importances_.round(4))"
    // → [0.3742 0.0593 0.5665 0.    ]
    const importances = fitTree({ max_depth: 3 }).featureImportances();
    expect(ranking(importances)).toEqual([2, 0, 1, 3]);
    expect(importances[0]).toBeCloseTo(0.3742, 3);
    expect(importances[2]).toBeCloseTo(0.5665, 3);
  });
});

describe('DecisionTree against ml-cart (oracle)', () => {
  it('agrees with ml-cart on penguins at depth 3', () => {
    const split = penguins();
    const oracle = new CartOracle({ gainFunction: 'gini', maxDepth: 3, minNumSamples: 2 });
    oracle.train(rowsOf(split.train), Array.from(split.train.y));
    const theirs = oracle.predict(rowsOf(split.test));
    const ours = fitTree({ max_depth: 3 }, split.train).predict(split.test);
    expect(agreement(ours, theirs)).toBeGreaterThanOrEqual(0.95);
    expect(
      Math.abs(
        accuracyOn(fitTree({ max_depth: 3 }, split.train), split.test) - agreement(theirs, split.test.y),
      ),
    ).toBeLessThanOrEqual(0.03);
  });
});

describe('DecisionTree importances', () => {
  it('sum to 1 and put the informative features of generated data first', () => {
    const data = makeClassification({ nRows: 3000, nFeatures: 8, nInformative: 3, seed: 11 });
    const importances = fitTree({ max_depth: 6 }, data).featureImportances();
    expect(importances.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(ranking(importances).slice(0, 3).sort()).toEqual([0, 1, 2]);
  });
});

describe('DecisionTree serialization', () => {
  it('round-trips predictions and probabilities exactly', () => {
    const split = referenceSplits['seattle-weather']();
    const model = fitTree({ criterion: 'entropy' }, split.train);
    const json = JSON.parse(JSON.stringify(model.toJSON())) as ModelJSON;
    expect(json.format).toBe('synergy.DecisionTree');
    expect(json.formatVersion).toBe(1);
    const loaded = decisionTreeSpec.fromJSON(json);
    expect(loaded.predictProba(split.test)).toEqual(model.predictProba(split.test));
    expect(loaded.predict(split.test)).toEqual(model.predict(split.test));
    expect(loaded.featureImportances()).toEqual(model.featureImportances());
    const out = new Float64Array(split.train.nClasses);
    const proba = model.predictProba(split.test);
    for (let i = 0; i < split.test.nRows; i++) {
      loaded.predictProbaRow(rowAt(split.test, i), out);
      expect(Array.from(out)).toEqual(Array.from(proba.subarray(i * out.length, (i + 1) * out.length)));
    }
  });

  it('is byte-identical for the same seed', () => {
    const a = JSON.stringify(fitTree({ max_features: 'sqrt' }, penguins().train, 7).toJSON());
    const b = JSON.stringify(fitTree({ max_features: 'sqrt' }, penguins().train, 7).toJSON());
    expect(a).toBe(b);
  });

  it('rejects corrupted artifacts', () => {
    const good = JSON.parse(JSON.stringify(fitTree({ max_depth: 3 }).toJSON())) as ModelJSON;
    const state = good.state as { tree: Record<string, number[]> };
    const corrupt = (edit: (j: ModelJSON & { state: typeof state }) => void): ModelJSON => {
      const j = structuredClone(good) as ModelJSON & { state: typeof state };
      edit(j);
      return j;
    };
    const bad: ModelJSON[] = [
      corrupt((j) => Object.assign(j, { format: 'synergy.RandomForest' })),
      corrupt((j) => Object.assign(j, { formatVersion: 2 })),
      corrupt((j) => Object.assign(j, { params: { max_depth: -1 } })),
      corrupt((j) => {
        j.state.tree.left[0] = 0; // a cycle
      }),
      corrupt((j) => {
        j.state.tree.feature[0] = 4; // only 4 features
      }),
      corrupt((j) => {
        j.state.tree.value.pop();
      }),
      corrupt((j) => {
        j.state.tree.threshold = j.state.tree.threshold.slice(1);
      }),
      corrupt((j) => Object.assign(j.state, { featureImportances: [1, 0] })),
    ];
    for (const j of bad) expect(() => decisionTreeSpec.fromJSON(j)).toThrow(ModelFormatError);
    expect(() => decisionTreeSpec.fromJSON(good)).not.toThrow();
  });
});

describe('DecisionTree input checks', () => {
  it('rejects non-finite training values and mismatched prediction width', () => {
    const data = labelled(
      [
        [1, 2],
        [Number.NaN, 3],
      ],
      [0, 1],
      2,
    );
    expect(() => fitTree({}, data)).toThrow(DataError);
    const model = fitTree({});
    expect(() => model.predict(labelled([[1, 2]], [0], 2))).toThrow(DataError);
  });
});
