import type { LabelledMatrix } from '../../../../layers/ml/data/matrix.ts';
import type { BoostedTree } from '../../../../layers/ml/models/xgboost/boosted-tree.ts';
import type { XGBoost, XGBoostParams } from '../../../../layers/ml/models/xgboost.ts';
import { xgboostSpec } from '../../../../layers/ml/models/xgboost.ts';

export function fitXGBoost(params: Partial<XGBoostParams>, data: LabelledMatrix, seed = 42): XGBoost {
  const model = xgboostSpec.create(params as XGBoostParams, seed) as XGBoost;
  model.fit(data);
  return model;
}

export function rowAt(
  m: { nRows: number; nFeatures: number; values: Float64Array },
  i: number,
): Float64Array {
  const row = new Float64Array(m.nFeatures);
  for (let j = 0; j < m.nFeatures; j++) row[j] = m.values[j * m.nRows + i];
  return row;
}

/** The tree's output for one row, walked independently of the model's packed predictor (left iff x < t). */
export function treeOutput(tree: BoostedTree, row: Float64Array): number {
  let node = 0;
  while (tree.feature[node] >= 0) {
    node = row[tree.feature[node]] < tree.threshold[node] ? tree.left[node] : tree.right[node];
  }
  return tree.value[node];
}

/** (feature, threshold) of every split in depth-first, left-first order — the order of xgboost's dumps. */
export function splitsInOrder(tree: BoostedTree): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const walk = (node: number): void => {
    if (tree.feature[node] < 0) return;
    out.push([tree.feature[node], tree.threshold[node]]);
    walk(tree.left[node]);
    walk(tree.right[node]);
  };
  walk(0);
  return out;
}
