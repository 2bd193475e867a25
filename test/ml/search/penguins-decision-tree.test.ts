import { describe, expect, it } from 'vitest';
import { decisionTreeSpec } from '../../../layers/ml/models/decision-tree.ts';
import { gridSearch } from '../../../layers/ml/search/grid-search.ts';
import { PAPER_GRIDS } from '../../../layers/ml/search/paper-grids.ts';
import { penguins } from '../../support/datasets.ts';

describe('gridSearch with the real DecisionTree on penguins', () => {
  it('chooses a depth and CV accuracy in the range scikit-learn GridSearchCV gives on the same matrix', () => {
    // Our stratified folds cannot equal scikit-learn's shuffled ones (different RNG), so this compares
    // against the spread of GridSearchCV over 50 fold seeds on the same training matrix:
    //   npx tsx test/reference/export.ts && /usr/bin/python3 -c "
    //   import numpy as np, collections
    //   from sklearn.model_selection import GridSearchCV, StratifiedKFold
    //   from sklearn.tree import DecisionTreeClassifier
    //   tr=np.loadtxt('/tmp/synergy-ref/penguins/train.csv',delimiter=',',ndmin=2); X,y=tr[:,:-1],tr[:,-1].astype(int)
    //   c=collections.Counter(); s=[]
    //   for rs in range(50):
    //     g=GridSearchCV(DecisionTreeClassifier(random_state=42),{'max_depth':[3,5,7,10]},
    //                    cv=StratifiedKFold(5,shuffle=True,random_state=rs)).fit(X,y)
    //     c[g.best_params_['max_depth']]+=1; s.append(g.best_score_)
    //   print(c, min(s), max(s))"
    // → Counter({5: 45, 7: 5}) 0.9559 0.9780; depth 3 never won (its mean was always below the best).
    const { train } = penguins();
    const search = gridSearch(decisionTreeSpec, PAPER_GRIDS.DecisionTree, train, { folds: 5, seed: 42 });
    expect(search.results.map((r) => r.params.max_depth)).toEqual([3, 5, 7, 10]);
    expect([5, 7]).toContain(search.bestParams.max_depth);
    expect(search.bestScore).toBeGreaterThanOrEqual(0.94);
    expect(search.bestScore).toBeLessThanOrEqual(0.99);
    expect(search.results[0].meanScore).toBeLessThan(search.bestScore);
  });

  it('matches GridSearchCV fold by fold when both use unshuffled StratifiedKFold (identical folds)', () => {
    // Unshuffled stratifiedKFold equals scikit-learn's folds exactly, so only the trees can differ:
    //   npx tsx test/reference/export.ts && /usr/bin/python3 -c "
    //   import numpy as np
    //   from sklearn.model_selection import GridSearchCV, StratifiedKFold
    //   from sklearn.tree import DecisionTreeClassifier
    //   tr=np.loadtxt('/tmp/synergy-ref/penguins/train.csv',delimiter=',',ndmin=2); X,y=tr[:,:-1],tr[:,-1].astype(int)
    //   g=GridSearchCV(DecisionTreeClassifier(random_state=42),{'max_depth':[3,5,7,10]},cv=StratifiedKFold(5)).fit(X,y)
    //   r=g.cv_results_; print(g.best_params_, list(r['rank_test_score']))
    //   [print([round(r['split%d_test_score'%k][i],4) for k in range(5)]) for i in range(4)]"
    // → {'max_depth': 5} [4, 1, 1, 1]
    const sklearnFoldScores = [
      [0.9818, 0.9273, 0.9455, 0.963, 0.963],
      [0.9818, 0.9636, 0.9636, 0.9815, 0.963],
      [0.9818, 0.9636, 0.9636, 0.9815, 0.963],
      [0.9818, 0.9636, 0.9636, 0.9815, 0.963],
    ];
    const { train } = penguins();
    const search = gridSearch(decisionTreeSpec, PAPER_GRIDS.DecisionTree, train, {
      folds: 5,
      shuffle: false,
    });
    expect(search.bestParams).toEqual({ max_depth: 5 });
    expect(search.results.map((r) => r.rank)).toEqual([4, 1, 1, 1]);
    // Validation folds hold 54–55 rows; allow one row of difference per fold (tree tie-breaking).
    search.results.forEach((r, i) => {
      r.foldScores.forEach((score, k) => {
        expect(Math.abs(score - sklearnFoldScores[i][k])).toBeLessThanOrEqual(1 / 54 + 1e-4);
      });
    });
  });
});
