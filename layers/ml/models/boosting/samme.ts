import type { TreeNodes } from '../tree/nodes.ts';

/** The class each leaf votes for: argmax of its class distribution, ties to the lowest index (as numpy). */
export function leafClasses(tree: TreeNodes): Int32Array {
  const { nodeCount, valueWidth: k, value, feature } = tree;
  const out = new Int32Array(nodeCount);
  for (let node = 0; node < nodeCount; node++) {
    if (feature[node] >= 0) continue;
    let best = 0;
    for (let c = 1; c < k; c++) if (value[node * k + c] > value[node * k + best]) best = c;
    out[node] = best;
  }
  return out;
}

/**
 * SAMME weight of a weak learner with weighted error `err` among K classes:
 * learning_rate · (log((1 − err)/err) + log(K − 1)).
 */
export function sammeWeight(err: number, nClasses: number, learningRate: number): number {
  return learningRate * (Math.log((1 - err) / err) + Math.log(nClasses - 1));
}

/**
 * Turns the summed votes of one row (`votes[from..from+K)`, each learner adding its weight to the class
 * it predicts) into scikit-learn's SAMME probabilities, in place: the decision is the votes over the total
 * weight; two classes use softmax([−d/2, d/2]) of d = decision₁ − decision₀, more use
 * softmax(decision / (K − 1)).
 */
export function votesToProba(votes: Float64Array, from: number, nClasses: number, totalWeight: number): void {
  if (nClasses === 2) {
    const d = -(votes[from] / totalWeight) + votes[from + 1] / totalWeight;
    const half = d / 2;
    const max = Math.abs(half);
    const e0 = Math.exp(-half - max);
    const e1 = Math.exp(half - max);
    const s = e0 + e1;
    votes[from] = e0 / s;
    votes[from + 1] = e1 / s;
    return;
  }
  const scale = 1 / (nClasses - 1);
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < nClasses; c++) {
    const v = (votes[from + c] / totalWeight) * scale;
    votes[from + c] = v;
    if (v > max) max = v;
  }
  let s = 0;
  for (let c = 0; c < nClasses; c++) {
    const e = Math.exp(votes[from + c] - max);
    votes[from + c] = e;
    s += e;
  }
  for (let c = 0; c < nClasses; c++) votes[from + c] /= s;
}
