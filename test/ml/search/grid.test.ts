import { describe, expect, it } from 'vitest';
import { ParamsError } from '../../../layers/ml/errors.ts';
import { MODEL_NAMES } from '../../../layers/ml/models/classifier.ts';
import { expandGrid, paramsKey } from '../../../layers/ml/search/grid.ts';
import { PAPER_GRIDS } from '../../../layers/ml/search/paper-grids.ts';

describe('expandGrid', () => {
  it('follows scikit-learn ParameterGrid order: keys sorted (code points), last key fastest', () => {
    // /usr/bin/python3 -c "from sklearn.model_selection import ParameterGrid as G;
    //   print(list(G({'kernel':['linear','rbf'],'C':[0.1,1,10]})))"
    // [{'C': 0.1, 'kernel': 'linear'}, {'C': 0.1, 'kernel': 'rbf'}, {'C': 1, 'kernel': 'linear'},
    //  {'C': 1, 'kernel': 'rbf'}, {'C': 10, 'kernel': 'linear'}, {'C': 10, 'kernel': 'rbf'}]
    expect(expandGrid({ kernel: ['linear', 'rbf'], C: [0.1, 1, 10] })).toEqual([
      { C: 0.1, kernel: 'linear' },
      { C: 0.1, kernel: 'rbf' },
      { C: 1, kernel: 'linear' },
      { C: 1, kernel: 'rbf' },
      { C: 10, kernel: 'linear' },
      { C: 10, kernel: 'rbf' },
    ]);
    // /usr/bin/python3 -c "from sklearn.model_selection import ParameterGrid as G;
    //   print(list(G({'b':[1,2],'a':['x','y'],'c':[True]})))"
    // [{'a': 'x', 'b': 1, 'c': True}, {'a': 'x', 'b': 2, 'c': True}, {'a': 'y', 'b': 1, 'c': True},
    //  {'a': 'y', 'b': 2, 'c': True}]
    expect(expandGrid({ b: [1, 2], a: ['x', 'y'], c: [true] })).toEqual([
      { a: 'x', b: 1, c: true },
      { a: 'x', b: 2, c: true },
      { a: 'y', b: 1, c: true },
      { a: 'y', b: 2, c: true },
    ]);
  });

  it('expands the XGBoost paper grid in ParameterGrid order (learning_rate outer, n_estimators inner)', () => {
    // /usr/bin/python3 -c "from sklearn.model_selection import ParameterGrid as G;
    //   print([(p['learning_rate'],p['n_estimators']) for p in G({'n_estimators':[50,100,150],'learning_rate':[0.01,0.1,0.2]})])"
    // [(0.01, 50), (0.01, 100), (0.01, 150), (0.1, 50), (0.1, 100), (0.1, 150), (0.2, 50), (0.2, 100), (0.2, 150)]
    const pairs = expandGrid(PAPER_GRIDS.XGBoost).map((p) => [p.learning_rate, p.n_estimators]);
    expect(pairs).toEqual([
      [0.01, 50],
      [0.01, 100],
      [0.01, 150],
      [0.1, 50],
      [0.1, 100],
      [0.1, 150],
      [0.2, 50],
      [0.2, 100],
      [0.2, 150],
    ]);
  });

  it('gives one empty combination for an empty grid, as ParameterGrid({})', () => {
    expect(expandGrid({})).toEqual([{}]);
  });

  it('rejects an empty value list, naming the parameter', () => {
    expect(() => expandGrid({ C: [1], max_depth: [] })).toThrow(ParamsError);
    expect(() => expandGrid({ C: [1], max_depth: [] })).toThrow(/"max_depth" must be a non-empty list/);
  });

  it('keeps array values whole (MLP hidden_layer_sizes)', () => {
    const combos = expandGrid(PAPER_GRIDS.MLP);
    expect(combos).toEqual([
      { alpha: 1e-4, hidden_layer_sizes: [50] },
      { alpha: 1e-4, hidden_layer_sizes: [100] },
      { alpha: 1e-3, hidden_layer_sizes: [50] },
      { alpha: 1e-3, hidden_layer_sizes: [100] },
    ]);
  });
});

describe('paramsKey', () => {
  it('is independent of key order at every depth and distinguishes different values', () => {
    expect(paramsKey({ kernel: 'rbf', C: 1 })).toBe(paramsKey({ C: 1, kernel: 'rbf' }));
    expect(paramsKey({ a: { y: 1, x: [2, { q: 1, p: 2 }] } })).toBe(
      paramsKey({ a: { x: [2, { p: 2, q: 1 }], y: 1 } }),
    );
    expect(paramsKey({ C: 1, kernel: 'rbf' })).toBe('{"C":1,"kernel":"rbf"}');
    expect(paramsKey({ C: 1 })).not.toBe(paramsKey({ C: 10 }));
    expect(paramsKey({ hidden_layer_sizes: [50, 20] })).not.toBe(paramsKey({ hidden_layer_sizes: [20, 50] }));
  });

  it('gives distinct keys to every combination of every paper grid', () => {
    for (const grid of Object.values(PAPER_GRIDS)) {
      const keys = expandGrid(grid).map(paramsKey);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });
});

describe('PAPER_GRIDS', () => {
  it('has a grid for each of the nine models with the paper sizes', () => {
    expect(Object.keys(PAPER_GRIDS).sort()).toEqual([...MODEL_NAMES].sort());
    const sizes = Object.fromEntries(MODEL_NAMES.map((m) => [m, expandGrid(PAPER_GRIDS[m]).length]));
    expect(sizes).toEqual({
      LogisticRegression: 3,
      DecisionTree: 4,
      RandomForest: 3,
      SVC: 6,
      KNN: 3,
      GradientBoosting: 3,
      AdaBoost: 3,
      XGBoost: 9,
      MLP: 4,
    });
  });
});
