import { describe, expect, it } from 'vitest';
import { accuracyOn } from '../../../support/check.ts';
import { cars, penguins, referenceSplits } from '../../../support/datasets.ts';
import { fitXGBoost, splitsInOrder } from './helpers.ts';

// Test accuracy of xgboost 1.7.4's XGBClassifier(tree_method='hist', n_jobs=1, random_state=42) on the
// same matrices, for n_estimators × learning_rate:
//   npx tsx test/reference/export.ts && for d in penguins seattle-weather cars; do /usr/bin/python3
//   test/reference/sklearn_models.py /tmp/synergy-ref/$d '[{"model":"XGBoost","params":{"n_estimators":50,
//   "learning_rate":0.01}},{"model":"XGBoost","params":{"n_estimators":50,"learning_rate":0.1}}, … (all nine
//   pairs of n_estimators 50/100/150 × learning_rate 0.01/0.1/0.2, in that order)]'; done
const xgboostAccuracy: Record<keyof typeof referenceSplits, number[]> = {
  penguins: [
    0.9565217391304348, 0.9710144927536232, 0.9710144927536232, 0.9565217391304348, 0.9710144927536232,
    0.9710144927536232, 0.9565217391304348, 0.9710144927536232, 0.9710144927536232,
  ],
  'seattle-weather': [
    0.8424657534246576, 0.8458904109589042, 0.8253424657534246, 0.8527397260273972, 0.8253424657534246,
    0.8287671232876712, 0.8493150684931506, 0.8287671232876712, 0.8116438356164384,
  ],
  cars: [
    0.759493670886076, 0.7341772151898734, 0.7468354430379747, 0.7848101265822784, 0.759493670886076,
    0.7468354430379747, 0.7848101265822784, 0.759493670886076, 0.759493670886076,
  ],
};
const grid = [50, 100, 150].flatMap((n) => [0.01, 0.1, 0.2].map((lr) => [n, lr] as const));

describe('XGBoost accuracy against the xgboost library (hist)', () => {
  for (const [name, expected] of Object.entries(xgboostAccuracy)) {
    const split = referenceSplits[name as keyof typeof referenceSplits]();
    it.each(grid.map(([n, lr], k) => ({ n, lr, theirs: expected[k] })))(
      `${name}: n_estimators=$n learning_rate=$lr within 2 points of xgboost ($theirs)`,
      ({ n, lr, theirs }) => {
        const model = fitXGBoost({ n_estimators: n, learning_rate: lr }, split.train);
        expect(Math.abs(accuracyOn(model, split.test) - theirs)).toBeLessThanOrEqual(0.02);
      },
    );
  }
});

describe('XGBoost follows the library closely, not just in accuracy', () => {
  // /usr/bin/python3 -c "import numpy as np, xgboost as xgb; t=np.loadtxt('/tmp/synergy-ref/penguins/train.csv',
  //   delimiter=','); s=np.loadtxt('/tmp/synergy-ref/penguins/test.csv',delimiter=',');
  //   m=xgb.XGBClassifier(n_estimators=100,learning_rate=0.1,tree_method='hist',n_jobs=1,random_state=42)
  //   .fit(t[:,:-1],t[:,-1].astype(int)); print(m.predict_proba(s[:3,:-1]).tolist(), m.feature_importances_.tolist())"
  // (xgboost computes in float32, hence the tolerances.)
  const theirProba = [
    [0.9978761672973633, 0.0014456360368058085, 0.0006781726842746139],
    [0.9466280341148376, 0.05042421072721481, 0.0029477125499397516],
    [0.029606183990836143, 0.9620456695556641, 0.00834819208830595],
  ];
  const theirImportances = [
    0.20169244706630707, 0.07610563933849335, 0.6735512018203735, 0.04865073040127754,
  ];

  it('penguins: same probabilities and gain importances as xgboost', () => {
    const split = penguins();
    const model = fitXGBoost({ n_estimators: 100, learning_rate: 0.1 }, split.train);
    const proba = model.predictProba(split.test);
    theirProba.forEach((row, i) => {
      row.forEach((p, c) => {
        expect(Math.abs(proba[i * 3 + c] - p)).toBeLessThan(1e-5);
      });
    });
    const importances = model.featureImportances();
    theirImportances.forEach((v, j) => {
      expect(Math.abs(importances[j] - v)).toBeLessThan(1e-4);
    });
  });

  it('cars: the same splits as xgboost, where its quantile pruning decides the cut points', () => {
    // Weight_in_lbs (feature 4) has more distinct values than max_bin, so its cuts come from the pruned
    // summary (the last split below). Tree 1 = class 1's tree of the first round:
    // /usr/bin/python3 -c "import numpy as np, xgboost as xgb, json; t=np.loadtxt('/tmp/synergy-ref/cars/train.csv',
    //   delimiter=','); m=xgb.XGBClassifier(n_estimators=100,learning_rate=0.1,tree_method='hist',n_jobs=1,
    //   random_state=42).fit(t[:,:-1],t[:,-1].astype(int)); print(m.get_booster().get_dump(dump_format='json')[1])"
    // → splits in depth-first order (feature, split_condition):
    const theirs: Array<[number, number]> = [
      [2, -0.673940122],
      [5, 1.36994827],
      [2, -0.895084858],
      [5, 0.155841887],
      [3, -0.614006341],
      [0, 1.07296252],
      [0, 0.45956111],
      [3, -0.280041397],
      [3, -0.691075206],
      [2, -0.808549941],
      [2, -1.06815469],
      [2, -0.193190634],
      [1, -0.247983247],
      [4, -0.00889371987],
    ];
    const split = cars();
    const ours = splitsInOrder(fitXGBoost({ n_estimators: 100, learning_rate: 0.1 }, split.train).trees[1]);
    expect(ours.map(([f]) => f)).toEqual(theirs.map(([f]) => f));
    ours.forEach(([, t], k) => {
      expect(Math.abs(t - theirs[k][1])).toBeLessThan(1e-6);
    });
  });
});
